package slackapp

import (
	"hash/maphash"
	"sync"
	"time"
)

// dedupe remembers event ids for a TTL so that Slack's retries of an event
// already accepted are acked and dropped. It is bounded: ids are kept in
// arrival order (so in expiry order, the TTL being fixed) in a ring, and the
// oldest is forgotten early when the ring is full.
//
// An id is kept as its 64-bit hash (hash/maphash, seeded per process), not
// as a string: the map then holds no pointers for the garbage collector to
// scan, and claiming an id copies nothing. Two different ids share a hash
// with a probability of about size/2⁶⁴ per event (below 10⁻¹⁵ with the
// default 10,000): negligible next to Slack's own at-least-once delivery.
type dedupe struct {
	ttl  time.Duration
	now  func() time.Time
	base time.Time // expiries are durations since base (monotonic)
	seed maphash.Seed

	mu     sync.Mutex
	seen   map[uint64]dedupeClaim // by hash
	ring   []dedupeEntry
	head   int           // index of the oldest id
	n      int           // ids in the ring
	seq    uint64        // claims so far
	warned bool          // claim reported an id forgotten early, at lastWarn
	last   time.Duration // when
}

// dedupeWarnEvery spaces claim's reports of ids forgotten before the TTL.
const dedupeWarnEvery = 10 * time.Minute

// dedupeClaim is a claim's expiry and sequence number: the number tells a
// released-then-claimed-again id's new claim from its old ring slot, even
// when the clock reads the same for both.
type dedupeClaim struct {
	exp time.Duration
	seq uint64
}

type dedupeEntry struct {
	key uint64
	dedupeClaim
}

func newDedupe(size int, ttl time.Duration, now func() time.Time) *dedupe {
	return &dedupe{ttl: ttl, now: now, base: now(), seed: maphash.MakeSeed(),
		seen: make(map[uint64]dedupeClaim, size), ring: make([]dedupeEntry, size)}
}

// claim records id and reports true when it was not seen within the TTL.
// An empty id is always new.
//
// When the ring is full, claim forgets the oldest id to make room, which is
// early when that id's TTL has not passed: a retry of it would no longer be
// recognized. The second result then reports how long ids are kept at the
// current rate (the forgotten id's age), at most once per
// dedupeWarnEvery, so that the caller can warn that the window is too
// small for the traffic; it is zero otherwise.
func (d *dedupe) claim(id string) (bool, time.Duration) {
	if id == "" {
		return true, 0
	}
	key := maphash.String(d.seed, id)
	now := d.now().Sub(d.base)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.expire(now)
	if c, ok := d.seen[key]; ok && now < c.exp {
		return false, 0
	}
	var kept time.Duration
	if d.n == len(d.ring) {
		claimed := d.ring[d.head].exp - d.ttl
		if d.drop() && (!d.warned || now-d.last >= dedupeWarnEvery) {
			kept = max(now-claimed, time.Nanosecond)
			d.warned, d.last = true, now
		}
	}
	d.seq++
	c := dedupeClaim{exp: now + d.ttl, seq: d.seq}
	d.seen[key] = c
	d.ring[(d.head+d.n)%len(d.ring)] = dedupeEntry{key, c}
	d.n++
	return true, kept
}

// release forgets id, so that a retry of an event the app could not accept
// is handled.
func (d *dedupe) release(id string) {
	if id == "" {
		return
	}
	key := maphash.String(d.seed, id)
	d.mu.Lock()
	delete(d.seen, key) // its ring slot is skipped when it comes up
	d.mu.Unlock()
}

// expire forgets the ids whose TTL has passed.
func (d *dedupe) expire(now time.Duration) {
	for d.n > 0 {
		if now < d.ring[d.head].exp {
			return
		}
		d.drop()
	}
}

// drop forgets the oldest id (unless it was released and claimed again
// since, which gave it a newer slot). It reports whether that id was still
// remembered, with its TTL not passed (expire drops ids whose TTL passed).
func (d *dedupe) drop() bool {
	e := d.ring[d.head]
	live := false
	if c, ok := d.seen[e.key]; ok && c.seq == e.seq {
		delete(d.seen, e.key)
		live = true
	}
	d.ring[d.head] = dedupeEntry{}
	d.head = (d.head + 1) % len(d.ring)
	d.n--
	return live
}
