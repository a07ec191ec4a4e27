package slackapp

import (
	"context"
	"testing"
	"time"
)

// WaitIdle waits until no request or handler runs, like Drain but without
// refusing new work afterwards: the tests use it between two requests to
// one app.
func (a *App) WaitIdle(ctx context.Context) error {
	select {
	case <-a.work.wait():
	case <-ctx.Done():
		return ctx.Err()
	}
	done := make(chan struct{})
	go func() { a.pool.wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WaitFor polls cond for up to 10 s, for the tests of both packages.
func WaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
