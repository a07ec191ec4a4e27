package oauth

import (
	"errors"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestInstallPage(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.AppName = `<script>alert("x")</script> & Co` })
	rec := httptest.NewRecorder()
	env.flow.InstallHandler().ServeHTTP(rec, httptest.NewRequest("GET", "https://app.example.com/slack/install", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	if strings.Contains(body, "<script>") {
		t.Errorf("app name not escaped:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co") {
		t.Errorf("escaped app name missing:\n%s", body)
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := rec.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("%d cookies, want 1", len(cookies))
	}
	state := cookies[0].Value
	// The page links to Slack with this state (html-escaped in the href).
	wantHref := template.HTMLEscapeString(env.flow.AuthorizeURL(state, ""))
	if !strings.Contains(body, `href="`+wantHref+`"`) {
		t.Errorf("page does not link to %s:\n%s", wantHref, body)
	}
}

func TestInstallCookie(t *testing.T) {
	tests := []struct {
		name        string
		redirectURL string
		target      string
		wantSecure  bool
	}{
		{"https redirect URL", "https://app.example.com/slack/oauth_redirect", "https://app.example.com/slack/install", true},
		{"http localhost", "http://localhost:3000/slack/oauth_redirect", "http://localhost:3000/slack/install", false},
		{"http 127.0.0.1", "http://127.0.0.1:3000/slack/oauth_redirect", "http://127.0.0.1:3000/slack/install", false},
		{"http ::1", "http://[::1]:3000/slack/oauth_redirect", "http://[::1]:3000/slack/install", false},
		{"http on a public host is still Secure", "http://app.example.com/slack/oauth_redirect", "http://app.example.com/slack/install", true},
		{"https localhost", "https://localhost:3000/slack/oauth_redirect", "https://localhost:3000/slack/install", true},
		{"no redirect URL, plain http on localhost", "", "http://localhost:3000/slack/install", false},
		{"no redirect URL, public host", "", "http://app.example.com/slack/install", true},
		{"no redirect URL, TLS on localhost", "", "https://localhost/slack/install", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, func(c *Config) { c.RedirectURL = tt.redirectURL })
			rec := httptest.NewRecorder()
			env.flow.InstallHandler().ServeHTTP(rec, httptest.NewRequest("GET", tt.target, nil))
			cookies := rec.Result().Cookies()
			if len(cookies) != 1 {
				t.Fatalf("%d cookies, want 1", len(cookies))
			}
			c := cookies[0]
			if c.Name != StateCookieName(c.Value) || !strings.HasPrefix(c.Name, "slack-oauth-state-") {
				t.Errorf("cookie name %q does not derive from its state", c.Name)
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != 600 {
				t.Errorf("cookie attributes: HttpOnly=%v SameSite=%v Path=%q MaxAge=%d", c.HttpOnly, c.SameSite, c.Path, c.MaxAge)
			}
			if c.Secure != tt.wantSecure {
				t.Errorf("Secure = %v, want %v (Set-Cookie: %s)", c.Secure, tt.wantSecure, rec.Header().Get("Set-Cookie"))
			}
		})
	}
}

func TestInstallTwoTabs(t *testing.T) {
	env := newTestEnv(t, nil)
	fs := env.fs
	fs.addCode("code-tab-1", workspaceResponse())
	second := workspaceResponse()
	second["team"] = map[string]any{"id": "T0002", "name": "Globex"}
	second["refresh_token"] = "xoxe-1-bot-refresh-2"
	second["authed_user"] = map[string]any{"id": "U0002"}
	fs.addCode("code-tab-2", second)

	state1, c1 := env.install(t)
	state2, c2 := env.install(t)
	if c1.Name == c2.Name {
		t.Fatalf("two tabs share the cookie %q", c1.Name)
	}
	// The browser sends both cookies to both callbacks; finish tab 2 first.
	for _, step := range []struct{ state, code string }{{state2, "code-tab-2"}, {state1, "code-tab-1"}} {
		rec := env.callback(t, url.Values{"state": {step.state}, "code": {step.code}}, c1, c2)
		if rec.Code != http.StatusOK {
			t.Fatalf("callback for %s: status %d reason %q", step.code, rec.Code, reason(rec.Body.String()))
		}
	}
}

func TestInstallDirectRedirect(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.DirectInstall = true })
	rec := httptest.NewRecorder()
	env.flow.InstallHandler().ServeHTTP(rec, httptest.NewRequest("GET", "https://app.example.com/slack/install?team=T0002", nil))
	if rec.Code != http.StatusFound {
		t.Fatalf("status %d, want 302", rec.Code)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("%d cookies, want 1", len(cookies))
	}
	if got, want := rec.Header().Get("Location"), env.flow.AuthorizeURL(cookies[0].Value, "T0002"); got != want {
		t.Errorf("Location = %s, want %s", got, want)
	}
}

func TestInstallTeamParameter(t *testing.T) {
	env := newTestEnv(t, func(c *Config) { c.DirectInstall = true })
	for target, want := range map[string]string{
		"/slack/install?team=T0002":           "T0002",
		"/slack/install?team=%22%3E%3Cscript": "",
		"/slack/install":                      "",
	} {
		rec := httptest.NewRecorder()
		env.flow.InstallHandler().ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		u, err := url.Parse(rec.Header().Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Query().Get("team"); got != want {
			t.Errorf("%s: team = %q, want %q", target, got, want)
		}
	}
}

func TestInstallCustomPage(t *testing.T) {
	tmpl := template.Must(template.New("p").Parse(`<a id="go" href="{{.AuthorizeURL}}">{{.AppName}}</a>`))
	env := newTestEnv(t, func(c *Config) { c.InstallPage = tmpl })
	rec := httptest.NewRecorder()
	env.flow.InstallHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/slack/install", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), `<a id="go" href="`+env.fs.URL()) || !strings.HasSuffix(rec.Body.String(), ">Acme Bot</a>") {
		t.Errorf("custom page: status %d body %s", rec.Code, rec.Body)
	}

	broken := template.Must(template.New("p").Parse(`{{.Missing}}`))
	env = newTestEnv(t, func(c *Config) { c.InstallPage = broken })
	rec = httptest.NewRecorder()
	env.flow.InstallHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/slack/install", nil))
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "Acme") {
		t.Errorf("broken template: status %d body %s", rec.Code, rec.Body)
	}
}

func TestInstallErrors(t *testing.T) {
	env := newTestEnv(t, nil)
	rec := httptest.NewRecorder()
	env.flow.InstallHandler().ServeHTTP(rec, httptest.NewRequest("POST", "/slack/install", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}

	env.states.fail = errors.New("redis down")
	rec = httptest.NewRecorder()
	env.flow.InstallHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/slack/install", nil))
	if rec.Code != http.StatusInternalServerError || reason(rec.Body.String()) != ReasonStateStoreFailed {
		t.Errorf("state store down: status %d reason %q", rec.Code, reason(rec.Body.String()))
	}
	if len(rec.Result().Cookies()) != 0 {
		t.Errorf("a cookie was set without a state")
	}
}
