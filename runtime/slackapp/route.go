package slackapp

import (
	"fmt"
	"strings"
)

// Kind is a kind of Slack request, as the manifest gives each its own URL.
type Kind string

// The kinds of Slack requests.
const (
	// KindCommands: slash commands (features.slash_commands[].url).
	KindCommands Kind = "commands"
	// KindEvents: the Events API (settings.event_subscriptions.request_url).
	KindEvents Kind = "events"
	// KindInteractivity: block actions, view submissions and closes,
	// shortcuts (settings.interactivity.request_url).
	KindInteractivity Kind = "interactivity"
	// KindOptions: options loads for external selects
	// (settings.interactivity.message_menu_options_url).
	KindOptions Kind = "options"
)

var allKinds = [...]Kind{KindCommands, KindEvents, KindInteractivity, KindOptions}

type kindSet uint8

func (k Kind) bit() kindSet {
	for i, x := range allKinds {
		if x == k {
			return 1 << i
		}
	}
	return 0
}

func (s kindSet) has(k Kind) bool { return s&k.bit() != 0 }

// Route serves requests of kind at path (the path of the manifest's URL for
// that kind). A path may serve several kinds. Kinds without a route are
// served at DefaultPath, "/slack/events", as Bolt does. A request of a kind
// its path does not serve is answered 404.
func (a *App) Route(kind Kind, path string) {
	if kind.bit() == 0 {
		panic(fmt.Sprintf("slackapp: Route: unknown kind %q (want commands, events, interactivity or options)", kind))
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	a.routes[path] |= kind.bit()
}

// resolvedRoutes returns every path with the kinds it serves, unrouted
// kinds added to DefaultPath.
func (a *App) resolvedRoutes() map[string]kindSet {
	out := make(map[string]kindSet, len(a.routes)+1)
	var routed kindSet
	for p, s := range a.routes {
		out[p] = s
		routed |= s
	}
	for _, k := range allKinds {
		if routed&k.bit() == 0 {
			out[DefaultPath] |= k.bit()
		}
	}
	return out
}
