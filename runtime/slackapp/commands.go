package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// Command is a slash command invocation (slack-go's SlashCommand).
type Command = slack.SlashCommand

// Replies sent by the app itself.
const (
	msgSomethingWrong = "Sorry, something went wrong while handling this. Please try again."
	msgNotInstalled   = "This app is not installed in this workspace anymore — please reinstall"
)

// notInstalled is the reply to a command from a workspace without an
// installation.
func notInstalled(installURL string) *Response {
	if installURL == "" {
		return Text(msgNotInstalled + ".")
	}
	return Text(msgNotInstalled + ": " + installURL)
}

// handleCommand runs the handler of cmd and acks Slack exactly once through
// ack (nil: an empty answer), within the ack deadline; see App.Command. It
// returns when the handler has returned; ack may be called from another
// goroutine before that, but never after handleCommand returns.
// installURL is called only when the workspace has no installation. The
// transport counts the command in a.work (see refuseCommand) until it has
// acked.
func (a *App) handleCommand(ctx context.Context, cmd *Command, installURL func() string, ack ackFunc) {
	h := a.commands[cmd.Command]
	if h == nil {
		a.log.Warn("no handler for slash command", "command", cmd.Command, "team_id", cmd.TeamID)
		ack(Text(fmt.Sprintf("Sorry, %s isn't handled by this app.", cmd.Command)), false)
		return
	}
	q := installstore.Query{EnterpriseID: cmd.EnterpriseID, TeamID: cmd.TeamID, UserID: cmd.UserID, IsEnterpriseInstall: cmd.IsEnterpriseInstall}
	d := &commandDelivery{}
	var err error
	if d.auth, err = a.auth.authorize(ctx, q); err != nil {
		if errors.Is(err, errNotInstalled) {
			a.log.Warn("command from a workspace without an installation", "command", cmd.Command, "team_id", cmd.TeamID)
			ack(notInstalled(installURL()), false)
			return
		}
		a.log.Error("authorizing a command failed", "command", cmd.Command, "team_id", cmd.TeamID, "err", err)
		ack(Text(msgSomethingWrong), false)
		return
	}
	d.attrs = [2]slog.Attr{slog.String("command", cmd.Command), slog.String("team_id", cmd.TeamID)}
	log := a.tagInto(&d.log, &d.tags, d.attrs[:])
	c := &d.c
	a.fillContext(c, context.WithoutCancel(ctx), &d.auth, q, log)
	c.ResponseURL = cmd.ResponseURL
	d.ack.send = ack
	c.ack = &d.ack
	// The handler runs on this goroutine; at the deadline the watch acks
	// empty (from a goroutine of its own) unless the handler answered
	// first.
	a.acks.watch(d)
	defer a.acks.unwatch(d)
	a.runCommand(c, cmd, h, log)
}

// refuseCommand is the answer to a command that came after Drain began:
// Slack does not retry commands, so the user is asked to.
func (a *App) refuseCommand(cmd *Command) *Response {
	a.log.Warn("shutting down: refused a slash command; the user is asked to try again", "command", cmd.Command, "team_id", cmd.TeamID)
	return Text(msgSomethingWrong)
}

// commandDelivery holds what a command's handler gets (its Context, tagged
// logger and acker) in one allocation.
type commandDelivery struct {
	c     Context
	auth  authorization // the Context's (see Context.auth)
	ack   acker
	log   slog.Logger
	tags  lazyAttrs
	attrs [2]slog.Attr

	// In App.acks's list while the handler runs (see ackWatch).
	prev, next *commandDelivery
	due        time.Time
	watched    bool
}

// deadline acks with an empty answer when the handler is still running at
// the ack deadline.
func (d *commandDelivery) deadline() { d.ack.offer(nil) }

// runCommand runs h; a Response it returns after the ack goes to the
// response_url.
func (a *App) runCommand(c *Context, cmd *Command, h CommandHandler, log *slog.Logger) {
	resp, err := func() (resp *Response, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("handler panicked: %v", r)
			}
		}()
		return h(c, cmd)
	}()
	if err != nil {
		log.Error("command handler failed", "err", err)
		resp = Text(msgSomethingWrong)
	}
	if c.ack.offerFinal(resp) || resp == nil {
		return
	}
	if err := c.Respond(resp); err != nil {
		log.Error("delivering a late command response failed", "err", err)
	}
}
