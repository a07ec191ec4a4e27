package slackapp

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/signature"
)

const benchSecret = "bench-signing-secret-0123456789"

// Typical payloads: a slash command (~400 bytes) and an app_mention
// envelope (~900 bytes), shaped like Slack's documentation samples.
var (
	benchCommand = []byte("token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&enterprise_id=E0001&enterprise_name=Globular%20Construct%20Inc" +
		"&channel_id=C2147483705&channel_name=test&user_id=U2147483697&user_name=Steve&command=%2Fweather&text=94070" +
		"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id=13345224609.738474920.8088930838d88f008e0&api_app_id=A123456")
	benchEvent = []byte(`{"token":"ZZZZZZWSxiZZZ2yIvs3peJ","team_id":"T0001","enterprise_id":"E0001","api_app_id":"A123456",` +
		`"event":{"type":"app_mention","user":"U061F7AUR","text":"<@U0LAN0Z89> is it everything a river should be?","ts":"1515449522.000016",` +
		`"client_msg_id":"c1f3e5d2-0000-4a4a-9f9f-123456789abc","team":"T0001","channel":"C0LAN2Q65","event_ts":"1515449522000016",` +
		`"blocks":[{"type":"rich_text","block_id":"BlK","elements":[{"type":"rich_text_section","elements":[{"type":"user","user_id":"U0LAN0Z89"},{"type":"text","text":" is it everything a river should be?"}]}]}]},` +
		`"type":"event_callback","event_id":"Ev0LAN670R","event_time":1515449522000016,"is_ext_shared_channel":false,` +
		`"authorizations":[{"enterprise_id":"E0001","team_id":"T0001","user_id":"U0LAN0Z89","is_bot":true,"is_enterprise_install":false}],` +
		`"event_context":"EC12345","authed_users":["U0LAN0Z89"]}`)
)

func benchApp(b testing.TB) *App {
	b.Helper()
	store := memstore.New()
	if err := store.Save(context.Background(), &installstore.Installation{EnterpriseID: "E0001", TeamID: "T0001", BotToken: "xoxb-bench"}); err != nil {
		b.Fatal(err)
	}
	app, err := New(&Config{
		SigningSecrets: []string{benchSecret}, ClientID: "1", ClientSecret: "2", StateSecret: "0123456789abcdef0123456789abcdef",
		BotScopes: []string{"commands"}, SlackURL: "http://127.0.0.1:1",
		DedupeTTL: time.Nanosecond, // every delivery counts as new, so dispatch runs each time
		Workers:   64, QueueSize: 4096,
	}, WithInstallationStore(store), WithLogger(slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))))
	if err != nil {
		b.Fatal(err)
	}
	app.Command("/weather", func(c *Context, cmd *Command) (*Response, error) { return &Response{Text: "sunny"}, nil })
	app.Event("app_mention", func(c *Context, ev *Event) error { return nil })
	b.Cleanup(func() { _ = app.Drain(context.Background()) })
	return app
}

func BenchmarkVerify(b *testing.B) {
	v, _ := signature.New([]string{benchSecret})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := signature.Sign(benchSecret, ts, benchCommand)
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(ts, sig, benchCommand); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCommand(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var f slackForm
		if err := parseForm(string(benchCommand), &f); err != nil || f.cmd.Command != "/weather" {
			b.Fatal("bad parse", err)
		}
	}
}

// BenchmarkParseCommandParseQuery is the reference: url.ParseQuery and a
// Get per field.
func BenchmarkParseCommandParseQuery(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		v, err := url.ParseQuery(string(benchCommand))
		if err != nil || commandFromValues(v).cmd.Command != "/weather" {
			b.Fatal("bad parse", err)
		}
	}
}

func BenchmarkParseEventEnvelope(b *testing.B) { benchParseEnvelope(b, benchEvent) }

