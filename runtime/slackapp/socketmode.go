package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// SocketAcker acks Socket Mode requests; *socketmode.Client is one.
type SocketAcker interface {
	Ack(req socketmode.Request, payload ...any) error
}

// RunSocketMode connects to Slack over Socket Mode with SLACK_APP_TOKEN and
// dispatches slash commands, Events API events and interactions to the same
// handlers as HTTP, until ctx is done; then it drains running handlers.
// Run calls it when Config.SocketMode is set.
func (a *App) RunSocketMode(ctx context.Context) error {
	err := a.runSocket(ctx)
	if derr := a.drainForShutdown(); err == nil {
		err = derr
	}
	return err
}

// runSocket runs the Socket Mode connection until ctx is done, without
// draining the handlers it started.
func (a *App) runSocket(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return &MissingConfigError{Vars: []string{EnvAppToken}}
	}
	api := slack.New(a.cfg.BotToken,
		slack.OptionAppLevelToken(a.cfg.AppToken),
		slack.OptionAPIURL(a.cfg.APIURL()),
		slack.OptionHTTPClient(a.client))
	sm := socketmode.New(api, socketmode.OptionLog(slog.NewLogLogger(a.log.Handler(), slog.LevelDebug)))
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case evt := <-sm.Events:
				a.DispatchSocketEvent(runCtx, evt, sm)
			case <-runCtx.Done():
				return
			}
		}
	}()
	a.runRotation(runCtx)
	a.log.Info("connecting over Socket Mode")
	err := sm.RunContext(runCtx)
	cancel()
	<-done
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("slackapp: Socket Mode: %w; check SLACK_APP_TOKEN (scope connections:write) and that Socket Mode is enabled for the app", err)
	}
	return nil
}

// drainForShutdown drains running handlers within Config.ShutdownTimeout.
func (a *App) drainForShutdown() error {
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	return a.Drain(sctx)
}

// DispatchSocketEvent routes one Socket Mode event to the app's handlers
// and acks it through ack. Events API envelopes are acked at once and
// handled in the worker pool (waiting for room when it is full); commands,
// view submissions and options loads are acked with their handler's answer
// within the ack deadline, like over HTTP. Connection events are logged.
// Once Drain began, requests are refused: events are dropped (they were
// acked), commands get the usual apology, and interactions are left unacked
// so that Slack reports them failed.
//
// RunSocketMode calls it for every event; it is exported for tests and for
// apps that run their own socketmode.Client.
func (a *App) DispatchSocketEvent(ctx context.Context, evt socketmode.Event, ack SocketAcker) {
	req := evt.Request
	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		if req == nil {
			return
		}
		a.socketAck(ack, req, nil)
		res, _ := a.handleEvents(ctx, req.Payload, req.RetryAttempt, true)
		if res == eventBad {
			a.log.Warn("Socket Mode: dropped a malformed Events API envelope", "envelope_id", req.EnvelopeID)
		}
	case socketmode.EventTypeSlashCommand:
		if req == nil {
			return
		}
		var cmd Command
		if err := json.Unmarshal(req.Payload, &cmd); err != nil {
			a.log.Warn("Socket Mode: malformed slash command payload; acked", "err", err)
			a.socketAck(ack, req, nil)
			return
		}
		if !a.work.enter() {
			a.socketAck(ack, req, a.refuseCommand(&cmd))
			return
		}
		go func() {
			defer a.work.done()
			a.handleCommand(ctx, &cmd, func() string { return a.cfg.InstallURL }, func(r *Response, _ bool) {
				if r == nil {
					a.socketAck(ack, req, nil)
					return
				}
				a.socketAck(ack, req, r)
			})
		}()
	case socketmode.EventTypeInteractive:
		if req == nil {
			return
		}
		cb, err := parseInteraction(req.Payload)
		if err != nil {
			a.log.Warn("Socket Mode: malformed interaction payload; acked", "err", err)
			a.socketAck(ack, req, nil)
			return
		}
		if !a.work.enter() {
			// Unacked, Slack shows the user the failure, as for a 503.
			a.log.Warn("Socket Mode: shutting down: left an interaction unacked", "interaction", string(cb.Type), "envelope_id", req.EnvelopeID)
			return
		}
		go func() {
			defer a.work.done()
			ans := a.handleInteraction(ctx, cb, true)
			a.socketAck(ack, req, ans.body)
		}()
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnected, socketmode.EventTypeHello:
		a.log.Debug("Socket Mode", "state", string(evt.Type))
	case socketmode.EventTypeDisconnect:
		a.log.Info("Socket Mode: Slack asked to reconnect")
	case socketmode.EventTypeInvalidAuth:
		a.log.Error("Socket Mode: invalid auth; check SLACK_APP_TOKEN")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed, socketmode.EventTypeErrorBadMessage:
		a.log.Warn("Socket Mode: connection problem; the client reconnects", "type", string(evt.Type), "err", fmt.Sprint(evt.Data))
	default:
		a.log.Debug("Socket Mode: unhandled event", "type", string(evt.Type))
	}
}

// socketAck acks req with payload (nil: no payload), logging failures.
func (a *App) socketAck(ack SocketAcker, req *socketmode.Request, payload any) {
	var err error
	if payload == nil {
		err = ack.Ack(*req)
	} else {
		err = ack.Ack(*req, payload)
	}
	if err != nil {
		a.log.Error("Socket Mode: ack failed", "envelope_id", req.EnvelopeID, "err", err)
	}
}
