package slackapp

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPoolBounds(t *testing.T) {
	const workers, queue = 3, 5
	p := newPool(workers, queue)
	release := make(chan struct{})
	var running, peak atomic.Int32
	job := func() {
		n := running.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		<-release
		running.Add(-1)
	}
	for i := range workers + queue {
		if !p.tryGo(job) {
			t.Fatalf("job %d refused below the bound", i)
		}
	}
	if p.tryGo(job) {
		t.Fatal("a job beyond workers+queue was accepted")
	}
	// The workers take jobs while the others wait in the queue.
	deadline := time.Now().Add(10 * time.Second)
	for running.Load() < workers && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := running.Load(); got != workers {
		t.Fatalf("%d jobs running, want %d", got, workers)
	}
	close(release)
	p.wait()
	if got := peak.Load(); got != workers {
		t.Errorf("at most %d jobs ran at once, want %d", got, workers)
	}
	if !p.tryGo(func() {}) {
		t.Error("a job was refused after the pool emptied")
	}
	p.wait()
	// An idle pool keeps at most keepIdle workers, all idle; after stop,
	// none.
	waitWorkers(t, p, func(running, idle int) bool { return running <= p.keepIdle && running == idle })
	p.stop()
	waitWorkers(t, p, func(running, idle int) bool { return running == 0 })
}

// waitWorkers waits (at most 10 s) until ok holds for the pool's worker
// counts.
func waitWorkers(t *testing.T, p *pool, ok func(running, idle int) bool) {
	t.Helper()
	WaitFor(t, "the pool's workers", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return ok(p.running, p.idle)
	})
}

// TestPoolKeepsIdleWorkers: jobs handed over one at a time run on the same
// parked worker instead of a new goroutine each (whose stack would grow
// again), and a stopped pool's idle workers exit.
func TestPoolKeepsIdleWorkers(t *testing.T) {
	p := newPool(4, 8)
	p.keepIdle = 1
	done := make(chan struct{})
	for i := range 50 {
		if !p.tryGo(func() { done <- struct{}{} }) {
			t.Fatalf("job %d refused", i)
		}
		<-done
		// The worker parks before the next job comes.
		waitWorkers(t, p, func(running, idle int) bool { return running == 1 && idle == 1 })
	}
	p.stop()
	waitWorkers(t, p, func(running, idle int) bool { return running == 0 })
	// Jobs still run after stop, on workers that exit once done.
	if !p.tryGo(func() { done <- struct{}{} }) {
		t.Fatal("a job was refused after stop")
	}
	<-done
	p.wait()
	waitWorkers(t, p, func(running, idle int) bool { return running == 0 })
}

