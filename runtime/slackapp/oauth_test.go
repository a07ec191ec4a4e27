package slackapp_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/oauth"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

// TestOAuthInstallThenCommand installs the app through the mounted OAuth
// routes (against the recorder's fake oauth.v2.access) and then serves a
// command from the new workspace.
func TestOAuthInstallThenCommand(t *testing.T) {
	var installed *installstore.Installation
	f := newFixture(t, func(c *slackapp.Config) { c.RedirectURL = "http://localhost:3000/custom/redirect" },
		slackapp.WithOAuthConfig(func(oc *oauth.Config) {
			oc.DirectInstall = true
			oc.AfterInstall = func(_ *http.Request, inst *installstore.Installation) error { installed = inst; return nil }
		}))
	f.rec.Reply("oauth.v2.access", map[string]any{
		"access_token": "xoxb-new-team", "token_type": "bot", "scope": "commands,chat:write",
		"bot_user_id": "U0NEWBOT", "app_id": "A0TEST", "team": map[string]any{"id": "T9", "name": "Nine"},
		"authed_user": map[string]any{"id": "U9"},
	})
	f.rec.Reply("auth.test", map[string]any{"bot_id": "B9", "user_id": "U0NEWBOT", "team_id": "T9"})
	f.app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		return slackapp.Text("hello from " + c.Installation().TeamName), nil
	})

	rr := f.serve(httptest.NewRequest("GET", "http://localhost:3000/slack/install", nil))
	if rr.Code != http.StatusFound {
		t.Fatalf("install: status %d", rr.Code)
	}
	loc, err := url.Parse(rr.Header().Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), f.rec.Server.URL+"/oauth/v2/authorize") {
		t.Fatalf("install redirects to %q", rr.Header().Get("Location"))
	}
	state := loc.Query().Get("state")
	if loc.Query().Get("redirect_uri") != "http://localhost:3000/custom/redirect" || state == "" {
		t.Fatalf("authorize URL %s", loc)
	}
	req := httptest.NewRequest("GET", "http://localhost:3000/custom/redirect?code=c0de&state="+url.QueryEscape(state), nil)
	for _, c := range rr.Result().Cookies() {
		req.AddCookie(c)
	}
	if rr := f.serve(req); rr.Code != 200 {
		t.Fatalf("callback: status %d: %s", rr.Code, rr.Body.String())
	}
	if installed == nil || installed.TeamID != "T9" || installed.BotToken != "xoxb-new-team" {
		t.Fatalf("installed %+v", installed)
	}
	c := cmd("/hello")
	c.TeamID = "T9"
	if r := decodeResponse(t, f.serve(slackapptest.CommandRequest(secret, c))); r.Text != "hello from Nine" {
		t.Fatalf("reply %+v", r)
	}
	if f.app.OAuth() == nil {
		t.Fatal("OAuth() is nil in OAuth mode")
	}
}

// countingSource is a TokenSource that counts lookups.
type countingSource struct {
	store installstore.Store
	n     int
}

func (s *countingSource) Tokens(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	s.n++
	return s.store.FindInstallation(ctx, q)
}

func TestAuthorizationCache(t *testing.T) {
	for _, tt := range []struct {
		name string
		ttl  int // <0 disables
		want int
	}{{"cached", 0, 1}, {"disabled", -1, 3}} {
		t.Run(tt.name, func(t *testing.T) {
			src := &countingSource{}
			f := newFixture(t, func(c *slackapp.Config) {
				if tt.ttl < 0 {
					c.AuthCacheTTL = -1
				}
			}, slackapp.WithTokenSource(src))
			src.store = f.store
			f.app.Command("/hello", func(*slackapp.Context, *slackapp.Command) (*slackapp.Response, error) { return nil, nil })
			c := cmd("/hello")
			c.UserID = "" // a workspace-level lookup, no user fallback
			for range 3 {
				if rr := f.serve(slackapptest.CommandRequest(secret, c)); rr.Code != 200 {
					t.Fatalf("status %d", rr.Code)
				}
			}
			if src.n != tt.want {
				t.Fatalf("%d lookups, want %d", src.n, tt.want)
			}
		})
	}
}

