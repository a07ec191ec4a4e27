package handlers

import (
	"github.com/slackgen/slackgen/runtime/slackapp"
)

// HandleTicketFormSubmission answers submissions of the modal with
// callback_id ticket_form. Return nil to close the modal, or
// slackapp.ViewErrors to show errors under its input blocks.
func (h *Handlers) HandleTicketFormSubmission(c *slackapp.Context, v *slackapp.ViewSubmission) (*slackapp.ViewResponse, error) {
	c.Logger.Info("view submitted", "callback_id", "ticket_form", "user", c.UserID)
	return nil, nil
}
