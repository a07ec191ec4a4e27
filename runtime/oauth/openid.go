package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Identity is a user who signed in with Slack.
type Identity struct {
	UserID        string
	TeamID        string
	EnterpriseID  string // from the id_token, for Enterprise Grid users
	Email         string
	EmailVerified bool
	Name          string
	GivenName     string
	FamilyName    string
	Picture       string
	Locale        string
	TeamName      string
	TeamDomain    string
	// AccessToken is the user's token for the OpenID scopes (it can call
	// openid.connect.userInfo). Keep it out of logs.
	AccessToken string
	// UserInfo is the full openid.connect.userInfo response.
	UserInfo *slack.OpenIDConnectUserInfoResponse
}

// LoginHandler starts Sign in with Slack (GET, HEAD): it issues a state and
// a nonce, binds both to the browser with one cookie and redirects to
// <SlackURL>/openid/connect/authorize. A "team" query parameter preselects
// a workspace. Without Config.OnLogin it answers 404.
func (f *Flow) LoginHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if f.cfg.OnLogin == nil {
			f.renderFailure(w, r, fail(ReasonNotConfigured, http.StatusNotFound, nil), "")
			return
		}
		state, err := f.cfg.States.Issue(r.Context())
		if err != nil {
			f.renderFailure(w, r, fail(ReasonStateStoreFailed, http.StatusInternalServerError, err), "")
			return
		}
		nonce, err := randomToken()
		if err != nil {
			f.renderFailure(w, r, fail(ReasonStateStoreFailed, http.StatusInternalServerError, err), "")
			return
		}
		q := url.Values{
			"response_type": {"code"},
			"scope":         {strings.Join(f.cfg.LoginScopes, " ")},
			"client_id":     {f.cfg.ClientID},
			"state":         {state},
			"nonce":         {nonce},
			"redirect_uri":  {f.cfg.LoginRedirectURL},
		}
		if team := r.URL.Query().Get("team"); teamIDPattern.MatchString(team) {
			q.Set("team", team)
		}
		// The nonce is base64url, so the first "." separates it from the
		// state.
		setFlowCookie(w, r, cookieName(LoginCookiePrefix, state), nonce+"."+state, f.cfg.LoginRedirectURL)
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, f.slackURL+"/openid/connect/authorize?"+q.Encode(), http.StatusFound)
	})
}

// LoginCallbackHandler finishes Sign in with Slack (GET): it checks the
// state and its cookie, exchanges the code with openid.connect.token, checks
// the id_token's nonce, audience and expiry, calls openid.connect.userInfo
// and passes the [Identity] to Config.OnLogin, which writes the response.
// Failures render the failure page (see the package documentation).
func (f *Flow) LoginCallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if f.cfg.OnLogin == nil {
			f.renderFailure(w, r, fail(ReasonNotConfigured, http.StatusNotFound, nil), "")
			return
		}
		id, fl := f.loginCallback(w, r)
		if fl != nil {
			f.renderFailure(w, r, fl, "")
			return
		}
		f.log.InfoContext(r.Context(), "oauth: signed in with Slack", "user_id", id.UserID, "team_id", id.TeamID)
		f.cfg.OnLogin(w, r, id)
	})
}

