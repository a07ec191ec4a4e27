// Package pgstore is an installstore.Store in PostgreSQL (through pgx v5's
// pgxpool), for apps that run several replicas.
//
// New migrates the schema (tables slackgen_installations and
// slackgen_installations_schema_version, in the connection's search_path)
// under an advisory lock, so replicas may start together. Update takes a
// transaction-scoped advisory lock on the workspace
// (pg_advisory_xact_lock), re-reads the latest row inside the transaction
// and writes before committing: two replicas never both spend one refresh
// token.
//
// The same transaction that writes a row deletes the rows of its workspace
// that no lookup can return any more, keeping the
// installstore.DefaultHistory most recent ones for auditing (WithHistory
// changes how many): a workspace keeps at most 3 rows per user id (the empty
// one included) plus those, however many Saves and token rotations it has
// seen. A Save or Update looks only at the rows of its user and the most
// recent ones of the workspace, through the indexes, so its cost does not
// grow with the history. Save, Update, DeleteBot and DeleteInstallation all
// hold the workspace's advisory lock, so replicas writing one workspace
// prune one after the other, each seeing the rows the previous one committed
// (a Save waits for an Update of its workspace that is refreshing a token);
// a transaction never sees, so never deletes, a row that another has not
// committed. Rows written by an older version are pruned user by user as
// they are written again, and all of a workspace's by DeleteBot and
// DeleteInstallation.
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	if err != nil { ... }
//	store, err := pgstore.New(ctx, pool)
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/internal/core"
	"github.com/slackgen/slackgen/runtime/installstore/internal/sqlcols"
)

// Store is an installation store in PostgreSQL. It is safe for concurrent
// use by multiple goroutines and by several processes sharing the database.
type Store struct {
	pool    *pgxpool.Pool
	ownPool bool
	now     func() time.Time
	recent  int // rows kept besides those lookups need
}

var _ installstore.Store = (*Store)(nil)

// Option configures a Store made by New or Open.
type Option func(*Store)

// WithHistory sets how many of each workspace's most recent rows are kept
// besides those that lookups need (installstore.DefaultHistory when not
// given). 0 keeps only what lookups need; a negative n counts as 0.
// Replicas sharing a database should use the same value: each prunes with
// its own (lookups never depend on it).
func WithHistory(n int) Option { return func(s *Store) { s.recent = max(n, 0) } }

// New returns a store that uses pool, after migrating the schema. Closing
// the pool stays the caller's job.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgstore: nil pool")
	}
	s := &Store{pool: pool, now: time.Now, recent: installstore.DefaultHistory}
	for _, o := range opts {
		o(s)
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string, as pgxpool.ParseConfig accepts) and migrates the
// schema. Close closes the pool.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors redact the password.
		return nil, fmt.Errorf("pgstore: parsing the database URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connecting: %w", err)
	}
	s, err := New(ctx, pool, opts...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.ownPool = true
	return s, nil
}

// Close closes the pool when the store was made by Open; with New it does
// nothing.
func (s *Store) Close() {
	if s.ownPool {
		s.pool.Close()
	}
}

// timeCodec stores times as timestamptz (microsecond precision), NULL for
// the zero time.
type timeCodec struct{}

func (timeCodec) Encode(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func (timeCodec) Dest() any { return new(*time.Time) }

func (timeCodec) Decode(dest any) time.Time {
	p := *dest.(**time.Time)
	if p == nil {
		return time.Time{}
	}
	return p.UTC()
}

type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const table = "slackgen_installations"

var (
	insertSQL = "INSERT INTO " + table + " (" + sqlcols.List + ") VALUES (" + placeholders(len(sqlcols.Columns)) + ")"
	botSQL    = "SELECT " + sqlcols.List + " FROM " + table + " WHERE workspace = $1 AND bot_token <> '' ORDER BY installed_at DESC, id DESC LIMIT 1"
	anySQL    = "SELECT " + sqlcols.List + " FROM " + table + " WHERE workspace = $1 ORDER BY installed_at DESC, id DESC LIMIT 1"
	userSQL   = "SELECT " + sqlcols.List + " FROM " + table + " WHERE workspace = $1 AND user_id = $2 ORDER BY installed_at DESC, id DESC LIMIT 1"
)

func placeholders(n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "$" + strconv.Itoa(i+1)
	}
	return strings.Join(p, ", ")
}

func one(ctx context.Context, db querier, query string, args ...any) (*installstore.Installation, error) {
	inst, err := sqlcols.Scan(db.QueryRow(ctx, query, args...).Scan, timeCodec{})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: reading installations: %w", err)
	}
	return inst, nil
}

// find returns FindInstallation's result (nil when missing) and the latest
// bot row.
func find(ctx context.Context, db querier, q installstore.Query) (cur, bot *installstore.Installation, err error) {
	ws := q.WorkspaceKey()
	var row *installstore.Installation
	if q.UserID == "" {
		row, err = one(ctx, db, anySQL, ws)
	} else {
		row, err = one(ctx, db, userSQL, ws, q.UserID)
	}
	if err != nil || row == nil {
		return nil, nil, err
	}
	if bot, err = one(ctx, db, botSQL, ws); err != nil {
		return nil, nil, err
	}
	return core.Combine(row, bot), bot, nil
}

