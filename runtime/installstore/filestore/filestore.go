// Package filestore is an installstore.Store in a directory of JSON files,
// one per workspace (or organization), each holding that workspace's
// history in insertion order. It suits development and small single-host
// deployments; use sqlitestore when there are many workspaces.
//
// Each write drops the records of its workspace that no lookup can return
// any more, keeping the installstore.DefaultHistory most recent ones for
// auditing (WithHistory changes how many): a file holds at most 3 records
// per user id of the workspace (the empty one included) plus those,
// however many Saves and token rotations it has seen. A file written by an
// older version is pruned the same way at its workspace's next write.
//
// Files are written with mode 0600 in a directory created with mode 0700,
// atomically (a temporary file, fsync, then rename), so a reader never sees
// a half-written file. Writers to one workspace are serialized by an
// in-process lock and, on Unix, by flock(2) on the workspace's .lock file,
// so several processes may share the directory. On other platforms share
// the directory with one process only.
//
//	store, err := filestore.New("data/installations")
package filestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/internal/core"
)

// Store keeps installations in JSON files under one directory. It is safe
// for concurrent use by multiple goroutines, and by several processes on
// Unix.
type Store struct {
	dir    string
	locks  core.KeyLock
	now    func() time.Time
	recent int // records kept besides those lookups need
}

var _ installstore.Store = (*Store)(nil)

// fileVersion is the version of the file format written by this package.
const fileVersion = 1

type file struct {
	Version       int                          `json:"version"`
	Installations []*installstore.Installation `json:"installations"`
}

// Option configures a Store made by New.
type Option func(*Store)

// WithHistory sets how many of each workspace's most recent records are
// kept besides those that lookups need (installstore.DefaultHistory when
// not given). 0 keeps only what lookups need; a negative n counts as 0.
func WithHistory(n int) Option { return func(s *Store) { s.recent = max(n, 0) } }

