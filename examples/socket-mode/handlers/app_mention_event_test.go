package handlers

import (
	"testing"

	"github.com/slack-go/slack/slackevents"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

func TestHandleAppMentionEvent(t *testing.T) {
	c, rec := slackapptest.NewContext(t)
	h := &Handlers{}
	ev := &slackevents.AppMentionEvent{User: "U0TEST", Channel: "C0TEST", Text: "<@U0BOT> hi", TimeStamp: "1700000000.000100"}
	if err := h.HandleAppMentionEvent(c, ev); err != nil {
		t.Fatal(err)
	}
	calls := rec.Calls()
	if len(calls) != 1 || calls[0].Method != "chat.postMessage" {
		t.Fatalf("Web API calls = %+v, want one chat.postMessage", calls)
	}
	if got := calls[0].Args.Get("channel"); got != "C0TEST" {
		t.Errorf("channel = %q, want C0TEST", got)
	}
	if got := calls[0].Args.Get("thread_ts"); got != ev.TimeStamp {
		t.Errorf("thread_ts = %q, want the mention's ts %q", got, ev.TimeStamp)
	}
}
