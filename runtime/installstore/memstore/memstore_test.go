package memstore_test

import (
	"testing"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/installstore/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) installstore.Store { return memstore.New() })
}
