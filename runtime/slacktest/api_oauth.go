package slacktest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"slices"
	"strings"
)

// clientApp returns the app whose client credentials r carries, or an
// error code. Callers hold s.mu.
func (s *Server) clientApp(r *apiRequest) (*app, string) {
	a := s.appByClientID(r.clientID)
	if a == nil {
		return nil, "invalid_client_id"
	}
	if subtle.ConstantTimeCompare([]byte(r.clientSecret), []byte(a.cfg.ClientSecret)) != 1 {
		return nil, "bad_client_secret"
	}
	return a, ""
}

// redeem spends an authorization code of flow f issued to a. Callers hold s.mu.
func (s *Server) redeem(a *app, r *apiRequest, f flow) (*grant, string) {
	code := r.get("code")
	g, found := s.codes[code]
	switch {
	case code == "" || !found:
		return nil, "invalid_code"
	case !s.opts.now().Before(g.expires):
		delete(s.codes, code) // Slack no longer knows an expired code either
		return nil, "invalid_code"
	case g.flow != f || g.appID != a.cfg.AppID:
		return nil, "invalid_code"
	case g.used:
		return nil, "code_already_used"
	}
	if g.challenge != "" || r.get("code_verifier") != "" {
		sum := sha256.Sum256([]byte(r.get("code_verifier")))
		if g.challenge == "" || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			return nil, "invalid_code_verifier"
		}
	} else if r.clientSecret == "" {
		return nil, "bad_client_secret"
	}
	g.public = g.challenge != ""
	redirect := r.get("redirect_uri")
	if g.redirectURI != "" && redirect != g.redirectURI {
		return nil, "bad_redirect_uri"
	}
	if g.redirectURI == "" && redirect != "" && !a.cfg.allowsRedirect(redirect) {
		return nil, "bad_redirect_uri"
	}
	g.used = true
	return g, ""
}

// oauthV2Access exchanges an authorization code (or, with
// grant_type=refresh_token, a refresh token) for tokens. A code issued with
// a PKCE code_challenge needs the matching code_verifier, and then no
// client secret (a public client).
func (s *Server) oauthV2Access(r *apiRequest, _ *token) result {
	a, code := s.clientApp(r)
	public := false // no client secret: only a PKCE code or refresh token will do
	if code == "bad_client_secret" && r.clientSecret == "" {
		a, code, public = s.appByClientID(r.clientID), "", true
	}
	if code != "" {
		return fail(code)
	}
	switch gt := r.get("grant_type"); gt {
	case "", "authorization_code":
	case "refresh_token":
		return s.refresh(a, r, public)
	default:
		return fail("invalid_grant_type")
	}
	g, code := s.redeem(a, r, flowOAuth)
	if code != "" {
		return fail(code)
	}
	rotate := a.cfg.TokenRotation
	out := s.teamFields(g.install)
	out["app_id"] = a.cfg.AppID
	out["is_enterprise_install"] = g.isEnterpriseInstall
	authed := map[string]any{"id": g.userID}
	if len(g.botScopes) > 0 {
		access, refresh, expiresIn := s.issue(g.install, kindBot, g.botScopes, rotate)
		out["access_token"] = access
		out["token_type"] = "bot"
		out["scope"] = strings.Join(g.botScopes, ",")
		out["bot_user_id"] = a.botUserID
		if rotate {
			out["refresh_token"], out["expires_in"] = refresh, expiresIn
		}
	}
	if len(g.userScopes) > 0 {
		access, refresh, expiresIn := s.issue(g.install, kindUser, g.userScopes, rotate)
		authed["access_token"] = access
		authed["token_type"] = "user"
		authed["scope"] = strings.Join(g.userScopes, ",")
		if rotate {
			authed["refresh_token"], authed["expires_in"] = refresh, expiresIn
		}
	}
	out["authed_user"] = authed
	if slices.Contains(g.botScopes, "incoming-webhook") {
		out["incoming_webhook"] = s.newWebhook(g.install)
	}
	return ok(out)
}

