package e2e

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/oauth"
	"github.com/slackgen/slackgen/runtime/statestore"
)

// browser is a headless Chromium tab with a fresh profile, and where its
// screenshots go.
type browser struct {
	ctx       context.Context
	artifacts string
	shots     int
}

// newBrowser starts headless Chromium (SLACKGEN_TEST_CHROMIUM) for the
// test, or skips the test when the variable is unset. The browser is
// stopped when the test ends.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := os.Getenv("SLACKGEN_TEST_CHROMIUM")
	if path == "" {
		t.Skip("SLACKGEN_TEST_CHROMIUM is not set: set it to a Chromium binary (e.g. /usr/bin/chromium) to run the browser tests")
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 768),
	)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); acancel() })
	start, stop := context.WithTimeout(ctx, 30*time.Second)
	defer stop()
	// Start the browser with the long-lived context: the first run's
	// context decides its lifetime.
	errc := make(chan error, 1)
	go func() { errc <- chromedp.Do(ctx) }()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("starting Chromium (%s): %v", path, err)
		}
	case <-start.Done():
		t.Fatalf("Chromium (%s) did not start within 30 s", path)
	}
	return &browser{ctx: ctx, artifacts: artifactDir(t)}
}

// artifactDir is where the test's screenshots go: a folder named after
// the test under SLACKGEN_TEST_ARTIFACTS, or a new temporary folder that
// is kept (and logged) so that a developer can look at the pages.
func artifactDir(t *testing.T) string {
	t.Helper()
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(t.Name(), "_")
	var dir string
	if root := os.Getenv("SLACKGEN_TEST_ARTIFACTS"); root != "" {
		dir = filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatalf("SLACKGEN_TEST_ARTIFACTS: %v", err)
		}
	} else {
		var err error
		if dir, err = os.MkdirTemp("", "slackgen-e2e-"+name+"-"); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots of %s are in %s", t.Name(), dir)
	return dir
}

// step bounds one browser action to 20 seconds.
func (b *browser) step(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// screenshot saves the page as NN-name.png.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(b.step(t), chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	b.shots++
	p := filepath.Join(b.artifacts, strings.Join([]string{twoDigits(b.shots), name}, "-")+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10%10), byte('0' + n%10)}) }

// navigate loads u and returns the document's response.
func (b *browser) navigate(t *testing.T, u string) *network.Response {
	t.Helper()
	resp, err := chromedp.Run(b.step(t), chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("navigating to %s: %v", redactQuery(mustParse(t, u)), err)
	}
	return resp
}

// click clicks the element with id and returns the response of the page it
// leads to.
func (b *browser) click(t *testing.T, id string) *network.Response {
	t.Helper()
	ctx := b.step(t)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID(id))); err != nil {
		t.Fatalf("waiting for #%s: %v", id, err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID(id)))
	if err != nil {
		t.Fatalf("clicking #%s: %v", id, err)
	}
	return resp
}

func (b *browser) attr(t *testing.T, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(b.step(t), chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		t.Fatalf("reading %s[%s]: %v", sel, name, err)
	}
	return v.Value
}

// setCookie puts a cookie for the app in the browser, as its install page
// would have.
func (b *browser) setCookie(t *testing.T, appURL, name, value string) {
	t.Helper()
	if _, err := chromedp.Call(b.step(t), network.SetCookie, network.SetCookieParams{
		Name: name, Value: value, URL: appURL, Path: "/", HTTPOnly: new(true), SameSite: network.CookieSameSiteLax,
	}); err != nil {
		t.Fatalf("setting cookie: %v", err)
	}
}

func (b *browser) clearCookies(t *testing.T) {
	t.Helper()
	if _, err := chromedp.Call(b.step(t), network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatalf("clearing cookies: %v", err)
	}
}

