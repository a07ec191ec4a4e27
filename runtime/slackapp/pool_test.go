package slackapp

import (
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
	p.mu.Lock()
	defer p.mu.Unlock()
	deadline = time.Now().Add(10 * time.Second)
	for p.running != 0 && time.Now().Before(deadline) {
		p.mu.Unlock()
		time.Sleep(time.Millisecond)
		p.mu.Lock()
	}
	if p.running != 0 {
		t.Errorf("%d workers left running on an idle pool", p.running)
	}
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
