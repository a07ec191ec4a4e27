package slackapp

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func checkResponseJSON(t *testing.T, r *Response) {
	t.Helper()
	want, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	got := r.plainJSON()
	ok := got != nil
	if plain := len(r.Blocks) == 0 && len(r.Attachments) == 0; ok != plain {
		t.Fatalf("plainJSON(%+v) took it: %v, want %v", r, ok, plain)
	}
	if ok && !bytes.Equal(got, want) {
		t.Fatalf("plainJSON(%+v) =\n%s\nencoding/json:\n%s", r, got, want)
	}
	if m, err := marshalResponse(r); err != nil || !bytes.Equal(m, want) {
		t.Fatalf("marshalResponse(%+v) = %s, %v; want %s", r, m, err, want)
	}
	if ok && len(got) > r.plainJSONSize() && !strings.Contains(string(got), `\`) { // without escapes, one allocation
		t.Fatalf("plainJSONSize() = %d, short of %d for %s", r.plainJSONSize(), len(got), got)
	}
}

// TestResponseJSON: a text reply is written as encoding/json writes it,
// every field and escape; blocks or attachments are left to encoding/json.
func TestResponseJSON(t *testing.T) {
	yes, no := true, false
	for _, r := range []*Response{
		{},
		Text("Ticket #42 opened: printer on fire"),
		{Text: "a\"b\\c\x00\x1f\b\f\n\r\t<>&\u2028\u2029é😀\xff\xe2\x80", ResponseType: InChannel, ReplaceOriginal: true, DeleteOriginal: true, ThreadTS: "1.2", Mrkdwn: &yes},
		{Mrkdwn: &no},
		{Text: "every field", ResponseType: InChannel, ReplaceOriginal: true, DeleteOriginal: true, ThreadTS: "1.2", Mrkdwn: &no},
		{Blocks: []slack.Block{}, Attachments: []slack.Attachment{}, Text: "empty lists are omitted"},
		{Blocks: []slack.Block{slack.NewDividerBlock()}},
		{Attachments: []slack.Attachment{{Text: "x"}}},
	} {
		checkResponseJSON(t, r)
	}
}

func FuzzResponseJSON(f *testing.F) {
	f.Add("Ticket #42 opened", "ephemeral", "", false, false, 0)
	f.Add("<&>\u2028\xff\"\\\n", "in_channel", "123.456", true, true, 2)
	f.Fuzz(func(t *testing.T, text, responseType, threadTS string, replace, del bool, mrkdwn int) {
		r := &Response{Text: text, ResponseType: responseType, ThreadTS: threadTS, ReplaceOriginal: replace, DeleteOriginal: del}
		if mrkdwn%3 != 0 {
			v := mrkdwn%3 == 1
			r.Mrkdwn = &v
		}
		checkResponseJSON(t, r)
	})
}
