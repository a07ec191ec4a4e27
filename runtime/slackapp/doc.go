// Package slackapp routes Slack requests — slash commands, Events API
// events, block actions, view submissions and closes, shortcuts and options
// loads — to typed handlers, over HTTP or Socket Mode, with an authorized
// Web API client for the workspace each request comes from.
//
//	cfg, err := slackapp.ConfigFromEnv()
//	if err != nil { ... }
//	cfg.BotScopes = []string{"commands", "chat:write"} // from the manifest
//	app, err := slackapp.New(cfg, slackapp.WithInstallationStore(store))
//	if err != nil { ... } // names every missing environment variable
//	app.Command("/hello", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
//		return slackapp.Text("Hello!"), nil
//	})
//	app.Event("app_mention", func(c *slackapp.Context, ev *slackapp.Event) error {
//		var m slackevents.AppMentionEvent
//		if err := ev.Decode(&m); err != nil { return err }
//		_, _, err := c.Client().PostMessageContext(c, m.Channel, slack.MsgOptionText("hi", false))
//		return err
//	})
//	err = app.Run(ctx)
//
// # Modes
//
// With SLACK_BOT_TOKEN the app serves one workspace with that token and
// needs no installation store. Without it the app is distributed with OAuth:
// New builds the runtime/oauth flow from Config and mounts its install page
// (Config.InstallPath, default /slack/install) and redirect
// (Config.RedirectPath, default /slack/oauth_redirect), and Sign in with
// Slack when WithOAuthConfig sets OnLogin; authorization then goes through
// the flow, which refreshes rotating tokens before they expire. With
// Config.SocketMode and SLACK_APP_TOKEN, Run opens a Socket Mode connection
// instead of an HTTP server; the same handlers run.
//
// # HTTP endpoints
//
// Handler serves POST on the Slack paths (DefaultPath "/slack/events" for
// every kind unless Route maps kinds to the manifest's own URLs), GET
// /healthz, and the OAuth routes. Every Slack request is verified with
// runtime/signature before anything is parsed: a bad or stale signature is
// 401, a body over 1 MiB is 413. Only what routing needs is parsed on the
// hot path: the form once for commands, a small envelope (and four fields of
// the inner event) for the Events API. Handlers decode the inner event
// lazily with Event.Decode.
//
// # Acknowledging within three seconds
//
// Slack gives an app 3 seconds to answer.
//
//   - Commands: the handler runs while the request waits up to
//     Config.AckDeadline (2.5 s). If it returns, or calls Context.Ack, in
//     time, its Response is the HTTP answer. Otherwise the app answers an
//     empty 200 at the deadline, the handler keeps running, and the Response
//     it returns later is posted to the command's response_url.
//   - View submissions and options loads: their answer is the HTTP body, so
//     the same deadline applies; past it the app answers empty (the modal
//     closes; no options) and drops the late answer with a log line.
//   - Events, block actions, shortcuts and view closes: acked at once (200),
//     then handled in a bounded worker pool.
//
// # The worker pool
//
// At most Config.Workers handlers (default 16) run at once and at most
// Config.QueueSize more (default 256) wait. When both are taken, an HTTP
// event is answered 503 and its event_id is not remembered, so Slack retries
// it later (it retries three times, with growing delays) rather than the app
// dropping it or growing memory without bound; a block action or shortcut is
// answered 503 too (the user sees Slack's error and can retry). In Socket
// Mode the reader waits for room instead, which slows the connection down.
// Drain (called by Run on shutdown) waits for the pool to empty.
//
// # Events
//
// url_verification is answered with its challenge; ssl_check with 200.
// Retries (X-Slack-Retry-Num) of an event already accepted are recognised
// by event_id, remembered for Config.DedupeTTL (10 minutes) in a bounded
// cache, acked and dropped. Message events route most specific first:
// "message:<subtype>", then the manifest's "message.channels",
// "message.groups", "message.im", "message.mpim", "message.app_home" (by the
// event's channel_type), then "message" (see App.Event).
// app_uninstalled deletes everything stored for the workspace and
// tokens_revoked deletes the listed users' installations (and the bot's when
// bot tokens are listed) — without authorizing first, idempotently, in
// either order; a handler registered for them runs afterwards with a nil
// Client.
//
// # Authorization
//
// A request is authorized by enterprise id, team id, user id and
// is_enterprise_install: from authorizations[0] of an event (else its
// team_id and enterprise_id), from team.id, enterprise.id, user.id and
// is_enterprise_install of an interaction, from the form fields of a
// command. The user's own installation gives Context.UserClient(); the
// workspace's bot gives Context.Client(). Results are cached for up to
// Config.AuthCacheTTL (30 s), never past a token's expiry; each expires at
// a point in the TTL's last tenth fixed by its workspace, so that
// workspaces cached together are not looked up again together. A command
// from a workspace with no installation gets the ephemeral reply "This app
// is not installed in this workspace anymore — please reinstall: <install
// URL>"; events and interactions are logged and skipped.
//
// # Logging
//
// Every log line goes through RedactingHandler, which masks Slack tokens
// (xoxb-, xoxp-, xoxe-, xapp-, …) anywhere in a record and replaces whole
// attributes whose key names a secret or token.
//
// Tests of handlers use the helpers of package slackapptest.
package slackapp
