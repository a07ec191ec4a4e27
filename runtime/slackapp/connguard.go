package slackapp

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Slow and idle connections are closed by a connGuard: one goroutine that
// looks at every connection once a second, instead of net/http's server
// timeouts. Those set a deadline on the socket three to four times a
// request (the request's headers, its body, its response, the idle wait
// after it), and each deadline is a runtime timer to move: locks and a
// timer heap per call. Callgrind counted 4,000 instructions of an event's
// 109,000 and 2,400 of a command's 117,000 in them. The guard gives each
// connection the same limits, measured from the same moments, with a
// precision of one tick (they are never shorter, and at most two ticks
// longer):
//
//   - a new connection: ReadHeaderTimeout to deliver its first request's
//     headers;
//   - a request, from its headers to the end of its response:
//     WriteTimeout (which also bounds reading the body: ReadTimeout is
//     shorter);
//   - a kept-alive connection: IdleTimeout to start its next request, then
//     ReadHeaderTimeout to finish that request's headers.
//
// The guard sees a next request start in its connection's Read. A
// *tls.Conn cannot be wrapped (net/http finds TLS by that type), so the
// guard hands those to a second server (tlsConns), which differs from the
// first only by two of net/http's own timeouts; on TLS their socket
// deadlines cost little beside the cryptography:
//
//   - ReadHeaderTimeout: net/http bounds a next request's headers itself,
//     from their first four bytes. The guard still gives TLS connections
//     their other limits; not seeing those headers begin, it keeps their
//     connection's idle limit running until they are read, so a request
//     begun in the last seconds of IdleTimeout has only what is left of it.
//   - WriteTimeout, for HTTP/2 (TLS listeners given to Serve can negotiate
//     it). An HTTP/2 connection carries many requests at once and is active
//     as long as one runs, so the guard gives it no active limit: only the
//     new and idle ones. The http2 server gives each request (stream) the
//     write timeout instead; past it, it resets the stream, which also ends
//     its body (a read fails) and cancels the request's context: a client
//     that never finishes a body holds a stream no longer than it would
//     hold an HTTP/1 connection. A handler that ignores its context and
//     never returns still keeps its goroutine, as on HTTP/1, and on HTTP/2
//     also one of the connection's concurrent handlers (250 by default),
//     which net/http frees only when the handler returns. (On HTTP/1 it
//     only adds a write deadline at the guard's active limit.)
//
// net/http reports the phases through http.Server.ConnState; the start of a
// next request is seen by the guard's Read.

// guardTick is how often the guard of Run and Serve looks at its
// connections (a variable for tests).
var guardTick = time.Second

// Phases of a guarded connection.
const (
	phaseNew     = iota // accepted, first request's headers not read yet
	phaseActive         // headers read, response not finished
	phaseIdle           // between requests
	phaseHeaders        // the next request's first bytes arrived
	phaseStreams        // HTTP/2, serving requests: no limit
)

// connLimits are the time each phase may last.
type connLimits struct {
	header, active, idle time.Duration
}

// serverLimits are the limits Run and Serve apply.
var serverLimits = connLimits{header: ReadHeaderTimeout, active: WriteTimeout, idle: IdleTimeout}

// connGuard is a net.Listener that tracks the connections it accepts and
// closes those that stay in a phase past its limit. Its connState method
// must be the server's ConnState hook, and close must be called once the
// server has stopped.
type connGuard struct {
	net.Listener
	limits connLimits
	now    func() time.Time

	clock atomic.Int64 // the time of the last tick (UnixNano): phases start at ticks

	mu    sync.Mutex
	conns map[net.Conn]*connPhase
	stop  chan struct{}
	once  sync.Once

	// tls, when set, takes the *tls.Conn connections Accept gets, for the
	// server that serves them.
	tls *tlsConns
}

// connPhase is a connection's phase and when (at which tick) it began.
type connPhase struct {
	phase atomic.Int32
	since atomic.Int64
}

// guardedConn is an accepted connection, with its phase.
type guardedConn struct {
	net.Conn
	g *connGuard
	p connPhase
}

