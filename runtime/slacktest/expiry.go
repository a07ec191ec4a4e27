package slacktest

import "time"

// expiryQueue holds the keys of one map (authorization codes, Socket Mode
// tickets, trigger ids, response URLs) in the order they are to be
// forgotten, so that forgetting costs O(1) per key, amortised on the writes
// that sweep, instead of a scan of the map under the server's lock. Every
// key of a queue gets the same lifetime, so the order of issue is the order
// of expiry. Callers hold s.mu.
type expiryQueue struct {
	items []expiring
	head  int // items before head are gone
}

type expiring struct {
	key string
	at  time.Time // when the key is forgotten
}

// push queues key, to be forgotten at at.
func (q *expiryQueue) push(key string, at time.Time) {
	q.items = append(q.items, expiring{key, at})
}

// sweep calls forget for every key due at now, oldest first, and drops it
// from the queue.
func (q *expiryQueue) sweep(now time.Time, forget func(key string)) {
	for q.head < len(q.items) && !now.Before(q.items[q.head].at) {
		forget(q.items[q.head].key)
		q.items[q.head] = expiring{}
		q.head++
	}
	// Move what is left to the front once the gone part is the larger:
	// each key is copied at most once on average. Like a map, the array
	// keeps the size of the largest burst.
	if q.head > 0 && q.head >= len(q.items)-q.head {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
}

// len is the number of keys queued.
func (q *expiryQueue) len() int { return len(q.items) - q.head }
