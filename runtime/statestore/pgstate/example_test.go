package pgstate_test

import (
	"context"
	"log"
	"os"

	"github.com/slackgen/slackgen/runtime/statestore/pgstate"
)

// Strictly single-use states shared by every replica of an app.
func ExampleOpen() {
	ctx := context.Background()
	store, err := pgstate.Open(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	state, err := store.Issue(ctx) // in the authorize URL and the browser cookie
	if err != nil {
		log.Fatal(err)
	}
	// … later, in the OAuth callback:
	if err := store.Consume(ctx, state); err != nil {
		log.Print("refusing the OAuth callback: ", err)
	}
}
