package slacktest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"slices"
	"strings"
)

// oidcKey signs id_tokens (RS256); its public half is served as a JWKS at
// /openid/connect/keys.
type oidcKey struct {
	kid string
	key *rsa.PrivateKey
}

// signingKey returns the OpenID signing key, generating it on first use.
// Callers hold s.mu.
func (s *Server) signingKey() (*oidcKey, error) {
	if s.oidc != nil {
		return s.oidc, nil
	}
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	s.oidc = &oidcKey{kid: "slacktest-" + s.rnd.alnum(8), key: k}
	return s.oidc, nil
}

func (k *oidcKey) sign(claims map[string]any) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": k.kid})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	unsigned := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	sum := sha256.Sum256([]byte(unsigned))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return unsigned + "." + enc.EncodeToString(sig), nil
}

// identity returns the OpenID claims of the user of in. Callers hold s.mu.
func (s *Server) identity(in install, scopes []string) map[string]any {
	w := s.workspaces[in.teamID]
	name := s.userName(in)
	out := map[string]any{
		"sub":                       in.userID,
		"https://slack.com/user_id": in.userID,
		"https://slack.com/team_id": in.teamID,
	}
	if w != nil {
		out["https://slack.com/team_name"] = w.Name
		out["https://slack.com/team_domain"] = w.Domain
	}
	if slices.Contains(scopes, "email") {
		out["email"] = name + "@" + firstNonEmpty(domainOfTeam(w), "example") + ".example.com"
		out["email_verified"] = true
		out["date_email_verified"] = s.opts.now().Add(-24 * 3600 * 1e9).Unix()
	}
	if slices.Contains(scopes, "profile") {
		out["name"] = name
		out["given_name"] = name
		out["family_name"] = ""
		out["locale"] = "en-US"
		out["picture"] = "https://secure.gravatar.com/avatar/" + strings.ToLower(in.userID) + ".png"
	}
	return out
}

func domainOfTeam(w *Workspace) string {
	if w == nil {
		return ""
	}
	return w.Domain
}

// openIDToken exchanges a Sign in with Slack code for a user token and an
// id_token.
func (s *Server) openIDToken(r *apiRequest, _ *token) result {
	a, code := s.clientApp(r)
	if code != "" {
		return fail(code)
	}
	g, code := s.redeem(a, r, flowOpenID)
	if code != "" {
		return fail(code)
	}
	k, err := s.signingKey()
	if err != nil {
		return fail("internal_error")
	}
	access, _, _ := s.issue(g.install, kindUser, g.userScopes, false)
	now := s.opts.now().Unix()
	claims := s.identity(g.install, g.userScopes)
	claims["iss"] = "https://slack.com"
	claims["aud"] = a.cfg.ClientID
	claims["iat"], claims["auth_time"], claims["exp"] = now, now, now+3600
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	idToken, err := k.sign(claims)
	if err != nil {
		return fail("internal_error")
	}
	return ok(map[string]any{"access_token": access, "token_type": "Bearer", "id_token": idToken})
}

// openIDUserInfo returns the identity of a Sign in with Slack token.
func (s *Server) openIDUserInfo(_ *apiRequest, t *token) result {
	if t.kind != kindUser {
		return fail("not_allowed_token_type")
	}
	return ok(s.identity(t.install, t.scopes))
}

// handleJWKS serves the public key that verifies id_tokens.
func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	k, err := s.signingKey()
	s.mu.Unlock()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "generating the signing key failed"})
		return
	}
	enc := base64.RawURLEncoding
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": k.kid,
		"n": enc.EncodeToString(k.key.N.Bytes()),
		"e": enc.EncodeToString(big.NewInt(int64(k.key.E)).Bytes()),
	}}})
}
