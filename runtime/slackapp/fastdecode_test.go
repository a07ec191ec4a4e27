package slackapp

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack/slackevents"
)

type fdInner struct {
	A string `json:"a"`
	N int    `json:"n"`
}

// fdAll has a field of every kind the fast path decodes, and of kinds it
// leaves to encoding/json.
type fdAll struct {
	S          string          `json:"s"`
	B          bool            `json:"b"`
	I          int             `json:"i"`
	I8         int8            `json:"i8"`
	U          uint16          `json:"u"`
	F          float64         `json:"f"`
	F32        float32         `json:"f32"`
	In         fdInner         `json:"in"`
	P          *fdInner        `json:"p"`
	Str        int             `json:"str,string"`
	Sl         []string        `json:"sl"`
	M          map[string]int  `json:"m"`
	Any        any             `json:"any"`
	Skip       string          `json:"-"`
	Dash       string          `json:"-,"`
	NoTag      string          //nolint
	Omit       string          `json:"omit,omitempty"`
	T          time.Time       `json:"t"`
	Num        json.Number     `json:"num"`
	Raw        json.RawMessage `json:"raw"`
	unexported string
}

type fdEmbed struct {
	fdInner
	X string `json:"x"`
}

var fdTypes = []func() any{
	func() any { return new(fdAll) },
	func() any { return new(fdEmbed) },
	func() any { return new(slackevents.ReactionAddedEvent) },
	func() any { return new(slackevents.MemberJoinedChannelEvent) },
	func() any { return new(slackevents.AppMentionEvent) },
	func() any { return new(slackevents.ChannelCreatedEvent) },
}

const reactionAddedSample = `{"type":"reaction_added","user":"U2147483697","reaction":"thumbsup","item_user":"U0G9QF9C6",` +
	`"item":{"type":"message","channel":"C0G9QF9GZ","ts":"1360782400.498405"},"event_ts":"1360782804.083113"}`

