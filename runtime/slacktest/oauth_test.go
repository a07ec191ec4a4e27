package slacktest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestOAuthDance runs the whole install with slack-go as the client:
// consent page → Allow → redirect → oauth.v2.access → auth.test →
// chat.postMessage, and checks what was captured.
func TestOAuthDance(t *testing.T) {
	srv := NewServer(t, testConfig())
	resp := installApp(t, srv, "T0002")
	cfg := srv.App()

	if resp.TokenType != "bot" || !strings.HasPrefix(resp.AccessToken, "xoxb-") {
		t.Errorf("bot token = %q (%s), want xoxb-… (bot)", resp.AccessToken, resp.TokenType)
	}
	if resp.Team.ID != "T0002" || resp.Team.Name != "Globex" || resp.Enterprise.ID != "" || resp.IsEnterpriseInstall {
		t.Errorf("team = %+v, enterprise = %+v, org-wide %v", resp.Team, resp.Enterprise, resp.IsEnterpriseInstall)
	}
	if resp.AppID != cfg.AppID || resp.BotUserID == "" || resp.Scope != "commands,chat:write,incoming-webhook" {
		t.Errorf("app_id %q bot_user_id %q scope %q", resp.AppID, resp.BotUserID, resp.Scope)
	}
	if resp.AuthedUser.ID != "U0002" || !strings.HasPrefix(resp.AuthedUser.AccessToken, "xoxp-") || resp.AuthedUser.Scope != "search:read" {
		t.Errorf("authed_user = %+v", resp.AuthedUser)
	}
	if resp.IncomingWebhook.URL == "" || resp.IncomingWebhook.ChannelID == "" {
		t.Errorf("incoming_webhook = %+v", resp.IncomingWebhook)
	}
	if resp.RefreshToken != "" || resp.ExpiresIn != 0 {
		t.Errorf("no rotation configured, got refresh_token/expires_in %q/%d", resp.RefreshToken, resp.ExpiresIn)
	}

	ctx := context.Background()
	api := slack.New(resp.AccessToken, slack.OptionAPIURL(srv.APIURL()))
	who, err := api.AuthTestContext(ctx)
	if err != nil {
		t.Fatalf("auth.test: %v", err)
	}
	if who.TeamID != "T0002" || who.UserID != resp.BotUserID || who.BotID == "" || who.URL != "https://globex.slack.com/" {
		t.Errorf("auth.test = %+v", who)
	}
	ch, ts, err := api.PostMessageContext(ctx, "C123", slack.MsgOptionText("hello", false))
	if err != nil {
		t.Fatalf("chat.postMessage: %v", err)
	}
	if ch != "C123" || ts == "" {
		t.Errorf("chat.postMessage = %q, %q", ch, ts)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C123", ts, slack.MsgOptionText("edited", false)); err != nil {
		t.Errorf("chat.update: %v", err)
	}

	msgs := srv.Messages()
	if len(msgs) != 2 || msgs[0].Text != "hello" || msgs[0].Via != "chat.postMessage" || msgs[0].Team != "T0002" || msgs[1].Text != "edited" {
		t.Errorf("messages = %+v", msgs)
	}
	post := srv.CallsTo("chat.postMessage")
	if len(post) != 1 || post[0].Team != "T0002" || post[0].TokenType != "bot" || post[0].Params["channel"] != "C123" {
		t.Fatalf("captured chat.postMessage = %+v", post)
	}
	if _, leaked := post[0].Params["token"]; leaked {
		t.Error("the captured call holds the token")
	}
	if c := srv.CallsTo("oauth.v2.access"); len(c) != 1 || c[0].Params["client_secret"] != nil || c[0].Params["code"] != nil {
		t.Errorf("captured oauth.v2.access = %+v", c)
	}

	// The incoming webhook posts into the conversation.
	hook, err := http.Post(resp.IncomingWebhook.URL, "application/json", strings.NewReader(`{"text":"via hook"}`))
	if err != nil {
		t.Fatal(err)
	}
	hook.Body.Close()
	if m := srv.Messages(); hook.StatusCode != 200 || m[len(m)-1].Via != "incoming_webhook" || m[len(m)-1].Text != "via hook" {
		t.Errorf("webhook: status %d, messages %+v", hook.StatusCode, m)
	}
}

