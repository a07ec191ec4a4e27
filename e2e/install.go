// Package e2e holds slackgen's end-to-end tests: generated apps run as real
// processes on loopback against the slacktest emulator, and are driven the
// way Slack and a user's browser drive them (headless Chromium, signed
// traffic, an HTTP client with a cookie jar).
//
// Tests that need an outside program or service skip with a message unless
// its environment variable is set: SLACKGEN_TEST_CHROMIUM (path of a
// Chromium binary) and SLACKGEN_TEST_POSTGRES_URL. SLACKGEN_TEST_ARTIFACTS
// names a directory where browser screenshots are kept.
//
// Besides the tests, the package exports [Installer], which walks an app's
// OAuth install flow over plain HTTP; `make demo` uses it for its smoke mode.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Installer walks an app's OAuth v2 install flow against the slacktest
// emulator over plain HTTP, as a browser does: the app's install page, its
// "Add to Slack" link, the emulator's consent page, Allow, and the redirect
// back to the app. It keeps cookies between steps (the app binds the state
// to the browser with a cookie) and follows no redirect on its own, so that
// the callback can be sent to another replica of the app.
//
//	in := e2e.NewInstaller()
//	res, err := in.Install(ctx, appURL, "", "T0001")
//	if err == nil && res.Status == http.StatusOK { … }
//
// An Installer is one browser: use one per concurrent install.
type Installer struct {
	// Client sends every request; it has a cookie jar and does not follow
	// redirects.
	Client *http.Client
}

// NewInstaller returns an Installer with a fresh cookie jar and a 30-second
// timeout per request.
func NewInstaller() *Installer {
	jar, _ := cookiejar.New(nil) // cookiejar.New never fails without options
	return &Installer{Client: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// InstallResult is the app's answer to the OAuth callback.
type InstallResult struct {
	// CallbackURL is the redirect the emulator sent the browser to (with
	// code and state), after the host was replaced by finishURL's.
	CallbackURL string
	Status      int
	Body        string
}

// Succeeded reports whether the app answered 200 with its success page.
func (r *InstallResult) Succeeded() bool {
	return r.Status == http.StatusOK && strings.Contains(r.Body, `data-result="success"`)
}

var (
	addToSlackRe = regexp.MustCompile(`id="add-to-slack"[^>]*href="([^"]+)"`)
	formActionRe = regexp.MustCompile(`<form[^>]*action="([^"]*)"`)
	hiddenRe     = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
	selectedRe   = regexp.MustCompile(`<option value="([^"]*)"[^>]*selected`)
)

// AuthorizeURL opens the app's install page (appURL + "/slack/install") and
// returns where its "Add to Slack" link (or its redirect) leads: the
// emulator's authorize page, with the state the app issued. The state's
// cookie is now in the Installer's jar.
func (in *Installer) AuthorizeURL(ctx context.Context, appURL string) (*url.URL, error) {
	page, err := url.Parse(strings.TrimSuffix(appURL, "/") + "/slack/install")
	if err != nil {
		return nil, fmt.Errorf("app URL %q: %w", appURL, err)
	}
	resp, body, err := in.get(ctx, page.String())
	if err != nil {
		return nil, err
	}
	var href string
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		href = resp.Header.Get("Location")
	case resp.StatusCode == http.StatusOK:
		m := addToSlackRe.FindStringSubmatch(body)
		if m == nil {
			return nil, fmt.Errorf("the install page %s has no Add to Slack link (id=\"add-to-slack\"): %.300s", page, body)
		}
		href = html.UnescapeString(m[1])
	default:
		return nil, fmt.Errorf("the install page %s answered %s: %.300s", page, resp.Status, body)
	}
	return page.Parse(href)
}

// Install installs the app in team (a team id; "" leaves the emulator's
// default choice). The flow starts on startURL's install page; the callback
// is sent to finishURL (startURL when empty): the scheme and host of the
// emulator's redirect are replaced by finishURL's, as a load balancer in
// front of several replicas would route it. A non-2xx callback is not an
// error: read InstallResult.Status.
func (in *Installer) Install(ctx context.Context, startURL, finishURL, team string) (*InstallResult, error) {
	authorize, err := in.AuthorizeURL(ctx, startURL)
	if err != nil {
		return nil, err
	}
	if team != "" {
		q := authorize.Query()
		q.Set("team", team)
		authorize.RawQuery = q.Encode()
	}
	callback, err := in.Consent(ctx, authorize, team, "allow")
	if err != nil {
		return nil, err
	}
	if finishURL == "" {
		finishURL = startURL
	}
	fin, err := url.Parse(finishURL)
	if err != nil {
		return nil, fmt.Errorf("finish URL %q: %w", finishURL, err)
	}
	callback.Scheme, callback.Host = fin.Scheme, fin.Host
	resp, body, err := in.get(ctx, callback.String())
	if err != nil {
		return nil, err
	}
	return &InstallResult{CallbackURL: callback.String(), Status: resp.StatusCode, Body: body}, nil
}

// Consent opens the emulator's authorize page, submits its form with
// decision ("allow" or "cancel") for team ("" keeps the preselected
// workspace), and returns the redirect to the app's callback.
func (in *Installer) Consent(ctx context.Context, authorize *url.URL, team, decision string) (*url.URL, error) {
	resp, body, err := in.get(ctx, authorize.String())
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the authorize page answered %s: %.300s", resp.Status, body)
	}
	m := formActionRe.FindStringSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("the authorize page has no consent form: %.300s", body)
	}
	action, err := authorize.Parse(html.UnescapeString(m[1]))
	if err != nil {
		return nil, fmt.Errorf("consent form action %q: %w", m[1], err)
	}
	form := url.Values{}
	for _, h := range hiddenRe.FindAllStringSubmatch(body, -1) {
		form.Add(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	switch sel := selectedRe.FindStringSubmatch(body); {
	case team != "":
		form.Set("team", team)
	case sel != nil:
		form.Set("team", html.UnescapeString(sel[1]))
	}
	form.Set("decision", decision)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body, err = in.do(req)
	if err != nil {
		return nil, err
	}
	loc := resp.Header.Get("Location")
	if resp.StatusCode < 300 || resp.StatusCode >= 400 || loc == "" {
		return nil, fmt.Errorf("the consent form answered %s instead of redirecting to the app: %.300s", resp.Status, body)
	}
	return action.Parse(loc)
}

func (in *Installer) get(ctx context.Context, u string) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", err
	}
	return in.do(req)
}

func (in *Installer) do(req *http.Request) (*http.Response, string, error) {
	resp, err := in.Client.Do(req)
	if err != nil {
		// A *url.Error repeats the whole URL, query included: keep only
		// its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, "", fmt.Errorf("%s %s: %w", req.Method, redactQuery(req.URL), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, "", fmt.Errorf("reading the answer of %s %s: %w", req.Method, redactQuery(req.URL), err)
	}
	return resp, string(data), nil
}

// redactQuery drops the query (codes and states) from a URL shown in an
// error.
func redactQuery(u *url.URL) string {
	c := *u
	c.RawQuery = ""
	return c.String()
}
