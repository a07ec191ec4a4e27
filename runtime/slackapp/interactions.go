package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// BlockAction is one action of a block_actions payload. The payload
// (message, view, state, user, response_url) is embedded; Action is the
// action this handler was registered for.
type BlockAction struct {
	slack.InteractionCallback
	Action *slack.BlockAction
}

// ViewSubmission is a view_submission payload; the submitted values are in
// View.State.Values.
type ViewSubmission struct{ slack.InteractionCallback }

// ViewClosed is a view_closed payload.
type ViewClosed struct{ slack.InteractionCallback }

// Shortcut is a global (Type "shortcut") or message (Type
// "message_action") shortcut payload.
type Shortcut struct{ slack.InteractionCallback }

// IsMessage reports whether s is a message shortcut; its Message and
// Channel are then set, and so is ResponseURL.
func (s *Shortcut) IsMessage() bool { return s.Type == slack.InteractionTypeMessageAction }

// OptionsRequest is an options load (block_suggestion) of an external
// select: ActionID names the select, Value is what the user typed.
type OptionsRequest struct{ slack.InteractionCallback }

// interactionAnswer is what the transport sends back for an interaction.
type interactionAnswer struct {
	status int // 0 means 200
	body   any // nil: empty body; []byte: raw JSON; else marshaled
}

// parseInteraction decodes an interaction payload (the form field
// "payload", or a Socket Mode interactive payload).
func parseInteraction(payload []byte) (*slack.InteractionCallback, error) {
	var cb slack.InteractionCallback
	if err := json.Unmarshal(payload, &cb); err != nil {
		return nil, fmt.Errorf("slackapp: malformed interaction payload: %w", err)
	}
	return &cb, nil
}

// interactionQuery returns the authorization query of an interaction.
func interactionQuery(cb *slack.InteractionCallback) installstore.Query {
	q := installstore.Query{EnterpriseID: cb.Enterprise.ID, TeamID: cb.Team.ID, UserID: cb.User.ID, IsEnterpriseInstall: cb.IsEnterpriseInstall}
	if q.TeamID == "" {
		q.TeamID = cb.User.TeamID
	}
	return q
}

// handleInteraction routes an interaction. Block actions, shortcuts and
// view closes are acked at once and run in the worker pool; view
// submissions and options loads run within the ack deadline because their
// answer is the HTTP body. The transport counts the interaction in a.work
// (it refuses it once Drain began) until it has sent the answer.
func (a *App) handleInteraction(ctx context.Context, cb *slack.InteractionCallback, wait bool) interactionAnswer {
	log := a.tagged(slog.String("interaction", string(cb.Type)), slog.String("team_id", cb.Team.ID))
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		var jobs []func(*Context)
		for _, act := range cb.ActionCallback.BlockActions {
			if h := a.blockActions[act.ActionID]; h != nil {
				ba := &BlockAction{InteractionCallback: *cb, Action: act}
				jobs = append(jobs, func(c *Context) {
					if err := h(c, ba); err != nil {
						c.Logger.Error("block action handler failed", "action_id", ba.Action.ActionID, "err", err)
					}
				})
			} else {
				log.Debug("no handler for block action", "action_id", act.ActionID)
			}
		}
		return a.afterAck(ctx, cb, log, wait, jobs...)
	case slack.InteractionTypeShortcut, slack.InteractionTypeMessageAction:
		h := a.shortcuts[cb.CallbackID]
		if h == nil {
			log.Warn("no handler for shortcut", "callback_id", cb.CallbackID)
			return interactionAnswer{}
		}
		s := &Shortcut{*cb}
		return a.afterAck(ctx, cb, log, wait, func(c *Context) {
			if err := h(c, s); err != nil {
				c.Logger.Error("shortcut handler failed", "callback_id", s.CallbackID, "err", err)
			}
		})
	case slack.InteractionTypeViewClosed:
		h := a.viewClosed[cb.View.CallbackID]
		if h == nil {
			log.Debug("no handler for view_closed", "callback_id", cb.View.CallbackID)
			return interactionAnswer{}
		}
		v := &ViewClosed{*cb}
		return a.afterAck(ctx, cb, log, wait, func(c *Context) {
			if err := h(c, v); err != nil {
				c.Logger.Error("view_closed handler failed", "callback_id", v.View.CallbackID, "err", err)
			}
		})
	case slack.InteractionTypeViewSubmission:
		h := a.viewSubmissions[cb.View.CallbackID]
		if h == nil {
			log.Warn("no handler for view submission; the modal closes", "callback_id", cb.View.CallbackID)
			return interactionAnswer{}
		}
		v := &ViewSubmission{*cb}
		out := a.withDeadline(ctx, cb, log, func(c *Context) (any, error) {
			r, err := h(c, v)
			if r == nil {
				return nil, err
			}
			return r, err
		})
		return interactionAnswer{body: out}
	case slack.InteractionTypeBlockSuggestion:
		h := a.options[cb.ActionID]
		if h == nil {
			log.Warn("no handler for options load", "action_id", cb.ActionID)
			return interactionAnswer{body: emptyOptions}
		}
		o := &OptionsRequest{*cb}
		out := a.withDeadline(ctx, cb, log, func(c *Context) (any, error) {
			r, err := h(c, o)
			if r == nil {
				return nil, err
			}
			return r, err
		})
		if out == nil {
			out = emptyOptions
		}
		return interactionAnswer{body: out}
	default:
		log.Info("interaction type not routed by slackapp; acked")
		return interactionAnswer{}
	}
}