// TestOAuthAccessErrors covers every way oauth.v2.access refuses a code.
func TestOAuthAccessErrors(t *testing.T) {
	srv := NewServer(t, testConfig())
	cfg := srv.App()
	code := func() string {
		loc := consent(t, srv, "/oauth/v2/authorize", url.Values{
			"client_id": {cfg.ClientID}, "scope": {"commands"}, "redirect_uri": {testRedirect},
		}, "allow", "")
		return loc.Query().Get("code")
	}
	spent := code()
	apiPost(t, srv, "oauth.v2.access", url.Values{"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}, "code": {spent}, "redirect_uri": {testRedirect}})

	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"no client id", url.Values{"code": {code()}}, "invalid_client_id"},
		{"unknown client id", url.Values{"client_id": {"nope"}, "client_secret": {cfg.ClientSecret}, "code": {code()}}, "invalid_client_id"},
		{"bad secret", url.Values{"client_id": {cfg.ClientID}, "client_secret": {"wrong"}, "code": {code()}, "redirect_uri": {testRedirect}}, "bad_client_secret"},
		{"no code", url.Values{"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}}, "invalid_code"},
		{"unknown code", url.Values{"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}, "code": {"123"}}, "invalid_code"},
		{"spent code", url.Values{"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}, "code": {spent}, "redirect_uri": {testRedirect}}, "code_already_used"},
		{"other redirect", url.Values{"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}, "code": {code()}, "redirect_uri": {testRedirect + "/x"}}, "bad_redirect_uri"},
		{"missing redirect", url.Values{"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}, "code": {code()}}, "bad_redirect_uri"},
		{"bad grant type", url.Values{"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}, "grant_type": {"password"}}, "invalid_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apiPost(t, srv, "oauth.v2.access", tt.form)
			if got["ok"] != false || got["error"] != tt.want {
				t.Errorf("got %v, want error %s", got, tt.want)
			}
		})
	}
}

// TestOAuthBasicAuth accepts client credentials as HTTP basic auth.
func TestOAuthBasicAuth(t *testing.T) {
	srv := NewServer(t, testConfig())
	cfg := srv.App()
	loc := consent(t, srv, "/oauth/v2/authorize", url.Values{"client_id": {cfg.ClientID}, "scope": {"commands"}}, "allow", "")
	if loc.Scheme+"://"+loc.Host+loc.Path != testRedirect {
		t.Fatalf("redirected to %s, want the first redirect URL", loc)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.APIURL()+"oauth.v2.access", strings.NewReader(url.Values{"code": {loc.Query().Get("code")}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(cfg.ClientID, cfg.ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := decode(t, resp.Body); got["ok"] != true || got["token_type"] != "bot" {
		t.Errorf("got %v", got)
	}
}

// TestOrgWideInstall installs into the Enterprise organization.
func TestOrgWideInstall(t *testing.T) {
	srv := NewServer(t, testConfig())
	resp := installApp(t, srv, "E0001")
	if !resp.IsEnterpriseInstall || resp.Enterprise.ID != "E0001" || resp.Enterprise.Name != "Initech" || resp.Team.ID != "" {
		t.Fatalf("org-wide response: enterprise %+v team %+v org-wide %v", resp.Enterprise, resp.Team, resp.IsEnterpriseInstall)
	}
	who, err := slack.New(resp.AccessToken, slack.OptionAPIURL(srv.APIURL())).AuthTestContext(context.Background())
	if err != nil || who.EnterpriseID != "E0001" || who.TeamID != "" {
		t.Fatalf("auth.test = %+v, %v", who, err)
	}
}

// TestTokenRotation checks rotating tokens: expiry, single-use refresh
// tokens, and the counters tests assert on.
func TestTokenRotation(t *testing.T) {
	clk := newClock()
	cfg := testConfig()
	cfg.TokenRotation = true
	srv := NewServer(t, cfg, WithClock(clk.Now), WithTokenLifetime(time.Minute))
	resp := installApp(t, srv, "T0001")
	if !strings.HasPrefix(resp.AccessToken, "xoxe.xoxb-") || !strings.HasPrefix(resp.RefreshToken, "xoxe-1-") || resp.ExpiresIn != 60 {
		t.Fatalf("rotating install: token %q refresh %q expires_in %d", resp.AccessToken, resp.RefreshToken, resp.ExpiresIn)
	}
	if resp.AuthedUser.RefreshToken == "" || resp.AuthedUser.ExpiresIn != 60 {
		t.Errorf("authed_user = %+v, want a refresh token", resp.AuthedUser)
	}
	ctx := context.Background()
	api := slack.New(resp.AccessToken, slack.OptionAPIURL(srv.APIURL()))
	if _, err := api.AuthTestContext(ctx); err != nil {
		t.Fatalf("fresh token: %v", err)
	}
	clk.Add(time.Minute)
	if _, err := api.AuthTestContext(ctx); err == nil || err.Error() != "token_expired" {
		t.Fatalf("expired token: err = %v, want token_expired", err)
	}

	c := srv.App()
	next, err := slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, c.ClientID, c.ClientSecret, resp.RefreshToken, slack.OAuthOptionAPIURL(srv.APIURL()))
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if next.AccessToken == resp.AccessToken || next.RefreshToken == resp.RefreshToken || next.ExpiresIn != 60 || next.TokenType != "bot" || next.Team.ID != "T0001" {
		t.Errorf("refresh response = %+v", next)
	}
	if _, err := slack.New(next.AccessToken, slack.OptionAPIURL(srv.APIURL())).AuthTestContext(ctx); err != nil {
		t.Errorf("refreshed token: %v", err)
	}
	_, err = slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, c.ClientID, c.ClientSecret, resp.RefreshToken, slack.OAuthOptionAPIURL(srv.APIURL()))
	if err == nil || err.Error() != "invalid_refresh_token" {
		t.Errorf("spent refresh token: err = %v, want invalid_refresh_token", err)
	}
	if srv.Refreshes() != 1 || srv.RefreshReplays() != 1 {
		t.Errorf("Refreshes = %d, RefreshReplays = %d, want 1 and 1", srv.Refreshes(), srv.RefreshReplays())
	}
	_, err = slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, c.ClientID, c.ClientSecret, "xoxe-1-unknown", slack.OAuthOptionAPIURL(srv.APIURL()))
	if err == nil || err.Error() != "invalid_refresh_token" {
		t.Errorf("unknown refresh token: err = %v", err)
	}
	// user refresh token
	user, err := slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, c.ClientID, c.ClientSecret, resp.AuthedUser.RefreshToken, slack.OAuthOptionAPIURL(srv.APIURL()))
	if err != nil || user.TokenType != "user" || !strings.HasPrefix(user.AccessToken, "xoxe.xoxp-") {
		t.Errorf("user refresh = %+v, %v", user, err)
	}
}

// TestRevoke checks auth.revoke, apps.uninstall and Revoke.
func TestRevoke(t *testing.T) {
	ctx := context.Background()
	srv := NewServer(t, testConfig())
	c := srv.App()

	resp := installApp(t, srv, "T0001")
	api := slack.New(resp.AccessToken, slack.OptionAPIURL(srv.APIURL()))
	if r, err := api.SendAuthRevokeContext(ctx, ""); err != nil || !r.Revoked {
		t.Fatalf("auth.revoke = %+v, %v", r, err)
	}
	if _, err := api.AuthTestContext(ctx); err == nil || err.Error() != "token_revoked" {
		t.Errorf("after auth.revoke: %v, want token_revoked", err)
	}
	// the user token of the same install still works
	if _, err := slack.New(resp.AuthedUser.AccessToken, slack.OptionAPIURL(srv.APIURL())).AuthTestContext(ctx); err != nil {
		t.Errorf("user token after bot revoke: %v", err)
	}

	resp = installApp(t, srv, "T0001")
	api = slack.New(resp.AccessToken, slack.OptionAPIURL(srv.APIURL()))
	if err := api.UninstallAppContext(ctx, c.ClientID, "wrong"); err == nil || err.Error() != "bad_client_secret" {
		t.Errorf("apps.uninstall with a bad secret: %v", err)
	}
	if err := api.UninstallAppContext(ctx, c.ClientID, c.ClientSecret); err != nil {
		t.Fatalf("apps.uninstall: %v", err)
	}
	for _, tok := range []string{resp.AccessToken, resp.AuthedUser.AccessToken} {
		if _, err := slack.New(tok, slack.OptionAPIURL(srv.APIURL())).AuthTestContext(ctx); err == nil || err.Error() != "token_revoked" {
			t.Errorf("after apps.uninstall: %v, want token_revoked", err)
		}
	}

	resp = installApp(t, srv, "T0002")
	other := installApp(t, srv, "T0001")
	if n := srv.Revoke("T0002"); n != 2 {
		t.Errorf("Revoke revoked %d tokens, want 2", n)
	}
	if _, err := slack.New(resp.AccessToken, slack.OptionAPIURL(srv.APIURL())).AuthTestContext(ctx); err == nil {
		t.Error("T0002's token still works after Revoke")
	}
	if _, err := slack.New(other.AccessToken, slack.OptionAPIURL(srv.APIURL())).AuthTestContext(ctx); err != nil {
		t.Errorf("T0001's token was revoked too: %v", err)
	}
}

// TestPKCE exchanges a code as a public client: code_verifier instead of
// the client secret, also for refreshes.
func TestPKCE(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig()
	cfg.TokenRotation = true
	srv := NewServer(t, cfg)
	c := srv.App()
	api := slack.OAuthOptionAPIURL(srv.APIURL())
	verifier, err := slack.GenerateCodeVerifier()
	if err != nil {
		t.Fatal(err)
	}
	code := func(challenge string) string {
		q := url.Values{"client_id": {c.ClientID}, "scope": {"commands"}, "redirect_uri": {testRedirect}}
		if challenge != "" {
			q.Set("code_challenge", challenge)
			q.Set("code_challenge_method", "S256")
		}
		return consent(t, srv, "/oauth/v2/authorize", q, "allow", "").Query().Get("code")
	}

	resp, err := slack.GetOAuthV2ResponseContext(ctx, http.DefaultClient, c.ClientID, "", code(slack.GenerateCodeChallenge(verifier)), testRedirect, api, slack.OAuthOptionCodeVerifier(verifier))
	if err != nil || resp.AccessToken == "" {
		t.Fatalf("PKCE exchange: %+v, %v", resp, err)
	}
	for _, call := range srv.CallsTo("oauth.v2.access") {
		if v, leaked := call.Params["code_verifier"]; leaked {
			t.Errorf("the PKCE code_verifier was captured: %v", v)
		}
	}
	if _, err := slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, c.ClientID, "", resp.RefreshToken, api); err != nil {
		t.Errorf("public refresh: %v", err)
	}
	_, err = slack.GetOAuthV2ResponseContext(ctx, http.DefaultClient, c.ClientID, "", code(slack.GenerateCodeChallenge(verifier)), testRedirect, api, slack.OAuthOptionCodeVerifier("wrong"))
	if err == nil || err.Error() != "invalid_code_verifier" {
		t.Errorf("wrong verifier: %v", err)
	}
	_, err = slack.GetOAuthV2ResponseContext(ctx, http.DefaultClient, c.ClientID, "", code(""), testRedirect, api)
	if err == nil || err.Error() != "bad_client_secret" {
		t.Errorf("no secret, no PKCE: %v", err)
	}
	confidential, err := slack.GetOAuthV2ResponseContext(ctx, http.DefaultClient, c.ClientID, c.ClientSecret, code(""), testRedirect, api)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, c.ClientID, "", confidential.RefreshToken, api); err == nil || err.Error() != "bad_client_secret" {
		t.Errorf("confidential refresh without the secret: %v", err)
	}
	status, page := get(t, srv.URL()+"/oauth/v2/authorize?"+url.Values{"client_id": {c.ClientID}, "scope": {"commands"}, "code_challenge": {"x"}, "code_challenge_method": {"plain"}}.Encode())
	if status != http.StatusBadRequest || !strings.Contains(page, "S256") {
		t.Errorf("plain challenge method: %d", status)
	}
}
