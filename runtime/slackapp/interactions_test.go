package slackapp_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

// payload builds an interaction payload from team T1, user U1.
func payload(typ string, extra map[string]any) map[string]any {
	p := map[string]any{
		"type": typ, "team": map[string]any{"id": "T1", "domain": "t1"},
		"user": map[string]any{"id": "U1", "team_id": "T1"}, "api_app_id": "A0TEST", "trigger_id": "trig",
	}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

func TestBlockActions(t *testing.T) {
	f := newFixture(t, nil)
	var mu sync.Mutex
	var got []string
	var responseURL string
	f.app.BlockAction("approve", func(c *slackapp.Context, a *slackapp.BlockAction) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, a.Action.ActionID+"="+a.Action.Value)
		responseURL = c.ResponseURL
		return c.Respond(&slackapp.Response{Text: "approved", ReplaceOriginal: true})
	})
	f.app.BlockAction("deny", func(c *slackapp.Context, a *slackapp.BlockAction) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, a.Action.ActionID+"="+a.Action.Value)
		return nil
	})
	p := payload("block_actions", map[string]any{
		"response_url": f.rec.ResponseURL(),
		"actions": []map[string]any{
			{"type": "button", "action_id": "approve", "block_id": "b1", "value": "42"},
			{"type": "button", "action_id": "unknown", "block_id": "b1", "value": "0"},
		},
	})
	rr := f.serve(slackapptest.InteractionRequest(secret, p))
	if rr.Code != 200 || rr.Body.Len() != 0 {
		t.Fatalf("status %d body %q", rr.Code, rr.Body.String())
	}
	f.drain(t)
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != "approve=42" || responseURL != f.rec.ResponseURL() {
		t.Fatalf("ran %v with response_url %q", got, responseURL)
	}
	if rs := f.rec.Responses(); len(rs) != 1 || rs[0].Text != "approved" || !rs[0].ReplaceOriginal {
		t.Fatalf("responses %+v", rs)
	}
}

func TestShortcuts(t *testing.T) {
	tests := []struct {
		name      string
		payload   map[string]any
		wantMsg   bool
		wantRespU bool
	}{
		{"global", payload("shortcut", map[string]any{"callback_id": "new_ticket"}), false, false},
		{"message", payload("message_action", map[string]any{
			"callback_id": "new_ticket", "response_url": "http://127.0.0.1:1/r",
			"message": map[string]any{"type": "message", "text": "broken build", "ts": "1.2"},
			"channel": map[string]any{"id": "C1", "name": "general"},
		}), true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			got := make(chan *slackapp.Shortcut, 1)
			gotCtx := make(chan *slackapp.Context, 1)
			f.app.Shortcut("new_ticket", func(c *slackapp.Context, s *slackapp.Shortcut) error {
				got <- s
				gotCtx <- c
				return nil
			})
			if rr := f.serve(slackapptest.InteractionRequest(secret, tt.payload)); rr.Code != 200 || rr.Body.Len() != 0 {
				t.Fatalf("status %d body %q", rr.Code, rr.Body.String())
			}
			f.drain(t)
			var s *slackapp.Shortcut
			select {
			case s = <-got:
			default:
				t.Fatal("shortcut handler did not run")
			}
			c := <-gotCtx
			if s.IsMessage() != tt.wantMsg || s.TriggerID != "trig" || c.Client() == nil || (c.ResponseURL != "") != tt.wantRespU {
				t.Fatalf("shortcut %+v ctx %+v", s.InteractionCallback.Type, c)
			}
			if tt.wantMsg && (s.Message.Text != "broken build" || s.Channel.ID != "C1") {
				t.Fatalf("message %+v", s.Message)
			}
		})
	}
}

