package cli

import "github.com/slackgen/slackgen/manifest"

// catalogue is what the prompts offer: Slack's scopes and events, with a
// one-line description each, and the scopes each event needs.
type catalogue struct {
	botScopes   []option
	userScopes  []option
	events      []option
	eventScopes map[string][]string // event → the scopes any one of which allows it
}

// loadCatalogue reads the manifest package's catalogues.
func loadCatalogue() catalogue {
	c := catalogue{eventScopes: map[string][]string{}}
	for _, s := range manifest.BotScopes() {
		c.botScopes = append(c.botScopes, option{Value: s.Name, Description: s.Description})
	}
	for _, s := range manifest.UserScopes() {
		c.userScopes = append(c.userScopes, option{Value: s.Name, Description: s.Description})
	}
	for _, ev := range manifest.AllEvents() {
		desc := ev.Description
		if len(ev.Scopes) > 0 {
			desc += " [needs " + joinOr(ev.Scopes) + "]"
		}
		c.events = append(c.events, option{Value: ev.Name, Description: desc})
		c.eventScopes[ev.Name] = ev.Scopes
	}
	return c
}

// joinOr joins scopes as "a", "a or b", "a, b or c".
func joinOr(ss []string) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	out := ss[0]
	for _, s := range ss[1 : len(ss)-1] {
		out += ", " + s
	}
	return out + " or " + ss[len(ss)-1]
}
