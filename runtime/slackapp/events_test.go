package slackapp_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

func TestURLVerification(t *testing.T) {
	f := newFixture(t, nil)
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	rr := f.serve(slackapptest.EventRequest(secret, body))
	var got map[string]string
	if err := json.Unmarshal(rr.Body.Bytes(), &got); err != nil || rr.Code != 200 {
		t.Fatalf("status %d body %q", rr.Code, rr.Body.String())
	}
	if got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Fatalf("challenge %q", got["challenge"])
	}
}

func TestSSLCheck(t *testing.T) {
	f := newFixture(t, nil)
	rr := f.serve(slackapptest.SignedRequest(secret, "/slack/events", "application/x-www-form-urlencoded", []byte("ssl_check=1&token=x")))
	if rr.Code != 200 || rr.Body.Len() != 0 {
		t.Fatalf("status %d body %q", rr.Code, rr.Body.String())
	}
}

func TestMalformedEvent(t *testing.T) {
	f := newFixture(t, nil)
	for _, body := range []string{`{"type":`, `{"type":"event_callback"}`, `{"type":"event_callback","event":"x"}`} {
		if rr := f.serve(slackapptest.EventRequest(secret, []byte(body))); rr.Code != 400 {
			t.Errorf("%s: status %d", body, rr.Code)
		}
	}
}

// recordEvents registers a handler per name that records which one ran.
func recordEvents(app *slackapp.App, names ...string) (got func() []string) {
	var mu sync.Mutex
	var seen []string
	for _, n := range names {
		app.Event(n, func(c *slackapp.Context, ev *slackapp.Event) error {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, n)
			return nil
		})
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

func TestEventRouting(t *testing.T) {
	tests := []struct {
		name       string
		registered []string
		event      map[string]any
		want       string // "" means no handler runs
	}{
		{"by type", []string{"app_mention", "message"}, map[string]any{"type": "app_mention", "user": "U1", "text": "<@U0BOT> hi"}, "app_mention"},
		{"unregistered type is acked and ignored", []string{"message"}, map[string]any{"type": "reaction_added"}, ""},
		{"message gets every message", []string{"message"}, map[string]any{"type": "message", "channel_type": "im", "subtype": "bot_message"}, "message"},
		{"manifest channel name", []string{"message", "message.channels", "message.im"}, map[string]any{"type": "message", "channel_type": "channel"}, "message.channels"},
		{"manifest im", []string{"message", "message.channels", "message.im"}, map[string]any{"type": "message", "channel_type": "im"}, "message.im"},
		{"groups and mpim", []string{"message.groups", "message.mpim"}, map[string]any{"type": "message", "channel_type": "mpim"}, "message.mpim"},
		{"app home", []string{"message.app_home"}, map[string]any{"type": "message", "channel_type": "app_home"}, "message.app_home"},
		{"falls back to message", []string{"message", "message.channels"}, map[string]any{"type": "message", "channel_type": "group"}, "message"},
		{"subtype wins over channel type", []string{"message.channels", "message:bot_message"}, map[string]any{"type": "message", "channel_type": "channel", "subtype": "bot_message"}, "message:bot_message"},
		{"other subtypes go by channel type", []string{"message.channels", "message:bot_message"}, map[string]any{"type": "message", "channel_type": "channel", "subtype": "message_changed"}, "message.channels"},
		{"no match", []string{"message.im"}, map[string]any{"type": "message", "channel_type": "channel"}, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			got := recordEvents(f.app, tt.registered...)
			rr := f.serve(slackapptest.EventRequest(secret, slackapptest.EventBody("T1", fmt.Sprintf("Ev%d", i), tt.event)))
			if rr.Code != 200 || rr.Body.Len() != 0 {
				t.Fatalf("status %d body %q", rr.Code, rr.Body.String())
			}
			f.drain(t)
			g := got()
			switch {
			case tt.want == "" && len(g) != 0:
				t.Fatalf("handlers %v ran, want none", g)
			case tt.want != "" && (len(g) != 1 || g[0] != tt.want):
				t.Fatalf("handlers %v ran, want [%s]", g, tt.want)
			}
		})
	}
}

