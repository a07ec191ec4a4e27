package slackapp

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// pool runs jobs on at most workers goroutines at once, with at most queue
// more waiting. Jobs beyond that are refused (tryGo) or wait for room (goWait,
// Socket Mode), so memory stays bounded under a burst.
//
// Waiting jobs are closures in a channel, not parked goroutines. A worker
// goroutine is started when a job arrives, no worker is idle and fewer than
// workers run; it keeps taking queued jobs. When the queue is empty it waits
// for the next job if fewer than keepIdle workers are idle, and exits
// otherwise. So under load a few workers run every job on stacks already
// grown by the previous ones, instead of a goroutine started (and its stack
// grown) for every burst, while an idle app keeps only keepIdle parked
// goroutines. With producer and worker on two CPUs, BenchmarkPool went from
// 1300 to 490 ns per job; the load test, pinned to one CPU, did not move.
type pool struct {
	slots    chan struct{} // running + waiting jobs
	queue    chan func()   // jobs not yet taken by a worker
	quit     chan struct{} // closed by stop: idle workers exit
	max      int           // workers
	keepIdle int           // idle workers kept waiting for jobs

	mu      sync.Mutex
	running int  // worker goroutines, busy or idle
	idle    int  // workers waiting for a job
	stopped bool // stop was called
	spawned int  // worker goroutines started so far (for tests)

	// yielding counts workers that emptied the queue and let other
	// goroutines run before they look at it again. start counts on them
	// as on idle workers; see yield.
	yielding atomic.Int32
	yields   atomic.Int64 // times a worker yielded (for tests)

	wg sync.WaitGroup // jobs started and not finished
}

func newPool(workers, queue int) *pool {
	return &pool{slots: make(chan struct{}, workers+queue), queue: make(chan func(), workers+queue),
		quit: make(chan struct{}), max: workers, keepIdle: min(workers, runtime.GOMAXPROCS(0))}
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
// worker unless one is idle or max run.
func (p *pool) start(job func()) {
	p.wg.Add(1)
	p.queue <- job
	p.mu.Lock()
	spawn := p.needWorker()
	if spawn {
		p.running++
		p.spawned++
	}
	p.mu.Unlock()
	if spawn {
		go p.work()
	}
}

// needWorker reports whether start should start a worker for a job it
// queued: none is idle and fewer than max run, and none is yielding (see
// yield), or one is but fewer workers run than there are CPUs for them
// (keepIdle is min(max, GOMAXPROCS)). p.mu must be held.
func (p *pool) needWorker() bool {
	return p.idle == 0 && p.running < p.max && (p.yielding.Load() == 0 || p.running < p.keepIdle)
}

// work runs queued jobs; with the queue empty it waits idle (see pool) or
// exits. start queues a job before it looks at the idle count under the
// lock, and a worker leaving the idle state looks at the queue under the
// same lock, so a job is never left queued without a worker.
func (p *pool) work() {
	ran := false // since the worker last yielded
	for {
		select {
		case job := <-p.queue:
			p.run(job)
			ran = true
			continue
		default:
		}
		if ran {
			ran = false
			p.yield()
			continue
		}
		p.mu.Lock()
		if len(p.queue) > 0 {
			p.mu.Unlock()
			continue
		}
		if p.idle >= p.keepIdle || p.stopped {
			p.running--
			p.mu.Unlock()
			return
		}
		p.idle++
		p.mu.Unlock()
		select {
		case job := <-p.queue:
			p.mu.Lock()
			p.idle--
			p.mu.Unlock()
			p.run(job)
			ran = true
		case <-p.quit:
			p.mu.Lock()
			p.idle--
			p.mu.Unlock() // the loop exits, or first runs what was queued meanwhile
		}
	}
}

// run runs one job and frees its slot.
func (p *pool) run(job func()) {
	defer p.wg.Done()
	defer func() { <-p.slots }()
	job()
}

// yield lets the goroutines serving requests run; a worker does so each
// time it emptied the queue, before it looks again and, finding it still
// empty, waits idle. A worker that never blocked would keep the CPU until
// it is preempted (10 ms) and delay the acks; one that yielded after every
// job, as it did before, ran one job per turn through the scheduler's
// global queue, which under valgrind (everything slower, so requests always
// waiting) let the queue fill up while the CPU served requests: the pool
// refused events it had the CPU to run. Running the queued jobs back to
// back instead delays acks by at most a queue's worth of handlers.
//
// While it yields, the worker counts as yielding, and start queues new jobs
// for it instead of starting another worker: a job queued before start
// reads the count is seen by the worker, which looks at the queue after it
// stops yielding. Without this, on one CPU every job that arrived while the
// worker yielded started a goroutine, which then grew its stack for the
// handler and exited when the queue emptied: half the events paid a
// goroutine start and a stack copy (callgrind: 4,739 stack growths in
// 10,000 events). With more CPUs than running workers, start still starts
// one, so that a yielding worker does not hold the handlers to one CPU.
func (p *pool) yield() {
	p.yields.Add(1)
	p.yielding.Add(1)
	runtime.Gosched()
	p.yielding.Add(-1)
}

// wait blocks until every started job has finished.
func (p *pool) wait() { p.wg.Wait() }

// stop makes idle workers exit, and workers exit instead of idling from
// now on; jobs still queued or started later run all the same.
func (p *pool) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stopped {
		p.stopped = true
		close(p.quit)
	}
}
