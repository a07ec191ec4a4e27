package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// SendRequest is the body of POST /_emulator/send/{kind}, the control
// endpoint `slackgen emulate send` uses. Which fields matter depends on
// the kind:
//
//	command           Command, Text
//	event             Type, Text, Channel, Event (extra event fields)
//	url_verification  —
//	action            ActionID, Value
//	view_submission   CallbackID, Values
//	view_closed       CallbackID
//	options           ActionID, Value (what the user typed; to the options URL)
//	shortcut          CallbackID
//	message_shortcut  CallbackID, Text
//	uninstall         — (revokes, then sends app_uninstalled)
//	tokens_revoked    — (revokes, then sends tokens_revoked)
//	retry_event       Text (the retry reason; resends the last event)
//
// Team is the team (or enterprise) id; empty means the first workspace.
type SendRequest struct {
	Team       string                    `json:"team,omitempty"`
	Command    string                    `json:"command,omitempty"`
	Text       string                    `json:"text,omitempty"`
	Type       string                    `json:"type,omitempty"`
	Channel    string                    `json:"channel,omitempty"`
	Event      map[string]any            `json:"event,omitempty"`
	ActionID   string                    `json:"action_id,omitempty"`
	Value      string                    `json:"value,omitempty"`
	CallbackID string                    `json:"callback_id,omitempty"`
	Values     map[string]map[string]any `json:"values,omitempty"`
}

// SendResult is the answer of the control endpoint: the app's reply, or
// why nothing could be sent (Error).
type SendResult struct {
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Body        string `json:"body"`
	Error       string `json:"error,omitempty"`
}

// Send sends traffic of kind described by req (see SendRequest).
func (s *Server) Send(ctx context.Context, kind string, req SendRequest) (*Reply, error) {
	switch kind {
	case "command":
		return s.SendCommand(ctx, req.Team, req.Command, req.Text)
	case "event":
		ev := map[string]any{}
		for k, v := range req.Event {
			ev[k] = v
		}
		if req.Type != "" {
			ev["type"] = req.Type
		}
		if req.Text != "" {
			ev["text"] = req.Text
		}
		if req.Channel != "" {
			ev["channel"] = req.Channel
		}
		if ev["type"] == "app_mention" {
			text, _ := ev["text"].(string)
			return s.SendAppMention(ctx, req.Team, text)
		}
		if ev["type"] == "message" {
			if _, set := ev["channel_type"]; !set {
				ev["channel_type"] = "channel"
			}
		}
		return s.SendEvent(ctx, req.Team, ev)
	case "url_verification":
		return s.VerifyURL(ctx)
	case "action":
		return s.SendBlockAction(ctx, req.Team, req.ActionID, req.Value)
	case "view_submission":
		return s.SendViewSubmission(ctx, req.Team, req.CallbackID, req.Values)
	case "view_closed":
		return s.SendViewClosed(ctx, req.Team, req.CallbackID)
	case "options":
		return s.SendBlockSuggestion(ctx, req.Team, req.ActionID, req.Value)
	case "shortcut":
		return s.SendShortcut(ctx, req.Team, req.CallbackID)
	case "message_shortcut":
		return s.SendMessageShortcut(ctx, req.Team, req.CallbackID, req.Text)
	case "uninstall":
		return s.Uninstall(ctx, req.Team)
	case "tokens_revoked":
		return s.RevokeTokens(ctx, req.Team)
	case "retry_event":
		return s.RetryLastEvent(ctx, req.Text)
	}
	return nil, fmt.Errorf("slacktest: unknown traffic kind %q (command, event, url_verification, action, view_submission, view_closed, options, shortcut, message_shortcut, uninstall, tokens_revoked, retry_event)", kind)
}

// handleSend serves POST /_emulator/send/{kind}: it signs and forwards
// traffic to the app and answers with a SendResult (502 when the app could
// not be reached, 400 for a bad request). The body must be sent as
// application/json: a web page can post a text/plain body to the emulator
// across origins without a CORS preflight, and must not get signed traffic
// (an uninstall, say) sent to the app that way (415).
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, SendResult{Error: "send the SendRequest as Content-Type: application/json"})
		return
	}
	var req SendRequest
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && len(body) > 0 {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, SendResult{Error: "the request is not a JSON SendRequest: " + err.Error()})
		return
	}
	reply, err := s.Send(r.Context(), r.PathValue("kind"), req)
	if reply == nil {
		status := http.StatusBadRequest
		if err != nil && errors.Is(err, ErrAppUnreachable) {
			status = http.StatusBadGateway
		}
		writeJSON(w, status, SendResult{Error: err.Error()})
		return
	}
	res := SendResult{Status: reply.Status, ContentType: reply.Header.Get("Content-Type"), Body: string(reply.Body)}
	if err != nil {
		res.Error = err.Error()
	}
	writeJSON(w, http.StatusOK, res)
}