func TestEventContextAndDecode(t *testing.T) {
	f := newFixture(t, nil)
	type result struct {
		ev   *slackapp.Event
		m    slackevents.AppMentionEvent
		c    *slackapp.Context
		derr error
	}
	done := make(chan result, 1)
	f.app.Event("app_mention", func(c *slackapp.Context, ev *slackapp.Event) error {
		r := result{ev: ev, c: c}
		r.derr = ev.Decode(&r.m)
		done <- r
		return nil
	})
	body := slackapptest.EventBody("T1", "Ev1", map[string]any{"type": "app_mention", "user": "U7", "text": "<@U0BOT> hello", "channel": "C9", "ts": "1.1"})
	req := slackapptest.EventRequest(secret, body)
	req.Header.Set("X-Slack-Retry-Num", "2")
	if rr := f.serve(req); rr.Code != 200 {
		t.Fatalf("status %d", rr.Code)
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("handler did not run")
	}
	if r.derr != nil || r.m.Text != "<@U0BOT> hello" || r.m.Channel != "C9" || r.m.User != "U7" {
		t.Fatalf("decoded %+v, %v", r.m, r.derr)
	}
	if r.ev.Type != "app_mention" || r.ev.User != "U7" || r.ev.EventID != "Ev1" || r.ev.TeamID != "T1" || r.ev.RetryNum != 2 || r.ev.APIAppID != "A0TEST" {
		t.Fatalf("event %+v", r.ev)
	}
	if r.c.Client() == nil || r.c.Installation().BotToken != "xoxb-t1" || r.c.UserID != "U0BOT" {
		t.Fatalf("context %+v", r.c)
	}
	if err := r.c.Err(); err != nil {
		t.Fatalf("handler context done after the ack: %v", err)
	}
}

func TestEventRetryDeduplicated(t *testing.T) {
	f := newFixture(t, nil)
	var runs atomic.Int32
	f.app.Event("app_mention", func(*slackapp.Context, *slackapp.Event) error {
		runs.Add(1)
		return nil
	})
	body := slackapptest.EventBody("T1", "EvSAME", map[string]any{"type": "app_mention"})
	for retry := range 3 {
		req := slackapptest.EventRequest(secret, body)
		if retry > 0 {
			req.Header.Set("X-Slack-Retry-Num", fmt.Sprint(retry))
			req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if rr := f.serve(req); rr.Code != 200 {
			t.Fatalf("delivery %d: status %d", retry, rr.Code)
		}
	}
	other := slackapptest.EventBody("T1", "EvOTHER", map[string]any{"type": "app_mention"})
	f.serve(slackapptest.EventRequest(secret, other))
	f.drain(t)
	if n := runs.Load(); n != 2 {
		t.Fatalf("handler ran %d times, want 2 (one per event id)", n)
	}
}

// TestEventDedupeWindowTooSmallIsLogged: an app whose de-duplication
// window fills before DedupeTTL warns, once, naming the setting to raise.
func TestEventDedupeWindowTooSmallIsLogged(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.DedupeSize = 2 })
	recordEvents(f.app, "app_mention")
	for i := range 4 {
		f.serve(slackapptest.EventRequest(secret, slackapptest.EventBody("T1", fmt.Sprintf("Ev%d", i), map[string]any{"type": "app_mention"})))
	}
	f.drain(t)
	logs := f.logs.String()
	if n := strings.Count(logs, "forgetting event ids before their TTL"); n != 1 || !strings.Contains(logs, "SLACK_DEDUPE_SIZE") || !strings.Contains(logs, `"dedupe_size":2`) {
		t.Fatalf("%d warnings; logs %s", n, logs)
	}
}

func TestEventNotInstalledIsLogged(t *testing.T) {
	f := newFixture(t, nil)
	var runs atomic.Int32
	f.app.Event("app_mention", func(*slackapp.Context, *slackapp.Event) error {
		runs.Add(1)
		return nil
	})
	f.serve(slackapptest.EventRequest(secret, slackapptest.EventBody("T404", "Ev1", map[string]any{"type": "app_mention"})))
	f.drain(t)
	if runs.Load() != 0 || !strings.Contains(f.logs.String(), "event from a workspace without an installation") {
		t.Fatalf("runs %d, logs %s", runs.Load(), f.logs.String())
	}
}

