package slackapp

import (
	"sync"
	"time"
)

// ackWatch acks the commands whose handlers are still running at the ack
// deadline, with an empty answer (see App.Command).
//
// A timer per command (time.AfterFunc, stopped when the handler returns in
// time, as nearly all do) cost a slash command an allocation and the
// runtime's timer heap work: about 750 instructions and 50 instruction-cache
// misses of the ~110k instructions a command takes (callgrind, 32
// connections). Here a command is linked into a list on arrival and
// unlinked when its handler returns, under a mutex held for a few
// instructions. Every command has the same deadline, so the list in
// arrival order is also in deadline order, and one goroutine sleeps until
// the deadline of the oldest command still running. Under steady load it
// wakes once per AckDeadline; an idle app has no such goroutine: it exits
// when it wakes to an empty list and no command came since it last woke
// (the next command starts it again). It, and an ack goroutine that finds
// its command already answered, may outlive Drain by up to two
// AckDeadlines; neither touches a request by then.
type ackWatch struct {
	after time.Duration

	mu      sync.Mutex
	head    *commandDelivery // oldest; linked through commandDelivery.next
	tail    *commandDelivery
	running bool // the watching goroutine runs
	added   bool // a command was linked since the goroutine last looked
}

// watch links d, whose handler starts now; d.deadline runs at now plus
// w.after unless unwatch unlinked d before.
func (w *ackWatch) watch(d *commandDelivery) {
	w.mu.Lock()
	d.due = time.Now().Add(w.after) // under the lock: the list stays in deadline order
	d.prev, d.next = w.tail, nil
	if w.tail != nil {
		w.tail.next = d
	} else {
		w.head = d
	}
	w.tail = d
	d.watched = true
	w.added = true
	start := !w.running
	w.running = true
	w.mu.Unlock()
	if start {
		go w.run()
	}
}

// unwatch unlinks d, unless the watch already took it to ack.
func (w *ackWatch) unwatch(d *commandDelivery) {
	w.mu.Lock()
	if d.watched {
		w.unlink(d)
	}
	w.mu.Unlock()
}

// unlink takes d out of the list. w.mu must be held.
func (w *ackWatch) unlink(d *commandDelivery) {
	if d.prev != nil {
		d.prev.next = d.next
	} else {
		w.head = d.next
	}
	if d.next != nil {
		d.next.prev = d.prev
	} else {
		w.tail = d.prev
	}
	d.prev, d.next, d.watched = nil, nil, false
}

// run is the watching goroutine: it acks each command past its deadline,
// each on a goroutine of its own (an ack writes to the client's
// connection, which may block; the other deadlines must not wait for it),
// and exits when it wakes to an empty list and no command came since it
// last woke.
func (w *ackWatch) run() {
	t := time.NewTimer(w.after)
	defer t.Stop()
	for {
		<-t.C
		w.mu.Lock()
		now := time.Now()
		for d := w.head; d != nil && !now.Before(d.due); d = w.head {
			w.unlink(d)
			go d.deadline()
		}
		if w.head == nil && !w.added {
			w.running = false
			w.mu.Unlock()
			return
		}
		w.added = false
		next := w.after
		if w.head != nil {
			next = w.head.due.Sub(now)
		}
		w.mu.Unlock()
		t.Reset(next)
	}
}
