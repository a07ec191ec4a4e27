package slackapp

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// guardFixture serves handler over a connGuard on a fake clock: the guard
// only looks at its connections when the test calls sweep.
type guardFixture struct {
	t     *testing.T
	g     *connGuard
	clock atomic.Int64 // UnixNano
	addr  string
}

var testLimits = connLimits{header: 5 * time.Second, active: 15 * time.Second, idle: 120 * time.Second}

func newGuardFixture(t *testing.T, handler http.Handler) *guardFixture {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &guardFixture{t: t, addr: ln.Addr().String()}
	g := newConnGuard(ln, testLimits)
	g.now = func() time.Time { return time.Unix(0, f.clock.Load()) }
	g.clock.Store(0)
	f.g = g
	srv := &http.Server{Handler: handler, ConnState: g.connState}
	go func() { _ = srv.Serve(g) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		g.close()
	})
	return f
}

// at sets the fake clock to d after the start and sweeps.
func (f *guardFixture) at(d time.Duration) {
	f.clock.Store(int64(d))
	f.g.sweep(time.Second)
}

func (f *guardFixture) dial() net.Conn {
	f.t.Helper()
	c, err := net.Dial("tcp", f.addr)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { c.Close() })
	f.waitPhases(1, phaseNew)
	return c
}

// waitPhases waits until the guard tracks n connections, all in phase.
func (f *guardFixture) waitPhases(n int, phase int32) {
	f.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.g.mu.Lock()
		ok := len(f.g.conns) == n
		for _, p := range f.g.conns {
			ok = ok && p.phase.Load() == phase
		}
		f.g.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("the guard never had %d connections in phase %d", n, phase)
		}
		time.Sleep(time.Millisecond)
	}
}

// closedByServer reports whether the server closed c: a read gets EOF or
// a reset instead of waiting.
func closedByServer(t *testing.T, c net.Conn) bool {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	var b [1]byte
	_, err := c.Read(b[:])
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return false
	case err == nil:
		t.Fatalf("unexpected data from the server")
	}
	return true
}

func readResponse(t *testing.T, c net.Conn) *http.Response {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// healthz sends GET /healthz on c and requires its answer to be 200.
func healthz(t *testing.T, c net.Conn) {
	t.Helper()
	_, _ = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp := readResponse(t, c); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %s", resp.Status)
	}
}

const getRequest = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"

func TestConnGuardLimits(t *testing.T) {
	const s = time.Second
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hang" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	})
	tests := []struct {
		name string
		// setup drives the connection into the phase the limit applies to,
		// at clock 0 (or as it says), and returns that phase.
		setup func(f *guardFixture, c net.Conn) (phase int32, start time.Duration)
		limit time.Duration
	}{
		{"new connection sending nothing: header limit", func(f *guardFixture, c net.Conn) (int32, time.Duration) {
			return phaseNew, 0
		}, testLimits.header},
		{"new connection with half its headers: header limit", func(f *guardFixture, c net.Conn) (int32, time.Duration) {
			_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\n")
			return phaseNew, 0
		}, testLimits.header},
		{"request whose handler hangs: active limit", func(f *guardFixture, c net.Conn) (int32, time.Duration) {
			_, _ = io.WriteString(c, "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")
			f.waitPhases(1, phaseActive)
			return phaseActive, 0
		}, testLimits.active},
		{"kept-alive connection: idle limit", func(f *guardFixture, c net.Conn) (int32, time.Duration) {
			_, _ = io.WriteString(c, getRequest)
			if resp := readResponse(f.t, c); resp.StatusCode != http.StatusOK {
				f.t.Fatalf("status %d", resp.StatusCode)
			}
			f.waitPhases(1, phaseIdle)
			return phaseIdle, 0
		}, testLimits.idle},
		{"next request's headers after an idle wait: header limit from its first bytes", func(f *guardFixture, c net.Conn) (int32, time.Duration) {
			_, _ = io.WriteString(c, getRequest)
			readResponse(f.t, c)
			f.waitPhases(1, phaseIdle)
			f.at(100 * s) // idle for 100 s: within the idle limit
			_, _ = io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\n")
			f.waitPhases(1, phaseHeaders)
			return phaseHeaders, 100 * s
		}, testLimits.header},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newGuardFixture(t, handler)
			c := f.dial()
			phase, start := tt.setup(f, c)
			// The phase began at the stamp of start; it may have begun up to
			// a tick before it, so the guard waits a tick past the limit.
			f.at(start + tt.limit + s)
			f.waitPhases(1, phase)
			if closedByServer(t, c) {
				t.Fatalf("closed at its limit plus a tick: too early")
			}
			f.at(start + tt.limit + s + time.Millisecond)
			if !closedByServer(t, c) {
				t.Fatalf("still open past its limit plus a tick")
			}
			f.waitPhases(0, 0)
		})
	}
}

