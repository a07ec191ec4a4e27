package oauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Cookie attributes of a flow.
const (
	// StateCookiePrefix starts the name of an install flow's state cookie.
	StateCookiePrefix = "slack-oauth-state-"
	// LoginCookiePrefix starts the name of a Sign in with Slack cookie.
	LoginCookiePrefix = "slack-login-state-"
	// CookieMaxAge is the lifetime of a flow's cookie in seconds.
	CookieMaxAge = 600
)

// StateCookieName returns the name of the cookie that binds state to the
// browser: StateCookiePrefix and the first 16 hex digits of SHA-256(state).
// Each flow has its own cookie, so parallel installs in two tabs do not
// overwrite each other.
func StateCookieName(state string) string { return cookieName(StateCookiePrefix, state) }

func cookieName(prefix, state string) string {
	sum := sha256.Sum256([]byte(state))
	return prefix + hex.EncodeToString(sum[:8])
}

// setFlowCookie writes the cookie for one flow. secureFrom is the URL the
// browser comes back to (the redirect URL), or empty to judge from r.
func setFlowCookie(w http.ResponseWriter, r *http.Request, name, value, secureFrom string) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   CookieMaxAge,
		HttpOnly: true,
		Secure:   !isLoopbackHTTP(r, secureFrom),
		SameSite: http.SameSiteLaxMode,
	})
}

func clearFlowCookie(w http.ResponseWriter, r *http.Request, name, secureFrom string) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   !isLoopbackHTTP(r, secureFrom),
		SameSite: http.SameSiteLaxMode,
	})
}

// isLoopbackHTTP reports whether the app runs over plain http on a loopback
// host, the only case where cookies are not marked Secure. It judges from
// redirectURL when set, else from the request.
func isLoopbackHTTP(r *http.Request, redirectURL string) bool {
	if redirectURL != "" {
		u, err := url.Parse(redirectURL)
		return err == nil && u.Scheme == "http" && isLoopbackHost(u.Hostname())
	}
	if r.TLS != nil {
		return false
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return isLoopbackHost(strings.Trim(host, "[]"))
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// equalSecret compares two secrets in constant time.
func equalSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
