package memstore_test

import (
	"context"
	"testing"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/installstore/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) installstore.Store { return memstore.New() })
}

func TestRetention(t *testing.T) {
	storetest.RunRetention(t, func(t *testing.T, history int) (installstore.Store, storetest.Counter) {
		s := memstore.New(memstore.WithHistory(history))
		if history == installstore.DefaultHistory {
			s = memstore.New() // the default
		}
		return s, func(ctx context.Context, q installstore.Query) (int, error) { return memstore.Count(s, q), nil }
	})
}
