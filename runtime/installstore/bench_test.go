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