func TestUserClient(t *testing.T) {
	f := newFixture(t, nil)
	if err := f.store.Save(context.Background(), &installstore.Installation{TeamID: "T1", UserID: "U1", UserToken: "xoxp-u1", BotToken: "xoxb-t1"}); err != nil {
		t.Fatal(err)
	}
	var got [2]bool
	f.app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		got[0] = c.UserClient() != nil
		return nil, nil
	})
	f.serve(slackapptest.CommandRequest(secret, cmd("/hello")))
	f.app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		got[1] = c.UserClient() != nil
		return nil, nil
	})
	other := cmd("/hello")
	other.UserID = "U2"
	f.serve(slackapptest.CommandRequest(secret, other))
	if got != [2]bool{true, false} {
		t.Fatalf("user client for U1, U2: %v; want only U1's", got)
	}
}

func TestRespondWithoutResponseURL(t *testing.T) {
	c := slackapp.NewContext(context.Background(), nil, nil, nil)
	if err := c.Respond(slackapp.Text("x")); !errors.Is(err, slackapp.ErrNoResponseURL) {
		t.Fatalf("Respond: %v", err)
	}
	if err := c.Ack(slackapp.Text("x")); !errors.Is(err, slackapp.ErrNoResponseURL) {
		t.Fatalf("Ack outside a command: %v", err)
	}
}

func TestRespondErrorHidesURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	}))
	defer srv.Close()
	c := slackapp.NewContext(context.Background(), nil, nil, nil)
	c.ResponseURL = srv.URL + "/commands/T1/123/SECRETPATH"
	err := c.Respond(slackapp.Text("x"))
	if err == nil || strings.Contains(err.Error(), "SECRETPATH") || !strings.Contains(err.Error(), "404") {
		t.Fatalf("error %v", err)
	}
	c.ResponseURL = "http://127.0.0.1:1/commands/SECRETPATH"
	if err := c.Respond(slackapp.Text("x")); err == nil || strings.Contains(err.Error(), "SECRETPATH") {
		t.Fatalf("error %v", err)
	}
	// A URL that does not even parse.
	c.ResponseURL = "https://hooks.slack.com/commands/SECRETPATH\x7f"
	if err := c.Respond(slackapp.Text("x")); err == nil || strings.Contains(err.Error(), "SECRETPATH") {
		t.Fatalf("error %v", err)
	}
}

// TestTokenRotationOnRequestPath: an installation whose rotating bot token
// is about to expire is refreshed through the OAuth flow before the handler
// gets its client, and the new token is stored.
func TestTokenRotationOnRequestPath(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.TokenRotation = true })
	ctx := context.Background()
	if err := f.store.Save(ctx, &installstore.Installation{
		TeamID: "TROT", BotToken: "xoxe.xoxb-old", BotRefreshToken: "xoxe-1-old",
		BotTokenExpiresAt: time.Now().Add(10 * time.Minute),
	}); err != nil {
		t.Fatal(err)
	}
	f.rec.Reply("oauth.v2.access", map[string]any{
		"access_token": "xoxe.xoxb-new", "refresh_token": "xoxe-1-new", "expires_in": 43200, "token_type": "bot",
		"team": map[string]any{"id": "TROT"},
	})
	var used string
	f.app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		used = c.Installation().BotToken
		return nil, nil
	})
	c := cmd("/hello")
	c.TeamID, c.UserID = "TROT", ""
	if rr := f.serve(slackapptest.CommandRequest(secret, c)); rr.Code != 200 {
		t.Fatalf("status %d", rr.Code)
	}
	if used != "xoxe.xoxb-new" {
		t.Fatalf("handler used %q, want the refreshed token", used)
	}
	stored, err := f.store.FindBot(ctx, installstore.Query{TeamID: "TROT"})
	if err != nil || stored.BotToken != "xoxe.xoxb-new" || stored.BotRefreshToken != "xoxe-1-new" {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	var refreshes int
	for _, call := range f.rec.Calls() {
		if call.Method == "oauth.v2.access" {
			refreshes++
		}
	}
	if refreshes != 1 {
		t.Fatalf("%d refresh calls, want 1", refreshes)
	}
	if strings.Contains(f.logs.String(), "xoxb-new") || strings.Contains(f.logs.String(), "1-old") {
		t.Fatal("a token reached the logs")
	}
}

// TestOAuthPagesNameTheApp: Config.AppName (the manifest's display name)
// reaches the install page the OAuth flow renders.
func TestOAuthPagesNameTheApp(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.AppName = "Ticket <Desk>" })
	rr := f.serve(httptest.NewRequest("GET", "http://localhost:3000/slack/install", nil))
	if rr.Code != http.StatusOK {
		t.Fatalf("install page: status %d", rr.Code)
	}
	if body := rr.Body.String(); !strings.Contains(body, "Ticket &lt;Desk&gt;") {
		t.Fatalf("install page does not name the app (escaped):\n%s", body)
	}
}
