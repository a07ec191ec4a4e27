package oauth_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/oauth"
	"github.com/slackgen/slackgen/runtime/slacktest"
	"github.com/slackgen/slackgen/runtime/statestore"
)

// These tests run the flow against the slacktest emulator with a real
// browser-like client (cookie jar, redirects), as a generated app does.

type emulatedApp struct {
	emu   *slacktest.Server
	app   *httptest.Server
	flow  *oauth.Flow
	store installstore.Store
	// identities receives Sign in with Slack identities.
	mu         sync.Mutex
	identities []*oauth.Identity
}

func newEmulatedApp(t *testing.T, store installstore.Store, refreshBefore time.Duration, opts ...slacktest.Option) *emulatedApp {
	t.Helper()
	ea := &emulatedApp{store: store}
	mux := http.NewServeMux()
	ea.app = httptest.NewServer(mux)
	t.Cleanup(ea.app.Close)
	ea.emu = slacktest.NewServer(t, slacktest.AppConfig{
		Name:          "Emulated",
		BotScopes:     []string{"commands", "chat:write"},
		UserScopes:    []string{"search:read", "openid", "profile", "email"},
		RedirectURLs:  []string{ea.app.URL + "/slack/oauth_redirect", ea.app.URL + "/slack/login/callback"},
		RequestURL:    ea.app.URL + "/slack/events",
		TokenRotation: true,
	}, opts...)
	states, err := statestore.NewSigned([]byte(ea.emu.StateSecret()))
	if err != nil {
		t.Fatal(err)
	}
	cfg := ea.emu.App()
	ea.flow, err = oauth.New(oauth.Config{
		ClientID:         cfg.ClientID,
		ClientSecret:     cfg.ClientSecret,
		Scopes:           cfg.BotScopes,
		UserScopes:       []string{"search:read"},
		RedirectURL:      ea.app.URL + "/slack/oauth_redirect",
		SlackURL:         ea.emu.URL(),
		AppName:          "Emulated",
		RefreshBefore:    refreshBefore,
		Installations:    store,
		States:           states,
		LoginRedirectURL: ea.app.URL + "/slack/login/callback",
		OnLogin: func(w http.ResponseWriter, r *http.Request, id *oauth.Identity) {
			ea.mu.Lock()
			ea.identities = append(ea.identities, id)
			ea.mu.Unlock()
			io.WriteString(w, "welcome "+id.UserID)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("GET "+oauth.DefaultInstallPath, ea.flow.InstallHandler())
	mux.Handle("GET "+oauth.DefaultRedirectPath, ea.flow.CallbackHandler())
	mux.Handle("GET "+oauth.DefaultLoginPath, ea.flow.LoginHandler())
	mux.Handle("GET "+oauth.DefaultLoginCallbackPath, ea.flow.LoginCallbackHandler())
	return ea
}

var (
	hrefRE   = regexp.MustCompile(`id="add-to-slack" href="([^"]+)"`)
	actionRE = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// browser is an HTTP client with a cookie jar that follows redirects.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

func fetch(t *testing.T, c *http.Client, method, target string, form url.Values) (int, string, *url.URL) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = c.PostForm(target, form)
	} else {
		resp, err = c.Get(target)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Request.URL
}

// consent answers the emulator's consent page at pageURL: decision is
// "allow" or "cancel", team the workspace or org to pick.
func consent(t *testing.T, c *http.Client, pageURL, page, decision, team string) (int, string, *url.URL) {
	t.Helper()
	m := actionRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no consent form on %s:\n%s", pageURL, page)
	}
	action, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	action, err = action.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"decision": {decision}, "team": {team}}
	for _, h := range hiddenRE.FindAllStringSubmatch(page, -1) {
		form.Set(h[1], html.UnescapeString(h[2]))
	}
	return fetch(t, c, http.MethodPost, action.String(), form)
}

// install runs /slack/install → consent → callback in one browser.
func (ea *emulatedApp) install(t *testing.T, c *http.Client, decision, team string) (int, string) {
	t.Helper()
	status, page, _ := fetch(t, c, http.MethodGet, ea.app.URL+"/slack/install", nil)
	m := hrefRE.FindStringSubmatch(page)
	if status != 200 || m == nil {
		t.Fatalf("install page: status %d:\n%s", status, page)
	}
	authorize := html.UnescapeString(m[1])
	status, page, at := fetch(t, c, http.MethodGet, authorize, nil)
	if status != 200 {
		t.Fatalf("consent page: status %d:\n%s", status, page)
	}
	status, page, _ = consent(t, c, at.String(), page, decision, team)
	return status, page
}

func TestEmulatorInstall(t *testing.T) {
	ea := newEmulatedApp(t, memstore.New(), 0)
	status, page := ea.install(t, browser(t), "allow", "T0002")
	if status != 200 || !strings.Contains(page, `data-result="success"`) {
		t.Fatalf("status %d:\n%s", status, page)
	}
	inst, err := ea.store.FindInstallation(context.Background(), installstore.Query{TeamID: "T0002", UserID: "U0002"})
	if err != nil {
		t.Fatal(err)
	}
	if inst.TeamName != "Globex" || inst.BotID == "" || inst.BotToken == "" || inst.UserToken == "" ||
		inst.BotRefreshToken == "" || inst.BotTokenExpiresAt.IsZero() || inst.AppID != ea.emu.App().AppID {
		t.Errorf("installation %+v", inst)
	}
	// The stored bot token works.
	api := slack.New(inst.BotToken, slack.OptionAPIURL(ea.emu.APIURL()))
	if _, err := api.AuthTestContext(context.Background()); err != nil {
		t.Errorf("auth.test with the stored token: %v", err)
	}
}

func TestEmulatorCancel(t *testing.T) {
	ea := newEmulatedApp(t, memstore.New(), 0)
	status, page := ea.install(t, browser(t), "cancel", "T0001")
	if status != http.StatusForbidden || !strings.Contains(page, `data-reason="access_denied"`) {
		t.Errorf("status %d:\n%s", status, page)
	}
}

func TestEmulatorOrgWideInstall(t *testing.T) {
	ea := newEmulatedApp(t, memstore.New(), 0)
	c := browser(t)
	// Do not follow the success page's refresh; read the page itself.
	status, page := ea.install(t, c, "allow", "E0001")
	if status != 200 || !strings.Contains(page, "/manage/organization/apps/profile/"+ea.emu.App().AppID+"/workspaces/add") {
		t.Fatalf("status %d:\n%s", status, page)
	}
	inst, err := ea.store.FindBot(context.Background(), installstore.Query{EnterpriseID: "E0001", IsEnterpriseInstall: true})
	if err != nil {
		t.Fatal(err)
	}
	if !inst.IsEnterpriseInstall || inst.EnterpriseURL == "" || inst.TeamID != "" {
		t.Errorf("org install %+v", inst)
	}
}

func TestEmulatorRotationTwoReplicas(t *testing.T) {
	store := memstore.New()
	// Tokens live 6s and are refreshed 4s before expiry: due 2s after the
	// install, and not due again for 2s after a refresh.
	const lifetime, margin = 6 * time.Second, 4 * time.Second
	ea := newEmulatedApp(t, store, margin, slacktest.WithTokenLifetime(lifetime))
	if status, page := ea.install(t, browser(t), "allow", "T0001"); status != 200 {
		t.Fatalf("install: %d\n%s", status, page)
	}
	key := installstore.Query{TeamID: "T0001", UserID: "U0001"}
	before, err := store.FindInstallation(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	// A second replica: its own Rotator (own singleflight), same store.
	cfg := ea.emu.App()
	replica, err := oauth.NewRotator(oauth.RotatorConfig{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Installations: store, SlackURL: ea.emu.URL(), RefreshBefore: margin,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Not due yet.
	if got, err := ea.flow.Tokens(context.Background(), key); err != nil || got.BotToken != before.BotToken || ea.emu.Refreshes() != 0 {
		t.Fatalf("refreshed before the margin: %v, %d refreshes", err, ea.emu.Refreshes())
	}
	time.Sleep(lifetime - margin + 100*time.Millisecond)
	get := []func(context.Context, installstore.Query) (*installstore.Installation, error){ea.flow.Tokens, replica.Tokens}
	var wg sync.WaitGroup
	results := make([]*installstore.Installation, 20)
	errs := make([]error, 20)
	for i := range 20 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			results[i], errs[i] = get[i%2](ctx, key)
		})
	}
	wg.Wait()
	for i := range 20 {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if results[i].BotToken == before.BotToken || results[i].BotToken != results[0].BotToken {
			t.Errorf("caller %d got a stale or different bot token", i)
		}
	}
	// Bot and user tokens are refreshed, once each, by one of the replicas.
	if n, replays := ea.emu.Refreshes(), ea.emu.RefreshReplays(); n != 2 || replays != 0 {
		t.Errorf("emulator saw %d refreshes and %d replays, want 2 and 0", n, replays)
	}
	api := slack.New(results[0].BotToken, slack.OptionAPIURL(ea.emu.APIURL()))
	if _, err := api.AuthTestContext(context.Background()); err != nil {
		t.Errorf("auth.test with the refreshed token: %v", err)
	}
}

func TestEmulatorSignInWithSlack(t *testing.T) {
	ea := newEmulatedApp(t, memstore.New(), 0)
	c := browser(t)
	status, page, at := fetch(t, c, http.MethodGet, ea.app.URL+"/slack/login", nil)
	if status != 200 || at.Path != "/openid/connect/authorize" {
		t.Fatalf("login: status %d at %s:\n%s", status, at, page)
	}
	status, page, _ = consent(t, c, at.String(), page, "allow", "T0001")
	if status != 200 || page != "welcome U0001" {
		t.Fatalf("login callback: status %d:\n%s", status, page)
	}
	ea.mu.Lock()
	defer ea.mu.Unlock()
	if len(ea.identities) != 1 || ea.identities[0].TeamID != "T0001" || ea.identities[0].Email == "" {
		t.Errorf("identities %+v", ea.identities)
	}
}
