package handlers

import (
	"github.com/slack-go/slack/slackevents"
	"github.com/slackgen/slackgen/runtime/slackapp"
)

// HandleReactionAddedEvent handles the reaction_added event. It runs after
// Slack's request was acknowledged, so it may take its time; c.Client()
// calls the Web API as the app's bot.
//
// This example logs the event at debug level (run with LOG_LEVEL=debug to
// see it: a line per event at info would flood the log at Slack's volumes);
// replace it with what your app does.
func (h *Handlers) HandleReactionAddedEvent(c *slackapp.Context, ev *slackevents.ReactionAddedEvent) error {
	c.Logger.Debug("event received", "type", "reaction_added", "team", c.TeamID)
	return nil
}
