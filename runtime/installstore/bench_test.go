package installstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
)

// slowStore stands for a database: every find costs a round trip.
type slowStore struct {
	installstore.Store
	delay time.Duration
}

func (s slowStore) FindBot(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	time.Sleep(s.delay)
	return s.Store.FindBot(ctx, q)
}

func BenchmarkCachedFindBot(b *testing.B) {
	ctx := context.Background()
	inner := memstore.New()
	for i := 0; i < 1000; i++ {
		inst := &installstore.Installation{TeamID: fmt.Sprintf("T%d", i), BotToken: "xoxb", BotScopes: []string{"chat:write", "commands"}}
		if err := inner.Save(ctx, inst); err != nil {
			b.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name  string
		store installstore.Store
	}{
		{"hit", installstore.NewCached(slowStore{inner, time.Millisecond}, time.Hour)},
		{"uncached-memstore", inner},
	} {
		b.Run(tc.name, func(b *testing.B) {
			q := installstore.Query{TeamID: "T7"}
			if _, err := tc.store.FindBot(ctx, q); err != nil { // warm the cache
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tc.store.FindBot(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEncryptedFindBot measures the decryption FindBot adds to every
// authorized request when tokens are encrypted at rest.
func BenchmarkEncryptedFindBot(b *testing.B) {
	ctx := context.Background()
	key, err := installstore.NewKey()
	if err != nil {
		b.Fatal(err)
	}
	keys, err := installstore.ParseKeys(key)
	if err != nil {
		b.Fatal(err)
	}
	store := installstore.NewEncrypted(memstore.New(), keys)
	inst := &installstore.Installation{
		EnterpriseID: "E1", TeamID: "T1",
		BotToken: "xoxb-1-bot-token", BotRefreshToken: "xoxe-1-bot-refresh",
		IncomingWebhookURL: "https://hooks.slack.com/services/T1/B1/x",
	}
	if err := store.Save(ctx, inst); err != nil {
		b.Fatal(err)
	}
	q := installstore.Key(inst)
	b.ReportAllocs()
	for b.Loop() {
		got, err := store.FindBot(ctx, q)
		if err != nil || got.BotToken != inst.BotToken {
			b.Fatalf("FindBot: %v, %+v", err, got)
		}
	}
}
