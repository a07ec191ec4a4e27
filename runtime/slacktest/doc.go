// Package slacktest is a local Slack emulator for development and tests.
//
// A Server plays the part of slack.com for one or more emulated apps: it
// serves the OAuth v2 authorize (consent) page and the Sign in with Slack
// (OpenID Connect) page, the Web API methods a generated app calls through
// slack-go (oauth.v2.access with token rotation, auth.test, chat.*, views.*,
// openid.connect.*, auth.revoke, apps.uninstall, apps.manifest.*), and it
// sends signed traffic to the app: slash commands, Events API events, block
// actions, view submissions and shortcuts. Every Web API call and every
// message (chat.* calls and response_url replies) is captured and can be
// read from Go, as JSON (GET /_emulator/calls, /_emulator/messages) or on a
// small conversation page (GET /_emulator/).
//
// An app needs no change to run against the emulator beyond its base Slack
// URL: the Web API is at URL()+"/api/", the authorize page at
// URL()+"/oauth/v2/authorize" and the OpenID page at
// URL()+"/openid/connect/authorize" (its id_tokens are RS256-signed; the
// key set is at /openid/connect/keys). A Socket Mode app
// (AppConfig.SocketMode) opens its connection with AppToken through
// apps.connections.open and gets its traffic as envelopes over it.
//
// The emulator's own routes, all under /_emulator/:
//
//	GET  /_emulator/                the conversation page (messages and Web API calls)
//	GET  /_emulator/messages        the conversation as JSON ([]Message)
//	GET  /_emulator/calls           the Web API calls as JSON ([]Call; ?method= filters)
//	POST /_emulator/send/{kind}     sign and send traffic to the app (SendRequest → SendResult)
//	POST /_emulator/respond/{id}    response_url and incoming webhook replies
//	GET  /_emulator/socket/{ticket} Socket Mode WebSocket
//
// Tokens behave like Slack's: every Web API call checks its token and
// answers not_authed, invalid_auth, token_revoked or token_expired; with
// token rotation, access tokens expire (WithTokenLifetime) and refresh
// tokens are single use (Refreshes and RefreshReplays count their
// exchanges). apps.uninstall revokes tokens without sending
// app_uninstalled; Uninstall does both.
//
// Authorization codes are single use and live 10 minutes; then they are
// invalid_code, as at Slack. A Socket Mode URL can be dialled once within
// 30 seconds, a trigger id opens one view within 3 seconds
// (WithTriggerLifetime), a response_url takes 5 replies within 30 minutes.
// What expires is forgotten soon after, at a constant cost per issue, so a
// long-running emulator does not grow.
//
// Workspaces T0001 "Acme" and T0002 "Globex" exist by default, plus the
// Enterprise Grid organization E0001 "Initech" with its workspace T0003
// "Initech HQ" (which can be installed org-wide). A team id that does not
// exist is created when it is first asked for (team= on the authorize page,
// or AddWorkspace from Go).
//
// In a test:
//
//	srv := slacktest.NewServer(t, slacktest.AppConfig{
//		BotScopes:    []string{"commands", "chat:write"},
//		RedirectURLs: []string{app.URL + "/slack/oauth_redirect"},
//		RequestURL:   app.URL + "/slack/events",
//	})
//	reply, err := srv.SendCommand(ctx, "T0001", "/hello", "hi")
//
// What a test can do from Go:
//
//   - configure: App, SetApp, Env (the app's SLACK_* environment),
//     AppToken (Socket Mode), AddWorkspace, AddEnterprise, Install (tokens
//     without the consent page, for single-workspace apps);
//   - send traffic and get the app's reply: SendCommand, SendEvent,
//     SendAppMention, SendMessage, SendAppHomeOpened, SendBlockAction,
//     SendViewSubmission, SendViewClosed, SendShortcut, SendMessageShortcut,
//     SendBlockSuggestion, SendInteraction, VerifyURL, RetryLastEvent,
//     Uninstall, RevokeTokens, Post (any signed request);
//   - observe: Calls, CallsTo, Messages, WaitForMessage, Refreshes,
//     RefreshReplays, SocketConnections;
//   - break things: Revoke, FailNext, RateLimitNext, WithTokenLifetime and
//     WithClock (expiry).
//
// The `slackgen emulate` command serves the same emulator for an app
// described by a manifest.
package slacktest
