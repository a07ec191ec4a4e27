package slacktest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// SendInteraction sends an interactivity payload (block_actions,
// view_submission, shortcut, message_action, block_suggestion, …) to the
// app's interactivity URL (its options URL for block_suggestion) as Slack
// does: a form with a JSON "payload" field. "type" is required; team, user,
// enterprise, api_app_id, token, is_enterprise_install and (except for
// view_submission and block_suggestion) trigger_id are filled in when
// missing, and a response_url for block_actions and message_action.
func (s *Server) SendInteraction(ctx context.Context, team string, payload map[string]any) (*Reply, error) {
	typ, _ := payload["type"].(string)
	if typ == "" {
		return nil, errors.New(`slacktest: the interaction payload needs a "type"`)
	}
	s.mu.Lock()
	a, err := s.actor(team)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	cfg := s.apps[0].cfg
	target := cfg.interactivityURL()
	if typ == "block_suggestion" {
		target = cfg.optionsURL()
	}
	if target == "" && !cfg.SocketMode {
		s.mu.Unlock()
		return nil, errors.New("slacktest: the app has no interactivity request URL: set AppConfig.InteractivityURL or RequestURL")
	}
	p := map[string]any{}
	for k, v := range payload {
		p[k] = v
	}
	defaults := map[string]any{
		"team":                  a.teamObject(),
		"user":                  a.userObject(),
		"enterprise":            a.enterpriseObject(),
		"api_app_id":            cfg.AppID,
		"token":                 "verification-token-unused",
		"is_enterprise_install": a.in.isEnterpriseInstall,
	}
	if typ != "view_submission" && typ != "view_closed" && typ != "block_suggestion" {
		defaults["trigger_id"] = s.newTrigger(a.ws.ID, a.ws.UserID)
	}
	if typ == "block_actions" || typ == "message_action" {
		defaults["channel"] = map[string]any{"id": a.channel, "name": "general"}
		defaults["response_url"] = s.newResponseURL(a.ws.ID, a.channel, a.ws.UserID)
	}
	for k, v := range defaults {
		if _, set := p[k]; !set {
			p[k] = v
		}
	}
	s.record(Message{From: "user", Via: interactionVia(typ), Team: a.ws.ID, User: a.ws.UserID, Text: describe(p)})
	s.mu.Unlock()
	if cfg.SocketMode {
		return s.deliverSocket(ctx, "interactive", p, typ == "view_submission" || typ == "block_suggestion")
	}
	body, err := marshal(p)
	if err != nil {
		return nil, fmt.Errorf("slacktest: encoding the payload: %w", err)
	}
	form := url.Values{"payload": {string(body)}}
	return s.Post(ctx, target, "application/x-www-form-urlencoded", []byte(form.Encode()), nil)
}

func interactionVia(typ string) string {
	switch typ {
	case "block_actions":
		return "action"
	case "shortcut", "message_action":
		return "shortcut"
	}
	return typ
}

// describe summarizes an interaction for the conversation page.
func describe(p map[string]any) string {
	typ, _ := p["type"].(string)
	switch typ {
	case "block_actions":
		if acts, ok := p["actions"].([]any); ok && len(acts) > 0 {
			act, _ := acts[0].(map[string]any)
			return fmt.Sprintf("clicked %v (value %v)", act["action_id"], act["value"])
		}
		if acts, ok := p["actions"].([]map[string]any); ok && len(acts) > 0 {
			return fmt.Sprintf("clicked %v (value %v)", acts[0]["action_id"], acts[0]["value"])
		}
	case "view_submission", "view_closed":
		if v, ok := p["view"].(map[string]any); ok {
			verb := "submitted"
			if typ == "view_closed" {
				verb = "closed"
			}
			return fmt.Sprintf("%s view %v", verb, v["callback_id"])
		}
	case "block_suggestion":
		return fmt.Sprintf("typed %q in options %v", p["value"], p["action_id"])
	case "shortcut", "message_action":
		return fmt.Sprintf("used shortcut %v", p["callback_id"])
	}
	return typ
}

