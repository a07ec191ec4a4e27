package slackapp

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// indexed returns the number of ids in d's index.
func indexed(d *dedupe) int {
	n := 0
	for _, v := range d.index {
		if v != 0 {
			n++
		}
	}
	return n
}

func TestDedupe(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	d := newDedupe(3, time.Minute, clock)
	claim := func(id string, want bool) {
		t.Helper()
		if got, _ := d.claim(id); got != want {
			t.Fatalf("claim(%q) = %v, want %v", id, got, want)
		}
	}

	claim("Ev1", true)
	claim("Ev1", false) // a retry within the TTL
	claim("", true)     // no id: always new
	claim("", true)

	now = now.Add(time.Minute)
	claim("Ev1", true) // the TTL passed

	// The ring holds 3: a fourth id forgets the oldest early.
	claim("Ev2", true)
	claim("Ev3", true)
	claim("Ev4", true)
	claim("Ev1", true)
	claim("Ev4", false)

	// A released id (its event was refused) is new again, and the old ring
	// slot it leaves does not forget its new claim when it comes up.
	d.release("Ev4")
	claim("Ev4", true)
	claim("Ev5", true)
	claim("Ev6", true) // drops the ring's oldest entries, Ev4's first slot among them
	claim("Ev4", false)
	d.release("")
}

// TestDedupeBounded claims many more ids than the ring holds: the map never
// grows past it.
func TestDedupeBounded(t *testing.T) {
	d := newDedupe(100, time.Hour, time.Now)
	for i := range 10_000 {
		if isNew, _ := d.claim(fmt.Sprintf("Ev%08d", i)); !isNew {
			t.Fatalf("id %d refused as a retry", i)
		}
	}
	if indexed(d) != 100 || d.n != 100 {
		t.Errorf("%d ids in the index and %d in the ring, want 100", indexed(d), d.n)
	}
	if isNew, _ := d.claim(fmt.Sprintf("Ev%08d", 9_999)); isNew {
		t.Error("the newest id was forgotten")
	}
}

// TestDedupeReportsForgettingEarly: forgetting an id before its TTL passed,
// to make room, is reported with how long ids are kept, at most every
// dedupeWarnEvery; forgetting expired or released ids is not.
func TestDedupeReportsForgettingEarly(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	d := newDedupe(3, time.Hour, func() time.Time { return now })
	claim := func(id string, want time.Duration) {
		t.Helper()
		if isNew, kept := d.claim(id); !isNew || kept != want {
			t.Fatalf("claim(%q) = %v, %v; want true, %v", id, isNew, kept, want)
		}
	}
	for i, id := range []string{"Ev1", "Ev2", "Ev3"} {
		now = now.Add(time.Duration(i) * time.Second)
		claim(id, 0)
	}
	now = now.Add(time.Second)
	claim("Ev4", 4*time.Second) // Ev1, claimed 4 s ago, is forgotten
	claim("Ev5", 0)             // forgets Ev2: reported already
	now = now.Add(dedupeWarnEvery)
	claim("Ev6", dedupeWarnEvery+time.Second) // forgets Ev3, claimed 1 s before Ev4

	// Released ids and expired ones are not forgotten early.
	e := newDedupe(2, time.Minute, func() time.Time { return now })
	e.claim("A")
	e.release("A")
	e.claim("B")
	if _, kept := e.claim("C"); kept != 0 {
		t.Errorf("dropping a released id was reported: %v", kept)
	}
	now = now.Add(time.Hour)
	e.claim("D")
	if _, kept := e.claim("E"); kept != 0 {
		t.Errorf("dropping expired ids was reported: %v", kept)
	}
}

