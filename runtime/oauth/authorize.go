package oauth

import (
	"net/url"
	"strings"
)

// AuthorizeParams are the query parameters of Slack's authorize page.
type AuthorizeParams struct {
	ClientID    string
	Scopes      []string // bot scopes: "scope"
	UserScopes  []string // user scopes: "user_scope"
	RedirectURL string   // "redirect_uri"; omitted when empty
	State       string
	Team        string // preselects a workspace: "team"; omitted when empty
}

// AuthorizeURL returns <slackURL>/oauth/v2/authorize with p encoded as
// its query. slackURL is Slack's base URL (DefaultSlackURL when empty).
//
//	AuthorizeURL("https://slack.com", AuthorizeParams{ClientID: "123.456", Scopes: []string{"commands", "chat:write"}, State: s})
//	// https://slack.com/oauth/v2/authorize?client_id=123.456&scope=commands%2Cchat%3Awrite&state=…
func AuthorizeURL(slackURL string, p AuthorizeParams) string {
	if slackURL == "" {
		slackURL = DefaultSlackURL
	}
	q := url.Values{"client_id": {p.ClientID}}
	if len(p.Scopes) > 0 {
		q.Set("scope", strings.Join(p.Scopes, ","))
	}
	if len(p.UserScopes) > 0 {
		q.Set("user_scope", strings.Join(p.UserScopes, ","))
	}
	if p.RedirectURL != "" {
		q.Set("redirect_uri", p.RedirectURL)
	}
	if p.State != "" {
		q.Set("state", p.State)
	}
	if p.Team != "" {
		q.Set("team", p.Team)
	}
	return strings.TrimRight(slackURL, "/") + "/oauth/v2/authorize?" + q.Encode()
}

// AuthorizeURL returns the authorize URL of this flow for state, with the
// configured scopes and redirect URL; team, when not empty, preselects a
// workspace.
func (f *Flow) AuthorizeURL(state, team string) string {
	return AuthorizeURL(f.slackURL, AuthorizeParams{
		ClientID:    f.cfg.ClientID,
		Scopes:      f.cfg.Scopes,
		UserScopes:  f.cfg.UserScopes,
		RedirectURL: f.cfg.RedirectURL,
		State:       state,
		Team:        team,
	})
}
