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

// BenchmarkMemoryIssueWhenFull is the install page hammered after the
// Memory store filled up with unexpired states: every Issue is refused.
func BenchmarkMemoryIssueWhenFull(b *testing.B) {
	ctx := context.Background()
	s, err := statestore.NewMemory()
	if err != nil {
		b.Fatal(err)
	}
	for range statestore.DefaultMaxOutstanding {
		if _, err := s.Issue(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Issue(ctx); err == nil {
			b.Fatal("Issue succeeded in a full store")
		}
	}
}