func TestPoolGoWait(t *testing.T) {
	p := newPool(1, 0)
	release := make(chan struct{})
	if !p.tryGo(func() { <-release }) {
		t.Fatal("first job refused")
	}
	done := make(chan struct{})
	close(done)
	if p.goWait(done, func() {}) {
		t.Error("goWait started a job on a full pool although done was closed")
	}
	started := make(chan bool)
	go func() { started <- p.goWait(nil, func() {}) }()
	select {
	case <-started:
		t.Fatal("goWait did not wait for room")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	if !<-started {
		t.Error("goWait gave up although room came")
	}
	p.wait()
}

// TestPoolNoLostJobs races producers against workers that find the queue
// empty and exit: every accepted job must run.
func TestPoolNoLostJobs(t *testing.T) {
	p := newPool(4, 64)
	var ran atomic.Int64
	var accepted atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2000 {
				if p.goWait(nil, func() { ran.Add(1) }) {
					accepted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	p.wait()
	if ran.Load() != accepted.Load() || accepted.Load() != 8000 {
		t.Errorf("ran %d of %d accepted jobs (8000 sent)", ran.Load(), accepted.Load())
	}
}

// BenchmarkPool hands short jobs that need some stack (like a handler
// decoding JSON) to the pool from one goroutine, as the HTTP server does.
func BenchmarkPool(b *testing.B) {
	p := newPool(DefaultWorkers, DefaultQueueSize)
	job := func() { stackUser(24) }
	b.ReportAllocs()
	for b.Loop() {
		p.goWait(nil, job)
	}
	p.wait()
}

// stackUser uses about depth × 256 bytes of stack.
//
//go:noinline
func stackUser(depth int) byte {
	var buf [256]byte
	buf[depth%len(buf)] = byte(depth)
	if depth == 0 {
		return buf[0]
	}
	return stackUser(depth-1) + buf[depth%len(buf)]
}

// BenchmarkPoolOneAtATime hands jobs that need some stack to the pool one
// at a time, each after the previous finished: the pool's queue empties
// after every job, as it does between two events under moderate load.
func BenchmarkPoolOneAtATime(b *testing.B) {
	p := newPool(DefaultWorkers, DefaultQueueSize)
	done := make(chan struct{})
	job := func() { stackUser(24); done <- struct{}{} }
	b.ReportAllocs()
	for b.Loop() {
		p.goWait(nil, job)
		<-done
	}
	p.wait()
}

// TestPoolOneCPUReusesItsWorker: on one CPU, jobs that arrive while the
// worker yields between two jobs wait for it instead of each starting a
// goroutine (which grows a new stack for the handler, then exits).
func TestPoolOneCPUReusesItsWorker(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := newPool(16, 256)
	var done atomic.Int32
	const jobs = 2000
	for i := 0; i < jobs; i++ {
		for !p.tryGo(func() { done.Add(1) }) {
			runtime.Gosched() // full: let the workers run, as a busy server would
		}
		if i%4 == 3 {
			runtime.Gosched() // the request goroutines block now and then
		}
	}
	p.wait()
	if done.Load() != jobs {
		t.Fatalf("%d of %d jobs ran", done.Load(), jobs)
	}
	p.mu.Lock()
	spawned := p.spawned
	p.mu.Unlock()
	if spawned > jobs/100 {
		t.Fatalf("%d worker goroutines started for %d jobs on one CPU, want at most %d", spawned, jobs, jobs/100)
	}
	t.Logf("%d worker goroutines started for %d jobs", spawned, jobs)
}

// TestPoolNeedWorker: a worker yielding between jobs stands in for a new
// one on one CPU, not while CPUs are left over.
func TestPoolNeedWorker(t *testing.T) {
	for _, tc := range []struct {
		name                                string
		max, keepIdle, running, idle, yield int
		want                                bool
	}{
		{"none running", 16, 1, 0, 0, 0, true},
		{"one idle", 16, 1, 1, 1, 0, false},
		{"all busy", 16, 1, 3, 0, 0, true},
		{"at max", 3, 1, 3, 0, 0, false},
		{"one CPU, the worker yields", 16, 1, 1, 0, 1, false},
		{"two CPUs, the only worker yields", 16, 2, 1, 0, 1, true},
		{"two CPUs, two workers, one yields", 16, 2, 2, 0, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &pool{max: tc.max, keepIdle: tc.keepIdle, running: tc.running, idle: tc.idle}
			p.yielding.Store(int32(tc.yield))
			if got := p.needWorker(); got != tc.want {
				t.Fatalf("needWorker() = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestPoolRunsQueuedJobsBackToBack: a worker runs the jobs waiting in the
// queue one after another and yields once it emptied it, not after each
// job: one job per turn through the scheduler's global queue let the queue
// fill up while requests kept the CPU busy (seen under valgrind).
func TestPoolRunsQueuedJobsBackToBack(t *testing.T) {
	p := newPool(1, 16)
	release := make(chan struct{})
	var ran atomic.Int32
	if !p.tryGo(func() { <-release; ran.Add(1) }) {
		t.Fatal("refused the first job")
	}
	waitWorkers(t, p, func(running, idle int) bool { return running == 1 && idle == 0 })
	for i := range 10 {
		if !p.tryGo(func() { ran.Add(1) }) {
			t.Fatalf("refused job %d", i)
		}
	}
	close(release)
	p.wait()
	if ran.Load() != 11 {
		t.Fatalf("%d jobs ran, want 11", ran.Load())
	}
	// Let the worker reach its yield and go idle.
	waitWorkers(t, p, func(running, idle int) bool { return running == idle })
	if y := p.yields.Load(); y > 2 {
		t.Errorf("the worker yielded %d times for 11 jobs, 10 of them queued together; want once after emptying the queue", y)
	}
	p.stop()
}
