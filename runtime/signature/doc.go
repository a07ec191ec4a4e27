// Package signature verifies that an HTTP request really comes from Slack.
//
// Slack signs every request it sends to an app (slash commands, Events API,
// interactivity, options loads) with the app's signing secret:
//
//	X-Slack-Request-Timestamp: 1531420618
//	X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:1531420618:<raw body>">
//
// A Verifier checks the signature in constant time against one or more
// signing secrets (several during a secret rotation), refuses requests whose
// timestamp is more than five minutes away from the local clock in either
// direction (replay protection), and caps the size of the body it reads.
//
// The usual entry point is the middleware, mounted in front of everything
// that handles Slack traffic:
//
//	v, err := signature.New([]string{os.Getenv("SLACK_SIGNING_SECRET")})
//	if err != nil {
//		return err
//	}
//	mux.Handle("POST /slack/events", v.Middleware(events))
//
// The middleware answers 401 with a fixed body on any verification failure
// and 413 when the body exceeds the limit (1 MiB by default). On success the
// next handler sees r.Body replaced by the verified bytes, unchanged, so it can
// parse them as usual.
//
// Nothing in this package ever returns, logs or embeds the computed MAC in an
// error: error values are the fixed sentinels below.
//
// Verify does not allocate; see BenchmarkVerify.
package signature
