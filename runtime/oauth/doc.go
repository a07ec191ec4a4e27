// Package oauth implements Slack's OAuth v2 install flow, token rotation and
// Sign in with Slack (OpenID Connect) for apps built on the slackgen runtime.
//
// A [Flow] holds the app's OAuth configuration and serves four handlers that
// the app mounts on its mux (the paths are conventions, see the Default*Path
// constants):
//
//	GET /slack/install          InstallHandler: "Add to Slack" page or redirect
//	GET /slack/oauth_redirect   CallbackHandler: state check, code exchange, save
//	GET /slack/login            LoginHandler: Sign in with Slack
//	GET /slack/login/callback   LoginCallbackHandler: identity to OnLogin
//
// # State and cookies
//
// Every flow gets a fresh state from a [statestore.Store] and the same state is
// written to an HttpOnly, SameSite=Lax cookie with Path=/ and Max-Age=600 whose
// name is derived from the state ([StateCookieName]). The callback recomputes
// the name from the state parameter, so two browser tabs can install at once
// without overwriting each other's cookie. The cookie is Secure unless the app
// runs over plain http on a loopback host (localhost, 127.0.0.1, ::1).
// A callback is accepted only when the state parameter equals the cookie
// (constant-time comparison) and the store consumes it for the first time.
//
// # Failures
//
// A failed callback renders a [Failure] with a stable reason code and status:
// Slack's error=access_denied (the user pressed Cancel) is 403, any other
// error parameter 400; a missing state, missing cookie, mismatched, unknown,
// reused or expired state is 400; a code Slack rejects (invalid_code,
// code_already_used, bad_redirect_uri, …) is 400; any other failure of
// oauth.v2.access or auth.test is 502; a state or installation store failure
// is 500; a BeforeInstall veto is 403 unless the hook returns its own
// [Failure]. Error details are logged with log/slog; tokens, codes, states and
// secrets are never logged nor rendered.
//
// # Token rotation
//
// When the app enables token rotation, oauth.v2.access returns refresh tokens
// and expiry times. [Rotator.Tokens] (also [Flow.Tokens]) returns an
// installation whose tokens are valid for at least the configured margin,
// refreshing them first when needed. A refresh token is spent at most once:
// callers in one process share one refresh (singleflight keyed by the
// installation's key), and across processes the refresh runs inside
// [installstore.Store.Update], which serializes read-modify-write per key;
// inside it, a token is refreshed only if it is still due and its refresh
// token is still the one the decision was taken on, so a replica that lost
// the race uses the tokens its peer stored instead of spending the old
// refresh token again (the node-slack-sdk#2504 failure). Apps that only send
// run [Rotator.Run] in the background. RefreshBefore must stay below the
// token lifetime (Slack's is 12 hours; the default margin is 2 hours).
//
// # Success pages
//
// A workspace install ends on a page with a deep link into the Slack client
// (slack://app?team=…&id=…) and a browser link (https://app.slack.com/client/…).
// An org-wide install continues to the organization's admin page
// (<enterprise url>manage/organization/apps/profile/<app id>/workspaces/add),
// where the admin picks the workspaces that get the app.
//
// # Sign in with Slack
//
// LoginHandler redirects to <SlackURL>/openid/connect/authorize with
// scope "openid profile email", a state from the state store and a nonce,
// both bound to the browser by one cookie. LoginCallbackHandler checks them,
// exchanges the code with openid.connect.token, checks the id_token's nonce,
// audience and expiry claims, calls openid.connect.userInfo and hands an
// [Identity] to Config.OnLogin. The id_token's signature is not verified
// against Slack's JWKS: the token is received directly from Slack's Web API
// over TLS in exchange for a single-use code and the client secret, which is
// what OpenID Connect Core (section 3.1.3.7) allows in place of signature
// validation. Do not feed id_tokens obtained any other way into this package.
package oauth
