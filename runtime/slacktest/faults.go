package slacktest

import (
	"net/http"
	"strconv"
	"time"
)

// fault is an injected failure of a Web API method.
type fault struct {
	code       string        // Slack error code; "" for a rate limit
	retryAfter time.Duration // rate limit: HTTP 429 with Retry-After
	times      int
}

// FailNext makes the next times calls of the Web API method answer
// {"ok":false,"error":code} (after their token check), to test how an app
// handles Slack errors such as "channel_not_found" or "ratelimited".
func (s *Server) FailNext(method, code string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = &fault{code: code, times: times}
}

// RateLimitNext makes the next times calls of the Web API method answer
// HTTP 429 with Retry-After (whole seconds, at least 1), as Slack's rate
// limiter does; slack-go returns a *slack.RateLimitedError.
func (s *Server) RateLimitNext(method string, times int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = &fault{retryAfter: max(retryAfter, time.Second), times: times}
}

// takeFault returns the fault for method, spending one use. Callers hold s.mu.
func (s *Server) takeFault(method string) *fault {
	f := s.faults[method]
	if f == nil || f.times <= 0 {
		return nil
	}
	f.times--
	if f.times == 0 {
		delete(s.faults, method)
	}
	return f
}

// writeRateLimited answers 429 like Slack.
func writeRateLimited(w http.ResponseWriter, retryAfter time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
}
