package handlers

import (
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

func TestHandleApproveTicketAction(t *testing.T) {
	c, rec := slackapptest.NewContext(t)
	c.UserID = "U0TEST"
	h := &Handlers{}
	a := &slackapp.BlockAction{Action: &slack.BlockAction{ActionID: "approve_ticket", Value: "1"}}
	if err := h.HandleApproveTicketAction(c, a); err != nil {
		t.Fatal(err)
	}
	got := rec.Responses()
	if len(got) != 1 || !strings.Contains(got[0].Text, "Got it") {
		t.Fatalf("response_url posts = %+v, want one reply", got)
	}
}