func TestEventHandlerErrorIsLogged(t *testing.T) {
	f := newFixture(t, nil)
	f.app.Event("app_mention", func(*slackapp.Context, *slackapp.Event) error {
		return errors.New("cannot post with xoxb-secret-token-123")
	})
	f.serve(slackapptest.EventRequest(secret, slackapptest.EventBody("T1", "Ev1", map[string]any{"type": "app_mention"})))
	f.drain(t)
	logs := f.logs.String()
	if !strings.Contains(logs, "event handler failed") || strings.Contains(logs, "secret-token-123") {
		t.Fatalf("logs %s", logs)
	}
}

// TestWorkerPoolBound fills the pool and checks that further events are
// refused with 503 (so Slack retries them), not queued without bound, and
// that a refused event is handled when Slack retries it.
func TestWorkerPoolBound(t *testing.T) {
	const workers, queue = 2, 3
	f := newFixture(t, func(c *slackapp.Config) { c.Workers, c.QueueSize = workers, queue })
	release := make(chan struct{})
	var running, maxRunning, handled atomic.Int32
	f.app.Event("app_mention", func(*slackapp.Context, *slackapp.Event) error {
		n := running.Add(1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		handled.Add(1)
		return nil
	})
	codes := map[int]int{}
	for i := range workers + queue + 4 {
		rr := f.serve(slackapptest.EventRequest(secret, slackapptest.EventBody("T1", fmt.Sprintf("Ev%d", i), map[string]any{"type": "app_mention"})))
		codes[rr.Code]++
	}
	if codes[200] != workers+queue || codes[503] != 4 {
		t.Fatalf("status counts %v, want %d×200 and 4×503", codes, workers+queue)
	}
	// A retry of a refused event is not taken for a duplicate.
	close(release)
	f.drain(t)
	rr := f.serve(slackapptest.EventRequest(secret, slackapptest.EventBody("T1", fmt.Sprintf("Ev%d", workers+queue), map[string]any{"type": "app_mention"})))
	f.drain(t)
	if rr.Code != 200 || handled.Load() != workers+queue+1 {
		t.Fatalf("retry: status %d, handled %d", rr.Code, handled.Load())
	}
	if maxRunning.Load() > workers {
		t.Fatalf("%d handlers ran at once, want at most %d", maxRunning.Load(), workers)
	}
	if !strings.Contains(f.logs.String(), "worker pool full") {
		t.Fatal("a refused event was not logged")
	}
}

func TestUninstallEvents(t *testing.T) {
	ctx := context.Background()
	appUninstalled := func(id string) []byte {
		return slackapptest.EventBody("T1", id, map[string]any{"type": "app_uninstalled"})
	}
	tokensRevoked := func(id string) []byte {
		return slackapptest.EventBody("T1", id, map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"oauth": []string{"U1"}, "bot": []string{"B0BOT"}}})
	}
	usersOnly := func(id string) []byte {
		return slackapptest.EventBody("T1", id, map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"oauth": []string{"U1"}}})
	}
	tests := []struct {
		name      string
		bodies    [][]byte
		wantBot   bool
		wantUser1 bool
		wantUser2 bool
	}{
		{"app_uninstalled then tokens_revoked", [][]byte{appUninstalled("E1"), tokensRevoked("E2")}, false, false, false},
		{"tokens_revoked then app_uninstalled", [][]byte{tokensRevoked("E1"), appUninstalled("E2")}, false, false, false},
		{"app_uninstalled twice (retry with a new id)", [][]byte{appUninstalled("E1"), appUninstalled("E2")}, false, false, false},
		{"tokens_revoked of one user keeps the bot and other users", [][]byte{usersOnly("E1")}, true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			for _, u := range []string{"U1", "U2"} {
				if err := f.store.Save(ctx, &installstore.Installation{TeamID: "T1", UserID: u, UserToken: "xoxp-" + u, BotToken: "xoxb-t1", BotID: "B0BOT"}); err != nil {
					t.Fatal(err)
				}
			}
			// Authorize once, so that the deletion must also drop the cache.
			f.app.Command("/hello", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) {
				return slackapp.Text("hi"), nil
			})
			if r := decodeResponse(t, f.serve(slackapptest.CommandRequest(secret, cmd("/hello")))); r.Text != "hi" {
				t.Fatalf("before: %+v", r)
			}
			for _, b := range tt.bodies {
				if rr := f.serve(slackapptest.EventRequest(secret, b)); rr.Code != 200 {
					t.Fatalf("status %d", rr.Code)
				}
				f.drain(t)
			}
			_, err := f.store.FindBot(ctx, installstore.Query{TeamID: "T1"})
			if gotBot := err == nil; gotBot != tt.wantBot {
				t.Fatalf("bot present %v, want %v (err %v)", gotBot, tt.wantBot, err)
			}
			for user, want := range map[string]bool{"U1": tt.wantUser1, "U2": tt.wantUser2} {
				inst, err := f.store.FindInstallation(ctx, installstore.Query{TeamID: "T1", UserID: user})
				if got := err == nil && inst.UserToken != ""; got != want {
					t.Fatalf("user %s present %v, want %v", user, got, want)
				}
			}
			if !tt.wantBot {
				r := decodeResponse(t, f.serve(slackapptest.CommandRequest(secret, cmd("/hello"))))
				if !strings.HasPrefix(r.Text, "This app is not installed") {
					t.Fatalf("after uninstall a command got %+v (stale cache?)", r)
				}
			}
		})
	}
}

