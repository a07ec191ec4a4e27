package oauth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const loginRedirect = "https://app.example.com/slack/login/callback"

func newLoginEnv(t *testing.T, got **Identity) *testEnv {
	return newTestEnv(t, func(c *Config) {
		c.LoginRedirectURL = loginRedirect
		c.OnLogin = func(w http.ResponseWriter, r *http.Request, id *Identity) {
			*got = id
			http.Redirect(w, r, "/home", http.StatusSeeOther)
		}
	})
}

// startLogin runs LoginHandler and returns the authorize URL's query and
// the cookie.
func startLogin(t *testing.T, env *testEnv) (url.Values, *http.Cookie) {
	t.Helper()
	rec := httptest.NewRecorder()
	env.flow.LoginHandler().ServeHTTP(rec, httptest.NewRequest("GET", "https://app.example.com/slack/login?team=T0001", nil))
	if rec.Code != http.StatusFound {
		t.Fatalf("login: status %d: %s", rec.Code, rec.Body)
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != env.fs.URL()+"/openid/connect/authorize" {
		t.Fatalf("login redirects to %s", got)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("%d cookies, want 1", len(cookies))
	}
	return loc.Query(), cookies[0]
}

func loginCallback(env *testEnv, q url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", loginRedirect+"?"+q.Encode(), nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	rec := httptest.NewRecorder()
	env.flow.LoginCallbackHandler().ServeHTTP(rec, req)
	return rec
}

func TestLoginEndToEnd(t *testing.T) {
	var id *Identity
	env := newLoginEnv(t, &id)
	q, cookie := startLogin(t, env)

	want := url.Values{
		"response_type": {"code"}, "scope": {"openid profile email"}, "client_id": {testClientID},
		"redirect_uri": {loginRedirect}, "team": {"T0001"},
	}
	for k, v := range want {
		if q.Get(k) != v[0] {
			t.Errorf("authorize %s = %q, want %q", k, q.Get(k), v[0])
		}
	}
	state, nonce := q.Get("state"), q.Get("nonce")
	if state == "" || len(nonce) < 22 {
		t.Fatalf("state %q nonce %q", state, nonce)
	}
	if !strings.HasPrefix(cookie.Name, LoginCookiePrefix) || !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteLaxMode || cookie.MaxAge != 600 {
		t.Errorf("login cookie %+v", cookie)
	}

	claims := map[string]any{
		"iss": "https://slack.com", "sub": "U0001", "aud": testClientID, "exp": time.Now().Add(time.Hour).Unix(),
		"nonce": nonce, "https://slack.com/user_id": "U0001", "https://slack.com/team_id": "T0001",
		"https://slack.com/enterprise_id": "E0001",
	}
	env.fs.set(func(fs *fakeSlack) { fs.openidCodes["oidc-code"] = claims })
	rec := loginCallback(env, url.Values{"state": {state}, "code": {"oidc-code"}}, cookie)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/home" {
		t.Fatalf("callback: status %d reason %q", rec.Code, reason(rec.Body.String()))
	}
	if id == nil {
		t.Fatal("OnLogin not called")
	}
	if id.UserID != "U0001" || id.TeamID != "T0001" || id.EnterpriseID != "E0001" || id.Email != "ada@example.com" ||
		!id.EmailVerified || id.Name != "Ada Lovelace" || id.GivenName != "Ada" || id.FamilyName != "Lovelace" ||
		id.TeamName != "Acme" || id.TeamDomain != "acme" || id.Locale != "en-US" || id.Picture != "https://example.com/ada.png" ||
		id.AccessToken != "xoxp-openid-token" || id.UserInfo == nil {
		t.Errorf("identity %+v", id)
	}
	env.fs.mu.Lock()
	uris := env.fs.redirectURIs
	env.fs.mu.Unlock()
	if len(uris) != 1 || uris[0] != loginRedirect {
		t.Errorf("redirect_uri sent to openid.connect.token: %q", uris)
	}
	assertCookieCleared(t, rec, cookie.Name)

	// The state is single-use.
	rec = loginCallback(env, url.Values{"state": {state}, "code": {"oidc-code"}}, cookie)
	if rec.Code != 400 || reason(rec.Body.String()) != ReasonInvalidState {
		t.Errorf("replay: status %d reason %q", rec.Code, reason(rec.Body.String()))
	}
}

