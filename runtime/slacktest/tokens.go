package slacktest

import (
	"slices"
	"strings"
	"time"
)

type tokenKind string

const (
	kindBot    tokenKind = "bot"
	kindUser   tokenKind = "user"
	kindConfig tokenKind = "config"
	kindApp    tokenKind = "app"
)

// install identifies who a token acts for.
type install struct {
	appID               string
	teamID              string // empty for an org-wide install
	enterpriseID        string
	isEnterpriseInstall bool
	userID              string // the installing user (user tokens act as them)
	public              bool   // installed by a PKCE public client: refreshes need no client secret
}

// sameInstall reports whether i and o are the same installation (for
// revocation: a workspace or an org).
func (i install) sameInstall(o install) bool {
	if i.appID != o.appID {
		return false
	}
	if i.isEnterpriseInstall || o.isEnterpriseInstall {
		return i.enterpriseID == o.enterpriseID && i.isEnterpriseInstall == o.isEnterpriseInstall
	}
	return i.teamID == o.teamID
}

type token struct {
	install
	kind      tokenKind
	scopes    []string
	expiresAt time.Time // zero: never expires
	revoked   bool
}

type refreshToken struct {
	install
	kind   tokenKind
	scopes []string
	spent  bool
}

// issue creates an access token (and, when rotating, its refresh token).
// Callers hold s.mu.
func (s *Server) issue(in install, kind tokenKind, scopes []string, rotate bool) (access, refresh string, expiresIn int) {
	prefix := "xoxb-"
	if kind == kindUser {
		prefix = "xoxp-"
	}
	t := &token{install: in, kind: kind, scopes: slices.Clone(scopes)}
	if rotate {
		access = "xoxe." + prefix + "1-" + s.rnd.alnum(48)
		t.expiresAt = s.opts.now().Add(s.opts.tokenLifetime)
		expiresIn = int(s.opts.tokenLifetime / time.Second)
		if expiresIn < 1 {
			expiresIn = 1
		}
		refresh = "xoxe-1-" + s.rnd.alnum(64)
		s.refreshTokens[refresh] = &refreshToken{install: in, kind: kind, scopes: slices.Clone(scopes)}
	} else {
		access = prefix + s.rnd.digits(12) + "-" + s.rnd.digits(13) + "-" + s.rnd.alnum(24)
	}
	s.tokens[access] = t
	return access, refresh, expiresIn
}

// check returns the token's record, or a Slack error code: not_authed,
// invalid_auth, token_revoked, token_expired. Callers hold s.mu.
func (s *Server) check(value string) (*token, string) {
	if value == "" {
		return nil, "not_authed"
	}
	if value == s.configToken {
		return &token{kind: kindConfig}, ""
	}
	for _, a := range s.apps {
		if value == a.appToken {
			return &token{kind: kindApp, install: install{appID: a.cfg.AppID}}, ""
		}
	}
	t, ok := s.tokens[value]
	switch {
	case !ok:
		return nil, "invalid_auth"
	case t.revoked:
		return nil, "token_revoked"
	case !t.expiresAt.IsZero() && !s.opts.now().Before(t.expiresAt):
		return nil, "token_expired"
	}
	return t, ""
}

// revoke revokes every token and refresh token of the installation in (the
// user's only, when onlyUser). It returns how many access tokens it
// revoked. Callers hold s.mu.
func (s *Server) revoke(in install, onlyUser bool) int {
	n := 0
	for _, t := range s.tokens {
		if t.revoked || !t.sameInstall(in) || (onlyUser && (t.kind != kindUser || t.userID != in.userID)) {
			continue
		}
		t.revoked = true
		n++
	}
	for _, r := range s.refreshTokens {
		if r.sameInstall(in) && (!onlyUser || (r.kind == kindUser && r.userID == in.userID)) {
			r.spent = true
		}
	}
	return n
}

// Revoke revokes every token the app holds for team (a team id, or an
// enterprise id for an org-wide install), as uninstalling does, without
// sending any event. It returns the number of access tokens revoked.
func (s *Server) Revoke(team string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revoke(s.installFor(s.apps[0], team), false)
}

// installFor returns the installation of a for team (a team or enterprise
// id). Callers hold s.mu.
func (s *Server) installFor(a *app, team string) install {
	in := install{appID: a.cfg.AppID}
	if strings.HasPrefix(team, "E") {
		in.enterpriseID, in.isEnterpriseInstall = team, true
		return in
	}
	in.teamID = team
	if w, ok := s.workspaces[team]; ok {
		in.enterpriseID = w.EnterpriseID
		// an org-wide install covers the workspace
		for _, t := range s.tokens {
			if t.appID == a.cfg.AppID && t.isEnterpriseInstall && t.enterpriseID == w.EnterpriseID && !t.revoked {
				in.isEnterpriseInstall, in.teamID = true, ""
				break
			}
		}
	}
	return in
}

// hasScope reports whether t was granted scope.
func (t *token) hasScope(scope string) bool {
	return slices.Contains(t.scopes, scope)
}

// Refreshes is the number of successful refresh-token exchanges
// (grant_type=refresh_token) so far.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}

// RefreshReplays is the number of attempts to exchange a refresh token that
// was already spent (each answered with invalid_refresh_token). Two
// replicas sharing one installation store should leave it at 0.
func (s *Server) RefreshReplays() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.replays
}
