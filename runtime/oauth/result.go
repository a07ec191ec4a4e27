package oauth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// Reason codes of a [Failure]. They are stable: pages, logs and tests may
// rely on them.
const (
	ReasonAccessDenied       = "access_denied"        // 403: the user pressed Cancel on Slack's page
	ReasonSlackError         = "slack_error"          // 400: Slack redirected back with another error parameter
	ReasonMissingState       = "missing_state"        // 400: no state parameter
	ReasonMissingCookie      = "missing_cookie"       // 400: no cookie for this state (other browser, expired cookie)
	ReasonStateMismatch      = "state_mismatch"       // 400: the cookie holds another state
	ReasonInvalidState       = "invalid_state"        // 400: unknown, forged or already used state
	ReasonExpiredState       = "expired_state"        // 400: the state is older than its lifetime
	ReasonMissingCode        = "missing_code"         // 400: no code parameter
	ReasonInvalidCode        = "invalid_code"         // 400: Slack refused the code (invalid, used, expired, redirect mismatch)
	ReasonExchangeFailed     = "exchange_failed"      // 502: oauth.v2.access or openid.connect.token failed otherwise
	ReasonAuthTestFailed     = "auth_test_failed"     // 502: auth.test with the new bot token failed
	ReasonUserInfoFailed     = "userinfo_failed"      // 502: openid.connect.userInfo failed
	ReasonInvalidIDToken     = "invalid_id_token"     // 502: the id_token is malformed, for another client, or expired
	ReasonNonceMismatch      = "nonce_mismatch"       // 400: the id_token's nonce is not this browser's
	ReasonStateStoreFailed   = "state_store_failed"   // 500: issuing or consuming the state failed
	ReasonStorageFailed      = "storage_failed"       // 500: saving the installation failed
	ReasonInstallAborted     = "install_aborted"      // 403: BeforeInstall refused the install
	ReasonAfterInstallFailed = "after_install_failed" // 500: AfterInstall failed
	ReasonNotConfigured      = "not_configured"       // 404: Sign in with Slack is not configured
)

// Failure is a failed install or sign-in, as shown to the user.
type Failure struct {
	// Reason is one of the Reason* codes, or the hook's own code.
	Reason string
	// Status is the HTTP status of the failure page.
	Status int
	// Err is the cause, for logs; never shown on the default page.
	Err error
}

// Abort returns a failure with reason and status 403, for BeforeInstall to
// refuse an install.
func Abort(reason string) *Failure {
	return &Failure{Reason: reason, Status: http.StatusForbidden}
}

func (f *Failure) Error() string {
	if f.Err != nil {
		return fmt.Sprintf("oauth: %s: %v", f.Reason, f.Err)
	}
	return "oauth: " + f.Reason
}

func (f *Failure) Unwrap() error { return f.Err }

func fail(reason string, status int, err error) *Failure {
	return &Failure{Reason: reason, Status: status, Err: err}
}

// asFailure turns a hook's error into a Failure.
func asFailure(err error, reason string, status int) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		if f.Status == 0 {
			f.Status = status
		}
		if f.Reason == "" {
			f.Reason = reason
		}
		return f
	}
	return fail(reason, status, err)
}

// Success is a completed install, as shown to the user.
type Success struct {
	Installation *installstore.Installation
	// AppURL opens the app in the Slack client (slack://app?team=…&id=…);
	// empty for org-wide installs.
	AppURL string
	// BrowserURL opens the workspace in a browser, or for org-wide installs
	// the organization's admin page where the app is added to workspaces.
	BrowserURL string
}

func (f *Flow) success(inst *installstore.Installation) *Success {
	s := &Success{Installation: inst}
	if inst.IsEnterpriseInstall {
		if inst.EnterpriseURL != "" {
			base := inst.EnterpriseURL
			if !strings.HasSuffix(base, "/") {
				base += "/"
			}
			s.BrowserURL = base + "manage/organization/apps/profile/" + url.PathEscape(inst.AppID) + "/workspaces/add"
		}
		return s
	}
	s.AppURL = "slack://app?team=" + url.QueryEscape(inst.TeamID) + "&id=" + url.QueryEscape(inst.AppID)
	s.BrowserURL = f.cfg.ClientURL + url.PathEscape(inst.TeamID)
	return s
}
