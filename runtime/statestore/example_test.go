package statestore_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/slackgen/slackgen/runtime/statestore"
)

// The default store of a generated app: stateless, keyed with
// SLACK_STATE_SECRET, shared by every replica.
func ExampleNewSigned() {
	secret := os.Getenv("SLACK_STATE_SECRET")
	if secret == "" {
		secret = "an-example-secret-of-at-least-32-bytes" // tests only
	}
	store, err := statestore.NewSigned([]byte(secret))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	state, _ := store.Issue(ctx) // put it in the authorize URL and an HttpOnly cookie
	fmt.Println(store.Consume(ctx, state))
	fmt.Println(errors.Is(store.Consume(ctx, state), statestore.ErrInvalid)) // a replay
	// Output:
	// <nil>
	// true
}

func ExampleNewSigned_shortSecret() {
	_, err := statestore.NewSigned([]byte("too short"))
	fmt.Println(err)
	// Output:
	// statestore: SLACK_STATE_SECRET must be at least 32 bytes, got 9; generate one with `openssl rand -hex 32`
}

func ExampleNewMemory() {
	store, err := statestore.NewMemory()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	state, _ := store.Issue(ctx)
	fmt.Println(len(state), store.Consume(ctx, state))
	fmt.Println(store.Consume(ctx, state))
	// Output:
	// 26 <nil>
	// statestore: invalid or already used state
}
