package slackapp_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/socketmode"

	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

// fakeAcker records Socket Mode acks.
type fakeAcker struct {
	mu   sync.Mutex
	acks map[string]string // envelope id → payload JSON ("" for none)
}

func (f *fakeAcker) Ack(req socketmode.Request, payload ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.acks == nil {
		f.acks = map[string]string{}
	}
	s := ""
	if len(payload) > 0 {
		b, err := json.Marshal(payload[0])
		if err != nil {
			return err
		}
		s = string(b)
	}
	f.acks[req.EnvelopeID] = s
	return nil
}

func (f *fakeAcker) get(id string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.acks[id]
	return s, ok
}

func socketEvent(typ socketmode.EventType, id string, payload any) socketmode.Event {
	b, _ := json.Marshal(payload)
	return socketmode.Event{Type: typ, Request: &socketmode.Request{Type: string(typ), EnvelopeID: id, Payload: b}}
}

func TestDispatchSocketEvent(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.SocketMode, c.AppToken, c.SigningSecrets = true, "xapp-1-test", nil })
	var mu sync.Mutex
	ran := map[string]bool{}
	mark := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		ran[s] = true
	}
	f.app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		return slackapp.Text("hello " + cmd.Text), nil
	})
	f.app.Event("app_mention", func(*slackapp.Context, *slackapp.Event) error { mark("event"); return nil })
	f.app.BlockAction("go", func(*slackapp.Context, *slackapp.BlockAction) error { mark("action"); return nil })
	f.app.ViewSubmission("form", func(*slackapp.Context, *slackapp.ViewSubmission) (*slackapp.ViewResponse, error) {
		return slackapp.ViewErrors(map[string]string{"b": "bad"}), nil
	})
	var envelope map[string]any
	_ = json.Unmarshal(slackapptest.EventBody("T1", "Ev1", map[string]any{"type": "app_mention"}), &envelope)
	tests := []struct {
		name    string
		evt     socketmode.Event
		wantAck string
		wantRan string
	}{
		{"slash command acks with the reply", socketEvent(socketmode.EventTypeSlashCommand, "env1",
			map[string]any{"command": "/hello", "text": "you", "team_id": "T1", "user_id": "U1", "is_enterprise_install": "false"}),
			`{"text":"hello you","response_type":"ephemeral"}`, ""},
		{"events are acked empty and handled", socketEvent(socketmode.EventTypeEventsAPI, "env2", envelope), "", "event"},
		{"block actions are acked empty and handled", socketEvent(socketmode.EventTypeInteractive, "env3",
			payload("block_actions", map[string]any{"actions": []map[string]any{{"type": "button", "action_id": "go", "block_id": "b1"}}})), "", "action"},
		{"view submission acks with its answer", socketEvent(socketmode.EventTypeInteractive, "env4",
			payload("view_submission", map[string]any{"view": map[string]any{"id": "V", "type": "modal", "callback_id": "form"}})),
			`{"response_action":"errors","errors":{"b":"bad"}}`, ""},
		{"unknown command", socketEvent(socketmode.EventTypeSlashCommand, "env5", map[string]any{"command": "/nope", "team_id": "T1"}),
			`{"text":"Sorry, /nope isn't handled by this app.","response_type":"ephemeral"}`, ""},
		{"not installed", socketEvent(socketmode.EventTypeSlashCommand, "env6", map[string]any{"command": "/hello", "team_id": "T404"}),
			`{"text":"This app is not installed in this workspace anymore — please reinstall.","response_type":"ephemeral"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack := &fakeAcker{}
			f.app.DispatchSocketEvent(context.Background(), tt.evt, ack)
			f.drain(t)
			got, ok := ack.get(tt.evt.Request.EnvelopeID)
			if !ok || got != tt.wantAck {
				t.Fatalf("ack %q (sent %v), want %q", got, ok, tt.wantAck)
			}
			if tt.wantRan != "" {
				mu.Lock()
				defer mu.Unlock()
				if !ran[tt.wantRan] {
					t.Fatalf("%s handler did not run; logs:\n%s", tt.wantRan, f.logs.String())
				}
			}
		})
	}
	// Connection events are only logged.
	f.app.DispatchSocketEvent(context.Background(), socketmode.Event{Type: socketmode.EventTypeConnecting}, &fakeAcker{})
}

// TestSocketModeConnection runs the app against a fake Socket Mode server
// on 127.0.0.1: apps.connections.open hands out a WebSocket URL, the server
// sends a slash command envelope and reads the ack.
func TestSocketModeConnection(t *testing.T) {
	acked := make(chan map[string]any, 1)
	var srv *httptest.Server
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/apps.connections.open":
			if r.Header.Get("Authorization") != "Bearer xapp-1-test" {
				http.Error(w, "bad token", 401)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"})
		case "/ws":
			conn, err := upgrader.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer conn.Close()
			_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
			_ = conn.WriteJSON(map[string]any{
				"type": "slash_commands", "envelope_id": "env-1", "accepts_response_payload": true,
				"payload": map[string]any{"command": "/hello", "text": "socket", "team_id": "T1", "user_id": "U1"},
			})
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			var ack map[string]any
			if err := conn.ReadJSON(&ack); err == nil {
				acked <- ack
			}
			// Keep the connection until the client goes away.
			for {
				if _, _, err := conn.ReadMessage(); err != nil {
					return
				}
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	app, err := slackapp.New(&slackapp.Config{BotToken: "xoxb-1", AppToken: "xapp-1-test", SocketMode: true, SlackURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		return slackapp.Text("hi over " + cmd.Text), nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- app.Run(ctx) }()
	select {
	case ack := <-acked:
		p, _ := ack["payload"].(map[string]any)
		if ack["envelope_id"] != "env-1" || p["text"] != "hi over socket" {
			t.Fatalf("ack %v", ack)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("no ack over the WebSocket")
	}
	cancel()
	select {
	case err := <-runErr:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// TestSocketModeWithOAuthServesInstallRoutes: a Socket Mode app distributed
// with OAuth gets Slack's traffic over the socket, but the install page, the
// redirect and /healthz are still served over HTTP on HOST:PORT.
func TestSocketModeWithOAuthServesInstallRoutes(t *testing.T) {
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/apps.connections.open":
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"})
		case "/ws":
			conn, err := upgrader.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer conn.Close()
			_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1})
			for {
				if _, _, err := conn.ReadMessage(); err != nil {
					return
				}
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	app, err := slackapp.New(&slackapp.Config{
		AppToken: "xapp-1-test", SocketMode: true, SlackURL: srv.URL, Host: "127.0.0.1", Port: port,
		ClientID: "123.456", ClientSecret: "client-secret", StateSecret: "state-secret-state-secret-state-secret",
		BotScopes: []string{"commands"}, AppName: "Socket App",
	}, slackapp.WithInstallationStore(memstore.New()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- app.Run(ctx) }()

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	var resp *http.Response
	for deadline := time.Now().Add(8 * time.Second); ; {
		resp, err = http.Get(base + "/slack/install")
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("install page over HTTP: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Socket App") {
		t.Fatalf("install page: status %d:\n%s", resp.StatusCode, body)
	}
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %v %v", resp, err)
	}
	cancel()
	select {
	case err := <-runErr:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}
