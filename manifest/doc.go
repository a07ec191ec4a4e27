// Package manifest reads, checks and edits Slack app manifests (YAML or
// JSON, schema versions 1 and 2) as api.slack.com imports and exports them.
//
// Every value keeps its source position, so every problem reads
// "manifest.yaml:12:7: error: message (hint)":
//
//	m, err := manifest.Load("manifest.yaml")
//	if err != nil {
//		return err // unreadable, or not YAML/JSON at all
//	}
//	diags := m.Validate() // schema and lint, all problems, sorted
//	if diags.HasErrors() {
//		return diags
//	}
//	for _, c := range m.SlashCommands() {
//		fmt.Println(c.Command)
//	}
//
// The catalogues (AllScopes, AllEvents, LookupScope, LookupEvent) describe
// Slack's OAuth scopes and Events API types, with the scopes each event
// needs and the slack-go slackevents type it decodes to.
//
// Editing (AddCommand, AddScope, AddEvent on an Editor) inserts text at
// node positions, so the user's comments, key order and blank lines are
// kept; WriteFile writes atomically.
package manifest