// checkFastDecode decodes raw with fastDecode, Event.Decode and
// encoding/json into a fresh value of each type and requires the same
// outcome.
func checkFastDecode(t *testing.T, raw []byte) {
	t.Helper()
	for _, newV := range fdTypes {
		want := newV()
		werr := json.Unmarshal(raw, want)
		got := newV()
		if fastDecode(raw, got) {
			if werr != nil {
				t.Fatalf("%T: the fast path accepted %q, which encoding/json refuses: %v", got, raw, werr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%T from %q:\nfast  %+v\njson  %+v", got, raw, got, want)
			}
		} else if !reflect.ValueOf(got).Elem().IsZero() {
			t.Fatalf("%T: the fast path gave up on %q but left %+v", got, raw, got)
		}
		viaEvent := newV()
		gerr := (&Event{Type: "x", Raw: raw}).Decode(viaEvent)
		if (gerr == nil) != (werr == nil) || !reflect.DeepEqual(viaEvent, want) {
			t.Fatalf("%T: Event.Decode(%q) = %+v, %v; encoding/json %+v, %v", viaEvent, raw, viaEvent, gerr, want, werr)
		}
	}
}

func TestFastDecode(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		fast bool // for ReactionAddedEvent
	}{
		{reactionAddedSample, true},
		{` { "type" : "reaction_added" , "item" : { "channel" : "C1" } } `, true},
		{`{"type":"reaction_added","item":null}`, true},
		{`{"type":"reaction_added","extra":{"a":[1,2.5e3,-0,true,false,null,"\u00e9\n"]}}`, true},
		{`{"type":"reaction_\u0061dded"}`, false},                 // escape in a decoded string
		{`{"Type":"reaction_added"}`, false},                      // matches only case-insensitively
		{`{"type":"a","type":"b"}`, false},                        // repeated key
		{`{"type":1}`, false},                                     // wrong kind
		{`{"item":{"file":{"id":"F1"}}}`, true},                   // a pointer to a struct
		{`{"item":{"message":{"pinned_to":["C1"]}}}`, false},      // a slice: left to encoding/json
		{`{"type":"reaction_added"} x`, false},                    // trailing data
		{`{"type":"reaction_added","x":01}`, false},               // invalid number
		{`{"type":"reaction_added","x":"\q"}`, false},             // invalid escape
		{`{"type":"reaction_added","x":"` + "\x01" + `"}`, false}, // control character
		{`{"type":"\xff"}`, false},                                // invalid UTF-8 in a decoded string
		{`{"type":"reaction_added",}`, false},
		{`[]`, false},
		{`null`, false},
		{``, false},
	} {
		var ev slackevents.ReactionAddedEvent
		if got := fastDecode([]byte(tc.raw), &ev); got != tc.fast {
			t.Errorf("fastDecode(%q) = %v, want %v", tc.raw, got, tc.fast)
		}
		checkFastDecode(t, []byte(tc.raw))
	}
	for _, raw := range []string{
		`{"s":"x","b":true,"i":-12,"i8":127,"u":65535,"f":1.5e-3,"f32":3.25,"in":{"a":"y","n":2},"p":{"a":"z"},"NoTag":"t","omit":"o","-":"d"}`,
		`{"i8":128}`, `{"u":-1}`, `{"i":1.5}`, `{"str":"12"}`, `{"sl":["a"]}`, `{"m":{}}`, `{"any":1}`,
		`{"t":"2026-11-23T00:00:00Z"}`, `{"num":12}`, `{"raw":{}}`, `{"Skip":"x"}`, `{"unexported":"x"}`,
		`{"p":null}`, `{"in":null}`, `{"s":null,"b":null,"i":null}`, `{"x":"1","a":"2"}`,
	} {
		checkFastDecode(t, []byte(raw))
	}
	// The fast path takes the simple shapes, and only zero targets.
	var all fdAll
	if !fastDecode([]byte(`{"s":"x","in":{"a":"y"},"p":{"n":1}}`), &all) || all.S != "x" || all.In.A != "y" || all.P == nil || all.P.N != 1 {
		t.Errorf("fdAll: %+v", all)
	}
	if fastDecode([]byte(`{"s":"again"}`), &all) {
		t.Error("decoded into a non-zero value: encoding/json would merge, so the fast path must not")
	}
	if fastDecode([]byte(`{"x":"1"}`), &fdEmbed{}) {
		t.Error("a struct with an embedded field was fast-decoded")
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, s := range []string{reactionAddedSample, `{"s":"x","in":{"a":"y","n":2},"p":{"a":"z"},"f":1e2}`, `{"item":{"file":{}}}`, `{"a":[{"b":"\u00e9"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkFastDecode(t, raw)
	})
}

// BenchmarkEventDecodeReactionAdded is the typed decode a generated
// reaction_added handler does: the fast path, then encoding/json alone.
func BenchmarkEventDecodeReactionAdded(b *testing.B) {
	ev := &Event{Type: "reaction_added", Raw: []byte(reactionAddedSample)}
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m slackevents.ReactionAddedEvent
			if err := ev.Decode(&m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m slackevents.ReactionAddedEvent
			if err := json.Unmarshal(ev.Raw, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// plainStringSlow is plainString one byte at a time: the definition the
// word-at-a-time scan must agree with.
func plainStringSlow(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s := b[i+1 : j]
			if !utf8.Valid(s) {
				return nil, 0, false
			}
			return s, j + 1, true
		case c == '\\' || c < 0x20:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

func checkPlainString(t *testing.T, b []byte) {
	t.Helper()
	want, wantEnd, wantOK := plainStringSlow(b, 0)
	d := &fdec{b: b}
	got, ok := d.plainString()
	if ok != wantOK || (ok && (string(got) != string(want) || d.i != wantEnd)) {
		t.Fatalf("plainString(%q) = %q, end %d, %v; want %q, end %d, %v", b, got, d.i, ok, want, wantEnd, wantOK)
	}
}

// TestPlainStringStops: a quote, backslash, control character or invalid
// UTF-8 byte at every offset across the 8-byte words.
func TestPlainStringStops(t *testing.T) {
	for n := 0; n <= 18; n++ {
		for _, c := range []string{`"`, `\`, "\x00", "\x1f", "\t", " ", "\x7f", "é", "\xff", "\xe2\x82", "€", "\x80"} {
			b := []byte(`"` + strings.Repeat("a", n) + c + strings.Repeat("b", 18-n) + `"`)
			checkPlainString(t, b)
			checkPlainString(t, b[:len(b)-1]) // unterminated
		}
	}
}

func FuzzPlainString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"0123456789abcdef\"x"`, "\"0123456\x01\"", `"é€😀"`, "\"\xff\"", `"`, `"a\\"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != '"' {
			b = append([]byte{'"'}, b...)
		}
		checkPlainString(t, b)
	})
}
