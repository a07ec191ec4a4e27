package handlers

import (
	"testing"

	"github.com/slack-go/slack"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

func TestHandleTicketFormSubmission(t *testing.T) {
	c, _ := slackapptest.NewContext(t)
	h := &Handlers{}
	v := &slackapp.ViewSubmission{InteractionCallback: slack.InteractionCallback{View: slack.View{CallbackID: "ticket_form"}}}
	resp, err := h.HandleTicketFormSubmission(c, v)
	if err != nil {
		t.Fatal(err)
	}
	if resp != nil {
		t.Errorf("response = %+v, want nil (close the modal)", resp)
	}
}
