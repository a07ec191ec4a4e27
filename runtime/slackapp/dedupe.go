package slackapp

import (
	"sync"
	"time"
)

// dedupe remembers event ids for a TTL so that Slack's retries of an event
// already accepted are acked and dropped. It is bounded: ids are kept in
// arrival order (so in expiry order, the TTL being fixed) in a ring, and the
// oldest is forgotten early when the ring is full.
type dedupe struct {
	ttl time.Duration
	now func() time.Time

	mu   sync.Mutex
	seen map[string]time.Time
	ring []dedupeEntry
	head int // index of the oldest id
	n    int // ids in the ring
}

type dedupeEntry struct {
	id  string
	exp time.Time
}

func newDedupe(size int, ttl time.Duration, now func() time.Time) *dedupe {
	return &dedupe{ttl: ttl, now: now, seen: make(map[string]time.Time, size), ring: make([]dedupeEntry, size)}
}

// claim records id and reports true when it was not seen within the TTL.
// An empty id is always new.
func (d *dedupe) claim(id string) bool {
	if id == "" {
		return true
	}
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	if exp, ok := d.seen[id]; ok && now.Before(exp) {
		return false
	}
	if d.n == len(d.ring) {
		d.drop()
	}
	exp := now.Add(d.ttl)
	d.seen[id] = exp
	d.ring[(d.head+d.n)%len(d.ring)] = dedupeEntry{id, exp}
	d.n++
	return true
}

// release forgets id, so that a retry of an event the app could not accept
// is handled.
func (d *dedupe) release(id string) {
	if id == "" {
		return
	}
	d.mu.Lock()
	delete(d.seen, id) // its ring slot is skipped when it comes up
	d.mu.Unlock()
}

// expire forgets the ids whose TTL has passed.
func (d *dedupe) expire(now time.Time) {
	for d.n > 0 {
		if now.Before(d.ring[d.head].exp) {
			return
		}
		d.drop()
	}
}

// drop forgets the oldest id (unless it was released and claimed again
// since, which gave it a newer slot).
func (d *dedupe) drop() {
	e := d.ring[d.head]
	if exp, ok := d.seen[e.id]; ok && exp.Equal(e.exp) {
		delete(d.seen, e.id)
	}
	d.ring[d.head] = dedupeEntry{}
	d.head = (d.head + 1) % len(d.ring)
	d.n--
}