// A connection serving requests one after another is never closed by the
// header limit, however long it lives.
func TestConnGuardKeepsBusyConnections(t *testing.T) {
	f := newGuardFixture(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	c := f.dial()
	br := bufio.NewReader(c)
	for i := range 20 {
		_, _ = io.WriteString(c, getRequest)
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		resp.Body.Close()
		f.waitPhases(1, phaseIdle)
		f.at(time.Duration(i+1) * 4 * time.Second) // 80 s in all: 16 times the header limit
	}
	if closedByServer(t, c) {
		t.Fatal("a busy connection was closed")
	}
}

// serveShortLimits serves an app made with opts through Serve, with the
// guard's limits set to limits and its tick to 20 ms, until the test ends
// (Serve must then return nil). The listener is wrap(ln) when wrap is not
// nil; it returns ln, whose address clients dial.
func serveShortLimits(t *testing.T, limits connLimits, wrap func(net.Listener) net.Listener, opts ...Option) net.Listener {
	t.Helper()
	savedLimits, savedTick := serverLimits, guardTick
	serverLimits, guardTick = limits, 20*time.Millisecond
	t.Cleanup(func() { serverLimits, guardTick = savedLimits, savedTick })

	app, err := New(&Config{SigningSecrets: []string{"s3cret"}, BotToken: "xoxb-1"}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := ln
	if wrap != nil {
		served = wrap(ln)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, served) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln
}

// The server Run and Serve start closes slow connections (its limits
// shortened here) and serves the rest.
func TestServeClosesSlowConnections(t *testing.T) {
	ln := serveShortLimits(t, connLimits{header: 200 * time.Millisecond, active: 2 * time.Second, idle: 2 * time.Second}, nil)

	slow, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	_, _ = io.WriteString(slow, "GET /healthz HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	kept, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	healthz(t, kept)

	_ = slow.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if n, err := slow.Read(make([]byte, 1)); n != 0 || err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a connection that never finished its headers was not closed within 5 s: %d bytes, %v", n, err)
	}
	t.Logf("closed %v after the read began", time.Since(start))
	// kept is idle, well within its idle limit, past the header limit.
	if closedByServer(t, kept) {
		t.Fatal("an idle kept-alive connection was closed before its idle limit")
	}
	healthz(t, kept)
}

// Serve answers a request whose headers pass MaxHeaderBytes with 431
// (net/http's default limit is 1 MB), and serves one just under it.
func TestServeLimitsHeaderBytes(t *testing.T) {
	ln := serveShortLimits(t, serverLimits, nil)
	for _, tc := range []struct {
		name   string
		header int // bytes of one header's value
		want   int
	}{
		{"under the limit", MaxHeaderBytes - 1024, http.StatusOK},
		{"over the limit", 2 * MaxHeaderBytes, http.StatusRequestHeaderFieldsTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			req := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Filler: " + strings.Repeat("a", tc.header) + "\r\n\r\n"
			go func() { _, _ = io.WriteString(c, req) }() // the server may answer before it read all of it
			if resp := readResponse(t, c); resp.StatusCode != tc.want {
				t.Fatalf("%d header bytes: status %d, want %d", len(req), resp.StatusCode, tc.want)
			}
		})
	}
}

// On TLS, where the guard cannot see a kept-alive connection's next request
// begin, that request's headers are still bounded by the header limit
// (shortened here), not by the idle limit; the idle wait before them is not.
func TestServeBoundsTLSHeaders(t *testing.T) {
	ts := httptest.NewUnstartedServer(http.NotFoundHandler()) // for its certificate
	ts.StartTLS()
	defer ts.Close()
	cfg := ts.TLS.Clone()
	cfg.NextProtos = []string{"http/1.1"}
	limits := connLimits{header: 300 * time.Millisecond, active: 10 * time.Second, idle: 10 * time.Second}
	ln := serveShortLimits(t, limits, func(ln net.Listener) net.Listener { return tls.NewListener(ln, cfg) })

	c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: ts.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs, ServerName: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	healthz(t, c)
	time.Sleep(2 * limits.header)
	if closedByServer(t, c) {
		t.Fatal("a kept-alive TLS connection was closed while idle, before its idle limit")
	}

	start := time.Now()
	_, _ = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a TLS connection that never finished its next request's headers was not closed within 5 s (idle limit %v): %d bytes, %v", limits.idle, n, err)
	}
	if took := time.Since(start); took < limits.header {
		t.Errorf("closed %v after the headers began, before the header limit %v", took, limits.header)
	} else {
		t.Logf("closed %v after the headers began", took.Round(time.Millisecond))
	}
}

