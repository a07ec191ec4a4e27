package filestore_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/filestore"
)

func Example() {
	dir, err := os.MkdirTemp("", "installations")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := filestore.New(dir)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_ = store.Save(ctx, &installstore.Installation{EnterpriseID: "E1", TeamID: "T1", BotToken: "xoxb-example"})

	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fmt.Println(e.Name()) // one JSON file per workspace, and its lock file
	}
	bot, err := store.FindBot(ctx, installstore.Query{EnterpriseID: "E1", TeamID: "T1"})
	fmt.Println(bot.BotToken, err)
	// Output:
	// team_E1_T1.json
	// team_E1_T1.lock
	// xoxb-example <nil>
}