// refresh rotates a single-use refresh token.
func (s *Server) refresh(a *app, r *apiRequest, public bool) result {
	rt, found := s.refreshTokens[r.get("refresh_token")]
	if !found || rt.appID != a.cfg.AppID {
		return fail("invalid_refresh_token")
	}
	if public && !rt.public {
		return fail("bad_client_secret")
	}
	if rt.spent {
		s.replays++
		return fail("invalid_refresh_token")
	}
	rt.spent = true
	s.refreshes++
	access, refresh, expiresIn := s.issue(rt.install, rt.kind, rt.scopes, true)
	out := s.teamFields(rt.install)
	out["app_id"] = a.cfg.AppID
	out["is_enterprise_install"] = rt.isEnterpriseInstall
	out["access_token"] = access
	out["refresh_token"] = refresh
	out["expires_in"] = expiresIn
	out["scope"] = strings.Join(rt.scopes, ",")
	out["token_type"] = string(rt.kind)
	if rt.kind == kindBot {
		out["bot_user_id"] = a.botUserID
	} else {
		out["authed_user"] = map[string]any{"id": rt.userID}
	}
	return ok(out)
}

// teamFields returns the team and enterprise objects of an OAuth answer
// (null when absent, as Slack). Callers hold s.mu.
func (s *Server) teamFields(in install) map[string]any {
	out := map[string]any{"team": nil, "enterprise": nil}
	if w, found := s.workspaces[in.teamID]; found && !in.isEnterpriseInstall {
		out["team"] = map[string]any{"id": w.ID, "name": w.Name}
	}
	if e, found := s.enterprises[in.enterpriseID]; found {
		out["enterprise"] = map[string]any{"id": e.ID, "name": e.Name}
	}
	return out
}

// newWebhook creates the incoming webhook an incoming-webhook install
// returns. Callers hold s.mu.
func (s *Server) newWebhook(in install) map[string]any {
	channel := "C" + strings.ToUpper(s.rnd.alnum(10))
	team := firstNonEmpty(in.teamID, in.enterpriseID)
	id := s.rnd.alnum(24)
	s.responseURLs[id] = &responseURL{team: team, channel: channel, user: in.userID, webhook: true}
	return map[string]any{
		"channel":           "#general",
		"channel_id":        channel,
		"configuration_url": s.url + "/_emulator/",
		"url":               s.url + "/_emulator/respond/" + id,
	}
}

// authTest tells who a token is.
func (s *Server) authTest(_ *apiRequest, t *token) result {
	a := s.appByID(t.appID)
	out := map[string]any{
		"team_id":               t.teamID,
		"enterprise_id":         t.enterpriseID,
		"is_enterprise_install": t.isEnterpriseInstall,
		"app_id":                t.appID,
	}
	if w, found := s.workspaces[t.teamID]; found {
		out["team"], out["url"] = w.Name, "https://"+w.Domain+".slack.com/"
	} else if e, found := s.enterprises[t.enterpriseID]; found {
		out["team"], out["url"] = e.Name, "https://"+domainOf(e.Name)+".enterprise.slack.com/"
	}
	if t.kind == kindBot {
		out["user_id"], out["bot_id"], out["user"] = a.botUserID, a.botID, domainOf(a.cfg.Name)
	} else {
		out["user_id"], out["user"] = t.userID, s.userName(t.install)
	}
	return ok(out)
}

func (s *Server) userName(in install) string {
	if w, found := s.workspaces[in.teamID]; found && w.UserID == in.userID {
		return w.UserName
	}
	return "user-" + strings.ToLower(in.userID)
}

// authRevoke revokes the calling token (test=true only pretends).
func (s *Server) authRevoke(r *apiRequest, t *token) result {
	if r.get("test") == "true" || r.get("test") == "1" {
		return ok(map[string]any{"revoked": false})
	}
	t.revoked = true
	return ok(map[string]any{"revoked": true})
}

// appsUninstall revokes every token of the caller's installation.
func (s *Server) appsUninstall(r *apiRequest, t *token) result {
	a, code := s.clientApp(r)
	if code != "" {
		return fail(code)
	}
	if a.cfg.AppID != t.appID {
		return fail("invalid_client_id")
	}
	s.revoke(t.install, false)
	return ok(nil)
}