// Save adds inst to the history and, in the same transaction and holding
// the workspace's advisory lock, deletes the rows it made unneeded.
func (s *Store) Save(ctx context.Context, inst *installstore.Installation) error {
	if inst == nil {
		return errors.New("pgstore: Save: installation is nil")
	}
	rec := core.Stamp(inst, s.now())
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockWorkspace(ctx, tx, installstore.Key(rec)); err != nil {
			return err
		}
		return s.insert(ctx, tx, rec)
	})
	if err != nil {
		return fmt.Errorf("pgstore: saving an installation: %w", err)
	}
	return nil
}

// insert adds rec inside tx, which holds the workspace's lock, and prunes
// what it made unneeded.
func (s *Store) insert(ctx context.Context, tx pgx.Tx, rec *installstore.Installation) error {
	if _, err := tx.Exec(ctx, insertSQL, sqlcols.Values(rec, timeCodec{})...); err != nil {
		return err
	}
	return s.prune(ctx, tx, installstore.Key(rec).WorkspaceKey(), &rec.UserID)
}

// FindBot returns the latest bot installation of q's workspace.
func (s *Store) FindBot(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	bot, err := one(ctx, s.pool, botSQL, q.WorkspaceKey())
	if err != nil {
		return nil, err
	}
	if bot == nil {
		return nil, installstore.ErrNotFound
	}
	return core.BotResult(bot), nil
}

// FindInstallation returns the latest installation for q with the
// workspace's latest bot token (read after the installation, so it is never
// older than it).
func (s *Store) FindInstallation(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	cur, _, err := find(ctx, s.pool, q)
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
	return s.clear(ctx, q, "deleting a bot", "UPDATE "+table+" SET "+sqlcols.BotClear+" WHERE workspace = $1", q.WorkspaceKey())
}

// DeleteInstallation clears the user part of q.UserID's rows (every user's
// when empty) and drops the rows left without a token, or no longer needed.
func (s *Store) DeleteInstallation(ctx context.Context, q installstore.Query) error {
	if q.UserID == "" {
		return s.clear(ctx, q, "deleting installations", "UPDATE "+table+" SET "+sqlcols.UserClear+" WHERE workspace = $1", q.WorkspaceKey())
	}
	return s.clear(ctx, q, "deleting an installation", "UPDATE "+table+" SET "+sqlcols.UserClear+" WHERE workspace = $1 AND user_id = $2", q.WorkspaceKey(), q.UserID)
}

// clear runs update (whose $1 is q's workspace key) holding the
// workspace's lock, then drops the rows left without a token and prunes
// the workspace.
func (s *Store) clear(ctx context.Context, q installstore.Query, what, update string, args ...any) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockWorkspace(ctx, tx, q); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, update, args...); err != nil {
			return err
		}
		ws := q.WorkspaceKey()
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE workspace = $1 AND "+sqlcols.Dead, ws); err != nil {
			return err
		}
		return s.prune(ctx, tx, ws, nil)
	})
	if err != nil {
		return fmt.Errorf("pgstore: %s: %w", what, err)
	}
	return nil
}

// DeleteAll removes every row of q's workspace.
func (s *Store) DeleteAll(ctx context.Context, q installstore.Query) error {
	if _, err := s.pool.Exec(ctx, "DELETE FROM "+table+" WHERE workspace = $1", q.WorkspaceKey()); err != nil {
		return fmt.Errorf("pgstore: deleting a workspace: %w", err)
	}
	return nil
}

// lockKey names the advisory lock of a workspace.
func lockKey(q installstore.Query) string { return table + ":" + q.WorkspaceKey() }

// lockWorkspace takes q's workspace's advisory lock for the rest of tx.
func lockWorkspace(ctx context.Context, tx pgx.Tx, q installstore.Query) error {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || $1, 0))", lockKey(q)); err != nil {
		return fmt.Errorf("waiting for the workspace lock: %w", err)
	}
	return nil
}

// Update locks q's workspace with pg_advisory_xact_lock, re-reads the
// latest state in the transaction, runs fn and writes its result before
// committing (which releases the lock). Replicas that Update the same
// workspace queue on the lock; other workspaces are not affected. Its row
// is pruned like Save's.
func (s *Store) Update(ctx context.Context, q installstore.Query, fn func(*installstore.Installation) (*installstore.Installation, error)) error {
	var fnErr error
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockWorkspace(ctx, tx, q); err != nil {
			return err
		}
		cur, bot, err := find(ctx, tx, q)
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
	switch {
	case fnErr != nil:
		return fnErr
	case err != nil:
		return fmt.Errorf("pgstore: updating an installation: %w", err)
	}
	return nil
}
