package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/oauth"
	"github.com/slackgen/slackgen/runtime/signature"
	"github.com/slackgen/slackgen/runtime/statestore"
)

// Handler types. Each receives a Context carrying the authorized Web API
// client and the installation the request belongs to.
type (
	// CommandHandler answers a slash command. The returned Response (if any)
	// is the command's reply; see App.Command for the ack deadline.
	CommandHandler func(c *Context, cmd *Command) (*Response, error)
	// EventHandler handles an Events API event after it was acked.
	EventHandler func(c *Context, ev *Event) error
	// BlockActionHandler handles one action of a block_actions payload after
	// it was acked.
	BlockActionHandler func(c *Context, a *BlockAction) error
	// ViewSubmissionHandler answers a view_submission; a nil ViewResponse
	// closes the modal.
	ViewSubmissionHandler func(c *Context, v *ViewSubmission) (*ViewResponse, error)
	// ViewClosedHandler handles a view_closed payload after it was acked.
	ViewClosedHandler func(c *Context, v *ViewClosed) error
	// ShortcutHandler handles a global or message shortcut after it was
	// acked.
	ShortcutHandler func(c *Context, s *Shortcut) error
	// OptionsHandler answers an options load (block_suggestion).
	OptionsHandler func(c *Context, o *OptionsRequest) (*OptionsResponse, error)
)

// App routes Slack requests (over HTTP or Socket Mode) to typed handlers.
//
// Register handlers before calling Handler, Run or Serve; registration is
// not safe while the app serves requests.
type App struct {
	cfg      Config
	log      *slog.Logger
	store    installstore.Store
	states   statestore.Store
	tokens   TokenSource
	verifier *signature.Verifier
	client   *http.Client
	mounts   []mount

	commands        map[string]CommandHandler
	events          map[string]EventHandler
	messageBySub    map[string]EventHandler
	messageByChType map[string]EventHandler
	blockActions    map[string]BlockActionHandler
	viewSubmissions map[string]ViewSubmissionHandler
	viewClosed      map[string]ViewClosedHandler
	shortcuts       map[string]ShortcutHandler
	options         map[string]OptionsHandler

	routes map[string]kindSet

	flow       *oauth.Flow
	oauthEdits []func(*oauth.Config)

	auth   *authorizer
	dedupe *dedupe
	pool   *pool
	acks   ackWatch // acks commands at the deadline

	// work counts the requests being handled and the handlers still
	// running after their ack (view submissions and options loads that
	// passed the deadline); Drain waits for it, then for the pool.
	work tracker

	onceNotice sync.Once
}

// mount is an extra handler served by Handler (OAuth routes).
type mount struct {
	pattern string
	h       http.Handler
}

// Option configures an App.
type Option func(*App)

// WithInstallationStore sets where installations are found (required for
// OAuth distribution) and deleted on app_uninstalled / tokens_revoked.
func WithInstallationStore(s installstore.Store) Option { return func(a *App) { a.store = s } }

// WithStateStore sets the OAuth state store. Without it, an OAuth app needs
// SLACK_STATE_SECRET for the stateless signed state.
func WithStateStore(s statestore.Store) Option { return func(a *App) { a.states = s } }

// WithLogger sets the logger. Its handler is wrapped with
// NewRedactingHandler, so tokens and secrets never reach the output.
func WithLogger(l *slog.Logger) Option { return func(a *App) { a.log = l } }

// WithHTTPClient sets the HTTP client used for the Web API and for
// response_url posts (default: 10 s timeout).
func WithHTTPClient(c *http.Client) Option { return func(a *App) { a.client = c } }

// WithTokenSource makes authorization go through ts instead of the
// installation store directly: typically the OAuth flow's token source,
// which refreshes rotating tokens before they expire.
func WithTokenSource(ts TokenSource) Option { return func(a *App) { a.tokens = ts } }

// WithHandler serves h at pattern (a net/http ServeMux pattern such as
// "GET /slack/install") next to the Slack endpoints. Generated code mounts
// the OAuth install, redirect and Sign in with Slack handlers this way.
func WithHandler(pattern string, h http.Handler) Option {
	return func(a *App) { a.mounts = append(a.mounts, mount{pattern, h}) }
}

