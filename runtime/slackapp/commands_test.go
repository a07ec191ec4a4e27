package slackapp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/signature"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

func TestSignatureCheckedBeforeParsing(t *testing.T) {
	f := newFixture(t, nil)
	called := false
	f.app.Command("/hello", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) {
		called = true
		return nil, nil
	})
	good := func() *http.Request { return slackapptest.CommandRequest(secret, cmd("/hello")) }
	tests := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"wrong secret", func() *http.Request { return slackapptest.CommandRequest("another-secret", cmd("/hello")) }, 401},
		{"missing headers", func() *http.Request {
			r := good()
			r.Header.Del(signature.HeaderSignature)
			return r
		}, 401},
		{"stale timestamp", func() *http.Request {
			body := slackapptest.CommandForm(cmd("/hello"))
			r := slackapptest.SignedRequest(secret, "/slack/events", "application/x-www-form-urlencoded", body)
			old := "1531420618"
			r.Header.Set(signature.HeaderTimestamp, old)
			r.Header.Set(signature.HeaderSignature, signature.Sign(secret, old, body))
			return r
		}, 401},
		{"garbage body with bad signature", func() *http.Request {
			r := slackapptest.SignedRequest("nope", "/slack/events", "application/json", []byte("{not json"))
			return r
		}, 401},
		{"too large", func() *http.Request {
			return slackapptest.SignedRequest(secret, "/slack/events", "application/json", bytes.Repeat([]byte(" "), 2<<20))
		}, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := f.serve(tt.req())
			if rr.Code != tt.want {
				t.Fatalf("status %d, want %d (body %q)", rr.Code, tt.want, rr.Body.String())
			}
		})
	}
	if called {
		t.Fatal("the handler ran for a request that failed verification")
	}
	if rr := f.serve(good()); rr.Code != 200 || !called {
		t.Fatalf("good request: status %d, handler called %v", rr.Code, called)
	}
}

func TestCommands(t *testing.T) {
	f := newFixture(t, nil)
	var got *slackapp.Command
	var gotCtx *slackapp.Context
	f.app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		got, gotCtx = cmd, c
		return &slackapp.Response{Text: "hello " + cmd.Text, ResponseType: slackapp.InChannel}, nil
	})
	f.app.Command("fail", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) {
		return nil, errors.New("db down")
	})
	f.app.Command("/panic", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) {
		panic("boom")
	})
	f.app.Command("/quiet", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) {
		return nil, nil
	})
	tests := []struct {
		name, command string
		wantText      string // "" means an empty body
		wantType      string
	}{
		{"routes by name", "/hello", "hello hi", slackapp.InChannel},
		{"unknown command gets a helpful ephemeral reply", "/nope", "Sorry, /nope isn't handled by this app.", slackapp.Ephemeral},
		{"handler error is a generic ephemeral reply", "/fail", "Sorry, something went wrong while handling this. Please try again.", slackapp.Ephemeral},
		{"panic is recovered", "/panic", "Sorry, something went wrong while handling this. Please try again.", slackapp.Ephemeral},
		{"nil response is an empty ack", "/quiet", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := f.serve(slackapptest.CommandRequest(secret, cmd(tt.command)))
			if rr.Code != 200 {
				t.Fatalf("status %d: %s", rr.Code, rr.Body.String())
			}
			if tt.wantText == "" {
				if rr.Body.Len() != 0 {
					t.Fatalf("body %q, want empty", rr.Body.String())
				}
				return
			}
			r := decodeResponse(t, rr)
			if r.Text != tt.wantText || r.ResponseType != tt.wantType {
				t.Fatalf("got %+v, want text %q type %q", r, tt.wantText, tt.wantType)
			}
		})
	}
	if got == nil || got.TeamID != "T1" || got.UserID != "U1" || got.TriggerID != "trig" {
		t.Fatalf("command not parsed: %+v", got)
	}
	if gotCtx.Installation() == nil || gotCtx.Installation().BotToken != "xoxb-t1" || gotCtx.Client() == nil || gotCtx.TeamID != "T1" {
		t.Fatalf("context not authorized: %+v", gotCtx)
	}
	if strings.Contains(f.logs.String(), "xoxb-t1") {
		t.Fatal("a token reached the logs")
	}
}

