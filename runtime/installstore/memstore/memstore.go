// Package memstore is an in-memory installstore.Store, for tests, the local
// emulator and single-process demos. Everything is lost when the process
// exits; use sqlitestore or pgstore to keep installations.
//
//	store := memstore.New()
//	err := store.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: token})
//	bot, err := store.FindBot(ctx, installstore.Query{TeamID: "T1"})
package memstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/internal/core"
)

// Store keeps installations in memory. The zero value is not usable; call
// New. It is safe for concurrent use by multiple goroutines (one process).
type Store struct {
	mu      sync.RWMutex
	history map[string][]*installstore.Installation // by workspace key, insertion order
	updates core.KeyLock
	now     func() time.Time
}

var _ installstore.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{history: make(map[string][]*installstore.Installation), now: time.Now}
}

// Save appends a copy of inst to its workspace's history.
func (s *Store) Save(ctx context.Context, inst *installstore.Installation) error {
	if inst == nil {
		return fmt.Errorf("memstore: Save: installation is nil")
	}
	rec := core.Stamp(inst, s.now())
	key := installstore.Key(rec).WorkspaceKey()
	s.mu.Lock()
	s.history[key] = append(s.history[key], rec)
	s.mu.Unlock()
	return nil
}

// FindBot returns the latest bot installation of q's workspace.
func (s *Store) FindBot(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	bot := core.Latest(s.history[q.WorkspaceKey()], core.HasBot)
	if bot == nil {
		return nil, installstore.ErrNotFound
	}
	return core.BotResult(bot), nil
}

// FindInstallation returns the latest installation of q's workspace (and
// user, when q.UserID is set) with the workspace's latest bot token.
func (s *Store) FindInstallation(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cur, _ := s.find(q)
	if cur == nil {
		return nil, installstore.ErrNotFound
	}
	return cur, nil
}

// find returns FindInstallation's result and the latest bot record. s.mu
// must be held.
func (s *Store) find(q installstore.Query) (cur, bot *installstore.Installation) {
	return core.Find(s.history[q.WorkspaceKey()], q)
}

// DeleteBot clears the bot tokens of every record of q's workspace.
func (s *Store) DeleteBot(ctx context.Context, q installstore.Query) error {
	s.rewrite(q.WorkspaceKey(), func(r *installstore.Installation) { core.ClearBot(r) })
	return nil
}

// DeleteInstallation clears the user part of q.UserID's records, or of all
// records of the workspace when q.UserID is empty.
func (s *Store) DeleteInstallation(ctx context.Context, q installstore.Query) error {
	match := core.ForUser(q.UserID)
	s.rewrite(q.WorkspaceKey(), func(r *installstore.Installation) {
		if match(r) {
			core.ClearUser(r)
		}
	})
	return nil
}

// DeleteAll forgets q's workspace.
func (s *Store) DeleteAll(ctx context.Context, q installstore.Query) error {
	s.mu.Lock()
	delete(s.history, q.WorkspaceKey())
	s.mu.Unlock()
	return nil
}

// rewrite applies edit to copies of ws's records and keeps the live ones.
func (s *Store) rewrite(ws string, edit func(*installstore.Installation)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var kept []*installstore.Installation
	for _, r := range s.history[ws] {
		r = r.Clone()
		edit(r)
		if core.Live(r) {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		delete(s.history, ws)
		return
	}
	s.history[ws] = kept
}

// Update runs fn on the latest installation for q and stores its result,
// serialized with every other Update of the same workspace. fn runs without
// the store's data lock held, so it may be slow (a token refresh call)
// without blocking readers.
func (s *Store) Update(ctx context.Context, q installstore.Query, fn func(*installstore.Installation) (*installstore.Installation, error)) error {
	unlock, err := s.updates.Lock(ctx, q.WorkspaceKey())
	if err != nil {
		return fmt.Errorf("memstore: Update: waiting for the lock: %w", err)
	}
	defer unlock()

	s.mu.RLock()
	cur, bot := s.find(q)
	s.mu.RUnlock()
	rec, err := core.Apply(q, cur, bot, fn)
	if err != nil || rec == nil {
		return err
	}
	s.mu.Lock()
	ws := q.WorkspaceKey()
	s.history[ws] = append(s.history[ws], rec)
	s.mu.Unlock()
	return nil
}
