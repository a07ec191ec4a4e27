package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/statestore"
)

// CallbackHandler serves the redirect URL (GET): it checks Slack's error
// parameter, the state against its cookie and the state store, exchanges
// the code with oauth.v2.access, calls auth.test with the new bot token,
// runs BeforeInstall, saves the installation, runs AfterInstall and renders
// the success or failure page. See the package documentation for the
// failure reasons and statuses.
func (f *Flow) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		inst, fl := f.callback(w, r)
		if fl != nil {
			f.renderFailure(w, r, fl, f.cfg.InstallPath)
			return
		}
		f.log.InfoContext(r.Context(), "oauth: app installed",
			"team_id", inst.TeamID, "enterprise_id", inst.EnterpriseID,
			"is_enterprise_install", inst.IsEnterpriseInstall, "user_id", inst.UserID)
		f.renderSuccess(w, r, f.success(inst))
	})
}

func (f *Flow) callback(w http.ResponseWriter, r *http.Request) (*installstore.Installation, *Failure) {
	ctx := r.Context()
	q := r.URL.Query()
	state := q.Get("state")
	if state != "" {
		// Whatever happens next, this flow is over: drop its cookie.
		clearFlowCookie(w, r, StateCookieName(state), f.cfg.RedirectURL)
	}
	if e := q.Get("error"); e != "" {
		if e == "access_denied" {
			return nil, fail(ReasonAccessDenied, http.StatusForbidden, nil)
		}
		return nil, fail(ReasonSlackError, http.StatusBadRequest, fmt.Errorf("slack redirected with error=%.64q", e))
	}
	code := q.Get("code")
	if state == "" {
		if !f.cfg.AllowInstallWithoutState || code == "" {
			return nil, fail(ReasonMissingState, http.StatusBadRequest, nil)
		}
		f.log.WarnContext(ctx, "oauth: state check skipped for a callback without state (Config.AllowInstallWithoutState, admin-initiated org install)",
			"remote_addr", r.RemoteAddr)
	} else if fl := f.checkState(r, state, StateCookieName(state)); fl != nil {
		return nil, fl
	}
	if code == "" {
		return nil, fail(ReasonMissingCode, http.StatusBadRequest, nil)
	}

	inst, fl := f.exchange(ctx, code)
	if fl != nil {
		return nil, fl
	}
	if f.cfg.BeforeInstall != nil {
		if err := f.cfg.BeforeInstall(r, inst); err != nil {
			return nil, asFailure(err, ReasonInstallAborted, http.StatusForbidden)
		}
	}
	if err := f.cfg.Installations.Save(ctx, inst); err != nil {
		return nil, fail(ReasonStorageFailed, http.StatusInternalServerError, fmt.Errorf("saving the installation: %w", err))
	}
	if inst.BotRefreshToken != "" || inst.UserRefreshToken != "" {
		f.rotator.Track(installstore.Key(inst))
	}
	if f.cfg.AfterInstall != nil {
		if err := f.cfg.AfterInstall(r, inst); err != nil {
			return nil, asFailure(err, ReasonAfterInstallFailed, http.StatusInternalServerError)
		}
	}
	return inst, nil
}

// checkState checks state against the browser's cookie, then consumes it.
func (f *Flow) checkState(r *http.Request, state, cookie string) *Failure {
	c, err := r.Cookie(cookie)
	if err != nil || c.Value == "" {
		return fail(ReasonMissingCookie, http.StatusBadRequest, nil)
	}
	if !equalSecret(c.Value, state) {
		return fail(ReasonStateMismatch, http.StatusBadRequest, nil)
	}
	return f.consume(r.Context(), state)
}

func (f *Flow) consume(ctx context.Context, state string) *Failure {
	switch err := f.cfg.States.Consume(ctx, state); {
	case err == nil:
		return nil
	case errors.Is(err, statestore.ErrExpired):
		return fail(ReasonExpiredState, http.StatusBadRequest, nil)
	case errors.Is(err, statestore.ErrInvalid):
		return fail(ReasonInvalidState, http.StatusBadRequest, nil)
	default:
		return fail(ReasonStateStoreFailed, http.StatusInternalServerError, fmt.Errorf("consuming the state: %w", err))
	}
}

