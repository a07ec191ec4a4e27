package statestore_test

import (
	"context"
	"testing"

	"github.com/slackgen/slackgen/runtime/statestore"
)

func benchIssueConsume(b *testing.B, s statestore.Store) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		state, err := s.Issue(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Consume(ctx, state); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignedIssueConsume is one install flow's worth of state work.
func BenchmarkSignedIssueConsume(b *testing.B) {
	s, err := statestore.NewSigned([]byte(testSecret))
	if err != nil {
		b.Fatal(err)
	}
	benchIssueConsume(b, s)
}

func BenchmarkMemoryIssueConsume(b *testing.B) {
	s, err := statestore.NewMemory()
	if err != nil {
		b.Fatal(err)
	}
	benchIssueConsume(b, s)
}
