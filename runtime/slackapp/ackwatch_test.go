package slackapp

import (
	"sync"
	"testing"
	"time"
)

// watched is a command delivery whose acks are recorded: when, and whether
// early (the watch) or final (the handler).
type watched struct {
	d     commandDelivery
	mu    sync.Mutex
	acked time.Time
	early bool
	n     int
}

func newWatched() *watched {
	w := &watched{}
	w.d.ack.send = func(_ *Response, early bool) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.acked, w.early = time.Now(), early
		w.n++
	}
	return w
}

func (w *watched) result() (time.Time, bool, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.acked, w.early, w.n
}

func (a *ackWatch) isRunning() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.running
}

// TestAckWatchAcksAtTheDeadline: of commands started one after another, the
// ones still running at their deadline are acked early at it, each in its
// own time; the ones that answered first are never acked by the watch; and
// the list is empty afterwards.
func TestAckWatchAcksAtTheDeadline(t *testing.T) {
	const after = 60 * time.Millisecond
	w := &ackWatch{after: after}
	var slow, fast []*watched
	var starts []time.Time
	for i := range 6 {
		c := newWatched()
		start := time.Now()
		w.watch(&c.d)
		if i%2 == 0 {
			slow, starts = append(slow, c), append(starts, start)
		} else {
			c.d.ack.offerFinal(Text("done")) // the handler returned in time
			w.unwatch(&c.d)
			fast = append(fast, c)
		}
		time.Sleep(15 * time.Millisecond)
	}
	WaitFor(t, "the slow commands' acks", func() bool {
		for _, c := range slow {
			if _, _, n := c.result(); n == 0 {
				return false
			}
		}
		return true
	})
	for i, c := range slow {
		at, early, n := c.result()
		if !early || n != 1 {
			t.Errorf("slow command %d: early=%v acks=%d, want one early ack", i, early, n)
		}
		// Never before the deadline; after it by at most a loaded
		// machine's scheduling delay.
		if late := at.Sub(starts[i]); late < after || late > after+2*time.Second {
			t.Errorf("slow command %d acked %v after it started, want %v", i, late, after)
		}
		// The handler's own answer, after the deadline, is not taken.
		if c.d.ack.offerFinal(Text("late")) {
			t.Errorf("slow command %d: the handler's late answer was taken as the ack", i)
		}
		w.unwatch(&c.d) // as handleCommand does when the handler returns
	}
	for i, c := range fast {
		if _, early, n := c.result(); early || n != 1 {
			t.Errorf("fast command %d: early=%v acks=%d, want only the handler's", i, early, n)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.head != nil || w.tail != nil {
		t.Errorf("the list still holds commands")
	}
}

// TestAckWatchGoroutineExits: the watching goroutine exits once no command
// came for a whole deadline, and a later command starts it again.
func TestAckWatchGoroutineExits(t *testing.T) {
	w := &ackWatch{after: 20 * time.Millisecond}
	for range 2 {
		c := newWatched()
		w.watch(&c.d)
		if !w.isRunning() {
			t.Fatal("no watching goroutine while a command runs")
		}
		c.d.ack.offerFinal(nil)
		w.unwatch(&c.d)
		WaitFor(t, "the watching goroutine to exit", func() bool { return !w.isRunning() })
	}
}

// TestAckWatchRace races handlers returning with their deadlines: every
// command is acked exactly once (run with -race).
func TestAckWatchRace(t *testing.T) {
	w := &ackWatch{after: time.Millisecond}
	var wg sync.WaitGroup
	cs := make([]*watched, 400)
	for i := range cs {
		cs[i] = newWatched()
		wg.Add(1)
		go func(c *watched, i int) {
			defer wg.Done()
			w.watch(&c.d)
			time.Sleep(time.Duration(i%3) * time.Millisecond)
			c.d.ack.offerFinal(nil)
			w.unwatch(&c.d)
		}(cs[i], i)
	}
	wg.Wait()
	for i, c := range cs {
		if _, _, n := c.result(); n != 1 {
			t.Fatalf("command %d acked %d times", i, n)
		}
	}
}
