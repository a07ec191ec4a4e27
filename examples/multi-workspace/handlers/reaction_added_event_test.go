package handlers

import (
	"testing"

	"github.com/slack-go/slack/slackevents"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

func TestHandleReactionAddedEvent(t *testing.T) {
	c, rec := slackapptest.NewContext(t)
	h := &Handlers{}
	if err := h.HandleReactionAddedEvent(c, &slackevents.ReactionAddedEvent{}); err != nil {
		t.Fatal(err)
	}
	// The example handler only logs: it must not call Slack.
	if calls := rec.Calls(); len(calls) != 0 {
		t.Errorf("Web API calls = %+v, want none", calls)
	}
}
