package manifest

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/slack-go/slack/slackevents"
)

func TestCatalogueSorted(t *testing.T) {
	if !slices.IsSortedFunc(scopes, func(a, b Scope) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("scopes are not sorted by name")
	}
	if !slices.IsSortedFunc(events, func(a, b Event) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("events are not sorted by name")
	}
}

func TestEventScopesAreKnown(t *testing.T) {
	for _, e := range events {
		for _, s := range e.Scopes {
			if _, ok := LookupScope(s); !ok {
				t.Errorf("event %s needs scope %q, which is not in the scope catalogue", e.Name, s)
			}
		}
		if e.Description == "" {
			t.Errorf("event %s has no description", e.Name)
		}
	}
	for _, s := range scopes {
		if s.Description == "" || s.Tokens == 0 {
			t.Errorf("scope %s lacks a description or token kind", s.Name)
		}
	}
}

// TestEventGoTypes checks every GoType against slack-go's own mapping of
// inner event types to structs.
func TestEventGoTypes(t *testing.T) {
	for _, e := range events {
		v, ok := slackevents.EventsAPIInnerEventMapping[slackevents.EventsAPIType(e.EventType())]
		if e.GoType == "" {
			if ok {
				t.Errorf("event %s: slack-go decodes it to %T; set GoType", e.Name, v)
			}
			continue
		}
		if !ok {
			t.Errorf("event %s: slack-go has no mapping for %q", e.Name, e.EventType())
			continue
		}
		if got := reflect.TypeOf(v).Name(); got != e.GoType {
			t.Errorf("event %s: GoType = %s, slack-go decodes it to %s", e.Name, e.GoType, got)
		}
	}
}

func TestLookupAndSuggest(t *testing.T) {
	tests := []struct {
		fn   func(string) string
		in   string
		want string
	}{
		{func(s string) string { return SuggestScope(s, BotToken) }, "chat:wirte", "chat:write"},
		{func(s string) string { return SuggestScope(s, BotToken) }, "app_mention:read", "app_mentions:read"},
		{func(s string) string { return SuggestScope(s, UserToken) }, "identiy.basic", "identity.basic"},
		{func(s string) string { return SuggestScope(s, BotToken) }, "zzzzzzzzzzzz", ""},
		{SuggestEvent, "app_mentoin", "app_mention"},
		{SuggestEvent, "message.channel", "message.channels"},
		{SuggestEvent, "qqqqqqqqqqqqq", ""},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if s, ok := LookupScope("commands"); !ok || !s.Bot() || s.User() {
		t.Errorf("LookupScope(commands) = %+v, %v", s, ok)
	}
	if e, ok := LookupEvent("message.im"); !ok || e.GoType != "MessageEvent" || e.EventType() != "message" {
		t.Errorf("LookupEvent(message.im) = %+v, %v", e, ok)
	}
	if len(BotScopes()) == 0 || len(UserScopes()) == 0 || len(AllScopes()) != len(scopes) || len(AllEvents()) != len(events) {
		t.Error("catalogue accessors return nothing")
	}
}
