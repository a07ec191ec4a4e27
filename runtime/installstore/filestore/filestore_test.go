package filestore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/filestore"
	"github.com/slackgen/slackgen/runtime/installstore/storetest"
)

func newStore(t testing.TB, dir string, opts ...filestore.Option) *filestore.Store {
	t.Helper()
	s, err := filestore.New(dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) installstore.Store { return newStore(t, t.TempDir()) })
}

func counter(s *filestore.Store) storetest.Counter {
	return func(ctx context.Context, q installstore.Query) (int, error) { return filestore.Count(s, q) }
}

func TestRetention(t *testing.T) {
	storetest.RunRetention(t, func(t *testing.T, history int) (installstore.Store, storetest.Counter) {
		s := newStore(t, t.TempDir(), filestore.WithHistory(history))
		if history == installstore.DefaultHistory {
			s = newStore(t, t.TempDir()) // the default
		}
		return s, counter(s)
	})
}

// Two stores on one directory stand for two processes writing one
// workspace: each prunes under flock, never what the other needs.
func TestRetentionAcrossStores(t *testing.T) {
	dir := t.TempDir()
	a, b := newStore(t, dir, filestore.WithHistory(0)), newStore(t, dir, filestore.WithHistory(0))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	storetest.RunConcurrentRetention(ctx, t, []installstore.Store{a, b}, counter(a), 0)
}

// Two stores on one directory stand for two processes: only flock
// serializes them.
func TestUpdateSerializesAcrossStores(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	storetest.RunConcurrentUpdates(ctx, t, []installstore.Store{newStore(t, dir), newStore(t, dir)}, 8)
}

func TestFilesArePrivateAndContained(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s := newStore(t, dir)
	ctx := context.Background()
	evil := &installstore.Installation{EnterpriseID: "../../E", TeamID: "T/..\\x", BotToken: "xoxb-1"}
	if err := s.Save(ctx, evil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindBot(ctx, installstore.Key(evil)); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", fi.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var jsons int
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", e.Name(), info.Mode().Perm())
		}
		if strings.HasSuffix(e.Name(), ".json") {
			jsons++
		}
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	if jsons != 1 {
		t.Errorf("%d JSON files in the directory, want 1 (entries %v)", jsons, entries)
	}
}

func TestCorruptFileIsAClearError(t *testing.T) {
	dir := t.TempDir()
	s := newStore(t, dir)
	ctx := context.Background()
	if err := s.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: "xoxb-secret"}); err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(matches) != 1 {
		t.Fatalf("files %v, want one", matches)
	}
	if err := os.WriteFile(matches[0], []byte(`{"installations": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := s.FindBot(ctx, installstore.Query{TeamID: "T1"})
	if err == nil || !strings.Contains(err.Error(), "not a valid installation file") {
		t.Errorf("FindBot on a corrupt file = %v, want a clear error", err)
	}
}
