package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/signature"
	"github.com/slackgen/slackgen/runtime/slacktest"
)

// TestTrafficAfterInstall installs examples/multi-workspace in a workspace,
// then the emulator sends it a slash command, an app_mention and a block
// action, signed as Slack signs them: every handler's reply reaches the
// emulator, through the HTTP answer, chat.postMessage with the workspace's
// bot token, or the response_url. Forged and stale requests get 401.
func TestTrafficAfterInstall(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := newSQLiteRig(t)
	install(t, ctx, r.app.URL, "", "T0002")

	t.Run("slash command", func(t *testing.T) {
		reply, err := r.emu.SendCommand(ctx, "T0002", "/ticket", "printer on fire")
		if err != nil {
			t.Fatal(err)
		}
		if reply.Status != http.StatusOK || !strings.Contains(string(reply.Body), "You said: printer on fire") {
			t.Fatalf("/ticket answered %d %q, want 200 with the handler's reply", reply.Status, reply.Body)
		}
	})

	t.Run("app_mention", func(t *testing.T) {
		reply, err := r.emu.SendAppMention(ctx, "T0002", "<@bot> help")
		if err != nil {
			t.Fatal(err)
		}
		if !reply.OK() {
			t.Fatalf("app_mention answered %d %q", reply.Status, reply.Body)
		}
		msg, err := r.emu.WaitForMessage(ctx, func(m slacktest.Message) bool {
			return m.From == "app" && m.Via == "chat.postMessage" && strings.Contains(m.Text, "you mentioned me")
		})
		if err != nil {
			t.Fatalf("no reply to the mention: %v; messages: %+v", err, r.emu.Messages())
		}
		if msg.Team != "T0002" || msg.ThreadTS == "" {
			t.Errorf("reply %+v: want team T0002, in the mention's thread", msg)
		}
		calls := r.emu.CallsTo("chat.postMessage")
		if len(calls) != 1 || !calls[0].OK || calls[0].Team != "T0002" || calls[0].TokenType != "bot" {
			t.Errorf("chat.postMessage calls = %+v, want one successful call with T0002's bot token", calls)
		}

		// Slack retries an event it thinks was lost (X-Slack-Retry-Num):
		// the app acks the retry but runs the handler once.
		event := fmt.Sprintf(`{"type":"event_callback","team_id":"T0002","api_app_id":%q,"event_id":"Ev0RETRIED","event_time":%d,`+
			`"event":{"type":"app_mention","user":"U0002","text":"<@bot> again","ts":"1700000000.000100","channel":%q}}`,
			r.emu.App().AppID, time.Now().Unix(), msg.Channel)
		for i, retry := range []string{"", "1", "2"} {
			h := http.Header{}
			if retry != "" {
				h.Set("X-Slack-Retry-Num", retry)
				h.Set("X-Slack-Retry-Reason", "http_timeout")
			}
			reply, err := r.emu.Post(ctx, r.app.URL+"/slack/events", "application/json", []byte(event), h)
			if err != nil {
				t.Fatal(err)
			}
			if !reply.OK() {
				t.Fatalf("delivery %d of the event answered %d %q", i, reply.Status, reply.Body)
			}
		}
		eventually(t, 10*time.Second, "the retried event is handled", func() error {
			if n := len(r.emu.CallsTo("chat.postMessage")); n < 2 {
				return fmt.Errorf("%d chat.postMessage calls", n)
			}
			return nil
		})
		time.Sleep(300 * time.Millisecond) // room for a wrong second run to show
		if n := len(r.emu.CallsTo("chat.postMessage")); n != 2 {
			t.Errorf("%d chat.postMessage calls after one event delivered three times, want 2 (the first mention and this one)", n)
		}
	})

	t.Run("block action", func(t *testing.T) {
		reply, err := r.emu.SendBlockAction(ctx, "T0002", "approve_ticket", "42")
		if err != nil {
			t.Fatal(err)
		}
		if !reply.OK() {
			t.Fatalf("block action answered %d %q", reply.Status, reply.Body)
		}
		msg, err := r.emu.WaitForMessage(ctx, func(m slacktest.Message) bool {
			return m.From == "app" && m.Via == "response_url" && strings.HasPrefix(m.Text, "Got it")
		})
		if err != nil {
			t.Fatalf("no reply through the response_url: %v; messages: %+v", err, r.emu.Messages())
		}
		if msg.Team != "T0002" || msg.ResponseType != "ephemeral" {
			t.Errorf("reply %+v: want an ephemeral message in T0002", msg)
		}
	})

	t.Run("forged and stale requests", func(t *testing.T) {
		secret, appID := r.emu.App().SigningSecret, r.emu.App().AppID
		bodies := []struct {
			kind, contentType, body string
		}{
			{"command", "application/x-www-form-urlencoded", url.Values{
				"team_id": {"T0002"}, "user_id": {"U0002"}, "command": {"/ticket"}, "text": {"forged"},
				"api_app_id": {appID}, "channel_id": {"C0002"},
			}.Encode()},
			{"event", "application/json", `{"type":"event_callback","team_id":"T0002","api_app_id":"` + appID +
				`","event_id":"Ev0FORGED","event_time":1,"event":{"type":"app_mention","user":"U0002","text":"hi","ts":"1.000001","channel":"C0002"}}`},
			{"interaction", "application/x-www-form-urlencoded", url.Values{"payload": {`{"type":"block_actions","team":{"id":"T0002"},"user":{"id":"U0002"},"api_app_id":"` +
				appID + `","actions":[{"action_id":"approve_ticket","value":"1","type":"button"}]}`}}.Encode()},
		}
		now, old, ahead := time.Now(), time.Now().Add(-10*time.Minute), time.Now().Add(10*time.Minute)
		for _, b := range bodies {
			body := []byte(b.body)
			cases := []struct {
				name      string
				timestamp string
				sig       string
				want      int
			}{
				{"signed now (control)", ts(now), signature.Sign(secret, ts(now), body), http.StatusOK},
				{"another secret", ts(now), signature.Sign(secret+"x", ts(now), body), http.StatusUnauthorized},
				{"garbage signature", ts(now), "v0=" + strings.Repeat("ab", 32), http.StatusUnauthorized},
				{"no signature", ts(now), "", http.StatusUnauthorized},
				{"body changed after signing", ts(now), signature.Sign(secret, ts(now), append(body, ' ')), http.StatusUnauthorized},
				{"ten minutes old", ts(old), signature.Sign(secret, ts(old), body), http.StatusUnauthorized},
				{"ten minutes ahead", ts(ahead), signature.Sign(secret, ts(ahead), body), http.StatusUnauthorized},
			}
			for _, c := range cases {
				t.Run(b.kind+"/"+c.name, func(t *testing.T) {
					req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.app.URL+"/slack/events", strings.NewReader(b.body))
					if err != nil {
						t.Fatal(err)
					}
					req.Header.Set("Content-Type", b.contentType)
					req.Header.Set(signature.HeaderTimestamp, c.timestamp)
					if c.sig != "" {
						req.Header.Set(signature.HeaderSignature, c.sig)
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != c.want {
						t.Errorf("status %d, want %d", resp.StatusCode, c.want)
					}
				})
			}
		}
	})
}

