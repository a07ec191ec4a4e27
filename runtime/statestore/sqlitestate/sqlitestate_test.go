package sqlitestate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/statestore"
	"github.com/slackgen/slackgen/runtime/statestore/sqlitestate"
	"github.com/slackgen/slackgen/runtime/statestore/statetest"
)

func open(t *testing.T, opts ...statestore.Option) *sqlitestate.Store {
	t.Helper()
	s, err := sqlitestate.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	statetest.Run(t, func(t *testing.T, opts ...statestore.Option) statestore.Store {
		return open(t, opts...)
	})
}

func TestPurgeDeletesOnlyExpired(t *testing.T) {
	ctx := context.Background()
	clock := statetest.NewClock(time.Unix(1_700_000_000, 0))
	s := open(t, statestore.WithClock(clock.Now), statestore.WithTTL(time.Minute))
	var old []string
	for range 3 {
		st, err := s.Issue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		old = append(old, st)
	}
	clock.Advance(30 * time.Second)
	fresh, err := s.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(31 * time.Second)
	n, err := s.Purge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("Purge deleted %d rows, want the 3 expired ones", n)
	}
	if err := s.Consume(ctx, old[0]); !errors.Is(err, statestore.ErrInvalid) {
		t.Fatalf("purged state: Consume = %v, want ErrInvalid", err)
	}
	if err := s.Consume(ctx, fresh); err != nil {
		t.Fatalf("unexpired state after Purge: Consume = %v, want nil", err)
	}
}

// Issue purges expired rows by itself, at most once a minute.
func TestIssuePurgesPeriodically(t *testing.T) {
	ctx := context.Background()
	clock := statetest.NewClock(time.Unix(1_700_000_000, 0))
	s := open(t, statestore.WithClock(clock.Now), statestore.WithTTL(time.Minute))
	stale, err := s.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Minute)
	if _, err := s.Issue(ctx); err != nil { // due: purges stale
		t.Fatal(err)
	}
	if err := s.Consume(ctx, stale); !errors.Is(err, statestore.ErrInvalid) {
		t.Fatalf("Consume(stale) = %v, want ErrInvalid: Issue should have purged it", err)
	}
}

// A store reopened on the same file still knows the states issued before,
// whatever characters the path has.
func TestStatesSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "my state?v=1#a%20b.db")
	s1, err := sqlitestate.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	state, err := s1.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s1.Close()
	s2, err := sqlitestate.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Consume(ctx, state); err != nil {
		t.Fatalf("Consume after reopening = %v, want nil", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not at the path given: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := sqlitestate.Open(ctx, ""); err == nil {
		t.Error("Open accepted an empty path")
	}
	if _, err := sqlitestate.Open(ctx, filepath.Join(t.TempDir(), "missing-dir", "state.db")); err == nil {
		t.Error("Open succeeded in a directory that does not exist")
	}
	if _, err := sqlitestate.New(ctx, nil); err == nil {
		t.Error("New accepted a nil *sql.DB")
	}
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permission bits")
	}
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := sqlitestate.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("database file mode %v, want 0600", perm)
	}
}
