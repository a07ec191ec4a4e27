// Package statetest is a conformance suite for statestore.Store
// implementations. The stores of this module run it, and so can yours:
//
//	func TestConformance(t *testing.T) {
//		statetest.Run(t, func(t *testing.T, opts ...statestore.Option) statestore.Store {
//			s, err := mystore.New(db, opts...)
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// The suite drives expiry with a fake clock it passes as
// statestore.WithClock, so a store must decide expiry with the clock from its
// options (statestore.NewOptions) rather than the database's.
package statetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/statestore"
)

// Factory returns a new, empty store configured with opts. Each call must
// return a store isolated from the ones returned before (fresh schema, key
// prefix, ...); register any cleanup with t.Cleanup.
type Factory func(t *testing.T, opts ...statestore.Option) statestore.Store

// TTL is the lifetime the suite configures with statestore.WithTTL.
const TTL = 10 * time.Minute

// Clock is a manually advanced clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Run runs the conformance suite against the stores newStore returns.
func Run(t *testing.T, newStore Factory) {
	t.Helper()
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	setup := func(t *testing.T) (statestore.Store, *Clock) {
		t.Helper()
		clock := NewClock(start)
		s := newStore(t, statestore.WithTTL(TTL), statestore.WithClock(clock.Now))
		if s == nil {
			t.Fatal("Factory returned a nil store")
		}
		return s, clock
	}
	for _, tc := range []struct {
		name string
		test func(*testing.T, statestore.Store, *Clock)
	}{
		{"IssueReturnsDistinctURLSafeStates", testIssueDistinct},
		{"ConsumeOnce", testConsumeOnce},
		{"StatesAreIndependent", testIndependent},
		{"UnknownIsInvalid", testUnknown},
		{"ExpiredIsExpired", testExpired},
		{"JustBeforeExpiryIsValid", testJustBeforeExpiry},
		{"ConcurrentConsumeHasOneWinner", testConcurrentConsume},
		{"CanceledContext", testCanceledContext},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, clock := setup(t)
			tc.test(t, s, clock)
		})
	}
}

func issue(t *testing.T, s statestore.Store) string {
	t.Helper()
	state, err := s.Issue(context.Background())
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	return state
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: Consume = %v, want %v", what, err, want)
	}
}

func testIssueDistinct(t *testing.T, s statestore.Store, _ *Clock) {
	const n = 200
	seen := make(map[string]bool, n)
	for range n {
		state := issue(t, s)
		// 128 bits need at least 22 base64 or 26 base32 characters.
		if len(state) < 22 {
			t.Fatalf("state %q is %d characters, too short to hold 128 random bits", state, len(state))
		}
		if len(state) > statestore.MaxStateLen {
			t.Fatalf("state is %d characters, longer than statestore.MaxStateLen", len(state))
		}
		if i := strings.IndexFunc(state, notURLSafe); i >= 0 {
			t.Fatalf("state %q has %q, not safe unescaped in a URL or cookie", state, state[i])
		}
		if seen[state] {
			t.Fatalf("Issue returned %q twice in %d calls", state, n)
		}
		seen[state] = true
	}
}

func notURLSafe(r rune) bool {
	return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.' || r == '~')
}

func testConsumeOnce(t *testing.T, s statestore.Store, _ *Clock) {
	ctx := context.Background()
	state := issue(t, s)
	if err := s.Consume(ctx, state); err != nil {
		t.Fatalf("first Consume = %v, want nil", err)
	}
	wantErr(t, "second consume", s.Consume(ctx, state), statestore.ErrInvalid)
	wantErr(t, "third consume", s.Consume(ctx, state), statestore.ErrInvalid)
}

func testIndependent(t *testing.T, s statestore.Store, _ *Clock) {
	ctx := context.Background()
	a, b := issue(t, s), issue(t, s)
	if err := s.Consume(ctx, b); err != nil {
		t.Fatalf("Consume(b) = %v", err)
	}
	if err := s.Consume(ctx, a); err != nil {
		t.Fatalf("Consume(a) after Consume(b) = %v, want nil", err)
	}
}

func testUnknown(t *testing.T, s statestore.Store, _ *Clock) {
	ctx := context.Background()
	genuine := issue(t, s)
	flip := []byte(genuine)
	if flip[len(flip)/2] == 'A' {
		flip[len(flip)/2] = 'B'
	} else {
		flip[len(flip)/2] = 'A'
	}
	for _, tc := range []struct{ name, state string }{
		{"empty", ""},
		{"never issued", "QZ7K2M4T6V8X0B2D4F6H8J0L2N"},
		{"one character changed", string(flip)},
		{"truncated", genuine[:len(genuine)-1]},
		{"extended", genuine + "A"},
		{"too long", strings.Repeat("A", 10*statestore.MaxStateLen)},
		{"not ASCII", "état-été-😀"},
		{"NUL bytes", "\x00\x00\x00"},
		{"SQL", "' OR '1'='1"},
	} {
		wantErr(t, tc.name, s.Consume(ctx, tc.state), statestore.ErrInvalid)
	}
	if err := s.Consume(ctx, genuine); err != nil {
		t.Fatalf("genuine state refused after failed attempts: %v", err)
	}
}

func testExpired(t *testing.T, s statestore.Store, clock *Clock) {
	ctx := context.Background()
	state := issue(t, s)
	clock.Advance(TTL + time.Second)
	wantErr(t, "expired state", s.Consume(ctx, state), statestore.ErrExpired)
	if err := s.Consume(ctx, state); err == nil {
		t.Fatal("expired state accepted on a second attempt")
	}
}

func testJustBeforeExpiry(t *testing.T, s statestore.Store, clock *Clock) {
	state := issue(t, s)
	clock.Advance(TTL - time.Second)
	if err := s.Consume(context.Background(), state); err != nil {
		t.Fatalf("Consume one second before expiry = %v, want nil", err)
	}
}

func testConcurrentConsume(t *testing.T, s statestore.Store, _ *Clock) {
	const rounds, racers = 5, 16
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for round := range rounds {
		state := issue(t, s)
		var wins, invalid atomic.Int32
		var wg sync.WaitGroup
		startGun := make(chan struct{})
		for range racers {
			wg.Go(func() {
				<-startGun
				err := s.Consume(ctx, state)
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, statestore.ErrInvalid):
					invalid.Add(1)
				default:
					t.Errorf("round %d: concurrent Consume = %v, want nil or ErrInvalid", round, err)
				}
			})
		}
		close(startGun)
		wg.Wait()
		if wins.Load() != 1 || invalid.Load() != racers-1 {
			t.Fatalf("round %d: %d of %d concurrent Consume calls succeeded (%d ErrInvalid), want exactly 1", round, wins.Load(), racers, invalid.Load())
		}
	}
}

func testCanceledContext(t *testing.T, s statestore.Store, _ *Clock) {
	state := issue(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Consume(ctx, state); err == nil {
		t.Fatal("Consume with a canceled context succeeded; it must fail without consuming")
	}
	if err := s.Consume(context.Background(), state); err != nil {
		t.Fatalf("Consume after a canceled attempt = %v, want nil (the canceled call must not consume)", err)
	}
}
