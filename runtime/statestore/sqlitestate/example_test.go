package sqlitestate_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/slackgen/slackgen/runtime/statestore/sqlitestate"
)

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "sqlitestate")
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store, err := sqlitestate.Open(ctx, filepath.Join(dir, "app.db"))
	if err != nil {
		panic(err)
	}
	defer store.Close()

	state, _ := store.Issue(ctx)
	fmt.Println(store.Consume(ctx, state))
	fmt.Println(store.Consume(ctx, state))
	// Output:
	// <nil>
	// statestore: invalid or already used state
}
