// Package handlers holds the app's handlers: one file per slash command,
// event, shortcut, block action and view submission, each a method of
// Handlers.
//
// These files are yours. `slackgen generate` adds a file with a working
// stub when manifest.yaml gains a command or an event, adds its method to
// the Interface in slackgen_handlers.go (so the build tells you if a
// handler is missing), and never rewrites or deletes your files: the
// handler of a removed command stays (unused) until you delete it.
package handlers

// Handlers implements Interface. Add what your handlers share (API
// clients, a database, configuration) as fields, and set them in main.go.
type Handlers struct{}
