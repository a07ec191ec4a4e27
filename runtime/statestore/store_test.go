package statestore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/statestore"
	"github.com/slackgen/slackgen/runtime/statestore/statetest"
)

const testSecret = "0123456789abcdef0123456789abcdef" // 32 bytes

func TestMemoryConformance(t *testing.T) {
	statetest.Run(t, func(t *testing.T, opts ...statestore.Option) statestore.Store {
		s, err := statestore.NewMemory(opts...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestSignedConformance(t *testing.T) {
	statetest.Run(t, func(t *testing.T, opts ...statestore.Option) statestore.Store {
		s, err := statestore.NewSigned([]byte(testSecret), opts...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestNewSignedRejectsShortSecret(t *testing.T) {
	_, err := statestore.NewSigned([]byte(testSecret[:31]))
	if err == nil {
		t.Fatal("NewSigned accepted a 31-byte secret")
	}
	if !strings.Contains(err.Error(), "SLACK_STATE_SECRET") || strings.Contains(err.Error(), testSecret[:31]) {
		t.Fatalf("error %q should name SLACK_STATE_SECRET and not echo the secret", err)
	}
}

func TestNewOptionsRejectsBadValues(t *testing.T) {
	for name, opt := range map[string]statestore.Option{
		"zero TTL":     statestore.WithTTL(0),
		"negative TTL": statestore.WithTTL(-time.Second),
		"nil clock":    statestore.WithClock(nil),
	} {
		if _, err := statestore.NewOptions(opt); err == nil {
			t.Errorf("%s: NewOptions accepted it", name)
		}
		if _, err := statestore.NewMemory(opt); err == nil {
			t.Errorf("%s: NewMemory accepted it", name)
		}
		if _, err := statestore.NewSigned([]byte(testSecret), opt); err == nil {
			t.Errorf("%s: NewSigned accepted it", name)
		}
	}
}

// A state signed with one secret is refused by a store with another, and the
// same secret verifies on another replica (another Signed value).
func TestSignedAcrossReplicas(t *testing.T) {
	ctx := context.Background()
	a, _ := statestore.NewSigned([]byte(testSecret))
	b, _ := statestore.NewSigned([]byte(testSecret))
	other, _ := statestore.NewSigned([]byte(strings.Repeat("x", 32)))
	state, err := a.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Consume(ctx, state); !errors.Is(err, statestore.ErrInvalid) {
		t.Fatalf("other secret: Consume = %v, want ErrInvalid", err)
	}
	if err := b.Consume(ctx, state); err != nil {
		t.Fatalf("replica with the same secret: Consume = %v, want nil", err)
	}
}

// Every single-bit change of a signed state is refused.
func TestSignedTamperedBits(t *testing.T) {
	ctx := context.Background()
	s, _ := statestore.NewSigned([]byte(testSecret))
	state, err := s.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range state {
		c := strings.IndexByte(alphabet, state[i])
		for bit := range 6 {
			b := []byte(state)
			b[i] = alphabet[c^(1<<bit)]
			if tampered := string(b); tampered != state && s.Consume(ctx, tampered) == nil {
				t.Fatalf("tampered state accepted (character %d, bit %d)", i, bit)
			}
		}
	}
	if err := s.Consume(ctx, state); err != nil {
		t.Fatalf("genuine state refused: %v", err)
	}
}

// The replay memory of Signed is bounded and purged as nonces expire.
func TestSignedReplayMemoryIsPurged(t *testing.T) {
	ctx := context.Background()
	clock := statetest.NewClock(time.Unix(1_700_000_000, 0))
	s, _ := statestore.NewSigned([]byte(testSecret), statestore.WithClock(clock.Now), statestore.WithTTL(time.Minute))
	for range 100 {
		state, _ := s.Issue(ctx)
		if err := s.Consume(ctx, state); err != nil {
			t.Fatal(err)
		}
	}
	if n := statestore.SignedRemembered(s); n != 100 {
		t.Fatalf("remembers %d nonces, want 100", n)
	}
	clock.Advance(2 * time.Minute)
	state, _ := s.Issue(ctx)
	if err := s.Consume(ctx, state); err != nil {
		t.Fatal(err)
	}
	if n := statestore.SignedRemembered(s); n != 1 {
		t.Fatalf("after expiry remembers %d nonces, want 1", n)
	}
}

// When more states are consumed within a TTL than the replay memory holds,
// the oldest consumed nonces are forgotten and every install keeps working.
func TestSignedReplayMemoryBounded(t *testing.T) {
	ctx := context.Background()
	s, _ := statestore.NewSigned([]byte(testSecret))
	statestore.SetSignedMax(s, 10)
	var states []string
	for range 25 {
		state, _ := s.Issue(ctx)
		if err := s.Consume(ctx, state); err != nil {
			t.Fatalf("Consume with a full replay memory = %v, want nil", err)
		}
		states = append(states, state)
	}
	if n := statestore.SignedRemembered(s); n != 10 {
		t.Fatalf("remembers %d nonces, want the bound, 10", n)
	}
	for _, state := range states[15:] {
		if err := s.Consume(ctx, state); !errors.Is(err, statestore.ErrInvalid) {
			t.Fatalf("replay of one of the 10 newest states: Consume = %v, want ErrInvalid", err)
		}
	}
}

func TestMemoryBounded(t *testing.T) {
	ctx := context.Background()
	clock := statetest.NewClock(time.Unix(1_700_000_000, 0))
	s, _ := statestore.NewMemory(statestore.WithClock(clock.Now), statestore.WithTTL(time.Minute))
	statestore.SetMemoryMax(s, 10)
	for range 10 {
		if _, err := s.Issue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Issue(ctx); err == nil {
		t.Fatal("Issue beyond the bound succeeded")
	}
	clock.Advance(time.Minute)
	if _, err := s.Issue(ctx); err != nil {
		t.Fatalf("Issue after the others expired = %v, want nil", err)
	}
}

func TestWellFormed(t *testing.T) {
	for state, want := range map[string]bool{
		"":                           false,
		"abcXYZ019-_.~":              true,
		strings.Repeat("a", 128):     true,
		strings.Repeat("a", 129):     false,
		"a b":                        false,
		"a%20b":                      false,
		"\x00":                       false,
		"é":                          false,
		"QZ7K2M4T6V8X0B2D4F6H8J0L2N": true,
	} {
		if got := statestore.WellFormed(state); got != want {
			t.Errorf("WellFormed(%q) = %v, want %v", state, got, want)
		}
	}
}

// A full Memory store frees the space of states as they expire, in the
// order they expire, also after states were consumed out of order.
func TestMemoryFullFreesExpiredInOrder(t *testing.T) {
	ctx := context.Background()
	clock := statetest.NewClock(time.Unix(1_700_000_000, 0))
	s, _ := statestore.NewMemory(statestore.WithClock(clock.Now), statestore.WithTTL(time.Minute))
	statestore.SetMemoryMax(s, 2)
	issue := func(what string, wantOK bool) string {
		t.Helper()
		state, err := s.Issue(ctx)
		if (err == nil) != wantOK {
			t.Fatalf("%s: Issue = %v, want success %v", what, err, wantOK)
		}
		return state
	}
	a := issue("a", true)           // expires at +60s
	clock.Advance(30 * time.Second) // +30s
	issue("b", true)                // expires at +90s
	issue("full", false)            //
	if err := s.Consume(ctx, a); err != nil {
		t.Fatalf("Consume(a) = %v", err)
	}
	issue("c after a was consumed", true) // expires at +90s
	issue("full again", false)
	clock.Advance(29 * time.Second) // +59s: nothing expired
	issue("before b and c expire", false)
	clock.Advance(31 * time.Second) // +90s: b and c expired
	issue("d after b and c expired", true)
	issue("e", true)
	issue("full with d and e", false)
}
