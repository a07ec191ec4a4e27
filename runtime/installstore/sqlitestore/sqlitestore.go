// Package sqlitestore is the default installstore.Store: a SQLite file,
// through the pure-Go modernc.org/sqlite driver (no cgo).
//
// Open creates the file (mode 0600) and its directory (mode 0700) when
// missing, turns on WAL mode and a busy timeout, and migrates the schema (a
// schema_version table records what has been applied). Every Save is a new
// row; lookups use indexes on the workspace key, so they stay flat as the
// table grows.
//
// The same transaction that writes a row deletes the rows of its workspace
// that no lookup can return any more, keeping the
// installstore.DefaultHistory most recent ones for auditing (WithHistory
// changes how many): a workspace keeps at most 3 rows per user id (the empty
// one included) plus those, however many Saves and token rotations it has
// seen. A Save or Update looks only at the rows of its user and the most
// recent ones of the workspace, through the indexes, so its cost does not
// grow with the history. Rows written by an older version are pruned user by
// user as they are written again, and all of a workspace's by DeleteBot and
// DeleteInstallation.
//
// Several processes may share one file on a local disk: writes run in
// BEGIN IMMEDIATE transactions, so Update serializes across processes as
// well as across goroutines. For several hosts use pgstore.
//
//	store, err := sqlitestore.Open("data/installations.db")
//	if err != nil { ... }
//	defer store.Close()
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/internal/core"
	"github.com/slackgen/slackgen/runtime/installstore/internal/sqlcols"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// BusyTimeout is how long a write waits for another process's write
// transaction before failing with SQLITE_BUSY.
const BusyTimeout = 10 * time.Second

// MaxConns is how many connections a Store opens to its database at most,
// all kept open while idle. Reads run in parallel (WAL) and writes one at
// a time, so more connections than CPUs would not make lookups faster.
const MaxConns = 8

// Store is an installation store in a SQLite file. It is safe for concurrent
// use by multiple goroutines and by several processes opening the same file.
type Store struct {
	db *sql.DB
	// write serializes this process's write transactions, so goroutines
	// queue here instead of polling SQLite's busy handler; other processes
	// are kept out by BEGIN IMMEDIATE and the busy timeout.
	write chan struct{}
	now   func() time.Time
	// stmts holds the lookups and the retention queries, prepared once
	// (parsing costs more than the indexed search itself).
	stmts map[string]*sql.Stmt
	// recent is the number of rows kept besides those lookups need.
	recent int
}

var _ installstore.Store = (*Store)(nil)

// Option configures a Store made by Open.
type Option func(*Store)

// WithHistory sets how many of each workspace's most recent rows are kept
// besides those that lookups need (installstore.DefaultHistory when not
// given). 0 keeps only what lookups need; a negative n counts as 0.
func WithHistory(n int) Option { return func(s *Store) { s.recent = max(n, 0) } }

// Open opens (creating when missing) the SQLite database at path and
// migrates its schema.
func Open(path string, opts ...Option) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlitestore: empty database path; pass a file path such as data/installations.db")
	}
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlitestore: database path %q must be a plain file path, without '?', '#' or a file: prefix", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlitestore: creating the database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: opening the database file (check its permissions): %w", err)
	}
	f.Close()

	params := url.Values{}
	params.Set("_txlock", "immediate")
	params.Set("_busy_timeout", fmt.Sprint(BusyTimeout.Milliseconds()))
	params.Set("_journal_mode", "WAL")
	params.Set("_foreign_keys", "1")
	db, err := sql.Open("sqlite", path+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: %w", err)
	}
	// database/sql's default keeps two idle connections of however many a
	// burst opened: with more lookups at once (an app's authorization
	// cache expiring for many workspaces together), each lookup past two
	// opened a connection, prepared its statement anew, and closed it.
	// Opening one costs more than a hundred lookups (callgrind: ~650k
	// instructions). MaxConns connections stay open instead, and a burst
	// beyond them waits its turn (a lookup takes ~20 µs).
	db.SetMaxOpenConns(MaxConns)
	db.SetMaxIdleConns(MaxConns)
	s := &Store{db: db, write: make(chan struct{}, 1), now: time.Now, recent: installstore.DefaultHistory}
	for _, o := range opts {
		o(s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*BusyTimeout)
	defer cancel()
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.stmts = make(map[string]*sql.Stmt)
	for _, q := range []string{botSQL, anySQL, userSQL, userEntriesSQL, recentEntriesSQL, allEntriesSQL, deleteRowSQL} {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("sqlitestore: preparing a query: %w", err)
		}
		s.stmts[q] = st
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// timeCodec stores times as INTEGER nanoseconds since the Unix epoch (UTC).
type timeCodec struct{}

func (timeCodec) Encode(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

func (timeCodec) Dest() any { return new(sql.NullInt64) }

func (timeCodec) Decode(dest any) time.Time {
	n := dest.(*sql.NullInt64)
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// reader runs the prepared lookups, inside tx when it is not nil.
type reader struct {
	s  *Store
	tx *sql.Tx
}

var (
	insertSQL = "INSERT INTO installations (" + sqlcols.List + ") VALUES (?" + strings.Repeat(", ?", len(sqlcols.Columns)-1) + ")"
	botSQL    = "SELECT " + sqlcols.List + " FROM installations WHERE workspace = ? AND bot_token <> '' ORDER BY installed_at DESC, id DESC LIMIT 1"
	anySQL    = "SELECT " + sqlcols.List + " FROM installations WHERE workspace = ? ORDER BY installed_at DESC, id DESC LIMIT 1"
	userSQL   = "SELECT " + sqlcols.List + " FROM installations WHERE workspace = ? AND user_id = ? ORDER BY installed_at DESC, id DESC LIMIT 1"
)

func (r reader) one(ctx context.Context, query string, args ...any) (*installstore.Installation, error) {
	st := r.s.stmts[query]
	if r.tx != nil {
		st = r.tx.StmtContext(ctx, st)
		defer st.Close()
	}
	inst, err := sqlcols.Scan(st.QueryRowContext(ctx, args...).Scan, timeCodec{})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: reading installations: %w", err)
	}
	return inst, nil
}

// find returns FindInstallation's result (nil when missing) and the latest
// bot row.
func (r reader) find(ctx context.Context, q installstore.Query) (cur, bot *installstore.Installation, err error) {
	ws := q.WorkspaceKey()
	var row *installstore.Installation
	if q.UserID == "" {
		row, err = r.one(ctx, anySQL, ws)
	} else {
		row, err = r.one(ctx, userSQL, ws, q.UserID)
	}
	if err != nil || row == nil {
		return nil, nil, err
	}
	if bot, err = r.one(ctx, botSQL, ws); err != nil {
		return nil, nil, err
	}
	return core.Combine(row, bot), bot, nil
}

// Save adds inst to the history and, in the same transaction, deletes the
// rows it made unneeded.
func (s *Store) Save(ctx context.Context, inst *installstore.Installation) error {
	if inst == nil {
		return errors.New("sqlitestore: Save: installation is nil")
	}
	rec := core.Stamp(inst, s.now())
	return s.inTx(ctx, "saving an installation", func(tx *sql.Tx) error {
		return s.insert(ctx, tx, rec)
	})
}

// insert adds rec inside tx and prunes what it made unneeded.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, rec *installstore.Installation) error {
	if _, err := tx.ExecContext(ctx, insertSQL, sqlcols.Values(rec, timeCodec{})...); err != nil {
		return err
	}
	return s.prune(ctx, tx, installstore.Key(rec).WorkspaceKey(), &rec.UserID)
}

// FindBot returns the latest bot installation of q's workspace.
func (s *Store) FindBot(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	bot, err := reader{s: s}.one(ctx, botSQL, q.WorkspaceKey())
	if err != nil {
		return nil, err
	}
	if bot == nil {
		return nil, installstore.ErrNotFound
	}
	return core.BotResult(bot), nil
}

// FindInstallation returns the latest installation for q with the
// workspace's latest bot token.
func (s *Store) FindInstallation(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	cur, _, err := reader{s: s}.find(ctx, q)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, installstore.ErrNotFound
	}
	return cur, nil
}