func ts(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// TestUninstall: app_uninstalled and tokens_revoked, in both orders, delete
// the workspace's installation from the app's store, and a later command
// gets the "please reinstall" reply.
func TestUninstall(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := newSQLiteRig(t)
	store := r.store(t)

	orders := []struct {
		name  string
		team  string
		steps []func(context.Context, string) (*slacktest.Reply, error)
	}{
		{"app_uninstalled then tokens_revoked", "T0001", []func(context.Context, string) (*slacktest.Reply, error){r.emu.Uninstall, r.emu.RevokeTokens}},
		{"tokens_revoked then app_uninstalled", "T0002", []func(context.Context, string) (*slacktest.Reply, error){r.emu.RevokeTokens, r.emu.Uninstall}},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			install(t, ctx, r.app.URL, "", o.team)
			q := installstore.Query{TeamID: o.team}
			if _, err := store.FindBot(ctx, q); err != nil {
				t.Fatalf("after the install, FindBot(%s): %v", o.team, err)
			}
			reply, err := r.emu.SendCommand(ctx, o.team, "/ticket", "before")
			if err != nil || !strings.Contains(string(reply.Body), "You said: before") {
				t.Fatalf("command before uninstalling: %v %+v", err, reply)
			}
			for _, step := range o.steps {
				reply, err := step(ctx, o.team)
				if err != nil {
					t.Fatal(err)
				}
				if !reply.OK() {
					t.Fatalf("the app answered the event with %d %q", reply.Status, reply.Body)
				}
			}
			eventually(t, 10*time.Second, "the installation is deleted", func() error {
				for _, find := range []func(context.Context, installstore.Query) (*installstore.Installation, error){store.FindBot, store.FindInstallation} {
					if _, err := find(ctx, q); !errors.Is(err, installstore.ErrNotFound) {
						return fmt.Errorf("lookup of %s: err = %v, want ErrNotFound", o.team, err)
					}
				}
				return nil
			})
			reply, err = r.emu.SendCommand(ctx, o.team, "/ticket", "after")
			if err != nil {
				t.Fatal(err)
			}
			if reply.Status != http.StatusOK || !strings.Contains(string(reply.Body), "please reinstall") {
				t.Errorf("command after uninstalling answered %d %q, want the please-reinstall reply", reply.Status, reply.Body)
			}
		})
	}
}

