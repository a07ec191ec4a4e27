package slackapp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

const msgSomethingWrong = "Sorry, something went wrong while handling this. Please try again."

// TestDrainRefusesLateRequests starts Drain while requests keep arriving from
// several goroutines, as they do when the HTTP server's shutdown timed out:
// nothing panics (run it with -race), Drain returns only after every
// accepted handler finished, and once one request was refused every later
// one is refused too: events and block actions with 503 (Slack retries the
// events), commands with the usual apology.
func TestDrainRefusesLateRequests(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.Workers, c.QueueSize = 4, 100000 })
	release := make(chan struct{})
	held := make(chan struct{}, 3)
	var ran atomic.Int64 // handlers that ran to their end
	// hold blocks the handlers of requests whose id starts with "hold"
	// until release, so that Drain has something to wait for.
	hold := func(id string) {
		if len(id) >= 4 && id[:4] == "hold" {
			held <- struct{}{}
			<-release
		}
		ran.Add(1)
	}
	f.app.Event("app_mention", func(_ *slackapp.Context, ev *slackapp.Event) error {
		hold(ev.EventID)
		return nil
	})
	f.app.Command("/hello", func(_ *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		hold(cmd.Text)
		return slackapp.Text("ok"), nil
	})
	f.app.BlockAction("go", func(_ *slackapp.Context, a *slackapp.BlockAction) error {
		hold(a.Action.Value)
		return nil
	})
	h := f.app.Handler()

	// send sends one request of kind i%3 with id and reports whether the
	// app took it (false: refused as it should be while draining).
	send := func(t *testing.T, i int, id string) bool {
		switch i % 3 {
		case 0:
			rr := httptestServe(h, slackapptest.EventRequest(secret, slackapptest.EventBody("T1", id, map[string]any{"type": "app_mention"})))
			if rr.Code != http.StatusOK && rr.Code != http.StatusServiceUnavailable {
				t.Errorf("event %s: status %d", id, rr.Code)
			}
			return rr.Code == http.StatusOK
		case 1:
			c := cmd("/hello")
			c.Text = id
			rr := httptestServe(h, slackapptest.CommandRequest(secret, c))
			if rr.Body.Len() == 0 {
				return true // acked empty at the ack deadline: the handler runs
			}
			var r slackapp.Response
			if err := json.Unmarshal(rr.Body.Bytes(), &r); err != nil {
				t.Errorf("command %s: answer %q: %v", id, rr.Body.String(), err)
			}
			if r.Text != "ok" && r.Text != msgSomethingWrong {
				t.Errorf("command %s: reply %q", id, r.Text)
			}
			return r.Text == "ok"
		default:
			rr := httptestServe(h, slackapptest.InteractionRequest(secret, payload("block_actions", map[string]any{
				"actions": []map[string]any{{"type": "button", "action_id": "go", "block_id": "b1", "value": id}},
			})))
			if rr.Code != http.StatusOK && rr.Code != http.StatusServiceUnavailable {
				t.Errorf("block action %s: status %d", id, rr.Code)
			}
			return rr.Code == http.StatusOK
		}
	}

	// One handler of each kind runs and blocks when Drain starts.
	var accepted atomic.Int64
	var holders sync.WaitGroup
	for i := range 3 {
		holders.Add(1)
		go func() {
			defer holders.Done()
			if send(t, i, fmt.Sprintf("hold%d", i)) {
				accepted.Add(1)
			}
		}()
	}
	for range 3 {
		select {
		case <-held:
		case <-time.After(10 * time.Second):
			t.Fatal("the blocking handlers did not start")
		}
	}
	drainErr := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		drainErr <- f.app.Drain(ctx)
	}()

	// Requests keep coming while Drain runs.
	const senders, perSender = 4, 300
	var refusedSeen atomic.Bool
	var refused atomic.Int64
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perSender {
				after := refusedSeen.Load()
				if send(t, i, fmt.Sprintf("Ev%d-%d", g, i)) {
					accepted.Add(1)
					if after {
						t.Errorf("request %d-%d was taken although an earlier one was refused for the drain", g, i)
						return
					}
					continue
				}
				refusedSeen.Store(true)
				if refused.Add(1) >= 30 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if refused.Load() == 0 {
		t.Error("no request was refused while Drain ran")
	}
	select {
	case err := <-drainErr:
		t.Fatalf("Drain returned (%v) while three handlers were still blocked", err)
	default:
	}
	close(release)
	holders.Wait()
	select {
	case err := <-drainErr:
		if err != nil {
			t.Fatalf("Drain: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Drain did not return after the handlers finished")
	}
	if got, want := ran.Load(), accepted.Load(); got != want {
		t.Fatalf("Drain returned when %d handlers had finished, want all %d accepted", got, want)
	}
}

// TestDrainWaitsForCommands checks that Drain waits for a slash command
// handler still running on its HTTP request (the server's shutdown may have
// timed out on it).
func TestDrainWaitsForCommands(t *testing.T) {
	f := newFixture(t, nil)
	release, started := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	f.app.Command("/slow", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) {
		close(started)
		<-release
		finished.Store(true)
		return nil, nil
	})
	h := f.app.Handler()
	served := make(chan struct{})
	go func() {
		defer close(served)
		httptestServe(h, slackapptest.CommandRequest(secret, cmd("/slow")))
	}()
	<-started
	drainErr := make(chan error, 1)
	go func() { drainErr <- f.app.Drain(context.Background()) }()
	select {
	case err := <-drainErr:
		t.Fatalf("Drain returned (%v) while a command handler was running", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-drainErr; err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Fatal("Drain returned before the command handler finished")
	}
	<-served
}

// TestDrainRefusesSocketMode checks the Socket Mode refusals after Drain:
// a command gets the apology, an event (acked already) is not handled, an
// interaction is left unacked so that Slack reports it failed.
func TestDrainRefusesSocketMode(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.SocketMode, c.AppToken, c.SigningSecrets = true, "xapp-1-test", nil })
	var ran atomic.Int32
	f.app.Command("/hello", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) {
		ran.Add(1)
		return slackapp.Text("hi"), nil
	})
	f.app.Event("app_mention", func(*slackapp.Context, *slackapp.Event) error { ran.Add(1); return nil })
	f.app.BlockAction("go", func(*slackapp.Context, *slackapp.BlockAction) error { ran.Add(1); return nil })
	if err := f.app.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var envelope map[string]any
	_ = json.Unmarshal(slackapptest.EventBody("T1", "Ev1", map[string]any{"type": "app_mention"}), &envelope)
	apology, _ := json.Marshal(slackapp.Text(msgSomethingWrong))
	for _, tt := range []struct {
		name    string
		evt     socketmode.Event
		wantAck string
		acked   bool
	}{
		{"command", socketEvent(socketmode.EventTypeSlashCommand, "env1", map[string]any{"command": "/hello", "team_id": "T1", "user_id": "U1"}), string(apology), true},
		{"event", socketEvent(socketmode.EventTypeEventsAPI, "env2", envelope), "", true},
		{"block action", socketEvent(socketmode.EventTypeInteractive, "env3",
			payload("block_actions", map[string]any{"actions": []map[string]any{{"type": "button", "action_id": "go", "block_id": "b1"}}})), "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ack := &fakeAcker{}
			f.app.DispatchSocketEvent(context.Background(), tt.evt, ack)
			f.drain(t)
			if got, ok := ack.get(tt.evt.Request.EnvelopeID); ok != tt.acked || got != tt.wantAck {
				t.Fatalf("ack %q (sent %v), want %q (sent %v)", got, ok, tt.wantAck, tt.acked)
			}
		})
	}
	if n := ran.Load(); n != 0 {
		t.Fatalf("%d handlers ran after Drain", n)
	}
}
