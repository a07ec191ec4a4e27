package slackapp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// ErrNoResponseURL is returned by Respond when the payload carried no
// response_url (events, global shortcuts, most view submissions).
var ErrNoResponseURL = errors.New("slackapp: this request has no response_url to respond to; post with c.Client().PostMessageContext instead")

// Context is what every handler receives: a context.Context carrying the
// request's values but not its cancellation (work after the ack must keep
// running when Slack's HTTP request ends; bound long work yourself with
// context.WithTimeout), with the authorized Web API clients.
//
// The clients and the Installation are built when a handler first asks for
// them (Client, UserClient, Installation): a handler that does not call the
// Web API does not pay for them. Building them for every request took 6
// allocations and about 4.4k of the ~99k instructions an event costs
// (callgrind).
type Context struct {
	context.Context

	// Logger logs with secrets redacted, tagged with the request's team.
	Logger *slog.Logger

	// EnterpriseID, TeamID, UserID and IsEnterpriseInstall identify whom
	// the request was authorized for.
	EnterpriseID        string
	TeamID              string
	UserID              string
	IsEnterpriseInstall bool

	// ResponseURL is the payload's response_url, used by Respond.
	ResponseURL string

	http *http.Client
	ack  *acker

	// What the request was authorized with (authz is nil for a request
	// that was not, and for NewContext's), and what was built from it.
	// auth points into the request's delivery struct: held by value here,
	// its packed strings, tokens included, would show when a handler
	// prints or logs the Context (the log's redaction finds tokens by word
	// boundaries, which the packing removes).
	authz      *authorizer
	auth       *authorization
	client     atomic.Pointer[slack.Client]
	userClient atomic.Pointer[slack.Client]
	inst       atomic.Pointer[installstore.Installation]
}

// Client returns the Web API client with the installation's bot token. It
// is nil for app_uninstalled and tokens_revoked, which are not authorized.
// The first call builds it; it is safe for concurrent use.
func (c *Context) Client() *slack.Client {
	if c.authz == nil {
		return c.client.Load()
	}
	return buildOnce(&c.client, func() *slack.Client { return c.authz.newClient(c.auth.botToken()) })
}

// UserClient returns a Web API client with the acting user's token, when
// that user installed the app with user scopes; nil otherwise.
func (c *Context) UserClient() *slack.Client {
	if c.authz == nil || !c.auth.userClient {
		return c.userClient.Load()
	}
	return buildOnce(&c.userClient, func() *slack.Client { return c.authz.newClient(c.auth.userToken()) })
}

// Installation returns the authorized installation: the request's own
// copy, except in single-workspace mode, where every request shares one.
// Its scope lists are shared between requests: do not change their
// elements. It is nil when the request was not authorized.
func (c *Context) Installation() *installstore.Installation {
	if c.authz == nil {
		return c.inst.Load()
	}
	return buildOnce(&c.inst, func() *installstore.Installation { return c.authz.installation(c.auth) })
}

// buildOnce returns *p, storing build's result there first if it is nil.
// Goroutines asking at once may each build one, but all get the one
// stored first.
func buildOnce[T any](p *atomic.Pointer[T], build func() *T) *T {
	if v := p.Load(); v != nil {
		return v
	}
	p.CompareAndSwap(nil, build())
	return p.Load()
}

// NewContext builds a Context outside of a Slack request: for tests (see
// slackapptest) and background jobs. client and inst may be nil. Without a
// request to answer, Ack delivers through ResponseURL like Respond.
func NewContext(parent context.Context, client *slack.Client, inst *installstore.Installation, logger *slog.Logger) *Context {
	if logger == nil {
		logger = slog.Default()
	}
	c := &Context{
		Context: parent,
		Logger:  slog.New(NewRedactingHandler(logger.Handler())),
	}
	c.client.Store(client)
	c.inst.Store(inst)
	if inst != nil {
		c.EnterpriseID, c.TeamID, c.UserID, c.IsEnterpriseInstall = inst.EnterpriseID, inst.TeamID, inst.UserID, inst.IsEnterpriseInstall
	}
	return c
}

// WithUserClient sets the client UserClient returns and returns c: for
// tests of handlers that act as the user (NewContext sets only the bot's).
func (c *Context) WithUserClient(u *slack.Client) *Context {
	c.userClient.Store(u)
	return c
}

// WithHTTPClient sets the client Respond posts with and returns c.
func (c *Context) WithHTTPClient(h *http.Client) *Context {
	c.http = h
	return c
}

// Respond posts r to the payload's response_url: a reply to a command, or
// a replacement of the message an action came from (r.ReplaceOriginal).
func (c *Context) Respond(r *Response) error {
	if c.ResponseURL == "" {
		return ErrNoResponseURL
	}
	return postResponse(c, c.httpClient(), c.ResponseURL, r)
}

// Ack answers a slash command now with r and lets the handler keep
// running: r becomes the HTTP answer (or Socket Mode ack). When the ack was
// already sent (the deadline passed, or Ack was called before), r is posted
// to the response_url instead. Outside a command, Ack is Respond.
func (c *Context) Ack(r *Response) error {
	if c.ack != nil && c.ack.offer(r) {
		return nil
	}
	return c.Respond(r)
}

func (c *Context) httpClient() *http.Client {
	if c.http != nil {
		return c.http
	}
	return http.DefaultClient
}

// postResponse posts r as JSON to a response_url.
func postResponse(ctx context.Context, hc *http.Client, url string, r *Response) error {
	if r == nil {
		r = &Response{}
	}
	body, err := marshalResponse(r)
	if err != nil {
		return fmt.Errorf("slackapp: encoding the response: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("slackapp: building the response_url request: %w", withoutURL(err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("slackapp: posting to response_url: %w", withoutURL(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("slackapp: response_url answered %s; it is valid for 30 minutes and 5 responses", resp.Status)
	}
	return nil
}

// withoutURL drops the URL from err (a *url.Error names it): a
// response_url carries a secret path.
func withoutURL(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		return ue.Unwrap()
	}
	return err
}

// acker sends a command's ack exactly once: the handler's answer, an early
// Ack, or the empty answer at the deadline, whichever comes first. The send
// runs under the lock, so whoever loses the race waits until the ack is
// written (the request's ResponseWriter is then no longer used).
type acker struct {
	mu    sync.Mutex
	acked bool
	send  ackFunc
}

// ackFunc sends an ack. early is true when the handler is still running
// (the deadline passed, or it called Ack), so the answer must be flushed now.
type ackFunc func(r *Response, early bool)

// offer acks early with r unless an ack was already sent; it reports
// whether r was taken.
func (a *acker) offer(r *Response) bool { return a.offerAs(r, true) }

// offerFinal acks with the handler's return value.
func (a *acker) offerFinal(r *Response) bool { return a.offerAs(r, false) }

func (a *acker) offerAs(r *Response, early bool) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.acked {
		return false
	}
	a.acked = true
	a.send(r, early)
	return true
}