// New returns a store in dir, creating it (mode 0700) when missing.
func New(dir string, opts ...Option) (*Store, error) {
	if dir == "" {
		return nil, errors.New("filestore: empty directory; pass a path such as data/installations")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("filestore: creating the store directory: %w", err)
	}
	s := &Store{dir: dir, now: time.Now, recent: installstore.DefaultHistory}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// fileName maps a workspace key to a file name that is safe on every
// platform: letters, digits and '-' stay, ':' becomes '_', and every other
// byte is %XX-escaped (so no key can reach outside the directory).
func fileName(ws string) string {
	var b strings.Builder
	for i := 0; i < len(ws); i++ {
		c := ws[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
			b.WriteByte(c)
		case c == ':':
			b.WriteByte('_')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func (s *Store) path(ws string) string { return filepath.Join(s.dir, fileName(ws)+".json") }

// read returns ws's history; a missing file is an empty history.
func (s *Store) read(ws string) ([]*installstore.Installation, error) {
	data, err := os.ReadFile(s.path(ws))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("filestore: reading %s: %w", s.path(ws), err)
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("filestore: %s is not a valid installation file (restore it from a backup or delete it): %w", s.path(ws), err)
	}
	if f.Version > fileVersion {
		return nil, fmt.Errorf("filestore: %s has format version %d but this runtime knows up to %d; upgrade github.com/slackgen/slackgen/runtime", s.path(ws), f.Version, fileVersion)
	}
	return f.Installations, nil
}

// write replaces ws's file atomically, or removes it when history is empty.
func (s *Store) write(ws string, history []*installstore.Installation) error {
	path := s.path(ws)
	if len(history) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("filestore: removing %s: %w", path, err)
		}
		return nil
	}
	data, err := json.MarshalIndent(file{Version: fileVersion, Installations: history}, "", "  ")
	if err != nil {
		return fmt.Errorf("filestore: encoding installations: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, fileName(ws)+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("filestore: creating a temporary file: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("filestore: writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("filestore: syncing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("filestore: closing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("filestore: replacing %s: %w", path, err)
	}
	return syncDir(s.dir)
}

// locked runs f holding ws's lock, in this process and across processes.
func (s *Store) locked(ctx context.Context, ws string, f func() error) error {
	unlock, err := s.locks.Lock(ctx, ws)
	if err != nil {
		return fmt.Errorf("filestore: waiting for the lock of %s: %w", ws, err)
	}
	defer unlock()
	release, err := lockFile(ctx, filepath.Join(s.dir, fileName(ws)+".lock"))
	if err != nil {
		return fmt.Errorf("filestore: locking %s: %w", ws, err)
	}
	defer release()
	return f()
}

// Save adds inst to its workspace's file and drops the records it made
// unneeded.
func (s *Store) Save(ctx context.Context, inst *installstore.Installation) error {
	if inst == nil {
		return errors.New("filestore: Save: installation is nil")
	}
	rec := core.Stamp(inst, s.now())
	ws := installstore.Key(rec).WorkspaceKey()
	return s.locked(ctx, ws, func() error {
		history, err := s.read(ws)
		if err != nil {
			return err
		}
		return s.write(ws, core.Prune(append(history, rec), s.recent))
	})
}

// FindBot returns the latest bot installation of q's workspace.
func (s *Store) FindBot(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	history, err := s.read(q.WorkspaceKey())
	if err != nil {
		return nil, err
	}
	bot := core.Latest(history, core.HasBot)
	if bot == nil {
		return nil, installstore.ErrNotFound
	}
	return core.BotResult(bot), nil
}

// FindInstallation returns the latest installation for q with the
// workspace's latest bot token.
func (s *Store) FindInstallation(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	history, err := s.read(q.WorkspaceKey())
	if err != nil {
		return nil, err
	}
	cur, _ := core.Find(history, q)
	if cur == nil {
		return nil, installstore.ErrNotFound
	}
	return cur, nil
}

// DeleteBot clears the bot tokens of q's workspace and drops the records
// left without a token.
func (s *Store) DeleteBot(ctx context.Context, q installstore.Query) error {
	return s.rewrite(ctx, q.WorkspaceKey(), core.ClearBot)
}

// DeleteInstallation clears the user part of q.UserID's records (every
// user's when empty) and drops the records left without a token.
func (s *Store) DeleteInstallation(ctx context.Context, q installstore.Query) error {
	match := core.ForUser(q.UserID)
	return s.rewrite(ctx, q.WorkspaceKey(), func(r *installstore.Installation) {
		if match(r) {
			core.ClearUser(r)
		}
	})
}

// DeleteAll removes q's workspace file.
func (s *Store) DeleteAll(ctx context.Context, q installstore.Query) error {
	ws := q.WorkspaceKey()
	return s.locked(ctx, ws, func() error { return s.write(ws, nil) })
}

// rewrite applies edit to ws's records, drops those left without a token
// and prunes the rest.
func (s *Store) rewrite(ctx context.Context, ws string, edit func(*installstore.Installation)) error {
	return s.locked(ctx, ws, func() error {
		history, err := s.read(ws)
		if err != nil || len(history) == 0 {
			return err
		}
		var kept []*installstore.Installation
		for _, r := range history {
			edit(r)
			if core.Live(r) {
				kept = append(kept, r)
			}
		}
		return s.write(ws, core.Prune(kept, s.recent))
	})
}

// Update runs fn holding the workspace's lock (in-process and flock), then
// adds its result to the file, pruned like Save's, before releasing the
// lock.
func (s *Store) Update(ctx context.Context, q installstore.Query, fn func(*installstore.Installation) (*installstore.Installation, error)) error {
	ws := q.WorkspaceKey()
	return s.locked(ctx, ws, func() error {
		history, err := s.read(ws)
		if err != nil {
			return err
		}
		cur, bot := core.Find(history, q)
		rec, err := core.Apply(q, cur, bot, fn)
		if err != nil || rec == nil {
			return err
		}
		return s.write(ws, core.Prune(append(history, rec), s.recent))
	})
}
