module example.com/socketecho

go 1.26.0

require (
	github.com/slack-go/slack v0.35.0
	github.com/slackgen/slackgen/runtime v0.0.0-00010101000000-000000000000
)

require (
	github.com/gorilla/websocket v1.5.3 // indirect
	golang.org/x/sync v0.24.0 // indirect
)

replace github.com/slackgen/slackgen/runtime => ../../runtime
