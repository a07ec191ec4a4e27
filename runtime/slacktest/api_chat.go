package slacktest

import (
	"encoding/json"
	"fmt"
)

// nextTS returns a new message timestamp ("1700000000.000100"-style,
// increasing). Callers hold s.mu.
func (s *Server) nextTS() string {
	s.seq++
	return fmt.Sprintf("%d.%06d", s.opts.now().Unix(), s.seq)
}

// sender returns the user id messages posted with t appear from.
func (s *Server) sender(t *token) string {
	if t.kind == kindUser {
		return t.userID
	}
	return s.appByID(t.appID).botUserID
}

func hasContent(r *apiRequest) bool {
	return r.get("text") != "" || len(nullToNil(r.raw("blocks"))) > 0 || len(nullToNil(r.raw("attachments"))) > 0
}

// chatPostMessage posts a message to a channel.
func (s *Server) chatPostMessage(r *apiRequest, t *token) result {
	channel := r.get("channel")
	if channel == "" {
		return fail("channel_not_found")
	}
	if !hasContent(r) {
		return fail("no_text")
	}
	if blocks := nullToNil(r.raw("blocks")); blocks != nil && !json.Valid(blocks) {
		return fail("invalid_blocks")
	}
	ts := s.nextTS()
	m := Message{
		From: "app", Via: "chat.postMessage", Team: firstNonEmpty(t.teamID, t.enterpriseID),
		Channel: channel, User: s.sender(t), TS: ts, ThreadTS: r.get("thread_ts"),
		Text: r.get("text"), Blocks: nullToNil(r.raw("blocks")),
	}
	s.record(m)
	return ok(map[string]any{"channel": channel, "ts": ts, "message": s.messageJSON(m, t)})
}

// chatPostEphemeral posts a message only one user sees.
func (s *Server) chatPostEphemeral(r *apiRequest, t *token) result {
	channel, user := r.get("channel"), r.get("user")
	if channel == "" {
		return fail("channel_not_found")
	}
	if user == "" {
		return fail("user_not_in_channel")
	}
	if !hasContent(r) {
		return fail("no_text")
	}
	ts := s.nextTS()
	s.record(Message{
		From: "app", Via: "chat.postEphemeral", Team: firstNonEmpty(t.teamID, t.enterpriseID),
		Channel: channel, User: user, TS: ts, ThreadTS: r.get("thread_ts"),
		Text: r.get("text"), Blocks: nullToNil(r.raw("blocks")), ResponseType: "ephemeral",
	})
	return ok(map[string]any{"message_ts": ts})
}

// chatUpdate edits a message the app posted.
func (s *Server) chatUpdate(r *apiRequest, t *token) result {
	channel, ts := r.get("channel"), r.get("ts")
	if channel == "" {
		return fail("channel_not_found")
	}
	found := false
	for _, m := range s.messages {
		found = found || (m.Via == "chat.postMessage" && m.Channel == channel && m.TS == ts)
	}
	if !found {
		return fail("message_not_found")
	}
	if !hasContent(r) {
		return fail("no_text")
	}
	m := Message{
		From: "app", Via: "chat.update", Team: firstNonEmpty(t.teamID, t.enterpriseID),
		Channel: channel, User: s.sender(t), TS: ts, Text: r.get("text"), Blocks: nullToNil(r.raw("blocks")),
	}
	s.record(m)
	return ok(map[string]any{"channel": channel, "ts": ts, "text": m.Text, "message": s.messageJSON(m, t)})
}

func (s *Server) messageJSON(m Message, t *token) map[string]any {
	out := map[string]any{
		"type": "message", "text": m.Text, "user": m.User, "ts": m.TS,
		"app_id": t.appID, "team": m.Team,
	}
	if t.kind == kindBot {
		out["bot_id"] = s.appByID(t.appID).botID
	}
	if m.ThreadTS != "" {
		out["thread_ts"] = m.ThreadTS
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	return out
}