func TestViewSubmission(t *testing.T) {
	f := newFixture(t, nil)
	f.app.ViewSubmission("ticket", func(c *slackapp.Context, v *slackapp.ViewSubmission) (*slackapp.ViewResponse, error) {
		title := v.View.State.Values["title"]["title_input"].Value
		if len(title) < 5 {
			return slackapp.ViewErrors(map[string]string{"title": "At least 5 characters"}), nil
		}
		return nil, nil
	})
	view := func(cb, title string) map[string]any {
		return payload("view_submission", map[string]any{"view": map[string]any{
			"id": "V1", "type": "modal", "callback_id": cb,
			"state": map[string]any{"values": map[string]any{"title": map[string]any{"title_input": map[string]any{"type": "plain_text_input", "value": title}}}},
		}})
	}
	tests := []struct {
		name, cb, title string
		wantErrors      map[string]string
	}{
		{"errors keep the modal open", "ticket", "abc", map[string]string{"title": "At least 5 characters"}},
		{"nil closes the modal", "ticket", "a good title", nil},
		{"unknown callback closes the modal", "nope", "x", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := f.serve(slackapptest.InteractionRequest(secret, view(tt.cb, tt.title)))
			if rr.Code != 200 {
				t.Fatalf("status %d", rr.Code)
			}
			if tt.wantErrors == nil {
				if rr.Body.Len() != 0 {
					t.Fatalf("body %q, want empty", rr.Body.String())
				}
				return
			}
			var got slack.ViewSubmissionResponse
			if err := json.Unmarshal(rr.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.ResponseAction != slack.RAErrors || got.Errors["title"] != tt.wantErrors["title"] {
				t.Fatalf("answer %s", rr.Body.String())
			}
		})
	}
}

func TestViewSubmissionPastDeadline(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.AckDeadline = 50 * time.Millisecond })
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // before the fixture's Drain
	f.app.ViewSubmission("slow", func(c *slackapp.Context, v *slackapp.ViewSubmission) (*slackapp.ViewResponse, error) {
		<-release
		return slackapp.ViewErrors(map[string]string{"x": "too late"}), nil
	})
	p := payload("view_submission", map[string]any{"view": map[string]any{"id": "V1", "type": "modal", "callback_id": "slow"}})
	rr := f.serve(slackapptest.InteractionRequest(secret, p))
	if rr.Code != 200 || rr.Body.Len() != 0 {
		t.Fatalf("status %d body %q, want an empty 200 (the modal closes)", rr.Code, rr.Body.String())
	}
	if !strings.Contains(f.logs.String(), "passed the ack deadline") {
		t.Fatal("the dropped answer was not logged")
	}
}

func TestViewClosed(t *testing.T) {
	f := newFixture(t, nil)
	got := make(chan bool, 1)
	f.app.ViewClosed("ticket", func(c *slackapp.Context, v *slackapp.ViewClosed) error {
		got <- v.IsCleared
		return nil
	})
	p := payload("view_closed", map[string]any{"is_cleared": true, "view": map[string]any{"id": "V1", "type": "modal", "callback_id": "ticket"}})
	if rr := f.serve(slackapptest.InteractionRequest(secret, p)); rr.Code != 200 {
		t.Fatalf("status %d", rr.Code)
	}
	f.drain(t)
	select {
	case cleared := <-got:
		if !cleared {
			t.Fatal("is_cleared not decoded")
		}
	default:
		t.Fatal("view_closed handler did not run")
	}
}

