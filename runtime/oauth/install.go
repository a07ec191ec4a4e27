package oauth

import (
	"net/http"
	"regexp"
)

// teamIDPattern bounds what the install page forwards as "team".
var teamIDPattern = regexp.MustCompile(`^[A-Z0-9]{1,32}$`)

// InstallHandler serves the start of the install flow (GET, HEAD): it issues
// a state, binds it to the browser with a cookie (see [StateCookieName]) and
// renders the "Add to Slack" page, or redirects straight to Slack with
// Config.DirectInstall. A "team" query parameter (a workspace id) is passed
// on to Slack to preselect the workspace.
func (f *Flow) InstallHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		state, err := f.cfg.States.Issue(r.Context())
		if err != nil {
			f.renderFailure(w, r, fail(ReasonStateStoreFailed, http.StatusInternalServerError, err), f.cfg.InstallPath)
			return
		}
		team := r.URL.Query().Get("team")
		if !teamIDPattern.MatchString(team) {
			team = ""
		}
		authorize := f.AuthorizeURL(state, team)
		setFlowCookie(w, r, StateCookieName(state), state, f.cfg.RedirectURL)
		if f.cfg.DirectInstall {
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, authorize, http.StatusFound)
			return
		}
		page := InstallPage{AppName: f.cfg.AppName, AuthorizeURL: authorize}
		if err := render(w, f.cfg.InstallPage, http.StatusOK, page); err != nil {
			f.log.ErrorContext(r.Context(), "oauth: rendering the install page; check Config.InstallPage", "err", err)
			http.Error(w, "the install page could not be rendered", http.StatusInternalServerError)
		}
	})
}
