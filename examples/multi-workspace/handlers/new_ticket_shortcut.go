package handlers

import (
	"github.com/slackgen/slackgen/runtime/slackapp"
)

// HandleNewTicketShortcut handles the global shortcut "New ticket"
// (callback_id new_ticket). It runs after the ack; s.TriggerID
// opens a modal with c.Client().OpenViewContext within 3 seconds of the click.
//
// This example logs the shortcut; replace it with what your app does.
func (h *Handlers) HandleNewTicketShortcut(c *slackapp.Context, s *slackapp.Shortcut) error {
	c.Logger.Info("shortcut used", "callback_id", "new_ticket", "user", c.UserID)
	return nil
}
