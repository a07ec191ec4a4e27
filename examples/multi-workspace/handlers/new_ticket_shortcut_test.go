package handlers

import (
	"testing"

	"github.com/slack-go/slack"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

func TestHandleNewTicketShortcut(t *testing.T) {
	c, rec := slackapptest.NewContext(t)
	h := &Handlers{}
	s := &slackapp.Shortcut{InteractionCallback: slack.InteractionCallback{CallbackID: "new_ticket", TriggerID: "T0TRIGGER"}}
	if err := h.HandleNewTicketShortcut(c, s); err != nil {
		t.Fatal(err)
	}
	// The example handler only logs: it must not call Slack.
	if calls := rec.Calls(); len(calls) != 0 {
		t.Errorf("Web API calls = %+v, want none", calls)
	}
}
