package slackapp_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/slack-go/slack/slackevents"

	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

// A single-workspace app with one command, one event and one view, and a
// signed slash command sent through its HTTP handler.
func Example() {
	env := map[string]string{
		"SLACK_SIGNING_SECRET": slackapptest.SigningSecret,
		"SLACK_BOT_TOKEN":      "xoxb-example",
	}
	cfg, err := slackapp.ConfigFromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		panic(err)
	}
	app, err := slackapp.New(cfg)
	if err != nil {
		panic(err)
	}
	app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		return &slackapp.Response{Text: "Hello, " + cmd.Text + "!", ResponseType: slackapp.InChannel}, nil
	})
	app.Event("app_mention", func(c *slackapp.Context, ev *slackapp.Event) error {
		var m slackevents.AppMentionEvent
		if err := ev.Decode(&m); err != nil {
			return err
		}
		_, _, err := c.Client().PostMessageContext(c, m.Channel)
		return err
	})
	app.ViewSubmission("feedback", func(c *slackapp.Context, v *slackapp.ViewSubmission) (*slackapp.ViewResponse, error) {
		if v.View.State.Values["comment"]["input"].Value == "" {
			return slackapp.ViewErrors(map[string]string{"comment": "Please say something"}), nil
		}
		return nil, nil // close the modal
	})

	// In main you would call app.Run(ctx); here one request goes through
	// the handler.
	req := slackapptest.CommandRequest(slackapptest.SigningSecret, slackapp.Command{Command: "/hello", Text: "world", TeamID: "T1", UserID: "U1"})
	rr := httptest.NewRecorder()
	app.Handler().ServeHTTP(rr, req)
	fmt.Println(rr.Code, rr.Body.String())
	_ = app.Drain(context.Background())
	// Output: 200 {"text":"Hello, world!","response_type":"in_channel"}
}

// Commands that take longer than the ack deadline answer through
// response_url: Ack sends a first reply at once, and the handler's result
// follows.
func ExampleContext_Ack() {
	c, rec := slackapptest.NewContext(exampleT{})
	handler := func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		if err := c.Ack(slackapp.Text("Working on it…")); err != nil {
			return nil, err
		}
		// ... slow work ...
		return slackapp.Text("Done."), nil
	}
	resp, _ := handler(c, &slackapp.Command{Command: "/report"})
	// Outside a request Ack posts to the response_url; inside one it is
	// the HTTP answer.
	fmt.Println(rec.Responses()[0].Text, "/", resp.Text)
	// Output: Working on it… / Done.
}

// Routes from the manifest: each kind of request at its own path.
func ExampleApp_Route() {
	app, _ := slackapp.New(&slackapp.Config{SigningSecrets: []string{"s"}, BotToken: "xoxb-1"})
	app.Route(slackapp.KindCommands, "/slack/commands")
	app.Route(slackapp.KindInteractivity, "/slack/interactive")
	// Events and options loads stay at /slack/events.
	_ = app.Handler()
}