// SendBlockAction sends a block_actions payload for a button click with
// actionID and value, on a message in team's general channel.
func (s *Server) SendBlockAction(ctx context.Context, team, actionID, value string) (*Reply, error) {
	s.mu.Lock()
	ts := s.nextTS()
	s.mu.Unlock()
	return s.SendInteraction(ctx, team, map[string]any{
		"type":      "block_actions",
		"container": map[string]any{"type": "message", "message_ts": ts, "is_ephemeral": false},
		"message":   map[string]any{"type": "message", "ts": ts, "text": ""},
		"state":     map[string]any{"values": map[string]any{}},
		"actions": []map[string]any{{
			"type":      "button",
			"action_id": actionID,
			"block_id":  "block-" + actionID,
			"value":     value,
			"text":      map[string]any{"type": "plain_text", "text": actionID},
			"action_ts": ts,
		}},
	})
}

// SendViewSubmission submits a modal with callbackID. values is the
// view's state (block id → action id → value object, as Slack sends it,
// e.g. {"b": {"a": {"type": "plain_text_input", "value": "x"}}}). When the
// app opened a view with that callback id, its id and private_metadata are
// used.
func (s *Server) SendViewSubmission(ctx context.Context, team, callbackID string, values map[string]map[string]any) (*Reply, error) {
	if values == nil {
		values = map[string]map[string]any{}
	}
	view := s.viewFor(callbackID)
	view["state"] = map[string]any{"values": values}
	return s.SendInteraction(ctx, team, map[string]any{"type": "view_submission", "view": view, "response_urls": []any{}})
}

// SendViewClosed tells the app that the user closed (cancelled) the modal
// with callbackID; Slack sends it only for views opened with
// notify_on_close. As for SendViewSubmission, a view the app opened with
// that callback id gives its id and private_metadata.
func (s *Server) SendViewClosed(ctx context.Context, team, callbackID string) (*Reply, error) {
	view := s.viewFor(callbackID)
	view["state"] = map[string]any{"values": map[string]any{}}
	return s.SendInteraction(ctx, team, map[string]any{"type": "view_closed", "view": view, "is_cleared": false})
}

// viewFor returns the view object of a payload about the modal with
// callbackID: the last one the app opened with it, else a new one.
func (s *Server) viewFor(callbackID string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	view := map[string]any{
		"id": "V" + strings.ToUpper(s.rnd.alnum(10)), "type": "modal", "callback_id": callbackID,
		"private_metadata": "", "hash": strconv.FormatInt(s.opts.now().Unix(), 10),
	}
	for _, v := range s.views {
		if v.body["callback_id"] == callbackID {
			view["id"], view["hash"] = v.id, v.hash
			if pm, ok := v.body["private_metadata"]; ok {
				view["private_metadata"] = pm
			}
			if title, ok := v.body["title"]; ok {
				view["title"] = title
			}
			if blocks, ok := v.body["blocks"]; ok {
				view["blocks"] = blocks
			}
		}
	}
	return view
}

// SendShortcut sends a global shortcut with callbackID.
func (s *Server) SendShortcut(ctx context.Context, team, callbackID string) (*Reply, error) {
	s.mu.Lock()
	ts := s.nextTS()
	s.mu.Unlock()
	return s.SendInteraction(ctx, team, map[string]any{"type": "shortcut", "callback_id": callbackID, "action_ts": ts})
}

// SendMessageShortcut sends a message shortcut with callbackID on a message
// with text in team's general channel.
func (s *Server) SendMessageShortcut(ctx context.Context, team, callbackID, text string) (*Reply, error) {
	s.mu.Lock()
	ts := s.nextTS()
	s.mu.Unlock()
	return s.SendInteraction(ctx, team, map[string]any{
		"type": "message_action", "callback_id": callbackID, "action_ts": ts, "message_ts": ts,
		"message": map[string]any{"type": "message", "text": text, "ts": ts},
	})
}

// SendBlockSuggestion asks the app's options URL for the options of an
// external select (actionID) while the user typed value.
func (s *Server) SendBlockSuggestion(ctx context.Context, team, actionID, value string) (*Reply, error) {
	return s.SendInteraction(ctx, team, map[string]any{
		"type": "block_suggestion", "action_id": actionID, "block_id": "block-" + actionID, "value": value,
		"container": map[string]any{"type": "view"},
	})
}