// authorizeInteraction builds the Context of an interaction, or logs why
// it cannot.
func (a *App) authorizeInteraction(ctx context.Context, cb *slack.InteractionCallback, log *slog.Logger) *Context {
	q := interactionQuery(cb)
	auth, err := a.auth.authorize(ctx, q)
	if err != nil {
		if errors.Is(err, errNotInstalled) {
			log.Warn("interaction from a workspace without an installation; skipped", "enterprise_id", q.EnterpriseID)
		} else {
			log.Error("authorizing an interaction failed; skipped", "err", err)
		}
		return nil
	}
	c := a.newContext(context.WithoutCancel(ctx), &auth, q, log)
	c.ResponseURL = cb.ResponseURL
	if c.ResponseURL == "" && len(cb.ResponseURLs) > 0 {
		c.ResponseURL = cb.ResponseURLs[0].ResponseURL
	}
	return c
}

// afterAck runs jobs in the worker pool after an empty ack. A full pool is
// answered 503 over HTTP (Slack shows the user an error to retry), and
// waited for in Socket Mode.
func (a *App) afterAck(ctx context.Context, cb *slack.InteractionCallback, log *slog.Logger, wait bool, jobs ...func(*Context)) interactionAnswer {
	if len(jobs) == 0 {
		return interactionAnswer{}
	}
	job := func() {
		defer a.recoverHandler(log)
		// The job runs after the ack, when the request's context is
		// canceled: authorize without its cancellation, as events do.
		c := a.authorizeInteraction(context.WithoutCancel(ctx), cb, log)
		if c == nil {
			return
		}
		for _, j := range jobs {
			j(c)
		}
	}
	ok := false
	if wait {
		ok = a.pool.goWait(ctx.Done(), job)
	} else {
		ok = a.pool.tryGo(job)
	}
	if !ok {
		log.Warn("worker pool full: refused an interaction; raise Config.Workers or QueueSize", "workers", a.cfg.Workers)
		return interactionAnswer{status: 503}
	}
	return interactionAnswer{}
}

// withDeadline runs fn and returns its answer if it comes within the ack
// deadline; a later answer is logged and dropped. A nil result, an error
// or a panic answer nil (an empty ack).
func (a *App) withDeadline(ctx context.Context, cb *slack.InteractionCallback, log *slog.Logger, fn func(*Context) (any, error)) any {
	c := a.authorizeInteraction(ctx, cb, log)
	if c == nil {
		return nil
	}
	done := make(chan any, 1)
	a.work.add() // counted past the request: the answer may come after the deadline
	go func() {
		defer a.work.done()
		var out any
		defer func() {
			if r := recover(); r != nil {
				log.Error("handler panicked", "panic", fmt.Sprint(r))
				out = nil
			}
			done <- out
		}()
		res, err := fn(c)
		if err != nil {
			log.Error("interaction handler failed", "err", err)
			return
		}
		out = res
	}()
	t := time.NewTimer(a.cfg.AckDeadline)
	defer t.Stop()
	select {
	case out := <-done:
		return out
	case <-t.C:
		log.Warn("interaction handler passed the ack deadline; acked empty and its answer will be dropped", "deadline", a.cfg.AckDeadline)
		return nil
	}
}
