package slackapp

import "sync"

// tracker counts the requests an App is handling and the handlers that
// outlive their request, so that Drain can wait for them. The worker pool
// counts its jobs itself; they are queued only by counted requests.
//
// A sync.WaitGroup does not fit: a request that outlived the HTTP server's
// shutdown (its timeout passed) would Add to a zero counter while Drain is in
// Wait, which the WaitGroup forbids (it may panic) and which let Drain return
// while the new work ran. Here new work is refused once draining began, and the count is
// guarded by a mutex held for a few instructions (no allocation per
// request).
type tracker struct {
	mu       sync.Mutex
	n        int           // work started and not finished
	draining bool          // refuse new work
	idle     chan struct{} // closed when n drops to zero; nil until waited for
}

// closedChan is what wait returns when no work runs.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// enter counts new work, unless draining began, and reports whether it did.
// Work that is counted must call done when it finishes.
func (t *tracker) enter() bool {
	t.mu.Lock()
	ok := !t.draining
	if ok {
		t.n++
	}
	t.mu.Unlock()
	return ok
}

// add counts work started by work already counted (a handler that outlives
// its request). It is never refused: the caller's own
// count keeps n above zero, so no drain can have ended.
func (t *tracker) add() {
	t.mu.Lock()
	t.n++
	t.mu.Unlock()
}

// done ends one counted piece of work.
func (t *tracker) done() {
	t.mu.Lock()
	t.n--
	if t.n == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
	t.mu.Unlock()
}

// wait returns a channel that is closed once no work runs.
func (t *tracker) wait() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == 0 {
		return closedChan
	}
	if t.idle == nil {
		t.idle = make(chan struct{})
	}
	return t.idle
}

// drain refuses new work from now on, for good, and returns wait().
func (t *tracker) drain() <-chan struct{} {
	t.mu.Lock()
	t.draining = true
	t.mu.Unlock()
	return t.wait()
}
