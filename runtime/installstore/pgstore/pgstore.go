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
}

var _ installstore.Store = (*Store)(nil)

// New returns a store that uses pool, after migrating the schema. Closing
// the pool stays the caller's job.
func New(ctx context.Context, pool *pgxpool.Pool) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgstore: nil pool")
	}
	s := &Store{pool: pool, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string, as pgxpool.ParseConfig accepts) and migrates the
// schema. Close closes the pool.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors redact the password.
		return nil, fmt.Errorf("pgstore: parsing the database URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: connecting: %w", err)
	}
	s, err := New(ctx, pool)
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

// Save appends inst to the history.
func (s *Store) Save(ctx context.Context, inst *installstore.Installation) error {
	if inst == nil {
		return errors.New("pgstore: Save: installation is nil")
	}
	rec := core.Stamp(inst, s.now())
	if _, err := s.pool.Exec(ctx, insertSQL, sqlcols.Values(rec, timeCodec{})...); err != nil {
		return fmt.Errorf("pgstore: saving an installation: %w", err)
	}
	return nil
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
// the rows left without a token.
func (s *Store) DeleteBot(ctx context.Context, q installstore.Query) error {
	return s.clear(ctx, "deleting a bot", "UPDATE "+table+" SET "+sqlcols.BotClear+" WHERE workspace = $1", q.WorkspaceKey())
}

// DeleteInstallation clears the user part of q.UserID's rows (every user's
// when empty) and drops the rows left without a token.
func (s *Store) DeleteInstallation(ctx context.Context, q installstore.Query) error {
	if q.UserID == "" {
		return s.clear(ctx, "deleting installations", "UPDATE "+table+" SET "+sqlcols.UserClear+" WHERE workspace = $1", q.WorkspaceKey())
	}
	return s.clear(ctx, "deleting an installation", "UPDATE "+table+" SET "+sqlcols.UserClear+" WHERE workspace = $1 AND user_id = $2", q.WorkspaceKey(), q.UserID)
}

func (s *Store) clear(ctx context.Context, what, update string, args ...any) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, update, args...); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE workspace = $1 AND "+sqlcols.Dead, args[0])
		return err
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

// Update locks q's workspace with pg_advisory_xact_lock, re-reads the
// latest state in the transaction, runs fn and writes its result before
// committing (which releases the lock). Replicas that Update the same
// workspace queue on the lock; other workspaces are not affected.
func (s *Store) Update(ctx context.Context, q installstore.Query, fn func(*installstore.Installation) (*installstore.Installation, error)) error {
	var fnErr error
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || $1, 0))", lockKey(q)); err != nil {
			return fmt.Errorf("waiting for the workspace lock: %w", err)
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
		_, err = tx.Exec(ctx, insertSQL, sqlcols.Values(rec, timeCodec{})...)
		return err
	})
	switch {
	case fnErr != nil:
		return fnErr
	case err != nil:
		return fmt.Errorf("pgstore: updating an installation: %w", err)
	}
	return nil
}