func TestLoginFailures(t *testing.T) {
	tests := []struct {
		name       string
		claims     func(nonce string) map[string]any // nil: no code registered
		query      func(state string) url.Values
		noCookie   bool
		wantStatus int
		wantReason string
	}{
		{
			name:       "nonce mismatch",
			claims:     func(string) map[string]any { return map[string]any{"aud": testClientID, "nonce": "someone-else"} },
			wantStatus: 400, wantReason: ReasonNonceMismatch,
		},
		{
			name:       "no nonce",
			claims:     func(string) map[string]any { return map[string]any{"aud": testClientID} },
			wantStatus: 400, wantReason: ReasonNonceMismatch,
		},
		{
			name:       "audience is another app",
			claims:     func(n string) map[string]any { return map[string]any{"aud": "999.999", "nonce": n} },
			wantStatus: 502, wantReason: ReasonInvalidIDToken,
		},
		{
			name: "audience array with this app",
			claims: func(n string) map[string]any {
				return map[string]any{"aud": []string{"999.999", testClientID}, "nonce": n}
			},
			wantStatus: 303,
		},
		{
			name: "expired id_token",
			claims: func(n string) map[string]any {
				return map[string]any{"aud": testClientID, "nonce": n, "exp": time.Now().Add(-time.Hour).Unix()}
			},
			wantStatus: 502, wantReason: ReasonInvalidIDToken,
		},
		{
			name: "id_token for another user than userInfo",
			claims: func(n string) map[string]any {
				return map[string]any{"aud": testClientID, "nonce": n, "sub": "U0OTHER"}
			},
			wantStatus: 502, wantReason: ReasonInvalidIDToken,
		},
		{
			name:       "bad code",
			wantStatus: 400, wantReason: ReasonInvalidCode,
		},
		{
			name:       "missing cookie",
			claims:     func(n string) map[string]any { return map[string]any{"aud": testClientID, "nonce": n} },
			noCookie:   true,
			wantStatus: 400, wantReason: ReasonMissingCookie,
		},
		{
			name:       "access denied",
			query:      func(state string) url.Values { return url.Values{"error": {"access_denied"}, "state": {state}} },
			wantStatus: 403, wantReason: ReasonAccessDenied,
		},
		{
			name:       "missing state",
			query:      func(string) url.Values { return url.Values{"code": {"oidc-code"}} },
			wantStatus: 400, wantReason: ReasonMissingState,
		},
		{
			name:       "missing code",
			query:      func(state string) url.Values { return url.Values{"state": {state}} },
			wantStatus: 400, wantReason: ReasonMissingCode,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var id *Identity
			env := newLoginEnv(t, &id)
			q, cookie := startLogin(t, env)
			if tt.claims != nil {
				claims := tt.claims(q.Get("nonce"))
				env.fs.set(func(fs *fakeSlack) { fs.openidCodes["oidc-code"] = claims })
			}
			query := url.Values{"state": {q.Get("state")}, "code": {"oidc-code"}}
			if tt.query != nil {
				query = tt.query(q.Get("state"))
			}
			var cookies []*http.Cookie
			if !tt.noCookie {
				cookies = append(cookies, cookie)
			}
			rec := loginCallback(env, query, cookies...)
			if rec.Code != tt.wantStatus || reason(rec.Body.String()) != tt.wantReason {
				t.Fatalf("status %d reason %q, want %d %q", rec.Code, reason(rec.Body.String()), tt.wantStatus, tt.wantReason)
			}
			if (id != nil) != (tt.wantStatus == 303) {
				t.Errorf("OnLogin called = %v", id != nil)
			}
		})
	}
}

func TestLoginNotConfigured(t *testing.T) {
	env := newTestEnv(t, nil)
	for _, h := range []http.Handler{env.flow.LoginHandler(), env.flow.LoginCallbackHandler()} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/slack/login", nil))
		if rec.Code != http.StatusNotFound || reason(rec.Body.String()) != ReasonNotConfigured {
			t.Errorf("status %d reason %q", rec.Code, reason(rec.Body.String()))
		}
	}
}

func TestParseIDToken(t *testing.T) {
	for _, tok := range []string{"", "a.b", "a.!!!.c", "a." + "bm90IGpzb24" + ".c", "a.eyJhdWQiOjF9.c"} {
		if _, err := parseIDToken(tok); err == nil {
			t.Errorf("parseIDToken(%q) did not fail", tok)
		}
	}
	c, err := parseIDToken(fakeJWT(map[string]any{"aud": "x", "nonce": "n", "exp": 5}))
	if err != nil || c.Nonce != "n" || c.Exp != 5 || !c.hasAudience("x") {
		t.Errorf("parseIDToken = %+v, %v", c, err)
	}
}

func TestNewValidates(t *testing.T) {
	base := func() Config {
		return Config{ClientID: "1", ClientSecret: "s3cr3t-value", Scopes: []string{"commands"}, Installations: failingSave{}, States: newFakeStates()}
	}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no client id", func(c *Config) { c.ClientID = "" }, "SLACK_CLIENT_ID"},
		{"no store", func(c *Config) { c.Installations = nil; c.States = nil }, "Installations, States"},
		{"no scopes", func(c *Config) { c.Scopes = nil }, "no scopes"},
		{"relative redirect URL", func(c *Config) { c.RedirectURL = "/slack/oauth_redirect" }, "not an absolute URL"},
		{"login without handler", func(c *Config) { c.LoginRedirectURL = loginRedirect }, "OnLogin"},
		{"bad Slack URL", func(c *Config) { c.SlackURL = "slack.com" }, "SLACK_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base()
			tt.edit(&cfg)
			_, err := New(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want an error mentioning %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "s3cr3t-value") {
				t.Errorf("error reveals the client secret: %v", err)
			}
		})
	}
	if _, err := New(base()); err != nil {
		t.Errorf("New(valid): %v", err)
	}
}
