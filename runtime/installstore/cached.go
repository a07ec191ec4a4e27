package installstore

import (
	"context"
	"sync"
	"time"
)

// Cached is a Store that keeps FindBot and FindInstallation results in
// memory for a while. Writes through it (Save, Update, the deletes) drop the
// cached results of their workspace, so this process always reads its own
// writes; writes by other processes show after at most the TTL. Misses
// (ErrNotFound) and errors are not cached.
//
//	store := installstore.NewCached(sqlStore, time.Minute)
type Cached struct {
	inner Store
	ttl   time.Duration
	now   func() time.Time

	mu        sync.Mutex
	entries   map[string]map[cacheKey]cacheEntry // by workspace key
	gens      map[string]uint64                  // bumped by every write of a workspace
	lastSweep time.Time
}

type cacheKey struct {
	bot  bool
	user string
}

type cacheEntry struct {
	inst    *Installation
	expires time.Time
}

var _ Store = (*Cached)(nil)

// NewCached wraps store with a read cache whose entries live for ttl.
func NewCached(store Store, ttl time.Duration) *Cached {
	return &Cached{
		inner:   store,
		ttl:     ttl,
		now:     time.Now,
		entries: make(map[string]map[cacheKey]cacheEntry),
		gens:    make(map[string]uint64),
	}
}

// FindBot returns the cached bot of q's workspace, or asks the wrapped store.
func (c *Cached) FindBot(ctx context.Context, q Query) (*Installation, error) {
	return c.find(ctx, q, cacheKey{bot: true}, c.inner.FindBot)
}

// FindInstallation returns the cached installation for q, or asks the
// wrapped store.
func (c *Cached) FindInstallation(ctx context.Context, q Query) (*Installation, error) {
	return c.find(ctx, q, cacheKey{user: q.UserID}, c.inner.FindInstallation)
}

func (c *Cached) find(ctx context.Context, q Query, k cacheKey, load func(context.Context, Query) (*Installation, error)) (*Installation, error) {
	ws := q.WorkspaceKey()
	c.mu.Lock()
	if e, ok := c.entries[ws][k]; ok && c.now().Before(e.expires) {
		c.mu.Unlock()
		return e.inst.Clone(), nil
	}
	gen := c.gens[ws]
	c.mu.Unlock()

	inst, err := load(ctx, q)
	if err != nil {
		return nil, err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	// A write of the workspace that ran while we loaded may have made inst
	// stale: keep it only when no write happened since we looked.
	if c.gens[ws] == gen {
		now := c.now()
		c.sweep(now)
		m := c.entries[ws]
		if m == nil {
			m = make(map[cacheKey]cacheEntry)
			c.entries[ws] = m
		}
		m[k] = cacheEntry{inst: inst.Clone(), expires: now.Add(c.ttl)}
	}
	return inst, nil
}

// sweep drops expired entries, at most once per TTL, so the cache holds
// only workspaces read recently. c.mu must be held.
func (c *Cached) sweep(now time.Time) {
	if now.Sub(c.lastSweep) < c.ttl {
		return
	}
	c.lastSweep = now
	for ws, m := range c.entries {
		for k, e := range m {
			if !now.Before(e.expires) {
				delete(m, k)
			}
		}
		if len(m) == 0 {
			delete(c.entries, ws)
		}
	}
}

// invalidate drops ws's entries and makes loads that started before it
// discard their result.
func (c *Cached) invalidate(ws string) {
	c.mu.Lock()
	delete(c.entries, ws)
	c.gens[ws]++
	c.mu.Unlock()
}

// written runs a write of q's workspace and invalidates the workspace after
// it, whatever its outcome.
func (c *Cached) written(q Query, write func() error) error {
	defer c.invalidate(q.WorkspaceKey())
	return write()
}

// Save saves through the wrapped store and drops the workspace's entries.
func (c *Cached) Save(ctx context.Context, inst *Installation) error {
	if inst == nil {
		return c.inner.Save(ctx, inst)
	}
	return c.written(Key(inst), func() error { return c.inner.Save(ctx, inst) })
}

// DeleteBot deletes through the wrapped store and drops the workspace's
// entries.
func (c *Cached) DeleteBot(ctx context.Context, q Query) error {
	return c.written(q, func() error { return c.inner.DeleteBot(ctx, q) })
}

// DeleteInstallation deletes through the wrapped store and drops the
// workspace's entries.
func (c *Cached) DeleteInstallation(ctx context.Context, q Query) error {
	return c.written(q, func() error { return c.inner.DeleteInstallation(ctx, q) })
}

// DeleteAll deletes through the wrapped store and drops the workspace's
// entries.
func (c *Cached) DeleteAll(ctx context.Context, q Query) error {
	return c.written(q, func() error { return c.inner.DeleteAll(ctx, q) })
}

// Update updates through the wrapped store (fn sees the stored state, never
// a cached one) and drops the workspace's entries.
func (c *Cached) Update(ctx context.Context, q Query, fn func(*Installation) (*Installation, error)) error {
	return c.written(q, func() error { return c.inner.Update(ctx, q, fn) })
}