// TestDedupeMatchesModel runs random claims, releases and clock steps on
// small dedupes, where ring wraps, early forgetting, and collisions and
// deletions in the index (2 to 128 slots) are frequent, and checks every
// answer against a plain model: a map of remembered ids to their claim and
// an arrival-ordered list of claims.
func TestDedupeMatchesModel(t *testing.T) {
	type claim struct {
		id  string
		seq int
		exp time.Time
	}
	for _, size := range []int{1, 2, 3, 7, 64} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(size), 42))
			now := time.Unix(1_700_000_000, 0)
			const ttl = 10 * time.Second
			d := newDedupe(size, ttl, func() time.Time { return now })
			var order []claim          // the model's ring: claims, released or not
			seen := map[string]claim{} // the model's remembered ids
			forget := func() {
				if c, ok := seen[order[0].id]; ok && c.seq == order[0].seq {
					delete(seen, c.id)
				}
				order = order[1:]
			}
			for step := range 20_000 {
				id := fmt.Sprintf("Ev%d", rng.IntN(3*size+2))
				switch op := rng.IntN(10); {
				case op < 6:
					for len(order) > 0 && !now.Before(order[0].exp) {
						forget() // expired
					}
					_, dup := seen[id]
					if !dup {
						if len(order) == size {
							forget() // early
						}
						c := claim{id, step, now.Add(ttl)}
						seen[id] = c
						order = append(order, c)
					}
					if got, _ := d.claim(id); got != !dup {
						t.Fatalf("step %d: claim(%q) = %v, want %v", step, id, got, !dup)
					}
				case op < 8:
					delete(seen, id)
					d.release(id)
				default:
					now = now.Add(time.Duration(rng.IntN(3000)) * time.Millisecond)
				}
				if indexed(d) != len(seen) || d.n != len(order) {
					t.Fatalf("step %d: %d ids indexed and %d in the ring, the model has %d and %d", step, indexed(d), d.n, len(seen), len(order))
				}
			}
		})
	}
}

// TestDedupeExpiresOutOfOrder: claims read the clock before they take the
// lock, so a later claim can hold an earlier expiry than the one before it
// in the ring; its TTL still ends when it should.
func TestDedupeExpiresOutOfOrder(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	d := newDedupe(10, time.Minute, func() time.Time { return now })
	now = now.Add(time.Second)
	d.claim("A") // read the clock last, locked first
	now = now.Add(-time.Millisecond)
	d.claim("B")
	now = now.Add(time.Minute) // B's TTL has passed, A's has not
	if isNew, _ := d.claim("B"); !isNew {
		t.Error("B was taken for a retry after its TTL")
	}
	if isNew, _ := d.claim("A"); isNew {
		t.Error("A was forgotten before its TTL")
	}
}

// TestDedupeBrokenIndexFailsFast: an index without an empty slot can only
// come from a bug; the probes then panic with errIndexFull instead of
// spinning for ever with the lock held (which hung the tests of a mutated
// build until their timeout), and the lock is released.
func TestDedupeBrokenIndexFailsFast(t *testing.T) {
	for name, op := range map[string]func(d *dedupe){
		"claim":   func(d *dedupe) { d.claim("Ev1") },
		"release": func(d *dedupe) { d.release("Ev1") },
		"insert":  func(d *dedupe) { d.insert(1, 0) },
		"remove":  func(d *dedupe) { d.remove(0) },
	} {
		t.Run(name, func(t *testing.T) {
			d := newDedupe(8, time.Minute, time.Now)
			for s := range d.index {
				d.index[s] = uint64(0xdead0000+s)<<32 | 1 // tags no key of the test has
			}
			got := make(chan any, 1)
			go func() {
				defer func() { got <- recover() }()
				op(d)
			}()
			select {
			case r := <-got:
				if r != errIndexFull {
					t.Fatalf("%s on a full index: panic %v, want %v", name, r, errIndexFull)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s on a full index still runs after 5 s", name)
			}
			if !d.mu.TryLock() && (name == "claim" || name == "release") {
				t.Fatalf("%s left the lock held", name)
			}
		})
	}
}
