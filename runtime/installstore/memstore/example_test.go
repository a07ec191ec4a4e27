package memstore_test

import (
	"context"
	"fmt"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
)

func Example() {
	ctx := context.Background()
	store := memstore.New()

	// The OAuth callback saves what oauth.v2.access returned.
	_ = store.Save(ctx, &installstore.Installation{
		TeamID: "T123", BotToken: "xoxb-example", BotUserID: "UBOT",
		UserID: "U123", UserToken: "xoxp-example",
	})

	// Request handlers find the bot of the workspace the request came from.
	bot, err := store.FindBot(ctx, installstore.Query{TeamID: "T123"})
	fmt.Println(bot.BotUserID, bot.UserID == "", err)

	// A user who never installed the app gets ErrNotFound, never another
	// user's token.
	_, err = store.FindInstallation(ctx, installstore.Query{TeamID: "T123", UserID: "U999"})
	fmt.Println(err)
	// Output:
	// UBOT true <nil>
	// installstore: installation not found
}
