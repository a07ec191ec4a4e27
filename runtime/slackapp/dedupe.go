package slackapp

import (
	"errors"
	"hash/maphash"
	"math/bits"
	"sync"
	"time"
)

// dedupe remembers event ids for a TTL so that Slack's retries of an event
// already accepted are acked and dropped. It is bounded: ids are kept in
// arrival order (so in expiry order, the TTL being fixed) in a ring, and the
// oldest is forgotten early when the ring is full.
//
// An id is kept as its 64-bit hash (hash/maphash, seeded per process), not
// as a string. Two different ids share a hash with a probability of about
// size/2⁶⁴ per event (below 10⁻¹⁵ with the default 10,000): negligible
// next to Slack's own at-least-once delivery.
//
// The ring and its index hold no pointers, so the garbage collector never
// scans them, and they are small: 16 bytes a ring entry and 8 an index
// slot, 4/3 to 8/3 slots an id (a power of two), 27 to 37 bytes an id in
// all, 29 for the default 10,000 (a Go map of hashes beside the ring took
// 67: 667 KB of the example's ~1.5 MB live heap). The index is an
// open-addressing table, probed linearly from the hash's low bits; a slot
// holds the hash's low 32 bits (slotTag) and the id's ring position plus
// one (0: an empty slot), so a probe reads the ring only when those 32
// bits match, and removing a slot finds where the slots after it belong
// without reading the ring (the table is at most 2²⁹ slots: its probes
// start from bits of the tag).
type dedupe struct {
	ttl  time.Duration
	now  func() time.Time
	base time.Time // expiries are durations since base (monotonic)
	seed maphash.Seed

	mu     sync.Mutex
	ring   []dedupeEntry
	index  []uint64      // len a power of two, at least 4/3 len(ring)
	head   int           // ring position of the oldest id
	n      int           // ids in the ring (released ids leave the index, not the ring)
	warned bool          // claim reported an id forgotten early, at last
	last   time.Duration // when
}

// dedupeWarnEvery spaces claim's reports of ids forgotten before the TTL.
const dedupeWarnEvery = 10 * time.Minute

type dedupeEntry struct {
	key uint64
	exp time.Duration
}

// maxDedupeSize bounds the ids a dedupe keeps: an index slot holds a ring
// position in 32 bits, and the index's length must fit an int on 32-bit
// platforms. Larger sizes are cut to it.
const maxDedupeSize = 1 << 28

func newDedupe(size int, ttl time.Duration, now func() time.Time) *dedupe {
	size = min(size, maxDedupeSize)
	slots := 1 << bits.Len(uint(size+size/3)) // > 4/3 size: load below 3/4
	return &dedupe{ttl: ttl, now: now, base: now(), seed: maphash.MakeSeed(),
		ring: make([]dedupeEntry, size), index: make([]uint64, slots)}
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
	if s := d.find(key); s >= 0 {
		if now < d.ring[ringPos(d.index[s])].exp {
			return false, 0
		}
		// Its TTL passed, but not yet those of ids claimed before it: the
		// claims read the clock before the lock, so the ring is in
		// expiry order only to within a lock wait.
		d.remove(s)
	}
	var kept time.Duration
	if d.n == len(d.ring) {
		claimed := d.ring[d.head].exp - d.ttl
		if d.drop() && (!d.warned || now-d.last >= dedupeWarnEvery) {
			kept = max(now-claimed, time.Nanosecond)
			d.warned, d.last = true, now
		}
	}
	pos := d.head + d.n
	if pos >= len(d.ring) {
		pos -= len(d.ring)
	}
	d.ring[pos] = dedupeEntry{key, now + d.ttl}
	d.n++
	d.insert(key, pos)
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
	defer d.mu.Unlock() // also if a broken index panics (see errIndexFull)
	if s := d.find(key); s >= 0 {
		d.remove(s) // its ring entry is skipped when it comes up
	}
}

// expire forgets the ids whose TTL has passed.
func (d *dedupe) expire(now time.Duration) {
	for d.n > 0 && now >= d.ring[d.head].exp {
		d.drop()
	}
}

// drop forgets the oldest id, unless it was released since (claimed again
// or not: the index then does not point at this entry). It reports whether
// that id was still remembered, with its TTL not passed (expire drops ids
// whose TTL passed).
func (d *dedupe) drop() bool {
	e := d.ring[d.head]
	s := d.find(e.key)
	live := s >= 0 && ringPos(d.index[s]) == d.head
	if live {
		d.remove(s)
	}
	d.ring[d.head] = dedupeEntry{}
	if d.head++; d.head == len(d.ring) {
		d.head = 0
	}
	d.n--
	return live
}

// An index slot is the low 32 bits of its key (slotTag) above its ring
// position plus one (ringPos).

// slotTag returns the key bits an index slot holds: the low 32.
func slotTag(slot uint64) uint32 { return uint32(slot >> 32) }

// ringPos returns the ring position of the id in a non-empty index slot.
func ringPos(slot uint64) int { return int(uint32(slot)) - 1 }

// The index always has empty slots (its load stays below 3/4), and every
// probe ends at one. The probes are still bounded by the index's length,
// so that a broken index (a bug) fails at once, with errIndexFull, instead
// of spinning for ever with the lock held.

// errIndexFull is the panic of a probe that found no empty slot.
var errIndexFull = errors.New("slackapp: internal error: the event de-duplication index has no empty slot")

// find returns the index slot of key, or -1.
func (d *dedupe) find(key uint64) int {
	mask := len(d.index) - 1
	s := int(key) & mask
	for range d.index {
		v := d.index[s]
		if v == 0 {
			return -1
		}
		if slotTag(v) == uint32(key) && d.ring[ringPos(v)].key == key {
			return s
		}
		s = (s + 1) & mask
	}
	panic(errIndexFull)
}

// insert indexes key at ring position pos; key is not in the index.
func (d *dedupe) insert(key uint64, pos int) {
	mask := len(d.index) - 1
	s := int(key) & mask
	for range d.index {
		if d.index[s] == 0 {
			d.index[s] = uint64(uint32(key))<<32 | uint64(pos+1)
			return
		}
		s = (s + 1) & mask
	}
	panic(errIndexFull)
}

// remove empties index slot s, moving back the entries after it that
// their probe would otherwise no longer reach (linear probing keeps no
// tombstones).
func (d *dedupe) remove(s int) {
	mask := len(d.index) - 1
	j := (s + 1) & mask
	for range d.index {
		if d.index[j] == 0 {
			d.index[s] = 0
			return
		}
		home := int(slotTag(d.index[j])) & mask // mask < 2³²
		// The entry at j may move to s when s lies on its probe from home
		// to j (cyclically): home is not in (s, j].
		if (j-home)&mask >= (j-s)&mask {
			d.index[s] = d.index[j]
			s = j
		}
		j = (j + 1) & mask
	}
	panic(errIndexFull)
}