// newConnGuard guards ln with limits; start runs its ticks.
func newConnGuard(ln net.Listener, limits connLimits) *connGuard {
	g := &connGuard{Listener: ln, limits: limits, now: time.Now, conns: map[net.Conn]*connPhase{}, stop: make(chan struct{})}
	g.clock.Store(g.now().UnixNano())
	return g
}

// start looks at the connections every tick until close.
func (g *connGuard) start(tick time.Duration) {
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				g.sweep(tick)
			case <-g.stop:
				return
			}
		}
	}()
}

// close stops the ticks; the connections are the server's to close.
func (g *connGuard) close() {
	g.once.Do(func() { close(g.stop) })
}

// Accept tracks the connection it returns, wrapped so that its Read sees
// the start of a request. A *tls.Conn is tracked as it is, because net/http
// finds TLS by its type, and handed to g.tls when that is set (Accept then
// goes on to the next connection).
func (g *connGuard) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		tc, isTLS := c.(*tls.Conn)
		var p *connPhase
		if !isTLS {
			gc := &guardedConn{Conn: c, g: g}
			c, p = gc, &gc.p
		} else {
			p = new(connPhase)
		}
		p.since.Store(g.clock.Load())
		g.mu.Lock()
		g.conns[c] = p
		g.mu.Unlock()
		if !isTLS || g.tls == nil {
			return c, nil
		}
		if !g.tls.hand(tc) {
			g.mu.Lock()
			delete(g.conns, c)
			g.mu.Unlock()
			c.Close() // its server has shut down
		}
	}
}

// tlsConns is the listener of the server of TLS connections: it returns
// what the guard's Accept hands it.
type tlsConns struct {
	addr   net.Addr
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newTLSConns(addr net.Addr) *tlsConns {
	return &tlsConns{addr: addr, conns: make(chan net.Conn), closed: make(chan struct{})}
}

// hand passes c to Accept; false means the listener is closed.
func (l *tlsConns) hand(c net.Conn) bool {
	select {
	case l.conns <- c:
		return true
	case <-l.closed:
		return false
	}
}

func (l *tlsConns) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *tlsConns) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *tlsConns) Addr() net.Addr { return l.addr }

// connState is the server's ConnState hook: it moves c to its phase.
func (g *connGuard) connState(c net.Conn, s http.ConnState) {
	var p *connPhase
	if gc, ok := c.(*guardedConn); ok && gc.g == g {
		p = &gc.p
	}
	switch s {
	case http.StateActive, http.StateIdle:
		if p == nil {
			g.mu.Lock()
			p = g.conns[c]
			g.mu.Unlock()
			if p == nil {
				return
			}
		}
		phase := int32(phaseActive)
		if s == http.StateIdle {
			phase = phaseIdle
		} else if tc, ok := c.(*tls.Conn); ok && tc.ConnectionState().NegotiatedProtocol == "h2" {
			phase = phaseStreams
		}
		p.since.Store(g.clock.Load())
		p.phase.Store(phase)
	case http.StateClosed, http.StateHijacked:
		g.mu.Lock()
		delete(g.conns, c)
		g.mu.Unlock()
	}
}

// Read notes the first bytes of a request that follows an idle wait.
func (c *guardedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 && c.p.phase.Load() == phaseIdle {
		c.p.since.Store(c.g.clock.Load())
		c.p.phase.Store(phaseHeaders)
	}
	return n, err
}

// CloseWrite half-closes the connection, as net/http does before closing a
// connection whose request body it did not read.
func (c *guardedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// sweep advances the guard's clock and closes the connections past their
// phase's limit. A phase began at most one tick before the tick it was
// stamped with, so a connection is closed only a tick after its limit
// passed, by that stamp: never early.
func (g *connGuard) sweep(tick time.Duration) {
	now := g.now().UnixNano()
	g.clock.Store(now)
	var expired []net.Conn
	g.mu.Lock()
	for c, p := range g.conns {
		limit := g.limits.idle
		switch p.phase.Load() {
		case phaseNew, phaseHeaders:
			limit = g.limits.header
		case phaseActive:
			limit = g.limits.active
		case phaseStreams:
			continue
		}
		if now-p.since.Load() > int64(limit+tick) {
			expired = append(expired, c)
			delete(g.conns, c)
		}
	}
	g.mu.Unlock()
	for _, c := range expired {
		_ = c.Close()
	}
}