// benchParseEnvelope parses body, an app_mention envelope, b.N times.
func benchParseEnvelope(b *testing.B, body []byte) {
	b.ReportAllocs()
	for b.Loop() {
		_, ev, err := parseEnvelope(body)
		if err != nil || ev.Type != "app_mention" {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseEventEnvelopeStd is the same parse with encoding/json only.
func BenchmarkParseEventEnvelopeStd(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, ev, err := parseEnvelopeStd(benchEvent)
		if err != nil || ev.Type != "app_mention" {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseEventSlackevents is the reference the envelope parser
// avoids: slack-go's full parse.
func BenchmarkParseEventSlackevents(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := slackevents.ParseEvent(benchEvent, slackevents.OptionNoVerifyToken()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuthorizeCacheHit(b *testing.B) {
	app := benchApp(b)
	q := installstore.Query{EnterpriseID: "E0001", TeamID: "T0001"}
	ctx := context.Background()
	if _, err := app.auth.authorize(ctx, q); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := app.auth.authorize(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDedupeClaim claims new event ids in a full window of the
// default size, as under steady traffic: each claim forgets the oldest id.
func BenchmarkDedupeClaim(b *testing.B) {
	d := newDedupe(DefaultDedupeSize, time.Hour, time.Now)
	ids := make([]string, 1<<16)
	for i := range ids {
		ids[i] = fmt.Sprintf("Ev%010d", i)
	}
	for _, id := range ids[:DefaultDedupeSize] {
		d.claim(id)
	}
	i := DefaultDedupeSize
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := d.claim(ids[i&(len(ids)-1)]); !ok {
			b.Fatal("a new id was taken for a retry")
		}
		i++
	}
}

// BenchmarkDispatchEvent: dedupe, route, hand to the pool, authorize and
// run a no-op handler (parsing excluded).
func BenchmarkDispatchEvent(b *testing.B) {
	app := benchApp(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if res, _ := app.handleEvents(ctx, benchEvent, 0, true); res != eventAccepted {
			b.Fatal(res)
		}
	}
}

// BenchmarkDispatchCommand: authorize, run the handler and ack within the
// deadline (parsing excluded).
func BenchmarkDispatchCommand(b *testing.B) {
	app := benchApp(b)
	var form slackForm
	_ = parseForm(string(benchCommand), &form)
	cmd := &form.cmd
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var got *Response
		app.handleCommand(ctx, cmd, func() string { return "" }, func(r *Response, _ bool) { got = r })
		if got == nil {
			b.Fatal("no answer")
		}
	}
}

// signedRequest returns a request whose body can be rewound cheaply.
type rewindable struct {
	req  *http.Request
	body *bytes.Reader
}

func newRewindable(path, ctype string, body []byte) *rewindable {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	rd := bytes.NewReader(body)
	req := httptest.NewRequest(http.MethodPost, path, rd)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderSignature, signature.Sign(benchSecret, ts, body))
	return &rewindable{req: req, body: rd}
}

func (r *rewindable) next() *http.Request {
	r.body.Seek(0, io.SeekStart)
	r.req.Body = io.NopCloser(r.body)
	return r.req
}

// nopWriter is a ResponseWriter that keeps only the status.
type nopWriter struct {
	h    http.Header
	code int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(code int)        { w.code = code }

func benchHandler(b *testing.B, h http.Handler, r *rewindable) {
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.code = 200
		h.ServeHTTP(w, r.next())
		if w.code != 200 {
			b.Fatalf("status %d", w.code)
		}
	}
}

// BenchmarkHandlerCommand: the whole path of a slash command through
// app.Handler(): verify → parse → authorize → run → ack.
func BenchmarkHandlerCommand(b *testing.B) {
	app := benchApp(b)
	benchHandler(b, app.Handler(), newRewindable(DefaultPath, "application/x-www-form-urlencoded", benchCommand))
}

// BenchmarkHandlerEvent: the whole path of an event through app.Handler():
// verify → parse envelope → dedupe → route → ack, with the handler run by
// the pool.
func BenchmarkHandlerEvent(b *testing.B) {
	app := benchApp(b)
	benchHandler(b, app.Handler(), newRewindable(DefaultPath, "application/json", benchEvent))
}

// BenchmarkHandlerBareHMAC is the floor: a bare net/http handler that reads
// the body, checks the HMAC with a pooled crypto/hmac and answers 200.
func BenchmarkHandlerBareHMAC(b *testing.B) {
	benchHandler(b, bareHMACHandler(), newRewindable(DefaultPath, "application/json", benchEvent))
}

// bareHMACHandler is the floor: a bare net/http handler that reads the
// body, checks the HMAC with a pooled crypto/hmac and answers 200.
func bareHMACHandler() http.Handler {
	pool := sync.Pool{New: func() any { return hmac.New(sha256.New, []byte(benchSecret)) }}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := pool.Get().(hash.Hash)
		defer pool.Put(mac)
		mac.Reset()
		mac.Write([]byte("v0:" + r.Header.Get(signature.HeaderTimestamp) + ":"))
		mac.Write(body)
		var sum [32]byte
		want, _ := hex.DecodeString(r.Header.Get(signature.HeaderSignature)[3:])
		if !hmac.Equal(mac.Sum(sum[:0]), want) {
			w.WriteHeader(401)
			return
		}
		w.WriteHeader(200)
	})
}

// benchServer measures requests over loopback HTTP with keep-alive
// connections from parallel clients, the way a load generator sees a
// server: the ratio of this benchmark to BenchmarkServerBareHMAC is the
// app's throughput relative to a bare verifying server.
func benchServer(b *testing.B, h http.Handler, ctype string, body []byte) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := signature.Sign(benchSecret, ts, body)
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+DefaultPath, bytes.NewReader(body))
			req.Header.Set("Content-Type", ctype)
			req.Header.Set(signature.HeaderTimestamp, ts)
			req.Header.Set(signature.HeaderSignature, sig)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

func BenchmarkServerEvent(b *testing.B) {
	benchServer(b, benchApp(b).Handler(), "application/json", benchEvent)
}

func BenchmarkServerCommand(b *testing.B) {
	benchServer(b, benchApp(b).Handler(), "application/x-www-form-urlencoded", benchCommand)
}

func BenchmarkServerBareHMAC(b *testing.B) {
	benchServer(b, bareHMACHandler(), "application/json", benchEvent)
}

func BenchmarkServerBareHMACCommand(b *testing.B) {
	benchServer(b, bareHMACHandler(), "application/x-www-form-urlencoded", benchCommand)
}

// BenchmarkEventDecodeTyped is what a generated typed event handler adds in
// the worker pool: the inner event decoded into its slack-go type
// (encoding/json).
func BenchmarkEventDecodeTyped(b *testing.B) {
	_, ev, err := parseEnvelope(benchEvent)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var m slackevents.AppMentionEvent
		if err := ev.Decode(&m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEventLogLine is one info line from a handler's tagged logger, as
// NewLogger writes it, to a file (/dev/null, so the write system call is
// counted): the price of logging every event.
func BenchmarkEventLogLine(b *testing.B) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Skip(err)
	}
	defer f.Close()
	log, err := NewLogger(f, "info")
	if err != nil {
		b.Fatal(err)
	}
	a := &App{log: log}
	b.ReportAllocs()
	for b.Loop() {
		l := a.tagged(slog.String("event_type", "app_mention"), slog.String("event_id", "Ev0LAN670R"), slog.String("team_id", "T0001"))
		l.Info("event received", "type", "app_mention", "team", "T0001")
	}
}
