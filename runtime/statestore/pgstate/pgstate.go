// Package pgstate is a statestore.Store kept in PostgreSQL, with pgx v5.
//
// A state is a row with its expiry. Consume is a single
// DELETE … WHERE state = $1 RETURNING expires_at, so of any number of
// concurrent consumers on any number of replicas exactly one gets the row:
// states are strictly single-use across replicas. Expired rows are purged on
// Issue at most once a minute per process, and on demand with Purge. The table
// is created when the store is opened (under an advisory lock, so replicas
// starting together do not race).
package pgstate

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/slackgen/slackgen/runtime/statestore"
)

// Table is the name of the table the store creates and uses, in the
// connection's search_path.
const Table = "slackgen_oauth_states"

// migrationLock is the pg_advisory_xact_lock key serializing migrations.
const migrationLock int64 = 0x736c61636b737431 // "slackst1"

const purgeEvery = time.Minute

const migration = `
CREATE TABLE IF NOT EXISTS ` + Table + ` (
	state      text        NOT NULL PRIMARY KEY,
	expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ` + Table + `_expires_at ON ` + Table + ` (expires_at);`

// Store is a PostgreSQL-backed state store. It is safe for concurrent use.
type Store struct {
	pool  *pgxpool.Pool
	opts  statestore.Options
	owned bool // Open created pool, so Close closes it

	mu        sync.Mutex
	nextPurge time.Time
}

var _ statestore.Store = (*Store)(nil)

// New returns a store using pool and creates its table if missing. Close does
// not close pool.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...statestore.Option) (*Store, error) {
	o, err := statestore.NewOptions(opts...)
	if err != nil {
		return nil, err
	}
	if pool == nil {
		return nil, errors.New("pgstate: nil *pgxpool.Pool")
	}
	if err := migrate(ctx, pool); err != nil {
		return nil, err
	}
	return &Store{pool: pool, opts: o}, nil
}

// Open connects to the database at url (a postgres:// URL or key=value
// string, typically DATABASE_URL) and returns a store on it. Close closes the
// connection pool.
func Open(ctx context.Context, url string, opts ...statestore.Option) (*Store, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("pgstate: invalid database URL (check DATABASE_URL): %w", err)
	}
	s, err := New(ctx, pool, opts...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, migration)
		return err
	})
	if err != nil {
		return fmt.Errorf("pgstate: creating table %s (is the database reachable, and may this user create tables?): %w", Table, err)
	}
	return nil
}

// Close closes the pool if Open created it.
func (s *Store) Close() {
	if s.owned {
		s.pool.Close()
	}
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
	if _, err := s.pool.Exec(ctx,
		`INSERT INTO `+Table+` (state, expires_at) VALUES ($1, $2)`,
		state, now.Add(s.opts.TTL)); err != nil {
		return "", fmt.Errorf("pgstate: storing state: %w", err)
	}
	return state, nil
}

// Consume deletes state and reports whether it was valid.
func (s *Store) Consume(ctx context.Context, state string) error {
	if !statestore.WellFormed(state) {
		return statestore.ErrInvalid
	}
	var exp time.Time
	err := s.pool.QueryRow(ctx,
		`DELETE FROM `+Table+` WHERE state = $1 RETURNING expires_at`, state).Scan(&exp)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return statestore.ErrInvalid
	case err != nil:
		return fmt.Errorf("pgstate: consuming state: %w", err)
	case !s.opts.Now().Before(exp):
		return statestore.ErrExpired
	}
	return nil
}

// Purge deletes expired states and returns how many it deleted.
func (s *Store) Purge(ctx context.Context) (int64, error) {
	return s.purge(ctx, s.opts.Now())
}

func (s *Store) purge(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM `+Table+` WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("pgstate: purging expired states: %w", err)
	}
	return tag.RowsAffected(), nil
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
