// Package memstore is an in-memory installstore.Store, for tests, the local
// emulator and single-process demos. Everything is lost when the process
// exits; use sqlitestore or pgstore to keep installations.
//
// Each write drops the records of its workspace that no lookup can return
// any more, keeping the installstore.DefaultHistory most recent ones for
// auditing (WithHistory changes how many), so memory stays bounded by the
// number of workspaces and users, not of Saves.
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
	recent  int // records kept besides those lookups need
}

var _ installstore.Store = (*Store)(nil)

// Option configures a Store made by New.
type Option func(*Store)

// WithHistory sets how many of each workspace's most recent records are
// kept besides those that lookups need (installstore.DefaultHistory when
// not given). 0 keeps only what lookups need; a negative n counts as 0.
func WithHistory(n int) Option { return func(s *Store) { s.recent = max(n, 0) } }

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{history: make(map[string][]*installstore.Installation), now: time.Now, recent: installstore.DefaultHistory}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Save adds a copy of inst to its workspace's history and drops the
// records it made unneeded.
func (s *Store) Save(ctx context.Context, inst *installstore.Installation) error {
	if inst == nil {
		return fmt.Errorf("memstore: Save: installation is nil")
	}
	rec := core.Stamp(inst, s.now())
	s.mu.Lock()
	s.add(installstore.Key(rec).WorkspaceKey(), rec)
	s.mu.Unlock()
	return nil
}

// add appends rec to ws's history and prunes it. s.mu must be held.
func (s *Store) add(ws string, rec *installstore.Installation) {
	s.history[ws] = core.Prune(append(s.history[ws], rec), s.recent)
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

// rewrite applies edit to copies of ws's records and keeps the live ones
// that retention keeps.
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
	s.history[ws] = core.Prune(kept, s.recent)
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
	s.add(q.WorkspaceKey(), rec)
	s.mu.Unlock()
	return nil
}
