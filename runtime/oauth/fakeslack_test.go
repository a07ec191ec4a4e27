package oauth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

const (
	testClientID     = "111.222"
	testClientSecret = "client-secret-do-not-log"
)

// fakeSlack is a small Slack Web API for the tests: oauth.v2.access (codes
// and single-use refresh tokens), auth.test, openid.connect.token and
// openid.connect.userInfo.
type fakeSlack struct {
	t   *testing.T
	srv *httptest.Server

	mu sync.Mutex
	// codes maps a code to the oauth.v2.access response body; a code is
	// single-use.
	codes map[string]map[string]any
	// openidCodes maps a code to the id_token claims returned with it.
	openidCodes map[string]map[string]any
	// refresh maps a live refresh token to the token type it refreshes;
	// spent ones move to spent.
	refresh map[string]string
	spent   map[string]int
	// refreshCalls counts refresh requests, successful or not.
	refreshCalls int
	// authTestFail makes auth.test answer invalid_auth.
	authTestFail bool
	// accessStatus, when set, is the HTTP status of oauth.v2.access.
	accessStatus int
	// redirectURIs records redirect_uri of each code exchange.
	redirectURIs []string
	serial       int
	// refreshLifetime is expires_in of refreshed tokens; 12h when zero.
	refreshLifetime int
}

func newFakeSlack(t *testing.T) *fakeSlack {
	t.Helper()
	fs := &fakeSlack{
		t:           t,
		codes:       map[string]map[string]any{},
		openidCodes: map[string]map[string]any{},
		refresh:     map[string]string{},
		spent:       map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/oauth.v2.access", fs.oauthAccess)
	mux.HandleFunc("POST /api/auth.test", fs.authTest)
	mux.HandleFunc("POST /api/openid.connect.token", fs.openidToken)
	mux.HandleFunc("POST /api/openid.connect.userInfo", fs.userInfo)
	fs.srv = httptest.NewServer(mux)
	t.Cleanup(fs.srv.Close)
	return fs
}

func (fs *fakeSlack) URL() string { return fs.srv.URL }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func slackErr(w http.ResponseWriter, code string) {
	writeJSON(w, map[string]any{"ok": false, "error": code})
}

func (fs *fakeSlack) oauthAccess(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.accessStatus != 0 {
		w.WriteHeader(fs.accessStatus)
		return
	}
	if r.PostForm.Get("client_id") != testClientID || r.PostForm.Get("client_secret") != testClientSecret {
		slackErr(w, "bad_client_secret")
		return
	}
	if r.PostForm.Get("grant_type") == "refresh_token" {
		fs.refreshCalls++
		rt := r.PostForm.Get("refresh_token")
		typ, ok := fs.refresh[rt]
		if !ok {
			fs.spent[rt]++
			slackErr(w, "invalid_refresh_token")
			return
		}
		delete(fs.refresh, rt)
		fs.spent[rt]++
		fs.serial++
		prefix := map[string]string{"bot": "xoxe.xoxb-", "user": "xoxe.xoxp-"}[typ]
		next := fmt.Sprintf("xoxe-1-refresh-%d", fs.serial)
		fs.refresh[next] = typ
		lifetime := fs.refreshLifetime
		if lifetime == 0 {
			lifetime = 43200
		}
		writeJSON(w, map[string]any{
			"ok": true, "access_token": fmt.Sprintf("%srotated-%d", prefix, fs.serial),
			"token_type": typ, "refresh_token": next, "expires_in": lifetime,
		})
		return
	}
	code := r.PostForm.Get("code")
	fs.redirectURIs = append(fs.redirectURIs, r.PostForm.Get("redirect_uri"))
	resp, ok := fs.codes[code]
	if !ok {
		slackErr(w, "invalid_code")
		return
	}
	delete(fs.codes, code)
	writeJSON(w, resp)
}

func (fs *fakeSlack) authTest(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	fs.mu.Lock()
	fail := fs.authTestFail
	fs.mu.Unlock()
	if fail || r.PostForm.Get("token") == "" {
		slackErr(w, "invalid_auth")
		return
	}
	writeJSON(w, map[string]any{
		"ok": true, "url": "https://acme-org.enterprise.slack.com/", "team": "Acme",
		"user": "acmebot", "team_id": "T0001", "user_id": "U0BOT", "bot_id": "B0001",
	})
}

func (fs *fakeSlack) openidToken(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if r.PostForm.Get("client_secret") != testClientSecret {
		slackErr(w, "bad_client_secret")
		return
	}
	code := r.PostForm.Get("code")
	claims, ok := fs.openidCodes[code]
	if !ok {
		slackErr(w, "invalid_code")
		return
	}
	delete(fs.openidCodes, code)
	fs.redirectURIs = append(fs.redirectURIs, r.PostForm.Get("redirect_uri"))
	writeJSON(w, map[string]any{
		"ok": true, "access_token": "xoxp-openid-token", "token_type": "Bearer",
		"id_token": fakeJWT(claims),
	})
}

func fakeJWT(claims map[string]any) string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	return enc.EncodeToString(header) + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString([]byte("signature"))
}

