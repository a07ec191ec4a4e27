package redisstate_test

import (
	"context"
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/slackgen/slackgen/runtime/statestore/redisstate"
)

// Strictly single-use states shared by every replica of an app, on a Redis
// client the app already has.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()
	store, err := redisstate.New(client, "myapp:oauth_state:")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	state, err := store.Issue(ctx)
	if err != nil {
		log.Fatal(err)
	}
	// … later, in the OAuth callback:
	if err := store.Consume(ctx, state); err != nil {
		log.Print("refusing the OAuth callback: ", err)
	}
}