// An HTTP/2 connection over TLS stays open past the active limit while it
// serves requests: it multiplexes them, so its active phase has no end of
// its own. Its idle limit still applies.
func TestConnGuardHTTP2(t *testing.T) {
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	cfg := ts.TLS.Clone()
	cfg.NextProtos = []string{"h2", "http/1.1"}

	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	})
	f := &guardFixture{t: t, addr: raw.Addr().String()}
	g := newConnGuard(tls.NewListener(raw, cfg), testLimits)
	g.now = func() time.Time { return time.Unix(0, f.clock.Load()) }
	g.clock.Store(0)
	f.g = g
	srv := &http.Server{Handler: handler, ConnState: g.connState}
	go func() { _ = srv.Serve(g) }()
	defer func() {
		g.close()
		srv.Close()
	}()

	client := ts.Client()
	done := make(chan error, 1)
	go func() {
		resp, err := client.Get("https://" + f.addr + "/")
		if err == nil {
			resp.Body.Close()
			if resp.ProtoMajor != 2 {
				err = fmt.Errorf("protocol %s, want HTTP/2", resp.Proto)
			}
		}
		done <- err
	}()
	<-entered
	f.waitPhases(1, phaseStreams)
	f.at(testLimits.active + time.Hour)
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("a request on an HTTP/2 connection past the active limit: %v", err)
	}
	f.waitPhases(1, phaseIdle)
	f.at(2*time.Hour + testLimits.idle + 2*time.Second)
	f.waitPhases(0, 0)
}

// On HTTP/2 the guard closes no connection while a stream is open on it,
// so Serve bounds each stream by the active limit (shortened here): a
// request whose body never ends, and one whose handler never answers, end
// past it, and the connection goes on serving the other streams.
func TestServeBoundsHTTP2Streams(t *testing.T) {
	ts := httptest.NewUnstartedServer(http.NotFoundHandler()) // for its certificate and a client that trusts it
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	cfg := ts.TLS.Clone()
	cfg.NextProtos = []string{"h2", "http/1.1"}

	release := make(chan struct{})
	hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release })
	ln := serveShortLimits(t, connLimits{header: 5 * time.Second, active: 300 * time.Millisecond, idle: 10 * time.Second},
		func(ln net.Listener) net.Listener { return tls.NewListener(ln, cfg) },
		WithHandler("GET /hang", hang), WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(func() { close(release) }) // before Serve's shutdown, which waits for handlers
	base := "https://" + ln.Addr().String()
	client := ts.Client()

	// ended does r and reports how long it took; a stream reset is an error
	// of client.Do or of reading the body.
	ended := func(name string, r *http.Request) time.Duration {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		resp, err := client.Do(r.WithContext(ctx))
		if err == nil {
			if resp.ProtoMajor != 2 {
				t.Fatalf("%s: protocol %s, want HTTP/2", name, resp.Proto)
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s: the stream was still open after 5 s (active limit %v)", name, serverLimits.active)
		}
		took := time.Since(start)
		t.Logf("%s: ended after %v (%v)", name, took.Round(time.Millisecond), err)
		return took
	}

	body, w := io.Pipe()
	defer w.Close()
	go func() { _, _ = io.WriteString(w, `{"type":"event_callback"`) }() // and never the rest
	r, _ := http.NewRequest(http.MethodPost, base+DefaultPath, body)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(time.Now().Unix(), 10))
	r.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64))
	if took := ended("a body that never ends", r); took < serverLimits.active {
		t.Errorf("the stream ended after %v, before the active limit %v", took, serverLimits.active)
	}
	r, _ = http.NewRequest(http.MethodGet, base+"/hang", nil)
	if took := ended("a handler that never answers", r); took < serverLimits.active {
		t.Errorf("the stream ended after %v, before the active limit %v", took, serverLimits.active)
	}

	var reused bool
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused }}
	r, _ = http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, base+"/healthz", nil)
	resp, err := client.Do(r)
	if err != nil {
		t.Fatalf("healthz after the resets: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ProtoMajor != 2 {
		t.Fatalf("healthz after the resets: %s over %s", resp.Status, resp.Proto)
	}
	if !reused {
		t.Fatal("healthz after the resets went over a new connection: the server closed the one the streams were on")
	}
}
