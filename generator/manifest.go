package generator

import "github.com/slackgen/slackgen/manifest"

// eventGoType returns the slack-go slackevents type an event decodes into,
// from the manifest package's event catalogue, or "" when slack-go has none
// (the handler then gets the raw *slackapp.Event).
func eventGoType(event string) string {
	if e, ok := manifest.LookupEvent(event); ok {
		return e.GoType
	}
	return ""
}
