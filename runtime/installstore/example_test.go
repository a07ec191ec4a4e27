package installstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
)

// Stores compose: encrypt tokens at rest, and cache decrypted lookups in
// memory for a minute.
func Example() {
	key, err := installstore.NewKey() // in production: os.Getenv(installstore.KeyEnv)
	if err != nil {
		log.Fatal(err)
	}
	keys, err := installstore.ParseKeys(key)
	if err != nil {
		log.Fatal(err)
	}
	var store installstore.Store = memstore.New() // or sqlitestore.Open, pgstore.New
	store = installstore.NewEncrypted(store, keys)
	store = installstore.NewCached(store, time.Minute)

	ctx := context.Background()
	if err := store.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: "xoxb-example"}); err != nil {
		log.Fatal(err)
	}
	bot, err := store.FindBot(ctx, installstore.Query{TeamID: "T1"})
	fmt.Println(bot.BotToken, err)
	// Output: xoxb-example <nil>
}

// Rotating the encryption key: put the new key first and keep the old one
// after it; tokens written with the old key still decrypt, new writes use
// the new key.
func ExampleParseKeys() {
	os.Setenv(installstore.KeyEnv, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=")
	defer os.Unsetenv(installstore.KeyEnv)
	keys, err := installstore.KeysFromEnv()
	fmt.Println(keys, err)

	_, err = installstore.ParseKeys("c2hvcnQ=")
	fmt.Println(err)
	// Output:
	// installstore.Keys{6724c38b,fa602907} <nil>
	// installstore: encryption key 1 of 1: decodes to 5 bytes, want 32 (AES-256): generate one with openssl rand -base64 32
}

// Token rotation through Update: fn runs with the workspace locked, so the
// refresh token is spent once even when replicas race.
func ExampleStore_Update() {
	ctx := context.Background()
	store := memstore.New()
	_ = store.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: "xoxe.xoxb-1", BotRefreshToken: "xoxe-1"})

	err := store.Update(ctx, installstore.Query{TeamID: "T1"}, func(cur *installstore.Installation) (*installstore.Installation, error) {
		// Call oauth.v2.access with grant_type=refresh_token and cur.BotRefreshToken here.
		cur.BotToken, cur.BotRefreshToken = "xoxe.xoxb-2", "xoxe-2"
		cur.BotTokenExpiresAt = time.Now().Add(12 * time.Hour)
		return cur, nil
	})
	bot, _ := store.FindBot(ctx, installstore.Query{TeamID: "T1"})
	fmt.Println(bot.BotToken, bot.BotRefreshToken, err)
	// Output: xoxe.xoxb-2 xoxe-2 <nil>
}