func TestOptions(t *testing.T) {
	f := newFixture(t, nil)
	f.app.Options("pick_project", func(c *slackapp.Context, o *slackapp.OptionsRequest) (*slackapp.OptionsResponse, error) {
		opt := slack.NewOptionBlockObject("p1", slack.NewTextBlockObject(slack.PlainTextType, "Project "+o.Value, false, false), nil)
		return &slackapp.OptionsResponse{Options: []*slack.OptionBlockObject{opt}}, nil
	})
	f.app.Options("pick_nothing", func(c *slackapp.Context, o *slackapp.OptionsRequest) (*slackapp.OptionsResponse, error) {
		return &slackapp.OptionsResponse{Options: []*slack.OptionBlockObject{}}, nil // nothing matches
	})
	f.app.Options("pick_group", func(c *slackapp.Context, o *slackapp.OptionsRequest) (*slackapp.OptionsResponse, error) {
		opt := slack.NewOptionBlockObject("g1", slack.NewTextBlockObject(slack.PlainTextType, "G", false, false), nil)
		return &slackapp.OptionsResponse{OptionGroups: []*slack.OptionGroupBlockObject{
			slack.NewOptionGroupBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "Group", false, false), opt)}}, nil
	})
	tests := []struct {
		name, actionID string
		want           string
	}{
		{"answered", "pick_project", `{"options":[{"text":{"type":"plain_text","text":"Project ap","emoji":false},"value":"p1"}]}`},
		{"an empty answer is an empty list", "pick_nothing", `{"options":[]}`},
		{"groups alone", "pick_group", `{"option_groups":[{"label":{"type":"plain_text","text":"Group","emoji":false},"options":[{"text":{"type":"plain_text","text":"G","emoji":false},"value":"g1"}]}]}`},
		{"unknown action gets no options", "nope", `{"options":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := payload("block_suggestion", map[string]any{"action_id": tt.actionID, "block_id": "b", "value": "ap"})
			rr := f.serve(slackapptest.InteractionRequest(secret, p))
			if rr.Code != 200 || rr.Body.String() != tt.want {
				t.Fatalf("status %d body %s, want %s", rr.Code, rr.Body.String(), tt.want)
			}
		})
	}
}

func TestMalformedInteraction(t *testing.T) {
	f := newFixture(t, nil)
	req := slackapptest.SignedRequest(secret, "/slack/events", "application/x-www-form-urlencoded", []byte("payload=%7Bnot-json"))
	if rr := f.serve(req); rr.Code != 400 {
		t.Fatalf("status %d", rr.Code)
	}
}

func TestRoutes(t *testing.T) {
	f := newFixture(t, nil)
	f.app.Route(slackapp.KindCommands, "/slack/commands")
	f.app.Route(slackapp.KindOptions, "/slack/options")
	f.app.Command("/hello", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) {
		return slackapp.Text("hi"), nil
	})
	at := func(path string, r *httptestRequest) *httptestRequest { r.URL.Path = path; return r }
	tests := []struct {
		name string
		req  *httptestRequest
		want int
	}{
		{"command at its route", at("/slack/commands", slackapptest.CommandRequest(secret, cmd("/hello"))), 200},
		{"command at the default path is refused", at("/slack/events", slackapptest.CommandRequest(secret, cmd("/hello"))), 404},
		{"events stay at the default path", at("/slack/events", slackapptest.EventRequest(secret, []byte(`{"type":"url_verification","challenge":"c"}`))), 200},
		{"events at the commands path are refused", at("/slack/commands", slackapptest.EventRequest(secret, []byte(`{"type":"url_verification","challenge":"c"}`))), 404},
		{"options at their route", at("/slack/options", slackapptest.InteractionRequest(secret, payload("block_suggestion", map[string]any{"action_id": "x"}))), 200},
		{"options elsewhere are refused", at("/slack/events", slackapptest.InteractionRequest(secret, payload("block_suggestion", map[string]any{"action_id": "x"}))), 404},
		{"interactivity at the default path", at("/slack/events", slackapptest.InteractionRequest(secret, payload("shortcut", map[string]any{"callback_id": "x"}))), 200},
		{"unknown path", at("/other", slackapptest.CommandRequest(secret, cmd("/hello"))), 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if rr := f.serve(tt.req); rr.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", rr.Code, tt.want, rr.Body.String())
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	f := newFixture(t, nil)
	rr := f.serve(httptest.NewRequest("GET", "/healthz", nil))
	if rr.Code != 200 || rr.Body.String() != "ok" {
		t.Fatalf("status %d body %q", rr.Code, rr.Body.String())
	}
	if rr := f.serve(httptest.NewRequest("GET", "/slack/events", nil)); rr.Code != 405 {
		t.Fatalf("GET on the events path: %d", rr.Code)
	}
}
