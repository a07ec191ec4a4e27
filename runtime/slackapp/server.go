package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/signature"
)

// Server timeouts used by Run and Serve. Slack waits 3 s for an answer, so
// writes never need long; the read timeout bounds slow clients. Run and
// Serve do not hand them to http.Server, whose per-request socket
// deadlines cost more than the rest of an event's handling in the
// runtime's own code: a guard closes connections past them instead, to
// within a second (connguard.go). Only TLS connections get two of them
// from net/http, through a second server: ReadHeaderTimeout, because the
// guard cannot see their headers begin, and WriteTimeout, which on HTTP/2
// bounds each request (stream), an HTTP/2 connection carrying many.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 15 * time.Second
	IdleTimeout       = 120 * time.Second

	// MaxHeaderBytes bounds the header block of a request Run and Serve
	// read, request line included (net/http's default is 1 MB); past it
	// and the 4 KB net/http allows beyond, the answer is 431.
	// Slack's requests carry well under 1 KB of headers, a browser's on
	// the install pages a few KB with its cookies. It also bounds what a
	// connection that sends its headers slowly holds until its limit
	// closes it.
	MaxHeaderBytes = 64 << 10
)

// Handler returns the app's HTTP handler:
//
//   - POST on every route path (DefaultPath "/slack/events" unless Route
//     says otherwise): Slack requests. The signature is verified before
//     anything is parsed (401 on failure, 413 past 1 MiB).
//   - GET /healthz: 200 "ok".
//   - whatever WithHandler mounted (the OAuth install and redirect routes).
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	})
	for path, kinds := range a.resolvedRoutes() {
		mux.Handle("POST "+path, &endpoint{app: a, kinds: kinds})
	}
	for _, m := range a.mounts {
		mux.Handle(m.pattern, m.h)
	}
	return mux
}

