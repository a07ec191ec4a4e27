package oauth

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
)

//go:embed pages/*.html
var pageFS embed.FS

var pages = template.Must(template.ParseFS(pageFS, "pages/*.html"))

// InstallPage is the data of the install page template.
type InstallPage struct {
	AppName      string
	AuthorizeURL string
}

type resultPage struct {
	AppName    string
	Success    *Success
	AppURL     template.URL // the slack:// deep link, built by this package
	Refresh    string       // content of a meta refresh to the org admin page
	Failure    *Failure
	Message    string
	InstallURL string // where to start again
}

var reasonMessages = map[string]string{
	ReasonAccessDenied:       "The installation was cancelled.",
	ReasonSlackError:         "Slack reported an error.",
	ReasonMissingState:       "The link is incomplete. Please start the installation again.",
	ReasonMissingCookie:      "This browser did not start this installation, or it took longer than 10 minutes. Please start again in this browser.",
	ReasonStateMismatch:      "This browser started another installation. Please start again.",
	ReasonInvalidState:       "This link was already used or is not valid. Please start the installation again.",
	ReasonExpiredState:       "This installation link has expired. Please start again.",
	ReasonMissingCode:        "Slack did not send an authorization code. Please start again.",
	ReasonInvalidCode:        "Slack did not accept the authorization code. Please start the installation again.",
	ReasonExchangeFailed:     "We could not complete the installation with Slack. Please try again in a moment.",
	ReasonAuthTestFailed:     "We could not verify the new installation with Slack. Please try again in a moment.",
	ReasonUserInfoFailed:     "We could not read your Slack profile. Please try again in a moment.",
	ReasonInvalidIDToken:     "Slack's answer could not be verified. Please try again.",
	ReasonNonceMismatch:      "This sign-in was started in another browser. Please start again.",
	ReasonStateStoreFailed:   "Something went wrong on our side. Please try again in a moment.",
	ReasonStorageFailed:      "Something went wrong on our side while saving the installation. Please try again in a moment.",
	ReasonInstallAborted:     "The installation was refused.",
	ReasonAfterInstallFailed: "The app was installed, but setting it up failed. Please contact the app's owner.",
	ReasonNotConfigured:      "Sign in with Slack is not enabled for this app.",
}

// render executes a page into a buffer first, so a template error never
// leaves half a page behind.
func render(w http.ResponseWriter, tmpl *template.Template, status int, data any) error {
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// renderFailure logs and renders fl; restart is the link to start again.
func (f *Flow) renderFailure(w http.ResponseWriter, r *http.Request, fl *Failure, restart string) {
	attrs := []any{"reason", fl.Reason, "status", fl.Status, "path", r.URL.Path}
	if fl.Err != nil {
		attrs = append(attrs, "err", fl.Err.Error())
	}
	if fl.Status >= 500 {
		f.log.ErrorContext(r.Context(), "oauth: flow failed", attrs...)
	} else {
		f.log.WarnContext(r.Context(), "oauth: flow refused", attrs...)
	}
	if f.cfg.RenderFailure != nil {
		f.cfg.RenderFailure(w, r, fl)
		return
	}
	msg, ok := reasonMessages[fl.Reason]
	if !ok {
		msg = "The installation could not be completed."
	}
	data := resultPage{AppName: f.cfg.AppName, Failure: fl, Message: msg, InstallURL: restart}
	if err := render(w, pages.Lookup("failure.html"), fl.Status, data); err != nil {
		f.log.ErrorContext(r.Context(), "oauth: rendering the failure page", "err", err)
	}
}

func (f *Flow) renderSuccess(w http.ResponseWriter, r *http.Request, s *Success) {
	if f.cfg.RenderSuccess != nil {
		f.cfg.RenderSuccess(w, r, s)
		return
	}
	// html/template refuses non-http URLs; the deep link is built from
	// query-escaped ids by Flow.success, so it is safe to mark.
	data := resultPage{AppName: f.cfg.AppName, Success: s, AppURL: template.URL(s.AppURL)}
	if s.Installation.IsEnterpriseInstall && isWebURL(s.BrowserURL) {
		// Org-wide installs continue on the org's admin page, where the
		// admin picks the workspaces. Workspace installs stay on the page:
		// an automatic jump to slack:// would fail without the desktop app.
		data.Refresh = "0; url=" + s.BrowserURL
	}
	if err := render(w, pages.Lookup("success.html"), http.StatusOK, data); err != nil {
		f.log.ErrorContext(r.Context(), "oauth: rendering the success page", "err", err)
	}
}

// isWebURL reports whether s is an absolute http(s) URL, the only kind the
// success page redirects to by itself.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
