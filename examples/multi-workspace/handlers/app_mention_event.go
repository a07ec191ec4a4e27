package handlers

import (
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slackgen/slackgen/runtime/slackapp"
)

// HandleAppMentionEvent handles the app_mention event. It runs after
// Slack's request was acknowledged, so it may take its time; c.Client()
// calls the Web API as the app's bot.
//
// This example replies in the thread of the message that mentioned the app.
func (h *Handlers) HandleAppMentionEvent(c *slackapp.Context, ev *slackevents.AppMentionEvent) error {
	thread := ev.ThreadTimeStamp
	if thread == "" {
		thread = ev.TimeStamp
	}
	_, _, err := c.Client().PostMessageContext(c, ev.Channel,
		slack.MsgOptionText(fmt.Sprintf("Hi <@%s>, you mentioned me!", ev.User), false),
		slack.MsgOptionTS(thread),
	)
	if err != nil {
		return fmt.Errorf("replying to the mention: %w", err)
	}
	return nil
}
