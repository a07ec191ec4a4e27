package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// Event is one Events API event. Only what routing needs is parsed; decode
// the inner event lazily into its slack-go type:
//
//	var m slackevents.AppMentionEvent
//	if err := ev.Decode(&m); err != nil { return err }
type Event struct {
	// Type, Subtype, ChannelType and User come from the inner event.
	Type        string
	Subtype     string
	ChannelType string
	User        string

	// From the envelope (event_callback).
	EventID            string
	EventTime          int64
	TeamID             string
	EnterpriseID       string
	APIAppID           string
	IsExtSharedChannel bool
	// RetryNum is Slack's X-Slack-Retry-Num (0 on the first delivery).
	RetryNum int

	// Raw is the inner event's JSON ("event" in the envelope).
	Raw json.RawMessage
}

// Decode unmarshals the inner event into v, for example a
// *slackevents.AppMentionEvent.
//
// Events of simple shape decoded into a zero value take a fast path
// (fastDecode) with the same result as encoding/json.
func (e *Event) Decode(v any) error {
	if fastDecode(e.Raw, v) {
		return nil
	}
	if err := json.Unmarshal(e.Raw, v); err != nil {
		return fmt.Errorf("slackapp: decoding the %s event: %w", e.Type, err)
	}
	return nil
}

// envelope is the part of an Events API request routing needs.
type envelope struct {
	Type               string             `json:"type"`
	Challenge          string             `json:"challenge"`
	TeamID             string             `json:"team_id"`
	EnterpriseID       string             `json:"enterprise_id"`
	APIAppID           string             `json:"api_app_id"`
	EventID            string             `json:"event_id"`
	EventTime          int64              `json:"event_time"`
	IsExtSharedChannel bool               `json:"is_ext_shared_channel"`
	Authorizations     [1]eventAuthorized `json:"authorizations"`
	Event              json.RawMessage    `json:"event"`
}

// eventAuthorized is authorizations[0] of an envelope; later entries are
// not decoded.
type eventAuthorized struct {
	EnterpriseID        string `json:"enterprise_id"`
	TeamID              string `json:"team_id"`
	UserID              string `json:"user_id"`
	IsEnterpriseInstall bool   `json:"is_enterprise_install"`
}

// innerHead is the part of the inner event routing needs.
type innerHead struct {
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	ChannelType string `json:"channel_type"`
	User        string `json:"user"`
}

// parseEnvelopeInto decodes an Events API body into env and, for event
// callbacks, the head of the inner event into ev: with the fast scan when
// it applies, else with encoding/json (see scanhead.go). env may be on the
// caller's stack (the fallback decodes into a copy of its own), ev is
// allocated with the rest of a delivery. It reports whether the body is an
// event callback (ev is filled only then).
func parseEnvelopeInto(body []byte, env *envelope, ev *Event) (bool, error) {
	var head innerHead
	fast := scanEnvelope(body, env, &head)
	if !fast {
		e := new(envelope) // json.Unmarshal's argument escapes: a fresh one keeps env on the stack
		if err := json.Unmarshal(body, e); err != nil {
			return false, fmt.Errorf("slackapp: malformed Events API body: %w", err)
		}
		*env = *e
	}
	if env.Type != "event_callback" {
		return false, nil
	}
	if len(env.Event) == 0 {
		return false, errors.New("slackapp: malformed Events API body: event_callback without an event")
	}
	if !fast {
		h := new(innerHead) // decodeHead's h escapes: a fresh one keeps head on the stack
		if err := decodeHead(env.Event, h); err != nil {
			return false, fmt.Errorf("slackapp: malformed Events API event: %w", err)
		}
		head = *h
	}
	fillEvent(ev, env, &head)
	return true, nil
}

func fillEvent(ev *Event, env *envelope, head *innerHead) {
	*ev = Event{
		Type: head.Type, Subtype: head.Subtype, ChannelType: head.ChannelType, User: head.User,
		EventID: env.EventID, EventTime: env.EventTime, TeamID: env.TeamID, EnterpriseID: env.EnterpriseID,
		APIAppID: env.APIAppID, IsExtSharedChannel: env.IsExtSharedChannel, Raw: env.Event,
	}
}

// query returns the authorization query of an envelope: authorizations[0]
// when present, else the envelope's team and enterprise.
func (env *envelope) query() installstore.Query {
	if a := env.Authorizations[0]; a.TeamID != "" || a.EnterpriseID != "" {
		return installstore.Query{EnterpriseID: a.EnterpriseID, TeamID: a.TeamID, UserID: a.UserID, IsEnterpriseInstall: a.IsEnterpriseInstall}
	}
	return installstore.Query{EnterpriseID: env.EnterpriseID, TeamID: env.TeamID}
}

