package slacktest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

type flow string

const (
	flowOAuth  flow = "oauth"  // /oauth/v2/authorize → oauth.v2.access
	flowOpenID flow = "openid" // /openid/connect/authorize → openid.connect.token
)

// codeLifetime is how long an authorization code can be exchanged, as at
// Slack; then it is forgotten, used or not.
const codeLifetime = 10 * time.Minute

// newCode issues the authorization code of g (which expires at g.expires),
// and forgets the codes that expired. Callers hold s.mu.
func (s *Server) newCode(g *grant) string {
	s.codeExpiry.sweep(s.opts.now(), func(code string) { delete(s.codes, code) })
	code := s.rnd.digits(13) + "." + s.rnd.digits(13) + "." + s.rnd.hex(32)
	s.codes[code] = g
	s.codeExpiry.push(code, g.expires)
	return code
}

// grant is what the user allowed on the consent page; its code is exchanged
// once for tokens.
type grant struct {
	install
	flow        flow
	redirectURI string // the redirect_uri given to the authorize page ("" when none)
	botScopes   []string
	userScopes  []string
	nonce       string
	challenge   string // PKCE code_challenge (S256)
	expires     time.Time
	used        bool
}

// authRequest is a checked request of the authorize page.
type authRequest struct {
	app         *app
	flow        flow
	clientID    string
	botScopes   []string
	userScopes  []string
	redirectURI string // as given
	target      string // where the browser goes back to
	state       string
	team        string
	nonce       string
	challenge   string
}

// parseAuthorize checks the parameters of an authorize request against the
// registered apps. The error message is shown to the user. Callers hold s.mu.
func (s *Server) parseAuthorize(f flow, q url.Values) (*authRequest, string) {
	ar := &authRequest{
		flow:        f,
		clientID:    q.Get("client_id"),
		redirectURI: q.Get("redirect_uri"),
		state:       q.Get("state"),
		team:        q.Get("team"),
		nonce:       q.Get("nonce"),
		challenge:   q.Get("code_challenge"),
	}
	if ar.challenge != "" && q.Get("code_challenge_method") != "S256" {
		return nil, "invalid_request: code_challenge_method must be S256."
	}
	if ar.clientID == "" {
		return nil, "The client_id parameter is missing."
	}
	if ar.app = s.appByClientID(ar.clientID); ar.app == nil {
		return nil, fmt.Sprintf("Invalid client_id parameter: no app has client id %q.", ar.clientID)
	}
	cfg := ar.app.cfg
	switch f {
	case flowOAuth:
		ar.botScopes = splitScopes(q.Get("scope"))
		ar.userScopes = splitScopes(q.Get("user_scope"))
		if len(ar.botScopes) == 0 && len(ar.userScopes) == 0 {
			return nil, "invalid_scope: request at least one scope (scope= or user_scope=)."
		}
		if bad := missing(ar.botScopes, cfg.BotScopes); len(bad) > 0 {
			return nil, fmt.Sprintf("invalid_scope: bot scopes %s are not in the app's configuration (allowed: %s).", strings.Join(bad, ", "), orNone(cfg.BotScopes))
		}
		if bad := missing(ar.userScopes, cfg.UserScopes); len(bad) > 0 {
			return nil, fmt.Sprintf("invalid_scope: user scopes %s are not in the app's configuration (allowed: %s).", strings.Join(bad, ", "), orNone(cfg.UserScopes))
		}
	case flowOpenID:
		if rt := q.Get("response_type"); rt != "code" {
			return nil, fmt.Sprintf("invalid_request: response_type must be code, not %q.", rt)
		}
		ar.userScopes = splitScopes(q.Get("scope"))
		if !slices.Contains(ar.userScopes, "openid") {
			return nil, "invalid_scope: Sign in with Slack needs the openid scope."
		}
		if bad := missing(ar.userScopes, []string{"openid", "profile", "email"}); len(bad) > 0 {
			return nil, fmt.Sprintf("invalid_scope: %s cannot be requested with Sign in with Slack (use openid, profile, email).", strings.Join(bad, ", "))
		}
		if bad := missing(ar.userScopes, cfg.UserScopes); len(bad) > 0 {
			return nil, fmt.Sprintf("invalid_scope: user scopes %s are not in the app's configuration (allowed: %s).", strings.Join(bad, ", "), orNone(cfg.UserScopes))
		}
		if ar.redirectURI == "" {
			return nil, "redirect_uri is required for Sign in with Slack."
		}
	}
	switch {
	case ar.redirectURI != "":
		if !cfg.allowsRedirect(ar.redirectURI) {
			return nil, fmt.Sprintf("redirect_uri did not match any configured URIs. Passed URI: %s (configured: %s).", ar.redirectURI, orNone(cfg.RedirectURLs))
		}
		ar.target = ar.redirectURI
	case len(cfg.RedirectURLs) > 0:
		ar.target = cfg.RedirectURLs[0]
	default:
		return nil, "No redirect_uri was given and the app has no redirect URL configured."
	}
	if ar.team != "" {
		if _, ok := s.enterprises[ar.team]; ok {
			if f == flowOpenID || len(ar.botScopes) == 0 {
				return nil, fmt.Sprintf("team=%s is an organization: only a bot install can be org-wide.", ar.team)
			}
		} else if _, err := s.workspace(ar.team); err != nil {
			return nil, fmt.Sprintf("Invalid team parameter: %v.", err)
		}
	}
	return ar, ""
}

