package slackapp

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
)

// freshStrings is a store whose results have every string in its own
// allocation, as the SQL stores return them (memstore shares its strings
// with what it returns).
type freshStrings struct{ installstore.Store }

func (s freshStrings) FindBot(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	return freshCopy(s.Store.FindBot(ctx, q))
}

func (s freshStrings) FindInstallation(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	return freshCopy(s.Store.FindInstallation(ctx, q))
}

func freshCopy(inst *installstore.Installation, err error) (*installstore.Installation, error) {
	if inst != nil {
		for _, p := range []*string{&inst.AppID, &inst.TeamID, &inst.TeamName, &inst.BotToken, &inst.BotID, &inst.BotUserID,
			&inst.UserID, &inst.EnterpriseName, &inst.IncomingWebhookURL, &inst.IncomingWebhookChannel, &inst.TokenType} {
			*p = strings.Clone(*p)
		}
		for i := range inst.BotScopes {
			inst.BotScopes[i] = strings.Clone(inst.BotScopes[i])
		}
	}
	return inst, err
}

// TestAuthCacheEntriesAreFewObjects: every cached authorization is
// marked by the garbage collector on every cycle, so an entry adds one heap
// object (the authorization, holding the installation and bot client by
// value) to the strings the store returned and the request's key: 15 here
// (11 of them the installation's strings and scopes, 2 the key's). It was
// 19 with the installation and client behind their own pointers and a
// logger per client.
func TestAuthCacheEntriesAreFewObjects(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds allocations")
	}
	const n = 2000
	ctx := context.Background()
	store := memstore.New()
	queries := make([]installstore.Query, n)
	for i := range queries {
		team := fmt.Sprintf("T%08d", i)
		queries[i] = installstore.Query{TeamID: team, UserID: fmt.Sprintf("U%08d", i)}
		err := store.Save(ctx, &installstore.Installation{
			AppID: "A1", TeamID: team, TeamName: "Team " + team, BotToken: "xoxb-" + team, BotID: "B" + team, BotUserID: "UB" + team,
			BotScopes: []string{"chat:write", "commands", "reactions:read"}, UserID: "UI" + team, TokenType: "bot",
			IncomingWebhookURL: "https://hooks.slack.com/services/" + team, IncomingWebhookChannel: "#general",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	app, err := New(&Config{
		SigningSecrets: []string{"s"}, ClientID: "1", ClientSecret: "2", StateSecret: "0123456789abcdef0123456789abcdef",
		BotScopes: []string{"commands"}, SlackURL: "http://127.0.0.1:1", AuthCacheTTL: time.Hour,
	}, WithInstallationStore(freshStrings{store}))
	if err != nil {
		t.Fatal(err)
	}
	// The queries' strings stand for a request's: each its own allocation,
	// garbage once the request is done.
	fresh := func(q installstore.Query) installstore.Query {
		q.TeamID, q.UserID = strings.Clone(q.TeamID), strings.Clone(q.UserID)
		return q
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, q := range queries {
		if _, err := app.auth.authorize(ctx, fresh(q)); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(app)
	runtime.KeepAlive(store)
	perEntry := (float64(after.HeapObjects) - float64(before.HeapObjects)) / n
	if perEntry > 15.5 {
		t.Fatalf("a cached authorization keeps %.1f heap objects live, want at most 15", perEntry)
	}
	t.Logf("%.1f heap objects per cached authorization", perEntry)
}