// eventResult tells the transport how to answer an Events API delivery.
type eventResult int

const (
	eventAccepted  eventResult = iota // 200, empty
	eventChallenge                    // 200, the challenge
	eventBad                          // 400
	eventBusy                         // 503: the pool is full, Slack retries
)

// eventHandler returns the handler for ev, message events most specific
// first.
func (a *App) eventHandler(ev *Event) EventHandler {
	if ev.Type == "message" {
		if ev.Subtype != "" {
			if h := a.messageBySub[ev.Subtype]; h != nil {
				return h
			}
		}
		if h := a.messageByChType[ev.ChannelType]; h != nil {
			return h
		}
	}
	return a.events[ev.Type]
}

// eventDelivery is one event callback on its way to its handler: parsed on
// the request path, then run by the pool. It holds everything the handler
// gets (the Event, its Context and tagged logger), so that a delivery
// costs one allocation instead of one per part.
//
// It is kept small (640-byte size class): it is most of what an event
// allocates, and allocation paces the garbage collector. The logger's
// attributes are computed when it logs (logAttrs); of the envelope it keeps
// only the authorization query (the envelope itself stays on the request's
// stack).
type eventDelivery struct {
	app       *App
	ctx       context.Context
	h         EventHandler
	uninstall bool

	q    installstore.Query
	auth authorization // the Context's (see Context.auth)
	ev   Event
	c    Context
	log  slog.Logger
	tags lazyAttrs
}

// logAttrs tags the handler's log records with the event.
func (d *eventDelivery) logAttrs() []slog.Attr {
	return []slog.Attr{slog.String("event_type", d.ev.Type), slog.String("event_id", d.ev.EventID), slog.String("team_id", d.q.TeamID)}
}

// handleEvents handles one Events API delivery. With wait (Socket Mode) a
// full pool is waited for; otherwise it is reported as eventBusy so that the
// HTTP answer is 503 and Slack retries later. Once Drain began, every event
// is eventBusy.
func (a *App) handleEvents(ctx context.Context, body []byte, retryNum int, wait bool) (res eventResult, challenge string) {
	d := &eventDelivery{app: a}
	var env envelope
	ev := &d.ev
	isEvent, err := parseEnvelopeInto(body, &env, ev)
	if err != nil {
		a.log.Warn("refused a malformed Events API request", "err", err)
		return eventBad, ""
	}
	switch {
	case env.Type == "url_verification":
		return eventChallenge, env.Challenge
	case !isEvent:
		a.log.Info("Events API notice", "type", env.Type, "team_id", env.TeamID)
		return eventAccepted, ""
	}
	ev.RetryNum = retryNum
	d.q = env.query()
	d.uninstall = ev.Type == "app_uninstalled" || ev.Type == "tokens_revoked"
	d.h = a.eventHandler(ev)
	if d.h == nil && !d.uninstall {
		a.log.Debug("no handler for event", "type", ev.Type, "subtype", ev.Subtype, "event_id", ev.EventID)
		return eventAccepted, ""
	}
	if !a.work.enter() {
		if wait {
			a.log.Warn("shutting down: dropped an event (its envelope was acked)", "type", ev.Type, "event_id", ev.EventID)
		} else {
			a.log.Warn("shutting down: refused an event so that Slack retries it", "type", ev.Type, "event_id", ev.EventID)
		}
		return eventBusy, ""
	}
	defer a.work.done()
	isNew, kept := a.dedupe.claim(ev.EventID)
	if kept > 0 {
		a.log.Warn("event de-duplication is forgetting event ids before their TTL, to make room: at this rate it keeps them for kept_for, "+
			"and Slack retries a delivery it saw fail up to 5 minutes later; raise "+EnvDedupeSize+" (Config.DedupeSize, about 30 bytes an id)",
			"kept_for", kept.String(), "dedupe_size", a.cfg.DedupeSize, "dedupe_ttl", a.cfg.DedupeTTL.String())
	}
	if !isNew {
		a.log.Info("dropped a retried event already accepted", "event_id", ev.EventID, "retry_num", retryNum, "type", ev.Type)
		return eventAccepted, ""
	}
	d.ctx = context.WithoutCancel(ctx)
	var ok bool
	if wait {
		ok = a.pool.goWait(ctx.Done(), d.run)
	} else {
		ok = a.pool.tryGo(d.run)
	}
	if !ok {
		a.dedupe.release(ev.EventID)
		if wait {
			// Socket Mode acked the envelope already: Slack will not retry it.
			a.log.Warn("shutting down: dropped an event that was waiting for a worker",
				"type", ev.Type, "event_id", ev.EventID)
		} else {
			a.log.Warn("worker pool full: refused an event so that Slack retries it; raise Config.Workers or QueueSize",
				"type", ev.Type, "event_id", ev.EventID, "workers", a.cfg.Workers, "queue", a.cfg.QueueSize)
		}
		return eventBusy, ""
	}
	return eventAccepted, ""
}

