package slackapp

import (
	"runtime"
	"sync"
)

// pool runs jobs on at most workers goroutines at once, with at most queue
// more waiting. Jobs beyond that are refused (tryGo) or wait for room (goWait,
// Socket Mode), so memory stays bounded under a burst.
//
// Waiting jobs are closures in a channel, not parked goroutines. A worker
// goroutine is started when a job arrives and fewer than workers run; it
// keeps taking queued jobs and exits when the queue is empty. Under load a
// worker thus runs many jobs on a stack already grown by the previous ones,
// instead of a new goroutine (and a new stack to grow) per job; an idle app
// keeps no goroutine.
type pool struct {
	slots chan struct{} // running + waiting jobs
	queue chan func()   // jobs not yet taken by a worker
	max   int           // workers

	mu      sync.Mutex
	running int // worker goroutines

	wg sync.WaitGroup // jobs started and not finished
}

func newPool(workers, queue int) *pool {
	return &pool{slots: make(chan struct{}, workers+queue), queue: make(chan func(), workers+queue), max: workers}
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

// start queues job (it holds a slot, so the queue has room) and starts a
// worker when fewer than max run.
func (p *pool) start(job func()) {
	p.wg.Add(1)
	p.queue <- job
	p.mu.Lock()
	spawn := p.running < p.max
	if spawn {
		p.running++
	}
	p.mu.Unlock()
	if spawn {
		go p.work()
	}
}

// work runs queued jobs until the queue is empty. The emptiness check and
// the worker count change under one lock, and start queues before it takes
// the lock, so a job is never left queued without a worker.
func (p *pool) work() {
	for {
		select {
		case job := <-p.queue:
			p.run(job)
			// Let the goroutines serving requests run between two jobs:
			// a worker that never blocks would otherwise keep the CPU
			// until it is preempted (10 ms) and delay the acks.
			runtime.Gosched()
			continue
		default:
		}
		p.mu.Lock()
		if len(p.queue) > 0 {
			p.mu.Unlock()
			continue
		}
		p.running--
		p.mu.Unlock()
		return
	}
}

// run runs one job and frees its slot.
func (p *pool) run(job func()) {
	defer p.wg.Done()
	defer func() { <-p.slots }()
	job()
}

// wait blocks until every started job has finished.
func (p *pool) wait() { p.wg.Wait() }