func TestUninstallRunsUserHandlerUnauthorized(t *testing.T) {
	f := newFixture(t, nil)
	got := make(chan *slackapp.Context, 1)
	f.app.Event("app_uninstalled", func(c *slackapp.Context, ev *slackapp.Event) error {
		got <- c
		return nil
	})
	f.serve(slackapptest.EventRequest(secret, slackapptest.EventBody("T1", "E1", map[string]any{"type": "app_uninstalled"})))
	f.drain(t)
	select {
	case c := <-got:
		if c.Client() != nil || c.TeamID != "T1" {
			t.Fatalf("context %+v", c)
		}
	default:
		t.Fatal("the app_uninstalled handler did not run")
	}
	if _, err := f.store.FindBot(context.Background(), installstore.Query{TeamID: "T1"}); !errors.Is(err, installstore.ErrNotFound) {
		t.Fatalf("installation not deleted: %v", err)
	}
}

func TestEnterpriseAuthorization(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	if err := f.store.Save(ctx, &installstore.Installation{EnterpriseID: "E1", IsEnterpriseInstall: true, BotToken: "xoxb-org"}); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	f.app.Event("app_mention", func(c *slackapp.Context, ev *slackapp.Event) error {
		got <- c.Installation().BotToken
		return nil
	})
	body, _ := json.Marshal(slackapptest.EventEnvelope{
		Type: "event_callback", TeamID: "T77", EnterpriseID: "E1", EventID: "Ev1",
		Authorizations: []slackapptest.Authorization{{EnterpriseID: "E1", TeamID: "T77", UserID: "U0BOT", IsBot: true, IsEnterpriseInstall: true}},
		Event:          map[string]any{"type": "app_mention"},
	})
	f.serve(slackapptest.EventRequest(secret, body))
	f.drain(t)
	select {
	case tok := <-got:
		if tok != "xoxb-org" {
			t.Fatalf("authorized with %q", tok)
		}
	default:
		t.Fatal("handler did not run for an org-wide installation")
	}
}

// TestEventLoggerTags: a handler's logger tags its records with the event
// (type, id, team), also through With and WithGroup.
func TestEventLoggerTags(t *testing.T) {
	f := newFixture(t, nil)
	f.app.Event("reaction_added", func(c *slackapp.Context, ev *slackapp.Event) error {
		c.Logger.Info("plain")
		c.Logger.With("extra", 1).Info("with")
		c.Logger.WithGroup("g").Info("grouped", "k", "v")
		return nil
	})
	rr := f.serve(slackapptest.EventRequest(secret, slackapptest.EventBody("T1", "EvTAGS1", map[string]any{"type": "reaction_added", "user": "U1"})))
	if rr.Code != 200 {
		t.Fatalf("status %d", rr.Code)
	}
	f.drain(t)
	for _, msg := range []string{"plain", "with", "grouped"} {
		var line map[string]any
		for _, l := range strings.Split(f.logs.String(), "\n") {
			if strings.Contains(l, `"msg":"`+msg+`"`) {
				if err := json.Unmarshal([]byte(l), &line); err != nil {
					t.Fatal(err)
				}
			}
		}
		if line == nil {
			t.Fatalf("no %q line in the log:\n%s", msg, f.logs.String())
		}
		if line["event_type"] != "reaction_added" || line["event_id"] != "EvTAGS1" || line["team_id"] != "T1" {
			t.Errorf("%q line lacks the event's tags: %v", msg, line)
		}
	}
}
