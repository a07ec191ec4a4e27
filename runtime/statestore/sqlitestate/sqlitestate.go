// Package sqlitestate is a statestore.Store kept in a SQLite database, with
// the pure-Go driver modernc.org/sqlite (no cgo).
//
// A state is a row with its expiry; Consume is a single
// DELETE … RETURNING, so of two concurrent consumers of one state exactly one
// gets the row. Expired rows are purged on Issue at most once a minute, and on
// demand with Purge. The table is created when the store is opened.
//
// SQLite suits a single replica (or replicas sharing one volume, which SQLite
// does not recommend); for several replicas use pgstate or redisstate.
package sqlitestate

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/slackgen/slackgen/runtime/statestore"
)

// Table is the name of the table the store creates and uses.
const Table = "slackgen_oauth_states"

const purgeEvery = time.Minute

const migration = `
CREATE TABLE IF NOT EXISTS ` + Table + ` (
	state      TEXT    NOT NULL PRIMARY KEY,
	expires_at INTEGER NOT NULL -- Unix milliseconds
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ` + Table + `_expires_at ON ` + Table + ` (expires_at);`

// Store is a SQLite-backed state store. It is safe for concurrent use.
type Store struct {
	db    *sql.DB
	opts  statestore.Options
	owned bool // Open created db, so Close closes it

	mu        sync.Mutex
	nextPurge time.Time
}

var _ statestore.Store = (*Store)(nil)

// New returns a store using db, a database opened with the "sqlite" driver of
// modernc.org/sqlite, and creates its table if missing. Set a busy timeout on
// db (DSN parameter _pragma=busy_timeout(5000)) so concurrent writers wait
// instead of failing with SQLITE_BUSY. Close does not close db.
func New(ctx context.Context, db *sql.DB, opts ...statestore.Option) (*Store, error) {
	o, err := statestore.NewOptions(opts...)
	if err != nil {
		return nil, err
	}
	if db == nil {
		return nil, errors.New("sqlitestate: nil *sql.DB")
	}
	if _, err := db.ExecContext(ctx, migration); err != nil {
		return nil, fmt.Errorf("sqlitestate: creating table %s: %w", Table, err)
	}
	return &Store{db: db, opts: o}, nil
}

// Open opens (creating if needed, with mode 0600) the SQLite database file
// at path, in WAL mode with a 5 s busy timeout, and returns a store on it.
// Close closes the database.
func Open(ctx context.Context, path string, opts ...statestore.Option) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlitestate: empty database path")
	}
	// Create the file ourselves, readable by its owner only: the driver
	// would create it with the process umask (often 0644), and apps may
	// keep their installations, tokens included, in the same file.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlitestate: opening the database file (check that its directory exists and is writable): %w", err)
	}
	f.Close()
	q := url.Values{"_pragma": {"busy_timeout(5000)", "journal_mode(WAL)", "synchronous(NORMAL)"}}
	// A "file:" URI: escape the characters SQLite's URI parser would read
	// as delimiters, so any path works.
	db, err := sql.Open("sqlite", "file:"+uriPath.Replace(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlitestate: opening %s: %w", path, err)
	}
	s, err := New(ctx, db, opts...)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%w (database file %s)", err, path)
	}
	s.owned = true
	return s, nil
}

var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// Close closes the database if Open opened it.
func (s *Store) Close() error {
	if s.owned {
		return s.db.Close()
	}
	return nil
}

// Issue stores and returns a new state (26 base32 characters, 130 bits from
// crypto/rand).
func (s *Store) Issue(ctx context.Context) (string, error) {
	now := s.opts.Now()
	if s.purgeDue(now) {
		if _, err := s.purge(ctx, now); err != nil {
			return "", err
		}
	}
	state := rand.Text()
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO `+Table+` (state, expires_at) VALUES (?, ?)`,
		state, now.Add(s.opts.TTL).UnixMilli())
	if err != nil {
		return "", fmt.Errorf("sqlitestate: storing state: %w", err)
	}
	return state, nil
}

// Consume deletes state and reports whether it was valid.
func (s *Store) Consume(ctx context.Context, state string) error {
	if !statestore.WellFormed(state) {
		return statestore.ErrInvalid
	}
	var exp int64
	err := s.db.QueryRowContext(ctx,
		`DELETE FROM `+Table+` WHERE state = ? RETURNING expires_at`, state).Scan(&exp)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return statestore.ErrInvalid
	case err != nil:
		return fmt.Errorf("sqlitestate: consuming state: %w", err)
	case !s.opts.Now().Before(time.UnixMilli(exp)):
		return statestore.ErrExpired
	}
	return nil
}

// Purge deletes expired states and returns how many it deleted.
func (s *Store) Purge(ctx context.Context) (int64, error) {
	return s.purge(ctx, s.opts.Now())
}

func (s *Store) purge(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM `+Table+` WHERE expires_at <= ?`, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("sqlitestate: purging expired states: %w", err)
	}
	return res.RowsAffected()
}

// purgeDue reports whether a purge is due, and if so schedules the next one.
func (s *Store) purgeDue(now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Before(s.nextPurge) {
		return false
	}
	s.nextPurge = now.Add(purgeEvery)
	return true
}