// New builds an App from cfg (which it copies; nil means ConfigFromEnv).
// It reports every missing required environment variable at once as a
// *MissingConfigError.
func New(cfg *Config, opts ...Option) (*App, error) {
	if cfg == nil {
		var err error
		if cfg, err = ConfigFromEnv(); err != nil {
			return nil, err
		}
	}
	a := &App{
		cfg:             *cfg,
		commands:        map[string]CommandHandler{},
		events:          map[string]EventHandler{},
		messageBySub:    map[string]EventHandler{},
		messageByChType: map[string]EventHandler{},
		blockActions:    map[string]BlockActionHandler{},
		viewSubmissions: map[string]ViewSubmissionHandler{},
		viewClosed:      map[string]ViewClosedHandler{},
		shortcuts:       map[string]ShortcutHandler{},
		options:         map[string]OptionsHandler{},
		routes:          map[string]kindSet{},
	}
	a.cfg.applyDefaults()
	for _, o := range opts {
		o(a)
	}
	if err := a.cfg.validate(a.states != nil); err != nil {
		return nil, err
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	a.log = slog.New(NewRedactingHandler(a.log.Handler())).With("component", "slackapp")
	if a.client == nil {
		a.client = &http.Client{Timeout: 10 * time.Second}
	}
	if !a.cfg.SingleWorkspace() && a.store == nil && a.tokens == nil {
		return nil, errors.New("slackapp: OAuth distribution (no " + EnvBotToken + ") needs an installation store; pass slackapp.WithInstallationStore(store), or set " + EnvBotToken + " for a single workspace")
	}
	if len(a.cfg.SigningSecrets) > 0 {
		v, err := signature.New(a.cfg.SigningSecrets)
		if err != nil {
			return nil, fmt.Errorf("slackapp: %w", err)
		}
		a.verifier = v
	}
	if err := a.setupOAuth(); err != nil {
		return nil, err
	}
	a.auth = newAuthorizer(a)
	a.dedupe = newDedupe(a.cfg.DedupeSize, a.cfg.DedupeTTL, time.Now)
	a.pool = newPool(a.cfg.Workers, a.cfg.QueueSize)
	a.acks.after = a.cfg.AckDeadline
	return a, nil
}

// Config returns a copy of the app's configuration, defaults applied.
func (a *App) Config() Config { return a.cfg }

// Logger returns the app's (redacting) logger.
func (a *App) Logger() *slog.Logger { return a.log }

// Command registers h for the slash command name ("/hello").
//
// Slack needs an answer within 3 seconds. The app runs h and waits up to
// Config.AckDeadline (2.5 s by default): if h returns, or calls c.Ack, in
// time, its Response is the HTTP answer (or Socket Mode ack payload).
// Otherwise the app acks with an empty 200 at the deadline, h keeps
// running, and the Response it returns later is posted to the command's
// response_url.
func (a *App) Command(name string, h CommandHandler) {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	a.commands[name] = h
}

// Event registers h for an Events API event type ("app_mention").
//
// Message events are matched most specific first, one handler per event:
//
//   - "message:<subtype>" (such as "message:bot_message") gets messages of
//     that subtype;
//   - "message.<channel type>", the manifest's names "message.channels",
//     "message.groups", "message.im", "message.mpim" and
//     "message.app_home", gets messages by the event's channel_type
//     (channel, group, im, mpim, app_home);
//   - "message" gets every message not taken by the above.
//
// Events are acked at once and handled afterwards by a bounded worker pool.
func (a *App) Event(eventType string, h EventHandler) {
	switch {
	case strings.HasPrefix(eventType, "message:"):
		a.messageBySub[strings.TrimPrefix(eventType, "message:")] = h
	case strings.HasPrefix(eventType, "message."):
		ct := strings.TrimPrefix(eventType, "message.")
		if m, ok := manifestChannelTypes[ct]; ok {
			ct = m
		}
		a.messageByChType[ct] = h
	default:
		a.events[eventType] = h
	}
}

// manifestChannelTypes maps the manifest's message event suffixes to the
// channel_type values Slack sends.
var manifestChannelTypes = map[string]string{
	"channels": "channel", "channel": "channel",
	"groups": "group", "group": "group",
	"im": "im", "mpim": "mpim", "app_home": "app_home",
}

// BlockAction registers h for block actions with actionID.
func (a *App) BlockAction(actionID string, h BlockActionHandler) { a.blockActions[actionID] = h }

// ViewSubmission registers h for submissions of views with callbackID. Like
// commands, h has Config.AckDeadline to answer; a later answer is dropped
// (and logged) because Slack has then closed the modal.
func (a *App) ViewSubmission(callbackID string, h ViewSubmissionHandler) {
	a.viewSubmissions[callbackID] = h
}

// ViewClosed registers h for view_closed payloads of views with callbackID
// (sent only for views opened with notify_on_close).
func (a *App) ViewClosed(callbackID string, h ViewClosedHandler) { a.viewClosed[callbackID] = h }

// Shortcut registers h for the global or message shortcut callbackID.
func (a *App) Shortcut(callbackID string, h ShortcutHandler) { a.shortcuts[callbackID] = h }

// Options registers h for options loads (block_suggestion) of the external
// select with actionID. Like commands, it has Config.AckDeadline to answer;
// past it Slack gets an empty option list.
func (a *App) Options(actionID string, h OptionsHandler) { a.options[actionID] = h }

// Drain is the last step of a shutdown: from its call on, the app refuses
// new work (events and interactions are answered 503, so that Slack retries
// the events; slash commands get the usual "something went wrong" reply),
// and Drain waits until every request, event and handler it took has
// finished, or ctx is done. Run, Serve and RunSocketMode call it once they
// stopped taking requests; requests that outlived the HTTP server's
// shutdown timeout are refused then.
func (a *App) Drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		// Pool jobs are queued only by counted work, so once that is over
		// and new work is refused, the pool gets no more jobs and its
		// WaitGroup can be waited for without racing an Add.
		<-a.work.drain()
		a.pool.wait()
		a.pool.stop() // its idle workers exit
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("slackapp: handlers still running at shutdown: %w", ctx.Err())
	}
}
