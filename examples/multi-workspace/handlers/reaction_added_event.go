package handlers

import (
	"github.com/slack-go/slack/slackevents"
	"github.com/slackgen/slackgen/runtime/slackapp"
)

// HandleReactionAddedEvent handles the reaction_added event. It runs after
// Slack's request was acknowledged, so it may take its time; c.Client
// calls the Web API as the app's bot.
//
// This example logs the event; replace it with what your app does.
func (h *Handlers) HandleReactionAddedEvent(c *slackapp.Context, ev *slackevents.ReactionAddedEvent) error {
	c.Logger.Info("event received", "type", "reaction_added", "team", c.TeamID)
	return nil
}
