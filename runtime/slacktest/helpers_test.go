package slacktest

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const testRedirect = "https://app.example.com/slack/oauth_redirect"

func testConfig() AppConfig {
	return AppConfig{
		Name:         "Test App",
		BotScopes:    []string{"commands", "chat:write", "incoming-webhook"},
		UserScopes:   []string{"search:read", "openid", "profile", "email"},
		RedirectURLs: []string{testRedirect},
		RequestURL:   "http://127.0.0.1:1/slack/events",
	}
}

// noRedirect is an HTTP client that stops at redirects, as a test browser.
var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get fetches a page and returns status and body.
func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// consent loads the authorize page at path?q, then submits its form with
// decision and team (when not empty), and returns the redirect location.
func consent(t *testing.T, srv *Server, path string, q url.Values, decision, team string) *url.URL {
	t.Helper()
	status, page := get(t, srv.URL()+path+"?"+q.Encode())
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d, page:\n%s", path, status, page)
	}
	for _, id := range []string{`id="allow"`, `id="cancel"`, `id="team"`} {
		if !strings.Contains(page, id) {
			t.Fatalf("consent page lacks %s:\n%s", id, page)
		}
	}
	form := url.Values{"decision": {decision}}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], htmlUnescape(m[2]))
	}
	if team != "" {
		form.Set("team", team)
	} else if m := regexp.MustCompile(`<option value="([^"]+)" selected>`).FindStringSubmatch(page); m != nil {
		form.Set("team", m[1])
	}
	resp, err := noRedirect.PostForm(srv.URL()+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s: status %d, want 302:\n%s", path, resp.StatusCode, b)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&#43;", "+").Replace(s)
}

// installApp runs the OAuth dance for team with the app's scopes and returns
// the oauth.v2.access response.
func installApp(t *testing.T, srv *Server, team string) *slack.OAuthV2Response {
	t.Helper()
	cfg := srv.App()
	q := url.Values{
		"client_id":    {cfg.ClientID},
		"scope":        {strings.Join(cfg.BotScopes, ",")},
		"redirect_uri": {testRedirect},
		"state":        {"st-1"},
	}
	if len(cfg.UserScopes) > 0 {
		q.Set("user_scope", "search:read")
	}
	loc := consent(t, srv, "/oauth/v2/authorize", q, "allow", team)
	if got := loc.Query().Get("state"); got != "st-1" {
		t.Fatalf("state = %q, want st-1", got)
	}
	resp, err := slack.GetOAuthV2ResponseContext(context.Background(), http.DefaultClient, cfg.ClientID, cfg.ClientSecret,
		loc.Query().Get("code"), testRedirect, slack.OAuthOptionAPIURL(srv.APIURL()))
	if err != nil {
		t.Fatalf("oauth.v2.access: %v", err)
	}
	return resp
}

// apiPost posts a form to a Web API method and decodes the answer.
func apiPost(t *testing.T, srv *Server, method string, form url.Values) map[string]any {
	t.Helper()
	resp, err := http.PostForm(srv.APIURL()+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return decode(t, resp.Body)
}