// run authorizes and runs the event's handler, after the ack.
func (d *eventDelivery) run() {
	a, ev, q := d.app, &d.ev, d.q
	log := a.tagFrom(&d.log, &d.tags, d)
	defer a.recoverHandler(log)
	var auth *authorization
	if d.uninstall {
		a.deleteInstallations(d.ctx, log, q, ev)
		if d.h == nil {
			return
		}
	} else {
		var err error
		if d.auth, err = a.auth.authorize(d.ctx, q); err != nil {
			if errors.Is(err, errNotInstalled) {
				log.Warn("event from a workspace without an installation; skipped (the app may have been uninstalled)", "enterprise_id", q.EnterpriseID)
			} else {
				log.Error("authorizing an event failed; skipped", "err", err)
			}
			return
		}
		auth = &d.auth
	}
	c := &d.c
	a.fillContext(c, d.ctx, auth, q, log)
	if err := d.h(c, ev); err != nil {
		log.Error("event handler failed", "err", err)
	}
}

// tokensRevoked is the inner event of tokens_revoked.
type tokensRevoked struct {
	Tokens struct {
		OAuth []string `json:"oauth"`
		Bot   []string `json:"bot"`
	} `json:"tokens"`
}

// deleteInstallations handles app_uninstalled (everything of the
// workspace) and tokens_revoked (the listed users, and the bot when bot ids
// are listed), without authorizing first. Deleting what is already gone is
// not an error, so the two events work in either order and when retried.
func (a *App) deleteInstallations(ctx context.Context, log *slog.Logger, q installstore.Query, ev *Event) {
	q.UserID = ""
	defer a.auth.forget(q.EnterpriseID, q.TeamID)
	if a.store == nil {
		log.Info("no installation store: nothing to delete")
		return
	}
	ignore := func(err error) error {
		if errors.Is(err, installstore.ErrNotFound) {
			return nil
		}
		return err
	}
	if ev.Type == "app_uninstalled" {
		if err := ignore(a.store.DeleteAll(ctx, q)); err != nil {
			log.Error("deleting the installations of an uninstalled app failed", "err", err)
			return
		}
		log.Info("app uninstalled: deleted the workspace's installations", "enterprise_id", q.EnterpriseID)
		return
	}
	var tr tokensRevoked
	if err := ev.Decode(&tr); err != nil {
		log.Error("tokens_revoked: cannot read the revoked tokens", "err", err)
		return
	}
	for _, user := range tr.Tokens.OAuth {
		uq := q
		uq.UserID = user
		if err := ignore(a.store.DeleteInstallation(ctx, uq)); err != nil {
			log.Error("tokens_revoked: deleting a user's installation failed", "user_id", user, "err", err)
		}
	}
	if len(tr.Tokens.Bot) > 0 {
		if err := ignore(a.store.DeleteBot(ctx, q)); err != nil {
			log.Error("tokens_revoked: deleting the bot installation failed", "err", err)
		}
	}
	log.Info("tokens revoked: deleted installations", "users", len(tr.Tokens.OAuth), "bots", len(tr.Tokens.Bot))
}

// recoverHandler logs a panicking handler instead of crashing the app.
func (a *App) recoverHandler(log *slog.Logger) {
	if r := recover(); r != nil {
		log.Error("handler panicked", "panic", fmt.Sprint(r))
	}
}

// newContext builds a handler's Context, with a copy of auth of its own.
func (a *App) newContext(ctx context.Context, auth *authorization, q installstore.Query, log *slog.Logger) *Context {
	var held *authorization
	c := &struct {
		c    Context
		auth authorization
	}{}
	if auth != nil {
		c.auth = *auth
		held = &c.auth
	}
	a.fillContext(&c.c, ctx, held, q, log)
	return &c.c
}

// fillContext sets c up as a handler's Context. auth, when not nil, must
// stay unchanged while c is in use (it is kept in the request's delivery).
func (a *App) fillContext(c *Context, ctx context.Context, auth *authorization, q installstore.Query, log *slog.Logger) {
	*c = Context{
		Context: ctx, Logger: log, http: a.client,
		EnterpriseID: q.EnterpriseID, TeamID: q.TeamID, UserID: q.UserID, IsEnterpriseInstall: q.IsEnterpriseInstall,
	}
	if auth != nil {
		// The clients and the Installation are built on first use (see
		// Context); in single-workspace mode every request shares them.
		c.authz, c.auth = a.auth, auth
		if auth.client != nil {
			c.client.Store(auth.client)
		}
	}
}
