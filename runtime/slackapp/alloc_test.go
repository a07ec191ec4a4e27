package slackapp

import (
	"net/http"
	"testing"
)

// TestRequestPathAllocations bounds the allocations of a whole event and
// command delivery through app.Handler() (verify, parse, route, ack, and for
// the event the pooled handler run). Each allocation is CPU and garbage on
// the hot path that BENCHMARKS.md measures; a change that adds some should
// say why, and move the bound.
func TestRequestPathAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds allocations")
	}
	if testing.Short() {
		t.Skip("allocation counts: not in -short")
	}
	for _, tc := range []struct {
		name, ctype string
		body        []byte
		max         float64
	}{
		// Measured with go1.26, counting the test's body wrapper: 6 (the
		// body, one string holding the envelope's picked fields, one
		// delivery struct, its job, a detached context); 16 when each
		// picked field was its own string, 26 before the delivery struct,
		// the sized body read and the allocation-free X-Slack-Retry-Num
		// parse.
		{"event", "application/json", benchEvent, 6},
		// 12: the body, the form's unescaped values, the Command, one
		// delivery struct, a detached context, the handler's Response and
		// its JSON. The handler's Installation (1) and bot client (4:
		// slack.New's client, logger and logger prefix, and the default
		// HTTP client it replaces) are built only when it asks for them
		// (see Context); this handler does not. 17 when every request
		// built them, 20 with a deadline timer per command (2: the timer
		// and its func value; see ackWatch) and a Content-Length of our
		// own (1), 16 with cached clients and the timer.
		{"command", "application/x-www-form-urlencoded", benchCommand, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := benchApp(t)
			h := app.Handler()
			r := newRewindable(DefaultPath, tc.ctype, tc.body)
			w := &nopWriter{h: http.Header{}}
			allocs := testing.AllocsPerRun(200, func() {
				clear(w.h)
				w.code = 200
				h.ServeHTTP(w, r.next())
				if w.code != 200 {
					t.Fatalf("status %d", w.code)
				}
			})
			t.Logf("%.1f allocations per %s", allocs, tc.name)
			if allocs > tc.max {
				t.Errorf("%.1f allocations per %s request, want at most %v", allocs, tc.name, tc.max)
			}
		})
	}
}
