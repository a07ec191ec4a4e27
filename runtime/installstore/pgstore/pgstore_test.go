package pgstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/pgstore"
	"github.com/slackgen/slackgen/runtime/installstore/storetest"
	"github.com/slackgen/slackgen/runtime/internal/pgtest"
)

func newStore(t testing.TB, cfg *pgxpool.Config, opts ...pgstore.Option) *pgstore.Store {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close) // registered after the schema's cleanup: runs first
	s, err := pgstore.New(ctx, pool, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) installstore.Store {
		return newStore(t, pgtest.Schema(t)())
	})
}

// Two pools are two replicas: their connections are different PostgreSQL
// sessions, so only the advisory lock serializes them.
func TestUpdateSerializesAcrossPools(t *testing.T) {
	cfg := pgtest.Schema(t)
	a, b := newStore(t, cfg()), newStore(t, cfg())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	storetest.RunConcurrentUpdates(ctx, t, []installstore.Store{a, b}, 8)
}

func counter(s *pgstore.Store) storetest.Counter {
	return func(ctx context.Context, q installstore.Query) (int, error) { return pgstore.Count(ctx, s, q) }
}

func TestRetention(t *testing.T) {
	storetest.RunRetention(t, func(t *testing.T, history int) (installstore.Store, storetest.Counter) {
		cfg := pgtest.Schema(t)()
		if history == installstore.DefaultHistory {
			s := newStore(t, cfg) // the default
			return s, counter(s)
		}
		s := newStore(t, cfg, pgstore.WithHistory(history))
		return s, counter(s)
	})
}

// Two pools are two replicas writing one workspace at once: each prunes in
// its own transaction under the workspace's advisory lock, never a row the
// other just wrote or a row a lookup needs.
func TestRetentionAcrossPools(t *testing.T) {
	cfg := pgtest.Schema(t)
	a, b := newStore(t, cfg(), pgstore.WithHistory(0)), newStore(t, cfg(), pgstore.WithHistory(0))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	storetest.RunConcurrentRetention(ctx, t, []installstore.Store{a, b}, counter(a), 0)
}

func TestMigrateIsIdempotentAndVersioned(t *testing.T) {
	cfg := pgtest.Schema(t)
	s := newStore(t, cfg())
	newStore(t, cfg()) // a second replica starting migrates nothing
	ctx := context.Background()
	pool, err := pgxpool.NewWithConfig(ctx, cfg())
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var rows, version int
	if err := pool.QueryRow(ctx, "SELECT COUNT(*), MAX(version) FROM slackgen_installations_schema_version").Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || version != pgstore.SchemaVersion {
		t.Errorf("schema version table has %d rows, version %d; want 1, %d", rows, version, pgstore.SchemaVersion)
	}
	if err := s.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: "xoxb-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "UPDATE slackgen_installations_schema_version SET version = version + 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := pgstore.New(ctx, pool); err == nil || !strings.Contains(err.Error(), "upgrade") {
		t.Errorf("New on a newer schema = %v, want an error telling to upgrade", err)
	}
}

func TestOpenOwnsItsPool(t *testing.T) {
	cfg := pgtest.Schema(t)
	ctx := context.Background()
	s, err := pgstore.Open(ctx, cfg().ConnString()+"&search_path="+cfg().ConnConfig.RuntimeParams["search_path"])
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: "xoxb-1"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := s.FindBot(ctx, installstore.Query{TeamID: "T1"}); err == nil {
		t.Error("FindBot after Close succeeded, want a closed-pool error")
	}
	if _, err := pgstore.Open(ctx, "postgres://user:hunter2@127.0.0.1:1/x?sslmode=disable&connect_timeout=1"); err == nil {
		t.Error("Open of an unreachable database succeeded")
	} else if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error shows the password: %v", err)
	}
}
