package slacktest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slackgen/slackgen/runtime/signature"
)

// maxReply caps how much of an app's reply the emulator reads.
const maxReply = 1 << 20

// ErrAppUnreachable is wrapped by the errors of traffic that could not
// reach the app (connection refused, timeout).
var ErrAppUnreachable = errors.New("slacktest: the app did not answer")

// Reply is the app's HTTP answer to traffic the emulator sent.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// OK reports whether the app answered 2xx.
func (r *Reply) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Post sends body to url signed with the primary app's signing secret, as
// Slack sends traffic, with extra headers (e.g. X-Slack-Retry-Num). Use it
// for requests the Send methods do not build.
func (s *Server) Post(ctx context.Context, url, contentType string, body []byte, header http.Header) (*Reply, error) {
	select {
	case <-s.done:
		return nil, errClosed
	default:
	}
	secret := s.App().SigningSecret
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("slacktest: building the request to %s: %w", url, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	// The app checks the timestamp against its own clock: always sign with
	// the real time, whatever WithClock says.
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderSignature, signature.Sign(secret, ts, body))
	resp, err := s.client.Do(req)
	if err != nil {
		err = fmt.Errorf("%w at %s: %w (is it running, and is its URL right?)", ErrAppUnreachable, url, err)
		s.noteFailure(err.Error())
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return nil, fmt.Errorf("slacktest: reading the app's reply from %s: %w", url, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		s.noteFailure(fmt.Sprintf("the app answered %s at %s: %s", resp.Status, url, truncate(string(b), 200)))
	}
	return &Reply{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// noteFailure shows a failed delivery in the conversation (From
// "emulator", Via "delivery").
func (s *Server) noteFailure(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record(Message{From: "emulator", Via: "delivery", Text: text})
}

// actor is who traffic comes from. Callers hold s.mu.
type actor struct {
	ws      *Workspace
	ent     *Enterprise
	in      install
	channel string
}

func (s *Server) actor(team string) (actor, error) {
	ws, err := s.workspace(firstNonEmpty(team, s.wsOrder[0]))
	if err != nil {
		return actor{}, err
	}
	a := actor{ws: ws, ent: s.enterprises[ws.EnterpriseID], channel: "C" + ws.ID[1:] + "GEN"}
	a.in = s.installFor(s.apps[0], ws.ID)
	if a.in.isEnterpriseInstall {
		a.in.teamID = ""
	}
	return a, nil
}

func (a actor) teamObject() map[string]any {
	out := map[string]any{"id": a.ws.ID, "domain": a.ws.Domain}
	if a.ent != nil {
		out["enterprise_id"], out["enterprise_name"] = a.ent.ID, a.ent.Name
	}
	return out
}

func (a actor) enterpriseObject() any {
	if a.ent == nil {
		return nil
	}
	return map[string]any{"id": a.ent.ID, "name": a.ent.Name}
}

func (a actor) userObject() map[string]any {
	return map[string]any{"id": a.ws.UserID, "username": a.ws.UserName, "name": a.ws.UserName, "team_id": a.ws.ID}
}

// SendCommand sends a slash command from team's user (team "" is the first
// workspace), with a response_url and a trigger_id, and returns the app's
// reply. A JSON or text reply is captured as the app's message.
func (s *Server) SendCommand(ctx context.Context, team, command, text string) (*Reply, error) {
	if !strings.HasPrefix(command, "/") {
		return nil, fmt.Errorf("slacktest: command %q must start with /", command)
	}
	s.mu.Lock()
	a, err := s.actor(team)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	cfg := s.apps[0].cfg
	target, err := cfg.commandURL(command)
	if err != nil && !(cfg.SocketMode && len(cfg.CommandURLs) == 0) {
		s.mu.Unlock()
		return nil, err
	}
	form := url.Values{
		"token":                 {"verification-token-unused"},
		"team_id":               {a.ws.ID},
		"team_domain":           {a.ws.Domain},
		"channel_id":            {a.channel},
		"channel_name":          {"general"},
		"user_id":               {a.ws.UserID},
		"user_name":             {a.ws.UserName},
		"command":               {command},
		"text":                  {text},
		"api_app_id":            {cfg.AppID},
		"is_enterprise_install": {strconv.FormatBool(a.in.isEnterpriseInstall)},
		"response_url":          {s.newResponseURL(a.ws.ID, a.channel, a.ws.UserID)},
		"trigger_id":            {s.newTrigger(a.ws.ID, a.ws.UserID)},
	}
	if a.ent != nil {
		form.Set("enterprise_id", a.ent.ID)
		form.Set("enterprise_name", a.ent.Name)
	}
	s.record(Message{From: "user", Via: "command", Team: a.ws.ID, Channel: a.channel, User: a.ws.UserID, Text: strings.TrimSpace(command + " " + text)})
	s.mu.Unlock()

	var reply *Reply
	if cfg.SocketMode {
		payload := map[string]any{}
		for k := range form {
			payload[k] = form.Get(k)
		}
		payload["is_enterprise_install"] = a.in.isEnterpriseInstall
		reply, err = s.deliverSocket(ctx, "slash_commands", payload, true)
	} else {
		reply, err = s.Post(ctx, target, "application/x-www-form-urlencoded", []byte(form.Encode()), nil)
	}
	if err != nil {
		return nil, err
	}
	s.recordReply(a, reply)
	return reply, nil
}

// recordReply captures a command's synchronous reply as the app's message.
func (s *Server) recordReply(a actor, r *Reply) {
	if !r.OK() || len(bytes.TrimSpace(r.Body)) == 0 {
		return
	}
	m := Message{From: "app", Via: "reply", Team: a.ws.ID, Channel: a.channel, User: a.ws.UserID}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		var msg struct {
			Text         string          `json:"text"`
			Blocks       json.RawMessage `json:"blocks"`
			ResponseType string          `json:"response_type"`
		}
		if json.Unmarshal(r.Body, &msg) != nil {
			return
		}
		m.Text, m.Blocks, m.ResponseType = msg.Text, nullToNil(msg.Blocks), msg.ResponseType
	} else {
		m.Text = string(r.Body)
	}
	s.mu.Lock()
	s.record(m)
	s.mu.Unlock()
}

// alwaysDelivered are the events Slack sends without a subscription.
var alwaysDelivered = map[string]bool{"app_uninstalled": true, "tokens_revoked": true}

// SendEvent sends an Events API event_callback to the app's events URL.
// event is the inner event; "type" is required, and user, channel, ts and
// event_ts are filled in when missing. The event must be one the app
// subscribes to (AppConfig.BotEvents), except app_uninstalled and
// tokens_revoked.
func (s *Server) SendEvent(ctx context.Context, team string, event map[string]any) (*Reply, error) {
	typ, _ := event["type"].(string)
	if typ == "" {
		return nil, errors.New(`slacktest: the event needs a "type"`)
	}
	s.mu.Lock()
	a, err := s.actor(team)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	app := s.apps[0]
	target := app.cfg.eventsURL()
	if target == "" && !app.cfg.SocketMode {
		s.mu.Unlock()
		return nil, errors.New("slacktest: the app has no events request URL: set AppConfig.EventsURL or RequestURL")
	}
	if subscribed := app.cfg.BotEvents; len(subscribed) > 0 && !alwaysDelivered[typ] && !subscribes(subscribed, typ, event) {
		s.mu.Unlock()
		return nil, fmt.Errorf("slacktest: the app does not subscribe to %s events (it subscribes to %s): add it to the manifest's bot_events", typ, strings.Join(subscribed, ", "))
	}
	ev := map[string]any{}
	for k, v := range event {
		ev[k] = v
	}
	ts := s.nextTS()
	defaults := map[string]any{"event_ts": ts}
	switch typ {
	case "app_uninstalled", "tokens_revoked":
	case "app_home_opened":
		defaults["user"], defaults["channel"], defaults["tab"] = a.ws.UserID, "D"+a.ws.ID[1:]+"APP", "home"
	default:
		defaults["user"], defaults["channel"], defaults["ts"] = a.ws.UserID, a.channel, ts
		if typ == "message" {
			defaults["channel_type"] = "channel"
		}
	}
	for k, v := range defaults {
		if _, set := ev[k]; !set {
			ev[k] = v
		}
	}
	envelope := map[string]any{
		"token":                 "verification-token-unused",
		"team_id":               a.ws.ID,
		"api_app_id":            app.cfg.AppID,
		"event":                 ev,
		"type":                  "event_callback",
		"event_id":              "Ev" + strings.ToUpper(s.rnd.alnum(10)),
		"event_time":            s.opts.now().Unix(),
		"is_ext_shared_channel": false,
		"event_context":         "4-" + s.rnd.alnum(32),
		"authorizations": []map[string]any{{
			"enterprise_id":         nilIfEmpty(a.in.enterpriseID),
			"team_id":               nilIfEmpty(a.in.teamID),
			"user_id":               app.botUserID,
			"is_bot":                true,
			"is_enterprise_install": a.in.isEnterpriseInstall,
		}},
	}
	if a.ent != nil {
		envelope["enterprise_id"] = a.ent.ID
	}
	if text, _ := ev["text"].(string); text != "" {
		ch, _ := ev["channel"].(string)
		s.record(Message{From: "user", Via: "event", Team: a.ws.ID, Channel: ch, User: a.ws.UserID, TS: ts, Text: text})
	}
	last := &sentEvent{envelope: envelope, target: target, socket: app.cfg.SocketMode}
	s.lastEvent = last
	s.mu.Unlock()
	return s.deliverEvent(ctx, last, 0, "")
}

// sentEvent is an event envelope as sent, for RetryLastEvent.
type sentEvent struct {
	envelope map[string]any
	target   string
	socket   bool
	retries  int
}

func (s *Server) deliverEvent(ctx context.Context, ev *sentEvent, retry int, reason string) (*Reply, error) {
	if ev.socket {
		return s.deliverSocketRetry(ctx, "events_api", ev.envelope, false, retry, reason)
	}
	body, err := marshal(ev.envelope)
	if err != nil {
		return nil, fmt.Errorf("slacktest: encoding the event: %w", err)
	}
	var h http.Header
	if retry > 0 {
		h = http.Header{"X-Slack-Retry-Num": {strconv.Itoa(retry)}, "X-Slack-Retry-Reason": {reason}}
	}
	return s.Post(ctx, ev.target, "application/json", body, h)
}

// RetryLastEvent sends the last event again, as Slack retries an event the
// app did not acknowledge in time: same event_id, with X-Slack-Retry-Num
// (1, 2, 3 on successive calls) and X-Slack-Retry-Reason (e.g.
// "http_timeout"; retry_attempt and retry_reason over Socket Mode). An app
// should acknowledge it without handling the event twice.
func (s *Server) RetryLastEvent(ctx context.Context, reason string) (*Reply, error) {
	s.mu.Lock()
	ev := s.lastEvent
	if ev == nil {
		s.mu.Unlock()
		return nil, errors.New("slacktest: no event was sent yet")
	}
	ev.retries++
	n := ev.retries
	s.mu.Unlock()
	if reason == "" {
		reason = "http_timeout"
	}
	return s.deliverEvent(ctx, ev, n, reason)
}

// subscribes reports whether the subscribed bot events include typ (a
// message event matches message.channels, message.im, … by channel_type).
func subscribes(subscribed []string, typ string, ev map[string]any) bool {
	for _, e := range subscribed {
		if e == typ {
			return true
		}
		if typ == "message" && strings.HasPrefix(e, "message.") {
			ct, _ := ev["channel_type"].(string)
			if ct == "" || e == "message."+ct+"s" || e == "message."+ct {
				return true
			}
		}
	}
	return false
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SendAppMention sends an app_mention event with text from team's user.
func (s *Server) SendAppMention(ctx context.Context, team, text string) (*Reply, error) {
	s.mu.Lock()
	bot := s.apps[0].botUserID
	s.mu.Unlock()
	if !strings.Contains(text, "<@"+bot+">") {
		text = "<@" + bot + "> " + text
	}
	return s.SendEvent(ctx, team, map[string]any{"type": "app_mention", "text": text})
}

// SendMessage sends a message event (channel_type "channel"; channel ""
// is the workspace's general channel).
func (s *Server) SendMessage(ctx context.Context, team, channel, text string) (*Reply, error) {
	ev := map[string]any{"type": "message", "text": text, "channel_type": "channel"}
	if channel != "" {
		ev["channel"] = channel
	}
	return s.SendEvent(ctx, team, ev)
}

// SendAppHomeOpened sends app_home_opened for team's user.
func (s *Server) SendAppHomeOpened(ctx context.Context, team string) (*Reply, error) {
	return s.SendEvent(ctx, team, map[string]any{"type": "app_home_opened"})
}

// Uninstall revokes the app's tokens for team and sends app_uninstalled,
// as uninstalling the app from a workspace does.
func (s *Server) Uninstall(ctx context.Context, team string) (*Reply, error) {
	s.mu.Lock()
	a, err := s.actor(team)
	if err == nil {
		s.revoke(a.in, false)
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return s.SendEvent(ctx, team, map[string]any{"type": "app_uninstalled"})
}

// RevokeTokens revokes every token of the app for team and sends
// tokens_revoked listing the users whose tokens were revoked.
func (s *Server) RevokeTokens(ctx context.Context, team string) (*Reply, error) {
	s.mu.Lock()
	a, err := s.actor(team)
	oauth, bot := []string{}, []string{}
	if err == nil {
		for _, t := range s.tokens {
			if t.revoked || !t.sameInstall(a.in) {
				continue
			}
			if t.kind == kindUser {
				oauth = append(oauth, t.userID)
			} else if !slices.Contains(bot, s.apps[0].botUserID) {
				bot = append(bot, s.apps[0].botUserID)
			}
		}
		s.revoke(a.in, false)
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return s.SendEvent(ctx, team, map[string]any{"type": "tokens_revoked", "tokens": map[string]any{"oauth": oauth, "bot": bot}})
}

// VerifyURL sends the Events API url_verification challenge and checks
// that the app echoes it.
func (s *Server) VerifyURL(ctx context.Context) (*Reply, error) {
	s.mu.Lock()
	target := s.apps[0].cfg.eventsURL()
	socket := s.apps[0].cfg.SocketMode
	challenge := s.rnd.alnum(48)
	s.mu.Unlock()
	if socket {
		return nil, errNoSocketURLVerification
	}
	if target == "" {
		return nil, errors.New("slacktest: the app has no events request URL: set AppConfig.EventsURL or RequestURL")
	}
	body, _ := json.Marshal(map[string]any{"token": "verification-token-unused", "challenge": challenge, "type": "url_verification"})
	reply, err := s.Post(ctx, target, "application/json", body, nil)
	if err != nil {
		return nil, err
	}
	if reply.OK() && !bytes.Contains(reply.Body, []byte(challenge)) {
		return reply, fmt.Errorf("slacktest: the app answered url_verification without the challenge (got %q)", truncate(string(reply.Body), 200))
	}
	return reply, nil
}

// marshal encodes v as Slack does: without escaping <, > and & (mentions
// like <@U123> arrive verbatim).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
