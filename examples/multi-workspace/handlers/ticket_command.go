package handlers

import (
	"fmt"

	"github.com/slackgen/slackgen/runtime/slackapp"
)

// HandleTicketCommand answers /ticket: File a ticket.
//
// The Response returned is the reply, visible to the user only (set
// ResponseType to slackapp.InChannel to show it to the channel). Slack
// waits 3 seconds: for slow work, call c.Ack with a first reply, then post
// the result with c.Respond.
func (h *Handlers) HandleTicketCommand(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
	if cmd.Text == "" {
		return slackapp.Text(fmt.Sprintf("Hello, <@%s>! Try `/ticket [summary]`.", cmd.UserID)), nil
	}
	return slackapp.Text(fmt.Sprintf("Hello, <@%s>! You said: %s", cmd.UserID, cmd.Text)), nil
}
