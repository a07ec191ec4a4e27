package handlers

import (
	"github.com/slackgen/slackgen/runtime/slackapp"
)

// HandleTicketFromMessageShortcut handles the message shortcut "Ticket from message"
// (callback_id ticket_from_message). It runs after the ack; s.TriggerID
// opens a modal with c.Client().OpenViewContext within 3 seconds of the click.
//
// This example logs the shortcut; replace it with what your app does.
func (h *Handlers) HandleTicketFromMessageShortcut(c *slackapp.Context, s *slackapp.Shortcut) error {
	c.Logger.Info("shortcut used", "callback_id", "ticket_from_message", "user", c.UserID)
	return nil
}
