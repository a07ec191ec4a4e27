package handlers

import (
	"github.com/slackgen/slackgen/runtime/slackapp"
)

// HandleApproveTicketAction handles clicks (and other block actions) on the
// element with action_id approve_ticket. It runs after the ack.
//
// This example answers the user through the payload's response_url.
func (h *Handlers) HandleApproveTicketAction(c *slackapp.Context, a *slackapp.BlockAction) error {
	return c.Respond(&slackapp.Response{Text: "Got it, <@" + c.UserID + ">!", ResponseType: slackapp.Ephemeral})
}
