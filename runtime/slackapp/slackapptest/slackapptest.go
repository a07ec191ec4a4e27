// Package slackapptest helps test the handlers of a slackapp.App: it builds
// signed Slack requests (slash commands, Events API deliveries,
// interactions) for the app's HTTP handler, and fake handler Contexts whose
// Web API client and response_url go to a local recorder.
//
// A handler test without HTTP:
//
//	c, rec := slackapptest.NewContext(t)
//	resp, err := handlers.Hello(c, &slackapp.Command{Command: "/hello", Text: "world"})
//	// inspect resp, rec.Calls() (Web API calls), rec.Responses() (response_url posts)
//
// An end-to-end test through the app:
//
//	req := slackapptest.CommandRequest(secret, slackapp.Command{Command: "/hello", TeamID: "T1"})
//	rr := httptest.NewRecorder()
//	app.Handler().ServeHTTP(rr, req)
package slackapptest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"time"

	"github.com/slackgen/slackgen/runtime/signature"
	"github.com/slackgen/slackgen/runtime/slackapp"
)

// SigningSecret is a signing secret for tests.
const SigningSecret = "slackapptest-signing-secret-0123456789"

// SignedRequest returns a POST of body to path, signed with secret at the
// current time, with the given Content-Type.
func SignedRequest(secret, path, contentType string, body []byte) *http.Request {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderSignature, signature.Sign(secret, ts, body))
	return req
}

// CommandForm encodes cmd as Slack sends it (application/x-www-form-urlencoded).
func CommandForm(cmd slackapp.Command) []byte {
	f := url.Values{}
	set := func(k, v string) {
		if v != "" {
			f.Set(k, v)
		}
	}
	set("token", cmd.Token)
	set("team_id", cmd.TeamID)
	set("team_domain", cmd.TeamDomain)
	set("enterprise_id", cmd.EnterpriseID)
	set("enterprise_name", cmd.EnterpriseName)
	if cmd.IsEnterpriseInstall {
		f.Set("is_enterprise_install", "true")
	} else {
		f.Set("is_enterprise_install", "false")
	}
	set("channel_id", cmd.ChannelID)
	set("channel_name", cmd.ChannelName)
	set("user_id", cmd.UserID)
	set("user_name", cmd.UserName)
	f.Set("command", cmd.Command)
	f.Set("text", cmd.Text)
	set("response_url", cmd.ResponseURL)
	set("trigger_id", cmd.TriggerID)
	set("api_app_id", cmd.APIAppID)
	return []byte(f.Encode())
}

// CommandRequest returns a signed slash command request to /slack/events.
func CommandRequest(secret string, cmd slackapp.Command) *http.Request {
	return SignedRequest(secret, slackapp.DefaultPath, "application/x-www-form-urlencoded", CommandForm(cmd))
}

// EventEnvelope is an Events API event_callback, for building deliveries.
type EventEnvelope struct {
	Token          string          `json:"token,omitempty"`
	TeamID         string          `json:"team_id,omitempty"`
	EnterpriseID   string          `json:"enterprise_id,omitempty"`
	APIAppID       string          `json:"api_app_id,omitempty"`
	Type           string          `json:"type"`
	EventID        string          `json:"event_id,omitempty"`
	EventTime      int64           `json:"event_time,omitempty"`
	Authorizations []Authorization `json:"authorizations,omitempty"`
	Event          any             `json:"event,omitempty"`
	Challenge      string          `json:"challenge,omitempty"`
}

// Authorization is an entry of an envelope's authorizations.
type Authorization struct {
	EnterpriseID        string `json:"enterprise_id,omitempty"`
	TeamID              string `json:"team_id,omitempty"`
	UserID              string `json:"user_id,omitempty"`
	IsBot               bool   `json:"is_bot"`
	IsEnterpriseInstall bool   `json:"is_enterprise_install"`
}

// EventBody returns an event_callback body for event (a map or a slack-go
// event struct) from teamID with eventID.
func EventBody(teamID, eventID string, event any) []byte {
	return mustJSON(EventEnvelope{
		Type: "event_callback", TeamID: teamID, APIAppID: "A0TEST", EventID: eventID,
		EventTime: time.Now().Unix(), Event: event,
		Authorizations: []Authorization{{TeamID: teamID, UserID: "U0BOT", IsBot: true}},
	})
}

// EventRequest returns a signed Events API request to /slack/events.
func EventRequest(secret string, body []byte) *http.Request {
	return SignedRequest(secret, slackapp.DefaultPath, "application/json", body)
}

// InteractionRequest returns a signed interaction request (payload is a
// map or a slack.InteractionCallback) to /slack/events.
func InteractionRequest(secret string, payload any) *http.Request {
	body := url.Values{"payload": {string(mustJSON(payload))}}.Encode()
	return SignedRequest(secret, slackapp.DefaultPath, "application/x-www-form-urlencoded", []byte(body))
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("slackapptest: encoding: " + err.Error())
	}
	return b
}