// codeErrors are the oauth.v2.access / openid.connect.token errors caused by
// the code the browser brought, as opposed to Slack or configuration
// trouble.
var codeErrors = map[string]bool{
	"invalid_code":                     true,
	"code_already_used":                true,
	"code_expired":                     true,
	"bad_redirect_uri":                 true,
	"oauth_authorization_url_mismatch": true,
	"invalid_grant_type":               true,
}

func exchangeFailure(method string, err error) *Failure {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && codeErrors[se.Err] {
		return fail(ReasonInvalidCode, http.StatusBadRequest, fmt.Errorf("%s: %w", method, err))
	}
	if errors.As(err, &se) && (se.Err == "invalid_client_id" || se.Err == "bad_client_secret") {
		err = fmt.Errorf("%w (check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)", err)
	}
	return fail(ReasonExchangeFailed, http.StatusBadGateway, fmt.Errorf("%s: %w", method, err))
}

// exchange turns code into an installation: oauth.v2.access, then auth.test.
func (f *Flow) exchange(ctx context.Context, code string) (*installstore.Installation, *Failure) {
	resp, err := slack.GetOAuthV2ResponseContext(ctx, f.cfg.HTTPClient, f.cfg.ClientID, f.cfg.ClientSecret,
		code, f.cfg.RedirectURL, slack.OAuthOptionAPIURL(f.apiURL))
	if err != nil {
		return nil, exchangeFailure("oauth.v2.access", err)
	}
	inst := installationFrom(resp, f.now().UTC())
	if inst.BotToken != "" {
		api := slack.New(inst.BotToken, slack.OptionAPIURL(f.apiURL), slack.OptionHTTPClient(f.cfg.HTTPClient))
		at, err := api.AuthTestContext(ctx)
		if err != nil {
			return nil, fail(ReasonAuthTestFailed, http.StatusBadGateway, fmt.Errorf("auth.test with the new bot token: %w", err))
		}
		inst.BotID = at.BotID
		if inst.IsEnterpriseInstall {
			inst.EnterpriseURL = at.URL
		}
	}
	return inst, nil
}

// installationFrom maps an oauth.v2.access response; now turns expires_in
// into expiry times.
func installationFrom(resp *slack.OAuthV2Response, now time.Time) *installstore.Installation {
	inst := &installstore.Installation{
		AppID:                           resp.AppID,
		EnterpriseID:                    resp.Enterprise.ID,
		EnterpriseName:                  resp.Enterprise.Name,
		TeamID:                          resp.Team.ID,
		TeamName:                        resp.Team.Name,
		UserID:                          resp.AuthedUser.ID,
		IncomingWebhookURL:              resp.IncomingWebhook.URL,
		IncomingWebhookChannel:          resp.IncomingWebhook.Channel,
		IncomingWebhookChannelID:        resp.IncomingWebhook.ChannelID,
		IncomingWebhookConfigurationURL: resp.IncomingWebhook.ConfigurationURL,
		IsEnterpriseInstall:             resp.IsEnterpriseInstall,
		TokenType:                       resp.TokenType,
		InstalledAt:                     now,
	}
	// A user-only install has no top-level token; its token_type is "user"
	// only in the authed_user object.
	if resp.AccessToken != "" && (resp.TokenType == "" || resp.TokenType == "bot") {
		inst.BotToken = resp.AccessToken
		inst.BotUserID = resp.BotUserID
		inst.BotScopes = splitScopes(resp.Scope)
		inst.BotRefreshToken = resp.RefreshToken
		inst.BotTokenExpiresAt = expiry(now, resp.ExpiresIn)
	}
	if u := resp.AuthedUser; u.AccessToken != "" {
		inst.UserToken = u.AccessToken
		inst.UserScopes = splitScopes(u.Scope)
		inst.UserRefreshToken = u.RefreshToken
		inst.UserTokenExpiresAt = expiry(now, u.ExpiresIn)
		if inst.TokenType == "" {
			inst.TokenType = u.TokenType
		}
	}
	return inst
}

func expiry(now time.Time, expiresIn int) time.Time {
	if expiresIn <= 0 {
		return time.Time{}
	}
	return now.Add(time.Duration(expiresIn) * time.Second).UTC()
}

func splitScopes(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
