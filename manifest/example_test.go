package manifest_test

import (
	"fmt"

	"github.com/slackgen/slackgen/manifest"
)

func Example() {
	src := []byte(`display_information:
  name: demo
oauth_config:
  scopes:
    bot: [chat:wirte]
settings:
  socket_mode_enabled: true
  event_subscriptions:
    bot_events: [app_mention]
`)
	_, diags := manifest.Check("manifest.yaml", src)
	for _, d := range diags {
		fmt.Println(d)
	}
	// Output:
	// manifest.yaml:5:11: error: unknown bot scope "chat:wirte" (did you mean "chat:write"?)
	// manifest.yaml:9:18: error: event "app_mention" needs the bot scope "app_mentions:read" (add it to oauth_config.scopes.bot, e.g. slackgen add scope app_mentions:read)
}

func ExampleEditor() {
	src := []byte(`display_information:
  name: demo   # keep me
oauth_config:
  scopes:
    bot:
      - chat:write
settings:
  socket_mode_enabled: true
`)
	ed, err := manifest.NewEditor("manifest.yaml", src)
	if err != nil {
		panic(err)
	}
	added, err := ed.AddEvent("app_mention", false)
	if err != nil {
		panic(err)
	}
	fmt.Println(added)
	fmt.Print(string(ed.Bytes()))
	// Output:
	// [bot scope app_mentions:read bot event app_mention]
	// display_information:
	//   name: demo   # keep me
	// oauth_config:
	//   scopes:
	//     bot:
	//       - chat:write
	//       - app_mentions:read
	// settings:
	//   socket_mode_enabled: true
	//   event_subscriptions:
	//     bot_events:
	//       - app_mention
}

func ExampleLookupEvent() {
	ev, _ := manifest.LookupEvent("message.channels")
	fmt.Println(ev.Scopes, ev.GoType, ev.EventType())
	// Output: [channels:history] MessageEvent message
}

func ExampleManifest_WithBaseURL() {
	m, _ := manifest.Parse("manifest.yaml", []byte(`display_information:
  name: demo
settings:
  event_subscriptions:
    request_url: https://prod.example.com/slack/events
    bot_events: [app_home_opened]
`))
	tunnel, _ := m.WithBaseURL("https://abc123.ngrok.app")
	fmt.Println(tunnel.EventsRequestURL())
	// Output: https://abc123.ngrok.app/slack/events
}