func (fs *fakeSlack) userInfo(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if r.PostForm.Get("token") != "xoxp-openid-token" {
		slackErr(w, "invalid_auth")
		return
	}
	writeJSON(w, map[string]any{
		"ok": true, "sub": "U0001", "https://slack.com/user_id": "U0001", "https://slack.com/team_id": "T0001",
		"email": "ada@example.com", "email_verified": true, "name": "Ada Lovelace", "given_name": "Ada",
		"family_name": "Lovelace", "picture": "https://example.com/ada.png", "locale": "en-US",
		"https://slack.com/team_name": "Acme", "https://slack.com/team_domain": "acme",
	})
}

func (fs *fakeSlack) addCode(code string, resp map[string]any) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.codes[code] = resp
	for _, k := range []string{"refresh_token"} {
		if rt, ok := resp[k].(string); ok && rt != "" {
			fs.refresh[rt] = "bot"
		}
	}
	if u, ok := resp["authed_user"].(map[string]any); ok {
		if rt, ok := u["refresh_token"].(string); ok && rt != "" {
			fs.refresh[rt] = "user"
		}
	}
}

// set changes the fake under its lock.
func (fs *fakeSlack) set(change func(fs *fakeSlack)) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	change(fs)
}

func (fs *fakeSlack) addRefreshToken(token, typ string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.refresh[token] = typ
}

func (fs *fakeSlack) refreshCount() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.refreshCalls
}

// spentTwice lists refresh tokens presented more than once.
func (fs *fakeSlack) spentTwice() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var out []string
	for k, n := range fs.spent {
		if n > 1 {
			out = append(out, k)
		}
	}
	return out
}

// workspaceResponse is a complete oauth.v2.access answer for a workspace
// install with token rotation, a user token and an incoming webhook.
func workspaceResponse() map[string]any {
	return map[string]any{
		"ok":           true,
		"access_token": "xoxe.xoxb-1-bot-token",
		"token_type":   "bot",
		"scope":        "commands,chat:write,incoming-webhook",
		"bot_user_id":  "U0BOT",
		"app_id":       "A0APP",
		"team":         map[string]any{"id": "T0001", "name": "Acme"},
		"enterprise":   map[string]any{"id": "E0001", "name": "Acme Corp"},
		"authed_user": map[string]any{
			"id": "U0001", "scope": "search:read,openid", "access_token": "xoxe.xoxp-1-user-token",
			"expires_in": 43200, "refresh_token": "xoxe-1-user-refresh", "token_type": "user",
		},
		"incoming_webhook": map[string]any{
			"channel": "#general", "channel_id": "C0001", "configuration_url": "https://acme.slack.com/services/B1",
			"url": "https://hooks.slack.com/services/T0001/B1/secret-hook",
		},
		"is_enterprise_install": false,
		"refresh_token":         "xoxe-1-bot-refresh",
		"expires_in":            43200,
	}
}

// orgResponse is an org-wide (Enterprise Grid) install.
func orgResponse() map[string]any {
	return map[string]any{
		"ok":                    true,
		"access_token":          "xoxb-org-bot-token",
		"token_type":            "bot",
		"scope":                 "commands",
		"bot_user_id":           "U0BOT",
		"app_id":                "A0APP",
		"team":                  nil,
		"enterprise":            map[string]any{"id": "E0001", "name": "Acme Corp"},
		"authed_user":           map[string]any{"id": "U0ADMIN"},
		"is_enterprise_install": true,
	}
}