func TestCommandClientCallsSlackURL(t *testing.T) {
	f := newFixture(t, nil)
	f.app.Command("/post", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		_, _, err := c.Client().PostMessageContext(c, cmd.ChannelID)
		return nil, err
	})
	if rr := f.serve(slackapptest.CommandRequest(secret, cmd("/post"))); rr.Code != 200 || rr.Body.Len() != 0 {
		t.Fatalf("status %d body %q", rr.Code, rr.Body.String())
	}
	calls := f.rec.Calls()
	if len(calls) != 1 || calls[0].Method != "chat.postMessage" || calls[0].Args.Get("channel") != "C1" {
		t.Fatalf("calls %+v", calls)
	}
}

func TestCommandNotInstalled(t *testing.T) {
	tests := []struct {
		name       string
		installURL string
		host       string
		want       string
	}{
		{"derived from the request host", "", "app.example.com", "please reinstall: https://app.example.com/slack/install"},
		{"localhost is http", "", "localhost:3000", "please reinstall: http://localhost:3000/slack/install"},
		{"configured", "https://x.example/install", "app.example.com", "please reinstall: https://x.example/install"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(c *slackapp.Config) { c.InstallURL = tt.installURL })
			ran := false
			f.app.Command("/hello", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) {
				ran = true
				return nil, nil
			})
			c := cmd("/hello")
			c.TeamID = "T404"
			req := slackapptest.CommandRequest(secret, c)
			req.Host = tt.host
			rr := f.serve(req)
			r := decodeResponse(t, rr)
			if ran || r.ResponseType != slackapp.Ephemeral || !strings.HasSuffix(r.Text, tt.want) ||
				!strings.HasPrefix(r.Text, "This app is not installed in this workspace anymore") {
				t.Fatalf("ran=%v reply %+v", ran, r)
			}
		})
	}
}

// TestCommandAckDeadline serves over real HTTP on 127.0.0.1: the client
// must get the empty 200 at the deadline while the handler still runs, and
// the handler's late answer must go to the response_url.
func TestCommandAckDeadline(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.AckDeadline = 50 * time.Millisecond })
	release := make(chan struct{})
	f.app.Command("/slow", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		<-release
		return &slackapp.Response{Text: "done late"}, nil
	})
	srv := httptest.NewServer(f.app.Handler())
	defer srv.Close()
	c := cmd("/slow")
	c.ResponseURL = f.rec.ResponseURL()
	start := time.Now()
	code, body := postTo(t, srv.URL, slackapptest.CommandRequest(secret, c))
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("ack took %v", el)
	}
	if code != 200 || len(body) != 0 {
		t.Fatalf("want an empty 200 at the deadline, got %d %q", code, body)
	}
	if n := len(f.rec.Responses()); n != 0 {
		t.Fatalf("%d response_url posts before the handler finished", n)
	}
	close(release)
	slackapp.WaitFor(t, "the late response", func() bool { return len(f.rec.Responses()) == 1 })
	if rs := f.rec.Responses(); rs[0].Text != "done late" {
		t.Fatalf("response_url got %+v", rs)
	}
}

func TestCommandEarlyAck(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.AckDeadline = 2 * time.Second })
	release := make(chan struct{})
	f.app.Command("/work", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		if err := c.Ack(slackapp.Text("working on it")); err != nil {
			return nil, err
		}
		<-release
		return slackapp.Text("finished"), nil
	})
	srv := httptest.NewServer(f.app.Handler())
	defer srv.Close()
	c := cmd("/work")
	c.ResponseURL = f.rec.ResponseURL()
	start := time.Now()
	code, body := postTo(t, srv.URL, slackapptest.CommandRequest(secret, c))
	if el := time.Since(start); el > time.Second {
		t.Fatalf("Ack did not answer at once: %v", el)
	}
	if code != 200 || !strings.Contains(body, `"text":"working on it"`) {
		t.Fatalf("ack %d %s", code, body)
	}
	close(release)
	slackapp.WaitFor(t, "the late response", func() bool { return len(f.rec.Responses()) == 1 })
	if rs := f.rec.Responses(); rs[0].Text != "finished" {
		t.Fatalf("response_url got %+v", rs)
	}
}

