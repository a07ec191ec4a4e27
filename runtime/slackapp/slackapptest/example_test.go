package slackapptest_test

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

// greet is a handler under test: it posts to the channel and answers.
func greet(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
	if _, _, err := c.Client().PostMessageContext(c, cmd.ChannelID, slack.MsgOptionText("hello "+cmd.Text, false)); err != nil {
		return nil, err
	}
	return slackapp.Text("posted"), nil
}

// Testing a handler on its own: the Context's client talks to a recorder.
func ExampleNewContext() {
	t := &testing.T{} // in a real test, the test's own *testing.T
	c, rec := slackapptest.NewContext(t)
	resp, err := greet(c, &slackapp.Command{Command: "/greet", ChannelID: "C1", Text: "team"})
	fmt.Println(resp.Text, err)
	call := rec.Calls()[0]
	fmt.Println(call.Method, call.Args.Get("channel"), call.Args.Get("text"))
	rec.Server.Close()
	// Output:
	// posted <nil>
	// chat.postMessage C1 hello team
}

// Testing through the app's HTTP handler with a signed request.
func ExampleCommandRequest() {
	app, err := slackapp.New(&slackapp.Config{SigningSecrets: []string{slackapptest.SigningSecret}, BotToken: "xoxb-test"})
	if err != nil {
		panic(err)
	}
	app.Command("/ping", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		return slackapp.Text("pong"), nil
	})
	rr := httptest.NewRecorder()
	app.Handler().ServeHTTP(rr, slackapptest.CommandRequest(slackapptest.SigningSecret, slackapp.Command{Command: "/ping", TeamID: "T1"}))
	fmt.Println(rr.Code, rr.Body.String())
	// Output: 200 {"text":"pong","response_type":"ephemeral"}
}