func (f *Flow) loginCallback(w http.ResponseWriter, r *http.Request) (*Identity, *Failure) {
	ctx := r.Context()
	q := r.URL.Query()
	state := q.Get("state")
	name := cookieName(LoginCookiePrefix, state)
	if state != "" {
		clearFlowCookie(w, r, name, f.cfg.LoginRedirectURL)
	}
	if e := q.Get("error"); e != "" {
		if e == "access_denied" {
			return nil, fail(ReasonAccessDenied, http.StatusForbidden, nil)
		}
		return nil, fail(ReasonSlackError, http.StatusBadRequest, fmt.Errorf("slack redirected with error=%.64q", e))
	}
	if state == "" {
		return nil, fail(ReasonMissingState, http.StatusBadRequest, nil)
	}
	c, err := r.Cookie(name)
	if err != nil || c.Value == "" {
		return nil, fail(ReasonMissingCookie, http.StatusBadRequest, nil)
	}
	nonce, cookieState, ok := strings.Cut(c.Value, ".")
	if !ok || !equalSecret(cookieState, state) {
		return nil, fail(ReasonStateMismatch, http.StatusBadRequest, nil)
	}
	if fl := f.consume(ctx, state); fl != nil {
		return nil, fl
	}
	code := q.Get("code")
	if code == "" {
		return nil, fail(ReasonMissingCode, http.StatusBadRequest, nil)
	}
	tok, err := slack.GetOpenIDConnectTokenContext(ctx, f.cfg.HTTPClient, f.cfg.ClientID, f.cfg.ClientSecret,
		code, f.cfg.LoginRedirectURL, slack.OAuthOptionAPIURL(f.apiURL))
	if err != nil {
		return nil, exchangeFailure("openid.connect.token", err)
	}
	claims, err := parseIDToken(tok.IdToken)
	if err != nil {
		return nil, fail(ReasonInvalidIDToken, http.StatusBadGateway, err)
	}
	if !claims.hasAudience(f.cfg.ClientID) {
		return nil, fail(ReasonInvalidIDToken, http.StatusBadGateway, errors.New("the id_token's aud is not this app's client id"))
	}
	if claims.Exp != 0 && f.now().After(time.Unix(claims.Exp, 0).Add(time.Minute)) {
		return nil, fail(ReasonInvalidIDToken, http.StatusBadGateway, errors.New("the id_token has expired (check the server clock)"))
	}
	if claims.Nonce == "" || !equalSecret(claims.Nonce, nonce) {
		return nil, fail(ReasonNonceMismatch, http.StatusBadRequest, nil)
	}
	api := slack.New(tok.AccessToken, slack.OptionAPIURL(f.apiURL), slack.OptionHTTPClient(f.cfg.HTTPClient))
	info, err := api.GetOpenIDConnectUserInfoContext(ctx)
	if err != nil {
		return nil, fail(ReasonUserInfoFailed, http.StatusBadGateway, fmt.Errorf("openid.connect.userInfo: %w", err))
	}
	if claims.Sub != "" && info.Sub != "" && claims.Sub != info.Sub {
		return nil, fail(ReasonInvalidIDToken, http.StatusBadGateway, errors.New("openid.connect.userInfo describes another user than the id_token"))
	}
	id := &Identity{
		UserID:        info.UserID,
		TeamID:        info.TeamID,
		EnterpriseID:  claims.EnterpriseID,
		Email:         info.Email,
		EmailVerified: info.EmailVerified,
		Name:          info.Name,
		GivenName:     info.GivenName,
		FamilyName:    info.FamilyName,
		Picture:       info.Picture,
		Locale:        info.Locale,
		TeamName:      info.TeamName,
		TeamDomain:    info.TeamDomain,
		AccessToken:   tok.AccessToken,
		UserInfo:      info,
	}
	if id.UserID == "" {
		id.UserID = claims.UserID
	}
	if id.TeamID == "" {
		id.TeamID = claims.TeamID
	}
	return id, nil
}

// idClaims are the id_token claims this package reads.
type idClaims struct {
	Iss          string   `json:"iss"`
	Sub          string   `json:"sub"`
	Aud          audience `json:"aud"`
	Exp          int64    `json:"exp"`
	Nonce        string   `json:"nonce"`
	UserID       string   `json:"https://slack.com/user_id"`
	TeamID       string   `json:"https://slack.com/team_id"`
	EnterpriseID string   `json:"https://slack.com/enterprise_id"`
}

// audience is the "aud" claim: a string or an array of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor an array of strings")
	}
	*a = many
	return nil
}

func (c *idClaims) hasAudience(clientID string) bool {
	return slices.Contains(c.Aud, clientID)
}

// parseIDToken decodes the payload of a JWT without verifying its
// signature; see the package documentation for why that is sound here.
func parseIDToken(tok string) (*idClaims, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("the id_token is not a JWT (want three dot-separated parts)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("decoding the id_token payload: %w", err)
	}
	var c idClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("parsing the id_token claims: %w", err)
	}
	return &c, nil
}

// randomToken returns 128 bits from crypto/rand, base64url-encoded.
func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