func mustParse(t *testing.T, u string) *url.URL {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserInstall installs examples/multi-workspace from headless
// Chromium: the app's install page, Add to Slack, Allow on the emulator's
// consent page, the app's success page. The installation is then in the
// app's SQLite store and the app answers a command with it.
func TestBrowserInstall(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	r := newSQLiteRig(t)

	resp := b.navigate(t, r.app.URL+"/slack/install")
	b.screenshot(t, "install-page")
	if resp.Status != http.StatusOK {
		t.Fatalf("install page: status %d", resp.Status)
	}

	resp = b.click(t, "add-to-slack")
	b.screenshot(t, "consent-page")
	if resp.Status != http.StatusOK || !strings.HasPrefix(resp.URL, r.emu.URL()+"/oauth/v2/authorize") {
		t.Fatalf("Add to Slack led to %d %s, want the emulator's authorize page", resp.Status, redactQuery(mustParse(t, resp.URL)))
	}
	if name, err := chromedp.Run(b.step(t), chromedp.Text(chromedp.ID("app-name"))); err != nil || name != "Ticket Desk" {
		t.Errorf("consent page names the app %q (%v), want Ticket Desk", name, err)
	}

	resp = b.click(t, "allow")
	b.screenshot(t, "success-page")
	if resp.Status != http.StatusOK || !strings.HasPrefix(resp.URL, r.app.URL+"/slack/oauth_redirect?") {
		t.Fatalf("Allow led to %d %s, want 200 from the app's redirect URL", resp.Status, redactQuery(mustParse(t, resp.URL)))
	}
	if got := b.attr(t, "#result", "data-result"); got != "success" {
		t.Fatalf("result page says %q, want success", got)
	}
	if text, err := chromedp.Run(b.step(t), chromedp.Text(chromedp.CSS("body"))); err != nil || !strings.Contains(text, "installed in Acme") {
		t.Errorf("success page text %q (%v), want it to name the workspace Acme", text, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	inst, err := r.store(t).FindBot(ctx, installstore.Query{TeamID: "T0001"})
	if err != nil {
		t.Fatalf("the installation is not in the app's store: %v", err)
	}
	if !strings.HasPrefix(inst.BotToken, "xoxb-") || inst.BotID == "" || inst.TeamName != "Acme" || inst.AppID != r.emu.App().AppID {
		t.Errorf("stored installation: team %q, app %q, bot id %q, bot token present %v", inst.TeamName, inst.AppID, inst.BotID, strings.HasPrefix(inst.BotToken, "xoxb-"))
	}
	reply, err := r.emu.SendCommand(ctx, "T0001", "/ticket", "from the browser")
	if err != nil || !strings.Contains(string(reply.Body), "You said: from the browser") {
		t.Errorf("command after the browser install: %v %+v", err, reply)
	}
}

// TestBrowserCallbackFailures drives every refused callback in Chromium
// and checks the failure page (reason) and the HTTP status the browser
// received. Cookies the browser cannot produce by itself (a replayed or
// expired state) are set through the DevTools protocol.
func TestBrowserCallbackFailures(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	r := newSQLiteRig(t)
	callback := r.app.URL + "/slack/oauth_redirect"

	expect := func(t *testing.T, resp *network.Response, reason string, status int) {
		t.Helper()
		b.screenshot(t, reason)
		if resp.Status != int64(status) {
			t.Errorf("status %d, want %d", resp.Status, status)
		}
		if got := b.attr(t, "#result", "data-result"); got != "failure" {
			t.Errorf("page result %q, want failure", got)
		}
		if got := b.attr(t, "#result", "data-reason"); got != reason {
			t.Errorf("page reason %q, want %q", got, reason)
		}
		if href := b.attr(t, "#try-again", "href"); href != "/slack/install" {
			t.Errorf("start-again link %q, want /slack/install", href)
		}
	}
	// startInstall opens the install page and returns the state it issued
	// (its cookie is now in the browser).
	startInstall := func(t *testing.T) string {
		t.Helper()
		b.navigate(t, r.app.URL+"/slack/install")
		href := b.attr(t, "#add-to-slack", "href")
		state := mustParse(t, href).Query().Get("state")
		if state == "" {
			t.Fatalf("the Add to Slack link has no state")
		}
		return state
	}

	t.Run("access_denied", func(t *testing.T) {
		b.navigate(t, r.app.URL+"/slack/install")
		b.click(t, "add-to-slack")
		expect(t, b.click(t, "cancel"), oauth.ReasonAccessDenied, http.StatusForbidden)
	})

	t.Run("missing cookie", func(t *testing.T) {
		b.navigate(t, r.app.URL+"/slack/install")
		b.click(t, "add-to-slack")
		b.clearCookies(t)
		expect(t, b.click(t, "allow"), oauth.ReasonMissingCookie, http.StatusBadRequest)
	})

	t.Run("bad code", func(t *testing.T) {
		state := startInstall(t)
		expect(t, b.navigate(t, callback+"?code=not-a-code&state="+url.QueryEscape(state)), oauth.ReasonInvalidCode, http.StatusBadRequest)
	})

	t.Run("reused state", func(t *testing.T) {
		b.navigate(t, r.app.URL+"/slack/install")
		b.click(t, "add-to-slack")
		resp := b.click(t, "allow")
		if resp.Status != http.StatusOK || b.attr(t, "#result", "data-result") != "success" {
			t.Fatalf("first use of the state: status %d, want the success page", resp.Status)
		}
		used := resp.URL
		state := mustParse(t, used).Query().Get("state")
		// The callback dropped the flow's cookie: replaying the URL in this
		// browser fails for that reason first.
		expect(t, b.navigate(t, used), oauth.ReasonMissingCookie, http.StatusBadRequest)
		// With the cookie put back, the state itself is refused.
		b.setCookie(t, r.app.URL, oauth.StateCookieName(state), state)
		expect(t, b.navigate(t, used), oauth.ReasonInvalidState, http.StatusBadRequest)
	})

	t.Run("expired state", func(t *testing.T) {
		// A state the app itself issued 11 minutes ago: same secret, older
		// clock.
		old, err := statestore.NewSigned([]byte(r.emu.StateSecret()),
			statestore.WithClock(func() time.Time { return time.Now().Add(-statestore.DefaultTTL - time.Minute) }))
		if err != nil {
			t.Fatal(err)
		}
		state, err := old.Issue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		b.setCookie(t, r.app.URL, oauth.StateCookieName(state), state)
		expect(t, b.navigate(t, callback+"?code=whatever&state="+url.QueryEscape(state)), oauth.ReasonExpiredState, http.StatusBadRequest)
	})

	t.Run("state of another flow", func(t *testing.T) {
		state := startInstall(t)
		b.setCookie(t, r.app.URL, oauth.StateCookieName(state), "another-flows-state")
		expect(t, b.navigate(t, callback+"?code=whatever&state="+url.QueryEscape(state)), oauth.ReasonStateMismatch, http.StatusBadRequest)
	})

	t.Run("missing state", func(t *testing.T) {
		expect(t, b.navigate(t, callback+"?code=whatever"), oauth.ReasonMissingState, http.StatusBadRequest)
	})

	t.Run("error from Slack", func(t *testing.T) {
		state := startInstall(t)
		expect(t, b.navigate(t, callback+"?error=invalid_scope&state="+url.QueryEscape(state)), oauth.ReasonSlackError, http.StatusBadRequest)
	})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Only the "reused state" install succeeded.
	if calls := r.emu.CallsTo("oauth.v2.access"); len(calls) != 2 {
		t.Errorf("oauth.v2.access was called %d times, want 2 (the reused state's install and the bad code)", len(calls))
	}
	if _, err := r.store(t).FindBot(ctx, installstore.Query{TeamID: "T0001"}); err != nil {
		t.Errorf("the one successful install is not stored: %v", err)
	}
}
