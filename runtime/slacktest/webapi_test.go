package slacktest

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestWebAPIErrors(t *testing.T) {
	srv := NewServer(t, testConfig())
	bot := installApp(t, srv, "T0001").AccessToken
	noChat := func() string {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		tok, _, _ := srv.issue(install{appID: srv.apps[0].cfg.AppID, teamID: "T0001"}, kindBot, []string{"commands"}, false)
		return tok
	}()
	revoked := installApp(t, srv, "T0002").AccessToken
	srv.Revoke("T0002")

	tests := []struct {
		name, method string
		form         url.Values
		want         string
	}{
		{"unknown method", "chat.frobnicate", url.Values{"token": {bot}}, "unknown_method"},
		{"no token", "auth.test", nil, "not_authed"},
		{"unknown token", "auth.test", url.Values{"token": {"xoxb-nope"}}, "invalid_auth"},
		{"revoked token", "auth.test", url.Values{"token": {revoked}}, "token_revoked"},
		{"config token on a bot method", "auth.test", url.Values{"token": {srv.ConfigToken()}}, "not_allowed_token_type"},
		{"bot token on apps.manifest", "apps.manifest.validate", url.Values{"token": {bot}, "manifest": {`{}`}}, "not_allowed_token_type"},
		{"missing scope", "chat.postMessage", url.Values{"token": {noChat}, "channel": {"C1"}, "text": {"x"}}, "missing_scope"},
		{"postMessage no channel", "chat.postMessage", url.Values{"token": {bot}, "text": {"x"}}, "channel_not_found"},
		{"postMessage no text", "chat.postMessage", url.Values{"token": {bot}, "channel": {"C1"}}, "no_text"},
		{"postMessage bad blocks", "chat.postMessage", url.Values{"token": {bot}, "channel": {"C1"}, "blocks": {"[{"}}, "invalid_blocks"},
		{"postEphemeral no user", "chat.postEphemeral", url.Values{"token": {bot}, "channel": {"C1"}, "text": {"x"}}, "user_not_in_channel"},
		{"postEphemeral no channel", "chat.postEphemeral", url.Values{"token": {bot}, "user": {"U1"}, "text": {"x"}}, "channel_not_found"},
		{"update unknown message", "chat.update", url.Values{"token": {bot}, "channel": {"C1"}, "ts": {"1.2"}, "text": {"x"}}, "message_not_found"},
		{"views.open no trigger", "views.open", url.Values{"token": {bot}, "view": {`{"type":"modal"}`}}, "invalid_arguments"},
		{"views.open unknown trigger", "views.open", url.Values{"token": {bot}, "trigger_id": {"1.2.3"}, "view": {`{"type":"modal"}`}}, "invalid_trigger_id"},
		{"views.publish no user", "views.publish", url.Values{"token": {bot}, "view": {`{"type":"home"}`}}, "invalid_arguments"},
		{"views.publish modal", "views.publish", url.Values{"token": {bot}, "user_id": {"U1"}, "view": {`{"type":"modal"}`}}, "invalid_arguments"},
		{"views.update unknown", "views.update", url.Values{"token": {bot}, "view_id": {"V1"}, "view": {`{"type":"modal"}`}}, "not_found"},
		{"views.update no id", "views.update", url.Values{"token": {bot}, "view": {`{"type":"modal"}`}}, "invalid_arguments"},
		{"userInfo with a bot token", "openid.connect.userInfo", url.Values{"token": {bot}}, "missing_scope"},
		{"openid.connect.token bad code", "openid.connect.token", url.Values{"client_id": {srv.App().ClientID}, "client_secret": {srv.App().ClientSecret}, "code": {"x"}}, "invalid_code"},
		{"api.test error", "api.test", url.Values{"error": {"my_error"}}, "my_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apiPost(t, srv, tt.method, tt.form)
			if got["ok"] != false || got["error"] != tt.want {
				t.Errorf("%s = %v, want error %s", tt.method, got, tt.want)
			}
		})
	}
	if got := apiPost(t, srv, "chat.postMessage", url.Values{"token": {noChat}, "channel": {"C1"}, "text": {"x"}}); got["needed"] != "chat:write" || got["provided"] != "commands" {
		t.Errorf("missing_scope details = %v", got)
	}
	// every call was captured, with its error, and no token
	calls := srv.CallsTo("auth.test")
	if len(calls) < 4 || calls[len(calls)-1].Error != "not_allowed_token_type" {
		t.Errorf("captured auth.test calls = %+v", calls)
	}
	for _, c := range srv.Calls() {
		if _, ok := c.Params["token"]; ok {
			t.Fatalf("a captured call holds its token: %+v", c)
		}
	}
}

