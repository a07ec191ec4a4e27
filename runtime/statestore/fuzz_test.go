package statestore_test

import (
	"context"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/statestore"
)

// FuzzSignedConsume: Consume never panics; a state it accepts is refused when
// replayed, and so is every one-character change of it (the MAC covers every
// character, and no two spellings decode to one token).
func FuzzSignedConsume(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	clock := statestore.WithClock(func() time.Time { return now })
	issuer, err := statestore.NewSigned([]byte(testSecret), clock)
	if err != nil {
		f.Fatal(err)
	}
	for range 3 {
		s, err := issuer.Issue(context.Background())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	f.Add("")
	f.Add("AQ")
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
	f.Fuzz(func(t *testing.T, state string) {
		ctx := context.Background()
		s, err := statestore.NewSigned([]byte(testSecret), clock) // fresh replay memory
		if err != nil {
			t.Fatal(err)
		}
		if s.Consume(ctx, state) != nil {
			return
		}
		if s.Consume(ctx, state) == nil {
			t.Fatalf("replay accepted: %q", state)
		}
		for i := range state {
			for j := range alphabet {
				b := []byte(state)
				if b[i] == alphabet[j] {
					continue
				}
				b[i] = alphabet[j]
				fresh, _ := statestore.NewSigned([]byte(testSecret), clock)
				if fresh.Consume(ctx, string(b)) == nil {
					t.Fatalf("accepted %q and also its variant %q", state, b)
				}
			}
		}
	})
}
