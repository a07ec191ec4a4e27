package slacktest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Call is one captured Web API call. Tokens and secrets are never captured.
type Call struct {
	Time       time.Time      `json:"time"`
	Method     string         `json:"method"`
	Team       string         `json:"team,omitempty"`
	Enterprise string         `json:"enterprise,omitempty"`
	User       string         `json:"user,omitempty"`       // set for user tokens
	TokenType  string         `json:"token_type,omitempty"` // bot, user or config
	Params     map[string]any `json:"params,omitempty"`     // form fields or JSON body, without token, client_secret, refresh_token, code, code_verifier
	OK         bool           `json:"ok"`
	Error      string         `json:"error,omitempty"`
}

// Message is one message of the conversation: what the user sent the app
// (From "user") and what the app posted (From "app") through chat.*, a
// response_url, or its HTTP reply.
type Message struct {
	Time            time.Time       `json:"time"`
	From            string          `json:"from"` // "user", "app", or "emulator" (a delivery that failed)
	Via             string          `json:"via"`  // command, event, action, view_submission, shortcut, reply, response_url, incoming_webhook, chat.postMessage, chat.postEphemeral, chat.update, chat.delete, delivery
	Team            string          `json:"team,omitempty"`
	Channel         string          `json:"channel,omitempty"`
	User            string          `json:"user,omitempty"`
	TS              string          `json:"ts,omitempty"`
	ThreadTS        string          `json:"thread_ts,omitempty"`
	Text            string          `json:"text,omitempty"`
	Blocks          json.RawMessage `json:"blocks,omitempty"`
	ResponseType    string          `json:"response_type,omitempty"`
	ReplaceOriginal bool            `json:"replace_original,omitempty"`
	DeleteOriginal  bool            `json:"delete_original,omitempty"`
}

// Calls returns the Web API calls captured so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// CallsTo returns the captured calls of one Web API method.
func (s *Server) CallsTo(method string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Messages returns the conversation so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// WaitForMessage waits until a message for which match returns true has
// been captured (including ones captured before the call) and returns it.
// It gives up when ctx is done. A nil match accepts any message from the app.
func (s *Server) WaitForMessage(ctx context.Context, match func(Message) bool) (Message, error) {
	if match == nil {
		match = func(m Message) bool { return m.From == "app" }
	}
	for {
		s.mu.Lock()
		for _, m := range s.messages {
			if match(m) {
				s.mu.Unlock()
				return m, nil
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return Message{}, fmt.Errorf("slacktest: no matching message: %w", ctx.Err())
		}
	}
}

// Reset forgets the captured calls and messages (tokens and workspaces
// stay).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls, s.messages = nil, nil
}

// maxCaptured bounds the captured calls and messages each: a long-running
// emulator forgets the oldest.
const maxCaptured = 10000

// record appends to the conversation. Callers hold s.mu.
func (s *Server) record(m Message) {
	if m.Time.IsZero() {
		m.Time = s.opts.now()
	}
	s.messages = appendBounded(s.messages, m)
	s.notify()
	if s.opts.log != nil {
		s.opts.log.Info("message", "from", m.From, "via", m.Via, "team", m.Team, "channel", m.Channel, "text", truncate(m.Text, 200))
	}
}

// recordCall captures a Web API call. Callers hold s.mu.
func (s *Server) recordCall(c Call) {
	s.calls = appendBounded(s.calls, c)
	s.notify()
	if s.opts.log != nil {
		result := "ok"
		if !c.OK {
			result = c.Error
		}
		s.opts.log.Info("web api", "method", c.Method, "team", firstNonEmpty(c.Team, c.Enterprise), "result", result)
	}
}

// notify wakes WaitForMessage. Callers hold s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func appendBounded[T any](list []T, v T) []T {
	if len(list) >= maxCaptured {
		list = append(list[:0], list[len(list)-maxCaptured+1:]...)
	}
	return append(list, v)
}

// responseURL is a response_url handed to the app with a command or an
// interaction.
type responseURL struct {
	team, channel, user string
	expires             time.Time
	uses                int
	webhook             bool // an incoming webhook: no use limit, no expiry
}

// Slack accepts up to 5 replies to a response_url within 30 minutes.
const (
	responseURLUses     = 5
	responseURLLifetime = 30 * time.Minute
)

// newResponseURL issues a response_url. Like a trigger id, it is forgotten
// one lifetime after it expired (until then a late reply is told
// expired_url); incoming webhooks never are. Callers hold s.mu.
func (s *Server) newResponseURL(team, channel, user string) string {
	now := s.opts.now()
	s.responseURLExpiry.sweep(now, func(id string) { delete(s.responseURLs, id) })
	id := s.rnd.alnum(24)
	expires := now.Add(responseURLLifetime)
	s.responseURLs[id] = &responseURL{team: team, channel: channel, user: user, expires: expires}
	s.responseURLExpiry.push(id, expires.Add(responseURLLifetime))
	return s.url + "/_emulator/respond/" + id
}

func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ru, ok := s.responseURLs[r.PathValue("id")]
	switch {
	case !ok:
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "invalid_url"})
		return
	case !ru.webhook && !s.opts.now().Before(ru.expires):
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "expired_url"})
		return
	case !ru.webhook && ru.uses >= responseURLUses:
		writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "used_url"})
		return
	}
	var msg struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "invalid_payload"})
		return
	}
	if msg.Text == "" && len(msg.Blocks) == 0 && !msg.DeleteOriginal {
		writeJSON(w, http.StatusBadRequest, map[string]any{"ok": false, "error": "no_text"})
		return
	}
	ru.uses++
	via := "response_url"
	if ru.webhook {
		via = "incoming_webhook"
	}
	s.record(Message{
		From: "app", Via: via, Team: ru.team, Channel: ru.channel, User: ru.user,
		Text: msg.Text, Blocks: nullToNil(msg.Blocks), ResponseType: msg.ResponseType,
		ReplaceOriginal: msg.ReplaceOriginal, DeleteOriginal: msg.DeleteOriginal, ThreadTS: msg.ThreadTS,
	})
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (s *Server) handleCalls(w http.ResponseWriter, r *http.Request) {
	calls := s.Calls()
	if m := r.URL.Query().Get("method"); m != "" {
		calls = s.CallsTo(m)
	}
	if calls == nil {
		calls = []Call{}
	}
	writeJSON(w, http.StatusOK, calls)
}

func (s *Server) handleMessages(w http.ResponseWriter, r *http.Request) {
	msgs := s.Messages()
	if msgs == nil {
		msgs = []Message{}
	}
	writeJSON(w, http.StatusOK, msgs)
}

func (s *Server) handleConversation(w http.ResponseWriter, r *http.Request) {
	render(w, http.StatusOK, "conversation.html", conversationPage{
		AppName:  s.App().Name,
		URL:      s.url,
		Messages: s.Messages(),
		Calls:    s.Calls(),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "slacktest: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func nullToNil(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || strings.TrimSpace(string(b)) == "null" {
		return nil
	}
	return b
}