// TestInstallPageNamesTheApp: the app's install page and success page name
// the app as its manifest does (display_information.name), as Slack's own
// pages do.
func TestInstallPageNamesTheApp(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := newSQLiteRig(t)
	in := NewInstaller()
	resp, body, err := in.get(ctx, r.app.URL+"/slack/install")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<title>Install Ticket Desk") {
		t.Errorf("install page (%d) does not name the app Ticket Desk:\n%.400s", resp.StatusCode, body)
	}
	res, err := in.Install(ctx, r.app.URL, "", "T0001")
	if err != nil {
		t.Fatal(err)
	}
	if !res.Succeeded() || !strings.Contains(res.Body, "Ticket Desk is installed") {
		t.Errorf("success page (%d) does not name the app Ticket Desk:\n%.400s", res.Status, res.Body)
	}
}

// TestOrgWideInstall installs the app org-wide in the Enterprise Grid
// organization E0001: the installation is stored for the organization and
// a command from its workspace T0003 is authorized with it.
func TestOrgWideInstall(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r := newSQLiteRig(t)
	res := install(t, ctx, r.app.URL, "", "E0001")
	if !strings.Contains(res.Body, "organization") {
		t.Errorf("the success page of an org-wide install does not mention the organization:\n%.500s", res.Body)
	}
	inst, err := r.store(t).FindBot(ctx, installstore.Query{EnterpriseID: "E0001", IsEnterpriseInstall: true})
	if err != nil {
		t.Fatalf("the org-wide installation is not stored: %v", err)
	}
	if !inst.IsEnterpriseInstall || inst.TeamID != "" {
		t.Errorf("stored installation: enterprise install %v, team %q; want an org-wide install without a team", inst.IsEnterpriseInstall, inst.TeamID)
	}
	for _, team := range []string{"E0001", "T0003"} {
		reply, err := r.emu.SendCommand(ctx, team, "/ticket", "org")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(reply.Body), "You said: org") {
			t.Errorf("command from %s answered %d %q, want the handler's reply", team, reply.Status, reply.Body)
		}
	}
	reply, err := r.emu.SendCommand(ctx, "T0001", "/ticket", "outside")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(reply.Body), "please reinstall") {
		t.Errorf("command from T0001 (outside the organization) answered %q, want the please-reinstall reply", reply.Body)
	}
}