func TestBearerAndJSON(t *testing.T) {
	srv := NewServer(t, testConfig())
	bot := installApp(t, srv, "T0001").AccessToken
	req, _ := http.NewRequest(http.MethodPost, srv.APIURL()+"chat.postMessage", strings.NewReader(`{"channel":"C9","text":"json body","blocks":[{"type":"divider"}]}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+bot)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got := decode(t, resp.Body)
	if got["ok"] != true || got["channel"] != "C9" {
		t.Fatalf("JSON chat.postMessage = %v", got)
	}
	if m := srv.Messages()[0]; string(m.Blocks) != `[{"type":"divider"}]` || m.Text != "json body" {
		t.Errorf("message = %+v", m)
	}
}

func TestChatAndViews(t *testing.T) {
	ctx := context.Background()
	srv := NewServer(t, testConfig())
	resp := installApp(t, srv, "T0001")
	api := slack.New(resp.AccessToken, slack.OptionAPIURL(srv.APIURL()))

	ts, err := api.PostEphemeralContext(ctx, "C1", "U0001", slack.MsgOptionText("psst", false))
	if err != nil || ts == "" {
		t.Fatalf("chat.postEphemeral = %q, %v", ts, err)
	}
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
	v1, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0001", View: home})
	if err != nil {
		t.Fatalf("views.publish: %v", err)
	}
	v2, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0001", View: home, Hash: &v1.View.Hash})
	if err != nil || v2.View.ID != v1.View.ID {
		t.Fatalf("republish: %+v, %v", v2, err)
	}
	stale := v1.View.Hash
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U0001", View: home, Hash: &stale}); err == nil || err.Error() != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
	modal := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "edit", ExternalID: "ext-1", Title: slack.NewTextBlockObject("plain_text", "Edit", false, false)}
	srv.mu.Lock()
	trig := srv.newTrigger("T0001", "U0001")
	srv.mu.Unlock()
	opened, err := api.OpenViewContext(ctx, trig, modal)
	if err != nil {
		t.Fatal(err)
	}
	modal.CallbackID = "edited"
	upd, err := api.UpdateViewContext(ctx, modal, "ext-1", "", "")
	if err != nil || upd.View.ID != opened.View.ID || upd.View.CallbackID != "edited" {
		t.Errorf("views.update by external id = %+v, %v", upd, err)
	}
	if _, err := api.UpdateViewContext(ctx, modal, "", opened.View.Hash, opened.View.ID); err == nil || err.Error() != "hash_conflict" {
		t.Errorf("views.update with a stale hash: %v", err)
	}
	if m := srv.Messages(); len(m) != 1 || m[0].Via != "chat.postEphemeral" || m[0].User != "U0001" {
		t.Errorf("messages = %+v", m)
	}
}

// TestOpenIDFlow runs Sign in with Slack: consent → openid.connect.token →
// id_token verified with the JWKS → openid.connect.userInfo.
func TestOpenIDFlow(t *testing.T) {
	ctx := context.Background()
	srv := NewServer(t, testConfig())
	cfg := srv.App()
	q := url.Values{"client_id": {cfg.ClientID}, "response_type": {"code"}, "scope": {"openid profile email"},
		"redirect_uri": {testRedirect}, "state": {"s"}, "nonce": {"n-123"}}
	loc := consent(t, srv, "/openid/connect/authorize", q, "allow", "T0002")
	if loc.Query().Get("state") != "s" {
		t.Fatalf("redirect %s", loc)
	}
	tok, err := slack.GetOpenIDConnectTokenContext(ctx, http.DefaultClient, cfg.ClientID, cfg.ClientSecret, loc.Query().Get("code"), testRedirect, slack.OAuthOptionAPIURL(srv.APIURL()))
	if err != nil {
		t.Fatalf("openid.connect.token: %v", err)
	}
	if !strings.HasPrefix(tok.AccessToken, "xoxp-") || tok.TokenType != "Bearer" {
		t.Errorf("token = %+v", tok)
	}
	claims := verifyJWT(t, srv, tok.IdToken)
	if claims["nonce"] != "n-123" || claims["aud"] != cfg.ClientID || claims["sub"] != "U0002" || claims["https://slack.com/team_id"] != "T0002" || claims["email"] == nil {
		t.Errorf("claims = %v", claims)
	}
	info, err := slack.New(tok.AccessToken, slack.OptionAPIURL(srv.APIURL())).GetOpenIDConnectUserInfoContext(ctx)
	if err != nil {
		t.Fatalf("userInfo: %v", err)
	}
	if info.UserID != "U0002" || info.TeamID != "T0002" || info.TeamName != "Globex" || info.Email == "" || info.Name == "" {
		t.Errorf("userInfo = %+v", info)
	}
	// an OpenID code is not an OAuth code
	loc = consent(t, srv, "/openid/connect/authorize", q, "allow", "")
	got := apiPost(t, srv, "oauth.v2.access", url.Values{"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}, "code": {loc.Query().Get("code")}, "redirect_uri": {testRedirect}})
	if got["error"] != "invalid_code" {
		t.Errorf("OpenID code at oauth.v2.access: %v", got)
	}
}

// verifyJWT checks an RS256 id_token against the emulator's JWKS.
func verifyJWT(t *testing.T, srv *Server, tok string) map[string]any {
	t.Helper()
	resp, err := http.Get(srv.URL() + "/openid/connect/keys")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var jwks struct {
		Keys []struct{ Kid, N, E string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&jwks); err != nil || len(jwks.Keys) != 1 {
		t.Fatalf("jwks: %v %+v", err, jwks)
	}
	enc := base64.RawURLEncoding
	n, _ := enc.DecodeString(jwks.Keys[0].N)
	e, _ := enc.DecodeString(jwks.Keys[0].E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("id_token %q", tok)
	}
	sig, _ := enc.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("id_token signature: %v", err)
	}
	payload, _ := enc.DecodeString(parts[1])
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func TestManifestMethods(t *testing.T) {
	ctx := context.Background()
	srv := NewServer(t, testConfig())
	api := slack.New("", slack.OptionAPIURL(srv.APIURL()), slack.OptionConfigToken(srv.ConfigToken()))
	good := json.RawMessage(`{"display_information":{"name":"Made"},"oauth_config":{"scopes":{"bot":["commands"]},"redirect_urls":["https://made.example.com/cb"]},"features":{"slash_commands":[{"command":"/made","url":"https://made.example.com/c","description":"d"}]}}`)

	if _, err := api.ValidateManifestRawContext(ctx, good, "", ""); err != nil {
		t.Errorf("validate a good manifest: %v", err)
	}
	res, err := api.ValidateManifestRawContext(ctx, json.RawMessage(`{"display_information":{}}`), "", "")
	if err == nil || res == nil || len(res.Errors) != 1 || res.Errors[0].Pointer != "/display_information/name" {
		t.Errorf("validate a bad manifest: %+v, %v", res, err)
	}
	created, err := api.CreateManifestRawContext(ctx, good, "")
	if err != nil || created.AppId == "" || created.Credentials.ClientSecret == "" || !strings.Contains(created.OAuthAuthorizeUrl, "client_id="+url.QueryEscape(created.Credentials.ClientId)) {
		t.Fatalf("create = %+v, %v", created, err)
	}
	// the new app can be installed
	_, page := get(t, created.OAuthAuthorizeUrl)
	if !strings.Contains(page, "Made") {
		t.Errorf("authorize page of the created app:\n%s", page)
	}
	updated, err := api.UpdateManifestRawContext(ctx, json.RawMessage(strings.Replace(string(good), `["commands"]`, `["commands","chat:write"]`, 1)), "", created.AppId)
	if err != nil || !updated.PermissionsUpdated {
		t.Errorf("update = %+v, %v", updated, err)
	}
	if _, err := api.UpdateManifestRawContext(ctx, good, "", "A_NOPE"); err == nil || err.Error() != "app_not_found" {
		t.Errorf("update of an unknown app: %v", err)
	}
	exp := apiPost(t, srv, "apps.manifest.export", url.Values{"token": {srv.ConfigToken()}, "app_id": {created.AppId}})
	if exp["ok"] != true || !strings.Contains(mustJSON(t, exp["manifest"]), "chat:write") {
		t.Errorf("export = %v", exp)
	}

	// an injected validator decides
	srv2 := NewServer(t, testConfig(), WithManifestValidator(func(b []byte) ([]ManifestError, error) {
		return []ManifestError{{Message: "no", Pointer: "/x"}}, nil
	}))
	got := apiPost(t, srv2, "apps.manifest.validate", url.Values{"token": {srv2.ConfigToken()}, "manifest": {string(good)}})
	if got["error"] != "invalid_manifest" || !strings.Contains(mustJSON(t, got["errors"]), `"pointer":"/x"`) {
		t.Errorf("custom validator: %v", got)
	}
	if got := apiPost(t, srv2, "apps.manifest.validate", url.Values{"token": {srv2.ConfigToken()}, "manifest": {"[1]"}}); got["error"] != "invalid_manifest" {
		t.Errorf("a JSON array: %v", got)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMoreMethods(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig()
	cfg.BotScopes = append(cfg.BotScopes, "reactions:write", "users:read", "im:write")
	srv := NewServer(t, cfg)
	inst, err := srv.Install("T0003")
	if err != nil {
		t.Fatal(err)
	}
	api := slack.New(inst.BotToken, slack.OptionAPIURL(srv.APIURL()))

	_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("bye", false))
	if err != nil {
		t.Fatal(err)
	}
	if err := api.AddReactionContext(ctx, "thumbsup", slack.NewRefToMessage("C1", ts)); err != nil {
		t.Errorf("reactions.add: %v", err)
	}
	if _, _, err := api.DeleteMessageContext(ctx, "C1", ts); err != nil {
		t.Errorf("chat.delete: %v", err)
	}
	if _, _, err := api.DeleteMessageContext(ctx, "C1", "1.1"); err == nil || err.Error() != "message_not_found" {
		t.Errorf("chat.delete of an unknown message: %v", err)
	}
	u, err := api.GetUserInfoContext(ctx, "W0003")
	if err != nil || u.TeamID != "T0003" || u.Enterprise.EnterpriseID != "E0001" || u.Profile.Email == "" {
		t.Errorf("users.info = %+v, %v", u, err)
	}
	if bot, err := api.GetUserInfoContext(ctx, inst.BotUserID); err != nil || !bot.IsBot {
		t.Errorf("users.info of the bot = %+v, %v", bot, err)
	}
	if _, err := api.GetUserInfoContext(ctx, "U9999"); err == nil || err.Error() != "user_not_found" {
		t.Errorf("users.info of nobody: %v", err)
	}
	ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"W0003"}})
	if err != nil || !strings.HasPrefix(ch.ID, "D") {
		t.Errorf("conversations.open = %+v, %v", ch, err)
	}
	if m := srv.Messages(); m[len(m)-1].Via != "chat.delete" || !m[len(m)-1].DeleteOriginal {
		t.Errorf("messages = %+v", m)
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	srv := NewServer(t, testConfig())
	inst, err := srv.Install("T0001")
	if err != nil {
		t.Fatal(err)
	}
	api := slack.New(inst.BotToken, slack.OptionAPIURL(srv.APIURL()))
	srv.FailNext("chat.postMessage", "channel_not_found", 1)
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("injected error: %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err != nil {
		t.Errorf("after the injected error: %v", err)
	}
	srv.RateLimitNext("auth.test", 2, 0)
	for i := 0; i < 2; i++ {
		_, err := api.AuthTestContext(ctx)
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
			t.Errorf("rate limited call %d: %v", i, err)
		}
	}
	if _, err := api.AuthTestContext(ctx); err != nil {
		t.Errorf("after the rate limit: %v", err)
	}
	// the token is checked first
	srv.FailNext("auth.test", "fatal_error", 1)
	if got := apiPost(t, srv, "auth.test", nil); got["error"] != "not_authed" {
		t.Errorf("no token with a fault pending: %v", got)
	}
	if c := srv.CallsTo("auth.test"); c[0].Error != "ratelimited" {
		t.Errorf("rate limited calls are captured: %+v", c)
	}
}

func TestAppConfigFromManifest(t *testing.T) {
	cfg, err := AppConfigFromManifest([]byte(`{
		"display_information": {"name": "M"},
		"features": {"slash_commands": [{"command": "/a", "url": "https://x.example.com/cmd"}, {"command": "/b"}]},
		"oauth_config": {"redirect_urls": ["https://x.example.com/cb"], "scopes": {"bot": ["commands"], "bot_optional": ["chat:write"], "user": ["search:read"]}},
		"settings": {"event_subscriptions": {"request_url": "https://x.example.com/events", "bot_events": ["app_mention"]},
			"interactivity": {"is_enabled": true, "request_url": "https://x.example.com/int", "message_menu_options_url": "https://x.example.com/opt"},
			"token_rotation_enabled": true, "socket_mode_enabled": true}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := AppConfig{
		Name: "M", BotScopes: []string{"commands", "chat:write"}, UserScopes: []string{"search:read"},
		RedirectURLs: []string{"https://x.example.com/cb"}, RequestURL: "https://x.example.com/events",
		CommandURLs: map[string]string{"/a": "https://x.example.com/cmd", "/b": ""},
		EventsURL:   "https://x.example.com/events", BotEvents: []string{"app_mention"},
		InteractivityURL: "https://x.example.com/int", OptionsURL: "https://x.example.com/opt",
		TokenRotation: true, SocketMode: true,
	}
	if mustJSON(t, cfg) != mustJSON(t, want) {
		t.Errorf("config:\n%+v\nwant:\n%+v", cfg, want)
	}
	if u, err := cfg.commandURL("/b"); err != nil || u != "https://x.example.com/events" {
		t.Errorf("a command without URL goes to %q, %v", u, err)
	}
	if _, err := AppConfigFromManifest([]byte(`[]`)); err == nil {
		t.Error("a JSON array was accepted")
	}
}
