package oauth_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/oauth"
	"github.com/slackgen/slackgen/runtime/statestore"
)

// An app mounts the flow's handlers on its mux and asks the flow for fresh
// tokens on the request path.
func Example() {
	states, err := statestore.NewSigned([]byte("an example secret of at least 32 bytes!"))
	if err != nil {
		log.Fatal(err)
	}
	store := memstore.New()
	flow, err := oauth.New(oauth.Config{
		ClientID:      "111.222",
		ClientSecret:  "example-secret", // os.Getenv("SLACK_CLIENT_SECRET") in an app
		Scopes:        []string{"commands", "chat:write"},
		RedirectURL:   "https://app.example.com/slack/oauth_redirect",
		SlackURL:      "https://slack.com", // SLACK_URL; the emulator's URL in development
		AppName:       "Acme Bot",
		Installations: store,
		States:        states,
		DirectInstall: true, // skip the "Add to Slack" page
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+oauth.DefaultInstallPath, flow.InstallHandler())
	mux.Handle("GET "+oauth.DefaultRedirectPath, flow.CallbackHandler())

	// A browser starts the install: it is sent to Slack with a state that
	// its new cookie also holds.
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "https://app.example.com/slack/install", nil))
	loc, _ := url.Parse(rec.Header().Get("Location"))
	cookie := rec.Result().Cookies()[0]
	fmt.Println(rec.Code, loc.Host+loc.Path, loc.Query().Get("scope"))
	fmt.Println(strings.HasPrefix(cookie.Name, oauth.StateCookiePrefix), cookie.Value == loc.Query().Get("state"), cookie.HttpOnly, cookie.Secure)

	// Later, handling a request from team T0001: tokens refreshed when near
	// expiry (this installation has no rotation, so it comes back as is).
	_ = store.Save(context.Background(), &installstore.Installation{TeamID: "T0001", BotToken: "xoxb-example", BotID: "B1"})
	inst, err := flow.Tokens(context.Background(), installstore.Query{TeamID: "T0001"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(inst.BotID)
	// Output:
	// 302 slack.com/oauth/v2/authorize commands,chat:write
	// true true true true
	// B1
}

func ExampleAuthorizeURL() {
	fmt.Println(oauth.AuthorizeURL("https://slack.com", oauth.AuthorizeParams{
		ClientID:    "111.222",
		Scopes:      []string{"commands", "chat:write"},
		RedirectURL: "https://app.example.com/slack/oauth_redirect",
		State:       "xyz",
	}))
	// Output: https://slack.com/oauth/v2/authorize?client_id=111.222&redirect_uri=https%3A%2F%2Fapp.example.com%2Fslack%2Foauth_redirect&scope=commands%2Cchat%3Awrite&state=xyz
}

// Apps that only send messages never call Tokens on a request path; the
// background refresher keeps their rotating tokens fresh.
func ExampleRotator_Run() {
	rt, err := oauth.NewRotator(oauth.RotatorConfig{
		ClientID:      "111.222",
		ClientSecret:  "example",
		Installations: memstore.New(),
	})
	if err != nil {
		log.Fatal(err)
	}
	// Keys to watch, e.g. loaded at start-up; installs done by a Flow are
	// tracked by its own Rotator automatically.
	rt.Track(installstore.Query{TeamID: "T0001"})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = rt.Run(ctx, 5*time.Minute)
	fmt.Println(err)
	// Output: context deadline exceeded
}

// BeforeInstall can refuse an install with a reason of its own.
func ExampleAbort() {
	allowed := map[string]bool{"T0001": true}
	cfg := oauth.Config{
		BeforeInstall: func(r *http.Request, inst *installstore.Installation) error {
			if !allowed[inst.TeamID] {
				return oauth.Abort("workspace_not_allowed")
			}
			return nil
		},
	}
	err := cfg.BeforeInstall(nil, &installstore.Installation{TeamID: "T0666"})
	fmt.Println(err)
	// Output: oauth: workspace_not_allowed
}
