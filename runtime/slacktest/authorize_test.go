package slacktest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAuthorizeErrors(t *testing.T) {
	srv := NewServer(t, testConfig())
	id := srv.App().ClientID
	tests := []struct {
		name string
		path string
		q    url.Values
		want string
	}{
		{"no client id", "/oauth/v2/authorize", url.Values{"scope": {"commands"}}, "client_id parameter is missing"},
		{"unknown client id", "/oauth/v2/authorize", url.Values{"client_id": {"1.2"}, "scope": {"commands"}}, "Invalid client_id parameter"},
		{"no scope", "/oauth/v2/authorize", url.Values{"client_id": {id}}, "request at least one scope"},
		{"unconfigured bot scope", "/oauth/v2/authorize", url.Values{"client_id": {id}, "scope": {"commands,admin"}}, "bot scopes admin are not in the app"},
		{"unconfigured user scope", "/oauth/v2/authorize", url.Values{"client_id": {id}, "user_scope": {"chat:write"}}, "user scopes chat:write are not in the app"},
		{"other host", "/oauth/v2/authorize", url.Values{"client_id": {id}, "scope": {"commands"}, "redirect_uri": {"https://evil.example.com/slack/oauth_redirect"}}, "redirect_uri did not match"},
		{"other path", "/oauth/v2/authorize", url.Values{"client_id": {id}, "scope": {"commands"}, "redirect_uri": {"https://app.example.com/slack/oauth_redirectx"}}, "redirect_uri did not match"},
		{"bad team", "/oauth/v2/authorize", url.Values{"client_id": {id}, "scope": {"commands"}, "team": {"acme"}}, "Invalid team parameter"},
		{"org-wide user-only", "/oauth/v2/authorize", url.Values{"client_id": {id}, "user_scope": {"search:read"}, "team": {"E0001"}}, "only a bot install can be org-wide"},
		{"openid response type", "/openid/connect/authorize", url.Values{"client_id": {id}, "scope": {"openid"}, "redirect_uri": {testRedirect}}, "response_type must be code"},
		{"openid without openid", "/openid/connect/authorize", url.Values{"client_id": {id}, "response_type": {"code"}, "scope": {"profile"}, "redirect_uri": {testRedirect}}, "needs the openid scope"},
		{"openid other scope", "/openid/connect/authorize", url.Values{"client_id": {id}, "response_type": {"code"}, "scope": {"openid chat:write"}, "redirect_uri": {testRedirect}}, "chat:write cannot be requested"},
		{"openid no redirect", "/openid/connect/authorize", url.Values{"client_id": {id}, "response_type": {"code"}, "scope": {"openid"}}, "redirect_uri is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, page := get(t, srv.URL()+tt.path+"?"+tt.q.Encode())
			if status != http.StatusBadRequest || !strings.Contains(page, `id="error"`) || !strings.Contains(page, tt.want) {
				t.Errorf("status %d, page:\n%s\nwant 400 with %q", status, page, tt.want)
			}
			if strings.Contains(page, srv.App().ClientSecret) {
				t.Error("the error page shows the client secret")
			}
		})
	}
	// POSTing the form re-checks everything
	resp, err := noRedirect.PostForm(srv.URL()+"/oauth/v2/authorize", url.Values{"client_id": {id}, "scope": {"admin"}, "decision": {"allow"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("forged form: status %d, want 400", resp.StatusCode)
	}
}

func TestConsentPage(t *testing.T) {
	srv := NewServer(t, testConfig())
	id := srv.App().ClientID
	q := url.Values{"client_id": {id}, "scope": {"commands,chat:write"}, "user_scope": {"search:read"}, "state": {`"<x>`}}
	status, page := get(t, srv.URL()+"/oauth/v2/authorize?"+q.Encode())
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"Test App", "<code>commands</code>", "<code>chat:write</code>", "<code>search:read</code>",
		`<option value="T0001" selected>Acme</option>`, `value="T0002"`, `value="T0003"`, "Initech HQ (Initech)",
		`value="E0001"`, "entire organization", `value="&#34;&lt;x&gt;"`} {
		if !strings.Contains(page, want) {
			t.Errorf("consent page lacks %s", want)
		}
	}
	// team= narrows the choice, and creates unknown workspaces
	q.Set("team", "T0042")
	_, page = get(t, srv.URL()+"/oauth/v2/authorize?"+q.Encode())
	if !strings.Contains(page, `<option value="T0042" selected>`) || strings.Contains(page, `value="T0001"`) {
		t.Errorf("team=T0042 page:\n%s", page)
	}
	if ws := srv.Workspaces(); ws[len(ws)-1].ID != "T0042" {
		t.Errorf("T0042 was not created: %+v", ws)
	}
}

func TestConsentCancelAndChoice(t *testing.T) {
	srv := NewServer(t, testConfig())
	id := srv.App().ClientID
	q := url.Values{"client_id": {id}, "scope": {"commands"}, "redirect_uri": {testRedirect + "/sub?keep=1"}, "state": {"s1"}}
	loc := consent(t, srv, "/oauth/v2/authorize", q, "cancel", "")
	if loc.Path != "/slack/oauth_redirect/sub" || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "s1" || loc.Query().Get("keep") != "1" || loc.Query().Get("code") != "" {
		t.Errorf("cancel redirected to %s", loc)
	}
	// a team not offered on the page is refused
	form := url.Values{"client_id": {id}, "scope": {"commands"}, "team": {"T0001"}, "decision": {"allow"}}
	form.Set("team", "E0009")
	resp, err := noRedirect.PostForm(srv.URL()+"/oauth/v2/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown team choice: status %d", resp.StatusCode)
	}
}

func TestRedirectMatching(t *testing.T) {
	cfg := AppConfig{RedirectURLs: []string{"https://a.example.com/cb", "http://127.0.0.1:3000/"}}
	tests := []struct {
		uri  string
		want bool
	}{
		{"https://a.example.com/cb", true},
		{"https://a.example.com/cb/deeper", true},
		{"https://a.example.com/cbx", false},
		{"http://a.example.com/cb", false},
		{"https://b.example.com/cb", false},
		{"http://127.0.0.1:3000/anything", true},
		{"http://127.0.0.1:3001/anything", false},
		{"not a url", false},
	}
	for _, tt := range tests {
		if got := cfg.allowsRedirect(tt.uri); got != tt.want {
			t.Errorf("allowsRedirect(%q) = %v, want %v", tt.uri, got, tt.want)
		}
	}
}
