package sqlitestore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/sqlitestore"
)

func Example() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := sqlitestore.Open(filepath.Join(dir, "data", "installations.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	ctx := context.Background()
	// An org-wide install is keyed by its enterprise.
	err = store.Save(ctx, &installstore.Installation{
		EnterpriseID: "E1", IsEnterpriseInstall: true,
		BotToken: "xoxb-example", BotUserID: "UBOT", BotRefreshToken: "xoxe-1",
	})
	if err != nil {
		log.Fatal(err)
	}

	// Token rotation: Update serializes the read-modify-write, across
	// processes too, so the refresh token is spent once.
	q := installstore.Query{EnterpriseID: "E1", TeamID: "T42", IsEnterpriseInstall: true}
	err = store.Update(ctx, q, func(cur *installstore.Installation) (*installstore.Installation, error) {
		cur.BotRefreshToken = "xoxe-2" // what oauth.v2.access returned for xoxe-1
		return cur, nil
	})
	if err != nil {
		log.Fatal(err)
	}

	bot, err := store.FindBot(ctx, q)
	fmt.Println(bot.BotUserID, bot.BotRefreshToken, err)
	// Output: UBOT xoxe-2 <nil>
}
