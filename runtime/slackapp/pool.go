package slackapp

import "sync"

// pool runs jobs on at most workers goroutines at once, with at most queue
// more waiting. Jobs beyond that are refused (tryGo) or wait for room (goWait,
// Socket Mode), so memory stays bounded under a burst.
type pool struct {
	slots   chan struct{} // running + waiting jobs
	workers chan struct{} // running jobs
	wg      sync.WaitGroup
}

func newPool(workers, queue int) *pool {
	return &pool{slots: make(chan struct{}, workers+queue), workers: make(chan struct{}, workers)}
}

// tryGo starts job unless the pool is full, and reports whether it did.
func (p *pool) tryGo(job func()) bool {
	select {
	case p.slots <- struct{}{}:
	default:
		return false
	}
	p.start(job)
	return true
}

// goWait starts job, waiting for room while done is open; it reports false
// when done closed first.
func (p *pool) goWait(done <-chan struct{}, job func()) bool {
	select {
	case p.slots <- struct{}{}:
	case <-done:
		return false
	}
	p.start(job)
	return true
}

func (p *pool) start(job func()) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer func() { <-p.slots }()
		p.workers <- struct{}{}
		defer func() { <-p.workers }()
		job()
	}()
}

// wait blocks until every started job has finished.
func (p *pool) wait() { p.wg.Wait() }
