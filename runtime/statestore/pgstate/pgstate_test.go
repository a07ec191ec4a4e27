package pgstate_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/slackgen/slackgen/runtime/internal/pgtest"
	"github.com/slackgen/slackgen/runtime/statestore"
	"github.com/slackgen/slackgen/runtime/statestore/pgstate"
	"github.com/slackgen/slackgen/runtime/statestore/statetest"
)

// schemaPool returns a pool whose search_path is a fresh schema, dropped when
// the test ends.
func schemaPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cfg := pgtest.Schema(t)()
	cfg.MaxConns = 8
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func newStore(t *testing.T, opts ...statestore.Option) *pgstate.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := pgstate.New(ctx, schemaPool(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	pgtest.URL(t)
	statetest.Run(t, func(t *testing.T, opts ...statestore.Option) statestore.Store {
		return newStore(t, opts...)
	})
}

func TestPurgeDeletesOnlyExpired(t *testing.T) {
	ctx := context.Background()
	clock := statetest.NewClock(time.Unix(1_700_000_000, 0))
	s := newStore(t, statestore.WithClock(clock.Now), statestore.WithTTL(time.Minute))
	old, err := s.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	fresh, err := s.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(31 * time.Second)
	if n, err := s.Purge(ctx); err != nil || n != 1 {
		t.Fatalf("Purge = %d, %v; want 1 row deleted", n, err)
	}
	if err := s.Consume(ctx, old); !errors.Is(err, statestore.ErrInvalid) {
		t.Fatalf("purged state: Consume = %v, want ErrInvalid", err)
	}
	if err := s.Consume(ctx, fresh); err != nil {
		t.Fatalf("unexpired state: Consume = %v, want nil", err)
	}
}

// Two replicas (two stores on separate pools over one schema) share states,
// and one state is consumed by exactly one of them.
func TestReplicasShareStates(t *testing.T) {
	ctx := context.Background()
	pool := schemaPool(t)
	cfg := pool.Config().Copy()
	pool2, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool2.Close()
	a, err := pgstate.New(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pgstate.New(ctx, pool2) // migrates again: must be a no-op
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		state, err := a.Issue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Go(func() { errs[0] = a.Consume(ctx, state) })
		wg.Go(func() { errs[1] = b.Consume(ctx, state) })
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("replica results %v and %v: want exactly one success", errs[0], errs[1])
		}
	}
}

// Replicas starting together migrate without tripping over each other.
func TestConcurrentMigrations(t *testing.T) {
	ctx := context.Background()
	pool := schemaPool(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = pgstate.New(ctx, pool) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migration %d: %v", i, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := pgstate.Open(ctx, "postgres://user:hunter2@127.0.0.1:1/db?connect_timeout=2"); err == nil {
		t.Error("Open succeeded against a closed port")
	} else if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %v", err)
	}
	if _, err := pgstate.Open(ctx, "::not a url::"); err == nil {
		t.Error("Open accepted a malformed URL")
	}
	if _, err := pgstate.New(ctx, nil); err == nil {
		t.Error("New accepted a nil pool")
	}
}

func TestOpen(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	// Open uses the default search_path; point it at a fresh schema too.
	pool := schemaPool(t)
	schema := pool.Config().ConnConfig.RuntimeParams["search_path"]
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s, err := pgstate.Open(ctx, url+sep+"search_path="+schema)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	state, err := s.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Consume(ctx, state); err != nil {
		t.Fatal(err)
	}
}
