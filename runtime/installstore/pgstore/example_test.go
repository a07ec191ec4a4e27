package pgstore_test

import (
	"context"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/pgstore"
)

// With a pool the app already has (pgstore.Open makes one from a URL).
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	store, err := pgstore.New(ctx, pool) // migrates the schema
	if err != nil {
		log.Fatal(err)
	}
	bot, err := store.FindBot(ctx, installstore.Query{TeamID: "T1"})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("bot user %s", bot.BotUserID)
}
