package sqlitestore_test

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"sync"
	"time"

	"path/filepath"
	"testing"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/sqlitestore"
	"github.com/slackgen/slackgen/runtime/installstore/storetest"
)

func open(t testing.TB, path string, opts ...sqlitestore.Option) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) installstore.Store {
		return open(t, filepath.Join(t.TempDir(), "installations.db"))
	})
}

func counter(s *sqlitestore.Store) storetest.Counter {
	return func(ctx context.Context, q installstore.Query) (int, error) { return sqlitestore.Count(ctx, s, q) }
}

func TestRetention(t *testing.T) {
	storetest.RunRetention(t, func(t *testing.T, history int) (installstore.Store, storetest.Counter) {
		path := filepath.Join(t.TempDir(), "installations.db")
		if history == installstore.DefaultHistory {
			s := open(t, path) // the default
			return s, counter(s)
		}
		s := open(t, path, sqlitestore.WithHistory(history))
		return s, counter(s)
	})
}

// Two handles on one file stand for two processes writing one workspace:
// each prunes in its write transaction, never what the other needs.
func TestRetentionAcrossHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "i.db")
	a, b := open(t, path, sqlitestore.WithHistory(0)), open(t, path, sqlitestore.WithHistory(0))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	storetest.RunConcurrentRetention(ctx, t, []installstore.Store{a, b}, counter(a), 0)
}

func TestOpenCreatesPrivateFileAndDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	path := filepath.Join(dir, "installations.db")
	s := open(t, path)
	if err := s.Save(context.Background(), &installstore.Installation{TeamID: "T1", BotToken: "xoxb-1"}); err != nil {
		t.Fatal(err)
	}
	// SQLite gives the WAL and shared-memory files the database's mode.
	for _, tc := range []struct {
		path string
		want os.FileMode
	}{{dir, 0o700 | os.ModeDir}, {path, 0o600}, {path + "-wal", 0o600}, {path + "-shm", 0o600}} {
		fi, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != tc.want {
			t.Errorf("%s: mode %v, want %v", tc.path, fi.Mode(), tc.want)
		}
	}
}

func TestOpenRejectsURIs(t *testing.T) {
	for _, p := range []string{"", "file:x.db", "x.db?mode=memory", "x#y"} {
		if _, err := sqlitestore.Open(p); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", p)
		}
	}
}

func TestWALAndSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "i.db")
	open(t, path).Close()
	open(t, path) // reopening migrates nothing and succeeds

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var rows, version int
	if err := db.QueryRow("SELECT COUNT(*), MAX(version) FROM schema_version").Scan(&rows, &version); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || version != sqlitestore.SchemaVersion {
		t.Errorf("schema_version has %d rows, version %d; want 1 row, version %d", rows, version, sqlitestore.SchemaVersion)
	}

	// A database written by a newer runtime is refused with a clear error.
	if _, err := db.Exec("UPDATE schema_version SET version = version + 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlitestore.Open(path); err == nil || !strings.Contains(err.Error(), "upgrade") {
		t.Errorf("Open of a newer schema = %v, want an error telling to upgrade", err)
	}
}

func TestLookupsUseIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "i.db")
	open(t, path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"SELECT * FROM installations WHERE workspace = 'x' AND bot_token <> '' ORDER BY installed_at DESC, id DESC LIMIT 1",
		"SELECT * FROM installations WHERE workspace = 'x' AND user_id = 'u' ORDER BY installed_at DESC, id DESC LIMIT 1",
		"SELECT * FROM installations WHERE workspace = 'x' ORDER BY installed_at DESC, id DESC LIMIT 1",
	} {
		rows, err := db.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "USING INDEX") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("plan for %q is %q: want an index search without a sort", q, p)
		}
	}
}

// Two handles on one file stand for two processes: each has its own
// connections and in-process lock, so only SQLite's locking serializes them.
func TestUpdateSerializesAcrossHandles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "i.db")
	a, b := open(t, path), open(t, path)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	storetest.RunConcurrentUpdates(ctx, t, []installstore.Store{a, b}, 8)
}

// The wrappers over SQL: deletes must still work on encrypted rows.
func TestConformanceCachedEncrypted(t *testing.T) {
	keys, err := installstore.ParseKeys("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, func(t *testing.T) installstore.Store {
		s := open(t, filepath.Join(t.TempDir(), "installations.db"))
		return installstore.NewCached(installstore.NewEncrypted(s, keys), time.Minute)
	})
}

// TestBurstsReuseConnections: lookups in bursts larger than the pool wait
// for its connections instead of opening and closing more (database/sql's
// default kept two idle, so each burst opened and closed the rest, each
// open costing more than a hundred lookups).
func TestBurstsReuseConnections(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "installations.db"))
	ctx := context.Background()
	inst := &installstore.Installation{TeamID: "T1", BotToken: "xoxb-1", BotUserID: "UB1", InstalledAt: time.Unix(1700000000, 0)}
	if err := s.Save(ctx, inst); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for range 64 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.FindBot(ctx, installstore.Query{TeamID: "T1"}); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	// The bursts above need not overlap on a fast machine; MaxConns
	// connections taken at once always do, as a burst's lookups would.
	release, err := sqlitestore.HoldConns(ctx, s, sqlitestore.MaxConns)
	if err != nil {
		t.Fatal(err)
	}
	release()
	st := sqlitestore.Stats(s)
	if st.MaxIdleClosed != 0 {
		t.Fatalf("%d connections open (at most %d), %d closed for want of idle room: %+v", st.OpenConnections, sqlitestore.MaxConns, st.MaxIdleClosed, st)
	}
}