// choice is one entry of the consent page's workspace selector.
type choice struct {
	Value    string
	Label    string
	Selected bool
}

// choices lists what the user may install into. Callers hold s.mu.
func (s *Server) choices(ar *authRequest) []choice {
	var out []choice
	for _, id := range s.wsOrder {
		w := s.workspaces[id]
		if ar.team != "" && ar.team != w.ID {
			continue
		}
		label := w.Name
		if w.EnterpriseID != "" {
			label += " (" + s.enterprises[w.EnterpriseID].Name + ")"
		}
		out = append(out, choice{Value: w.ID, Label: label})
	}
	if ar.flow == flowOAuth && len(ar.botScopes) > 0 {
		for _, id := range sortedKeys(s.enterprises) {
			e := s.enterprises[id]
			if ar.team != "" && ar.team != e.ID {
				continue
			}
			out = append(out, choice{Value: e.ID, Label: e.Name + " — entire organization (org-wide install)"})
		}
	}
	if len(out) > 0 {
		out[0].Selected = true
	}
	return out
}

func (s *Server) handleAuthorize(f flow) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		ar, msg := s.parseAuthorize(f, r.URL.Query())
		var page consentPage
		if ar != nil {
			page = consentPage{
				Action:     r.URL.Path,
				AppName:    ar.app.cfg.Name,
				BotScopes:  ar.botScopes,
				UserScopes: ar.userScopes,
				Choices:    s.choices(ar),
				OpenID:     f == flowOpenID,
				Hidden:     hiddenFields(r.URL.Query()),
			}
		}
		s.mu.Unlock()
		if ar == nil {
			renderError(w, msg)
			return
		}
		renderConsent(w, page)
	}
}

func (s *Server) handleDecision(f flow) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			renderError(w, "The form could not be read: "+err.Error())
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		ar, msg := s.parseAuthorize(f, r.PostForm)
		if ar == nil {
			renderError(w, msg)
			return
		}
		q := url.Values{}
		if r.PostForm.Get("decision") != "allow" {
			q.Set("error", "access_denied")
			if ar.state != "" {
				q.Set("state", ar.state)
			}
			http.Redirect(w, r, withQuery(ar.target, q), http.StatusFound)
			return
		}
		team := r.PostForm.Get("team")
		if team == "" {
			team = ar.team
		}
		valid := false
		for _, c := range s.choices(ar) {
			valid = valid || c.Value == team
		}
		if !valid {
			renderError(w, fmt.Sprintf("Choose a workspace to install %s into (got %q).", ar.app.cfg.Name, team))
			return
		}
		g := &grant{
			flow:        f,
			redirectURI: ar.redirectURI,
			botScopes:   ar.botScopes,
			userScopes:  ar.userScopes,
			nonce:       ar.nonce,
			challenge:   ar.challenge,
			expires:     s.opts.now().Add(codeLifetime),
			install:     install{appID: ar.app.cfg.AppID},
		}
		if e, ok := s.enterprises[team]; ok {
			g.enterpriseID, g.isEnterpriseInstall, g.userID = e.ID, true, e.UserID
		} else {
			ws := s.workspaces[team]
			g.teamID, g.enterpriseID, g.userID = ws.ID, ws.EnterpriseID, ws.UserID
		}
		q.Set("code", s.newCode(g))
		if ar.state != "" {
			q.Set("state", ar.state)
		}
		http.Redirect(w, r, withQuery(ar.target, q), http.StatusFound)
	}
}

// hiddenFields carries the authorize parameters through the consent form.
func hiddenFields(q url.Values) []field {
	var out []field
	for _, k := range []string{"client_id", "scope", "user_scope", "redirect_uri", "state", "team", "nonce", "response_type", "code_challenge", "code_challenge_method"} {
		if v := q.Get(k); v != "" {
			out = append(out, field{Name: k, Value: v})
		}
	}
	return out
}

func splitScopes(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// missing returns the elements of want that are not in have.
func missing(want, have []string) []string {
	var out []string
	for _, w := range want {
		if !slices.Contains(have, w) {
			out = append(out, w)
		}
	}
	return out
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func withQuery(target string, q url.Values) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	v := u.Query()
	for k, vs := range q {
		v[k] = vs
	}
	u.RawQuery = v.Encode()
	return u.String()
}