// endpoint serves the Slack request kinds of one path.
type endpoint struct {
	app   *App
	kinds kindSet
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := e.app
	if a.verifier == nil {
		http.Error(w, "this app runs in Socket Mode and takes no HTTP requests", http.StatusNotFound)
		return
	}
	body, err := a.verifier.ReadAndVerify(r)
	if err != nil {
		if errors.Is(err, signature.ErrTooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		a.log.Warn("refused a request with a bad signature", "reason", err, "path", r.URL.Path)
		http.Error(w, signature.UnauthorizedBody, http.StatusUnauthorized)
		return
	}
	if i := firstNonSpace(body); i < len(body) && body[i] == '{' {
		e.serveEvents(w, r, body)
		return
	}
	var form slackForm
	if err := parseForm(string(body), &form); err != nil {
		http.Error(w, "malformed form body", http.StatusBadRequest)
		return
	}
	switch {
	case form.hasPayload:
		e.serveInteraction(w, r, form.payload)
	case form.hasCommand:
		if !e.kinds.has(KindCommands) {
			e.wrongKind(w, KindCommands)
			return
		}
		cmd := &form.cmd
		if !a.work.enter() {
			writeJSON(w, a.log, http.StatusOK, a.refuseCommand(cmd), false)
			return
		}
		defer a.work.done()
		a.handleCommand(r.Context(), cmd, func() string { return a.installURL(r) }, func(resp *Response, early bool) {
			writeJSON(w, a.log, http.StatusOK, resp, early)
		})
	case form.sslCheck == "1":
		w.WriteHeader(http.StatusOK)
	default:
		http.Error(w, "not a Slack request this app understands", http.StatusBadRequest)
	}
}

func (e *endpoint) serveEvents(w http.ResponseWriter, r *http.Request, body []byte) {
	if !e.kinds.has(KindEvents) {
		e.wrongKind(w, KindEvents)
		return
	}
	retry := 0
	if v := r.Header.Get("X-Slack-Retry-Num"); v != "" { // Atoi("") allocates its error
		retry, _ = strconv.Atoi(v)
	}
	res, challenge := e.app.handleEvents(r.Context(), body, retry, false)
	switch res {
	case eventChallenge:
		writeJSON(w, e.app.log, http.StatusOK, map[string]string{"challenge": challenge}, false)
	case eventBad:
		http.Error(w, "malformed Events API body", http.StatusBadRequest)
	case eventBusy:
		http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

func (e *endpoint) serveInteraction(w http.ResponseWriter, r *http.Request, payload string) {
	cb, err := parseInteraction([]byte(payload))
	if err != nil {
		e.app.log.Warn("refused a malformed interaction", "err", err)
		http.Error(w, "malformed interaction payload", http.StatusBadRequest)
		return
	}
	// Options loads may come to a URL of their own.
	kind := KindInteractivity
	if cb.Type == slack.InteractionTypeBlockSuggestion {
		kind = KindOptions
	}
	if !e.kinds.has(kind) {
		e.wrongKind(w, kind)
		return
	}
	if !e.app.work.enter() {
		e.app.log.Warn("shutting down: refused an interaction", "interaction", string(cb.Type), "team_id", cb.Team.ID)
		http.Error(w, "shutting down, retry later", http.StatusServiceUnavailable)
		return
	}
	defer e.app.work.done()
	ans := e.app.handleInteraction(r.Context(), cb, false)
	switch {
	case ans.status != 0 && ans.status != http.StatusOK:
		http.Error(w, http.StatusText(ans.status), ans.status)
	case ans.body == nil:
		w.WriteHeader(http.StatusOK)
	default:
		writeJSON(w, e.app.log, http.StatusOK, ans.body, false)
	}
}

func (e *endpoint) wrongKind(w http.ResponseWriter, k Kind) {
	http.Error(w, fmt.Sprintf("this path does not take %s requests; check the request URLs in the app manifest", k), http.StatusNotFound)
}

// writeJSON writes v (a json.RawMessage is written as is) with status.
//
// Without flush it is the whole answer: the handler returns right after,
// and net/http then declares the length of a body shorter than its
// chunking buffer itself, which costs less than a Content-Length header of
// our own (its value's allocation and net/http's generic header writing);
// a longer body gets one here, so that it is not sent chunked. (Middleware
// that flushes or writes after the app's handler returned makes a short
// answer go chunked, which Slack accepts.)
//
// With flush (the answer of a command whose handler keeps running) the
// length is always declared and the answer flushed, so that the client has
// all of it at once.
func writeJSON(w http.ResponseWriter, log *slog.Logger, status int, v any, flush bool) {
	b, ok := encodeAnswer(log, v)
	h := w.Header()
	switch {
	case ok && (flush || len(b) >= chunkingBuffer):
		h["Content-Length"] = []string{strconv.Itoa(len(b))}
	case flush:
		h["Content-Length"] = zeroLength
	}
	if ok {
		h["Content-Type"] = jsonContentType
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
	if f, isFlusher := w.(http.Flusher); flush && isFlusher {
		f.Flush()
	}
}

// chunkingBuffer is net/http's bufferBeforeChunkingSize: a handler that
// returns having written less sends it with its length declared.
const chunkingBuffer = 2048

// encodeAnswer returns the JSON of v. When there is none to write (v is nil,
// or encoding failed, which it logs), it reports false: the answer is an
// empty body.
func encodeAnswer(log *slog.Logger, v any) ([]byte, bool) {
	var b []byte
	var err error
	switch x := v.(type) {
	case nil:
		return nil, false
	case *Response:
		if x == nil {
			return nil, false
		}
		b, err = marshalResponse(x)
	case json.RawMessage:
		b = x
	}
	if b == nil && err == nil {
		b, err = json.Marshal(v)
	}
	if err != nil {
		log.Error("encoding an answer to Slack failed; acked empty", "err", err)
		return nil, false
	}
	return b, true
}

// Header values shared by every answer, so that setting them allocates
// nothing; net/http only reads them.
var (
	jsonContentType = []string{"application/json"}
	zeroLength      = []string{"0"}
)

func firstNonSpace(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// installURL is where a user reinstalls the app: Config.InstallURL, or the
// install path on the request's host.
func (a *App) installURL(r *http.Request) string {
	if a.cfg.InstallURL != "" || a.cfg.SingleWorkspace() || r == nil {
		return a.cfg.InstallURL
	}
	scheme := "https"
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	} else if r.TLS == nil {
		if host, _, err := net.SplitHostPort(r.Host); err == nil && (host == "localhost" || net.ParseIP(host).IsLoopback()) {
			scheme = "http"
		}
	}
	return scheme + "://" + r.Host + a.cfg.InstallPath
}

// Run serves the app until ctx is canceled or the process gets SIGTERM or
// SIGINT, then shuts down gracefully: it stops accepting requests, lets
// running ones finish, and drains the worker pool, all within
// Config.ShutdownTimeout. With Config.SocketMode Slack's traffic comes over
// a Socket Mode connection instead; a Socket Mode app that is distributed
// with OAuth still serves HTTP on HOST:PORT, for the install page, the OAuth
// redirect and /healthz.
func (a *App) Run(ctx context.Context) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if a.cfg.SocketMode && a.flow == nil {
		return a.RunSocketMode(ctx)
	}
	addr := net.JoinHostPort(a.cfg.Host, strconv.Itoa(a.cfg.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("slackapp: listening on %s: %w; set PORT to a free port (and HOST to a local address)", addr, err)
	}
	if !a.cfg.SocketMode {
		return a.Serve(ctx, ln)
	}
	return a.runSocketModeWithHTTP(ctx, ln)
}

// runSocketModeWithHTTP runs the Socket Mode connection and, beside it, the
// HTTP server for the OAuth routes; when either stops, so does the other.
// Handlers are drained once both have stopped taking requests.
func (a *App) runSocketModeWithHTTP(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.log.Info("listening for the install flow", "addr", ln.Addr().String())
	httpErr := make(chan error, 1)
	go func() {
		err := a.serveHTTP(ctx, ln)
		cancel()
		httpErr <- err
	}()
	err := a.runSocket(ctx)
	cancel()
	if herr := <-httpErr; err == nil {
		err = herr
	}
	if derr := a.drainForShutdown(); err == nil {
		err = derr
	}
	return err
}

// Serve is Run on a listener of your own (HTTP only; it takes ownership of
// ln). ln may be a TLS listener (tls.NewListener): its connections get the
// same limits, and HTTP/2 when its config offers "h2".
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	a.log.Info("listening", "addr", ln.Addr().String())
	a.runRotation(ctx)
	err := a.serveHTTP(ctx, ln)
	if ctx.Err() == nil {
		return err // the server failed while ctx is still live
	}
	if derr := a.drainForShutdown(); err == nil && derr != nil {
		err = fmt.Errorf("slackapp: graceful shutdown: %w", derr)
	}
	if err != nil {
		return err
	}
	a.log.Info("stopped")
	return nil
}

// serveHTTP serves a.Handler on ln until ctx is canceled, then shuts the
// server down within Config.ShutdownTimeout. TLS connections are served by
// a second server, which bounds their headers itself (see connguard.go).
func (a *App) serveHTTP(ctx context.Context, ln net.Listener) error {
	guard := newConnGuard(ln, serverLimits)
	guard.tls = newTLSConns(ln.Addr())
	guard.start(guardTick)
	defer guard.close()
	h := a.Handler()
	newServer := func() *http.Server {
		return &http.Server{
			Handler:        h,
			ConnState:      guard.connState, // the timeouts: see connguard.go
			MaxHeaderBytes: MaxHeaderBytes,
			ErrorLog:       slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
			BaseContext:    func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		}
	}
	srv, tlsSrv := newServer(), newServer()
	tlsSrv.ReadHeaderTimeout, tlsSrv.WriteTimeout = serverLimits.header, serverLimits.active
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(guard) }()
	go func() { errc <- tlsSrv.Serve(guard.tls) }()
	select {
	case err := <-errc:
		srv.Close()
		tlsSrv.Close()
		return fmt.Errorf("slackapp: serving HTTP: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down", "timeout", a.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	tlsDone := make(chan error, 1)
	go func() { tlsDone <- tlsSrv.Shutdown(sctx) }()
	err := srv.Shutdown(sctx)
	if terr := <-tlsDone; err == nil {
		err = terr
	}
	if err != nil {
		return fmt.Errorf("slackapp: graceful shutdown: %w", err)
	}
	return nil
}
