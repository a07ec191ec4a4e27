package slackapp

import "context"

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
