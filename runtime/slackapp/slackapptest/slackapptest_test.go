package slackapptest_test

import (
	"net/url"
	"testing"

	"github.com/slackgen/slackgen/runtime/signature"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

func TestRequestsAreSigned(t *testing.T) {
	v, err := signature.New([]string{slackapptest.SigningSecret})
	if err != nil {
		t.Fatal(err)
	}
	cmd := slackapp.Command{Command: "/hi", Text: "a b&c", TeamID: "T1", IsEnterpriseInstall: true}
	for name, req := range map[string]func() ([]byte, error){
		"command": func() ([]byte, error) {
			return v.ReadAndVerify(slackapptest.CommandRequest(slackapptest.SigningSecret, cmd))
		},
		"event": func() ([]byte, error) {
			return v.ReadAndVerify(slackapptest.EventRequest(slackapptest.SigningSecret, slackapptest.EventBody("T1", "E1", map[string]any{"type": "x"})))
		},
		"interaction": func() ([]byte, error) {
			return v.ReadAndVerify(slackapptest.InteractionRequest(slackapptest.SigningSecret, map[string]any{"type": "shortcut"}))
		},
	} {
		body, err := req()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if name == "command" {
			f, _ := url.ParseQuery(string(body))
			if f.Get("text") != "a b&c" || f.Get("is_enterprise_install") != "true" || f.Get("command") != "/hi" {
				t.Fatalf("form %v", f)
			}
		}
	}
}

func TestNewContextRecords(t *testing.T) {
	c, rec := slackapptest.NewContext(t)
	rec.Reply("chat.postMessage", map[string]any{"ts": "123.456", "channel": "C1"})
	ch, ts, err := c.Client().PostMessageContext(c, "C1")
	if err != nil || ts != "123.456" || ch != "C1" {
		t.Fatalf("postMessage: %q %q %v", ch, ts, err)
	}
	if err := c.Respond(&slackapp.Response{Text: "hi", ReplaceOriginal: true}); err != nil {
		t.Fatal(err)
	}
	calls := rec.Calls()
	if len(calls) != 1 || calls[0].Method != "chat.postMessage" || calls[0].Args.Get("channel") != "C1" {
		t.Fatalf("calls %+v", calls)
	}
	if rs := rec.Responses(); len(rs) != 1 || rs[0].Text != "hi" || !rs[0].ReplaceOriginal {
		t.Fatalf("responses %+v", rs)
	}
	if c.Installation().TeamID != "T0TEST" || c.TeamID != "T0TEST" || c.UserID != "U0TEST" {
		t.Fatalf("installation %+v", c.Installation())
	}
	resp, err := c.Client().AuthTestContext(c)
	if err != nil || resp == nil {
		t.Fatalf("auth.test: %v", err)
	}
}
