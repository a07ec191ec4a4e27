package slackapp_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

// gatedStore answers lookups only once gate is closed, and honours the
// lookup's context as a database driver does.
type gatedStore struct {
	*memstore.Store
	gate chan struct{}
}

func (s gatedStore) FindBot(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	<-s.gate
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Store.FindBot(ctx, q)
}

func (s gatedStore) FindInstallation(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	<-s.gate
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Store.FindInstallation(ctx, q)
}

// TestBlockActionAuthorizedAfterTheRequestEnds: a block action is acked at
// once and authorized in the worker pool, after net/http has canceled the
// request's context; the installation lookup must not fail with it.
func TestBlockActionAuthorizedAfterTheRequestEnds(t *testing.T) {
	store := gatedStore{Store: memstore.New(), gate: make(chan struct{})}
	if err := store.Save(context.Background(), &installstore.Installation{TeamID: "T1", BotToken: "xoxb-t1"}); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, nil, slackapp.WithInstallationStore(store))
	var ran atomic.Bool
	f.app.BlockAction("approve", func(c *slackapp.Context, a *slackapp.BlockAction) error {
		ran.Store(c.Client() != nil)
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	p := payload("block_actions", map[string]any{
		"actions": []map[string]any{{"type": "button", "action_id": "approve", "block_id": "b1", "value": "1"}},
	})
	rr := f.serve(slackapptest.InteractionRequest(secret, p).WithContext(ctx))
	cancel() // net/http cancels the context when ServeHTTP returns
	close(store.gate)
	if rr.Code != 200 {
		t.Fatalf("status %d", rr.Code)
	}
	f.drain(t)
	if !ran.Load() {
		t.Fatalf("the block action handler did not run with a client; logs:\n%s", f.logs.String())
	}
}