// DeleteBot clears the bot tokens of every row of q's workspace and drops
// the rows left without a token, or no longer needed.
func (s *Store) DeleteBot(ctx context.Context, q installstore.Query) error {
	return s.clear(ctx, "deleting a bot", "UPDATE installations SET "+sqlcols.BotClear+" WHERE workspace = ?", q.WorkspaceKey())
}

// DeleteInstallation clears the user part of q.UserID's rows (every user's
// when empty) and drops the rows left without a token, or no longer needed.
func (s *Store) DeleteInstallation(ctx context.Context, q installstore.Query) error {
	if q.UserID == "" {
		return s.clear(ctx, "deleting installations", "UPDATE installations SET "+sqlcols.UserClear+" WHERE workspace = ?", q.WorkspaceKey())
	}
	return s.clear(ctx, "deleting an installation", "UPDATE installations SET "+sqlcols.UserClear+" WHERE workspace = ? AND user_id = ?", q.WorkspaceKey(), q.UserID)
}

func (s *Store) clear(ctx context.Context, what, update string, args ...any) error {
	return s.inTx(ctx, what, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, update, args...); err != nil {
			return err
		}
		ws := args[0].(string)
		if _, err := tx.ExecContext(ctx, "DELETE FROM installations WHERE workspace = ? AND "+sqlcols.Dead, ws); err != nil {
			return err
		}
		return s.prune(ctx, tx, ws, nil)
	})
}

// DeleteAll removes every row of q's workspace.
func (s *Store) DeleteAll(ctx context.Context, q installstore.Query) error {
	return s.inTx(ctx, "deleting a workspace", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM installations WHERE workspace = ?", q.WorkspaceKey())
		return err
	})
}

// Update runs fn inside a BEGIN IMMEDIATE transaction: no other writer, in
// this process or another, runs until it commits. Its row is pruned like
// Save's. Keep fn short (one token
// refresh call): every write to the file waits for it.
func (s *Store) Update(ctx context.Context, q installstore.Query, fn func(*installstore.Installation) (*installstore.Installation, error)) error {
	var fnErr error
	err := s.inTx(ctx, "updating an installation", func(tx *sql.Tx) error {
		cur, bot, err := reader{s: s, tx: tx}.find(ctx, q)
		if err != nil {
			return err
		}
		rec, err := core.Apply(q, cur, bot, fn)
		if err != nil {
			fnErr = err // fn's own error, or ErrNotFound: returned as is
			return err
		}
		if rec == nil {
			return nil
		}
		return s.insert(ctx, tx, rec)
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}

// inTx runs f in a write transaction (BEGIN IMMEDIATE) and commits when f
// returns nil.
func (s *Store) inTx(ctx context.Context, what string, f func(tx *sql.Tx) error) error {
	select {
	case s.write <- struct{}{}:
		defer func() { <-s.write }()
	case <-ctx.Done():
		return fmt.Errorf("sqlitestore: %s: %w", what, ctx.Err())
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlitestore: %s: starting a transaction (another process may hold the database for longer than %v): %w", what, BusyTimeout, err)
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return fmt.Errorf("sqlitestore: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: %s: commit: %w", what, err)
	}
	return nil
}