// TestCommandAnswerOverHTTP: an answer given in time is the whole HTTP
// response, complete JSON with the JSON content type and its length
// declared (by net/http for a short one, by the runtime for one past
// net/http's chunking buffer): never chunked.
func TestCommandAnswerOverHTTP(t *testing.T) {
	f := newFixture(t, nil)
	long := strings.Repeat("x", 3000) // past net/http's 2 KB chunking buffer
	f.app.Command("/short", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		return slackapp.Text("hi"), nil
	})
	f.app.Command("/long", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		return slackapp.Text(long), nil
	})
	srv := httptest.NewServer(f.app.Handler())
	defer srv.Close()
	for _, tc := range []struct{ name, text string }{{"/short", "hi"}, {"/long", long}} {
		req := slackapptest.CommandRequest(secret, cmd(tc.name))
		req.URL.Scheme, req.URL.Host, req.RequestURI = "http", strings.TrimPrefix(srv.URL, "http://"), ""
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		var r slackapp.Response
		if err := json.Unmarshal(b, &r); err != nil || r.Text != tc.text {
			t.Fatalf("%s: body %.80q: %v", tc.name, b, err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", tc.name, ct)
		}
		if len(resp.TransferEncoding) > 0 || resp.ContentLength != int64(len(b)) {
			t.Errorf("%s: Content-Length %d, Transfer-Encoding %v for a %d-byte body", tc.name, resp.ContentLength, resp.TransferEncoding, len(b))
		}
	}
}

// postTo sends req to the server at base and returns the status and body.
func postTo(t *testing.T, base string, req *http.Request) (int, string) {
	t.Helper()
	req.URL.Scheme, req.URL.Host, req.RequestURI = "http", strings.TrimPrefix(base, "http://"), ""
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestSingleWorkspace(t *testing.T) {
	rec := slackapptest.NewRecorder(t)
	app, err := slackapp.New(&slackapp.Config{SigningSecrets: []string{secret}, BotToken: "xoxb-single", SlackURL: rec.Server.URL})
	if err != nil {
		t.Fatal(err)
	}
	var inst *installstore.Installation
	app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		inst = c.Installation()
		_, err := c.Client().AuthTestContext(c)
		return slackapp.Text("ok"), err
	})
	c := cmd("/hello")
	c.TeamID = "TANY"
	rr := httptestServe(app.Handler(), slackapptest.CommandRequest(secret, c))
	if r := decodeResponse(t, rr); r.Text != "ok" {
		t.Fatalf("reply %+v", r)
	}
	if inst == nil || inst.BotToken != "xoxb-single" {
		t.Fatalf("installation %+v", inst)
	}
	if calls := rec.Calls(); len(calls) != 1 || calls[0].Method != "auth.test" {
		t.Fatalf("calls %+v", calls)
	}
	if err := app.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestPrintedContextHoldsNoToken: a handler that prints or logs its Context
// (fmt's %+v and %#v, and a text log through the redacting handler) shows no
// token, before and after it asked for its client and Installation.
func TestPrintedContextHoldsNoToken(t *testing.T) {
	f := newFixture(t, nil)
	var printed []string
	f.app.Command("/print", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		for range 2 {
			var buf bytes.Buffer
			slog.New(slackapp.NewRedactingHandler(slog.NewTextHandler(&buf, nil))).Info("ctx", "c", c)
			printed = append(printed, fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), buf.String())
			if c.Client() == nil || c.Installation().BotToken != "xoxb-t1" {
				t.Error("no client or Installation")
			}
		}
		return nil, nil
	})
	if rr := f.serve(slackapptest.CommandRequest(secret, cmd("/print"))); rr.Code != 200 {
		t.Fatalf("status %d", rr.Code)
	}
	if len(printed) != 6 {
		t.Fatalf("the handler printed %d times", len(printed))
	}
	for _, p := range printed {
		if strings.Contains(p, "xoxb") {
			t.Errorf("a printed Context shows the token: %.300s", p[max(0, strings.Index(p, "xoxb")-60):])
		}
	}
}

// TestWithUserClient: a test's Context can be given a user client.
func TestWithUserClient(t *testing.T) {
	u := slack.New("xoxp-test")
	c := slackapp.NewContext(context.Background(), nil, nil, nil).WithUserClient(u)
	if c.UserClient() != u || c.Client() != nil || c.Installation() != nil {
		t.Fatal("NewContext with a user client")
	}
}
