package slackapp

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestEventRawAppendKeepsBody: Event.Raw aliases the request body on the
// fast path; appending to it must copy rather than write over the members
// after the inner event.
func TestEventRawAppendKeepsBody(t *testing.T) {
	body := []byte(`{"type":"event_callback","event":{"type":"app_mention","user":"U1"},"event_id":"Ev1","team_id":"T1"}`)
	orig := bytes.Clone(body)
	_, ev, err := parseEnvelope(body)
	if err != nil || ev == nil {
		t.Fatalf("parseEnvelope: %v, %v", ev, err)
	}
	if &ev.Raw[0] != &body[bytes.IndexByte(body[1:], '{')+1] {
		t.Fatal("Raw does not alias the body: this test no longer checks the fast path")
	}
	ev.Raw = append(ev.Raw, `,"event_id":"EvX"}`...)
	if !bytes.Equal(body, orig) {
		t.Fatalf("appending to Raw changed the body:\n got %s\nwant %s", body, orig)
	}
	_, again, err := parseEnvelope(body)
	if err != nil || again.EventID != "Ev1" || again.TeamID != "T1" || ev.EventID != "Ev1" || ev.TeamID != "T1" {
		t.Fatalf("after appending to Raw: %+v, %v; first parse %+v", again, err, ev)
	}
}

// TestScanStringEnds checks string scanning at the edges of its
// eight-byte steps: escaped quotes and backslash runs at every offset, and
// strings that end the input.
func TestScanStringEnds(t *testing.T) {
	for pad := 0; pad <= 17; pad++ {
		p := strings.Repeat("a", pad)
		for _, tc := range []struct {
			s   string // JSON string, quotes included
			end int    // index after it, 0 if unterminated
		}{
			{`"` + p + `"`, pad + 2},
			{`"` + p + `\""`, pad + 4},
			{`"` + p + `\\"`, pad + 4},
			{`"` + p + `\\\""`, pad + 6},
			{`"` + p + `\\\\"`, pad + 6},
			{`"` + p + `\"`, 0},
			{`"` + p + `\\\"`, 0},
			{`"` + p + `\`, 0},
			{`"` + p, 0},
			{`"` + p + "\xc3\xa9\"", pad + 4},
		} {
			for _, tail := range []string{"", `,"x":"y"}`} {
				b := []byte(tc.s + tail)
				want, wantOK := tc.end, tc.end > 0
				if !wantOK && tail != "" {
					continue // the tail's quotes would end it
				}
				if end, ok := skipString(b, 0); ok != wantOK || end != want {
					t.Errorf("skipString(%q) = %d, %v; want %d, %v", b, end, ok, want, wantOK)
				}
				end, flags, ok := readString(b, 0)
				if ok != wantOK || end != want {
					t.Errorf("readString(%q) = %d, %v; want %d, %v", b, end, ok, want, wantOK)
					continue
				}
				if !ok {
					continue
				}
				s := b[1 : end-1]
				if esc := bytes.IndexByte(s, '\\') >= 0; esc != (flags&strEscaped != 0) {
					t.Errorf("readString(%q): escaped flag %v, want %v", b, !esc, esc)
				}
				if non := bytes.IndexFunc(s, func(r rune) bool { return r >= 0x80 }) >= 0; non != (flags&strNonASCII != 0) {
					t.Errorf("readString(%q): non-ASCII flag %v, want %v", b, !non, non)
				}
			}
		}
	}
}

// benchLongEvent is benchEvent with a 4 KB message text (one escape at
// its end), which the scan steps over.
var benchLongEvent = bytes.Replace(benchEvent, []byte(`is it everything a river should be?","ts"`),
	[]byte(strings.Repeat(`is it everything a river should be? `, 110)+`\"yes\"","ts"`), 1)

func BenchmarkParseEventEnvelopeLongText(b *testing.B) { benchParseEnvelope(b, benchLongEvent) }

// skipStringBytewise is the byte-at-a-time reading skipString and
// readString replace: the reference for FuzzSkipString.
func skipStringBytewise(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// FuzzSkipString checks skipString and readString against the byte-wise
// reading on any input, and readString's flags.
func FuzzSkipString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"abcdefgh\\"`, `"abcdefg\"x"`, `"\\\\\\\"`, `"abcdefghijklmno\\\"\\"`, "\"\xc3\xa9\\\"\"", `"`, `"\`} {
		f.Add([]byte(s), 0)
	}
	f.Fuzz(func(t *testing.T, in []byte, at int) {
		if at < 0 || at > len(in) {
			return
		}
		b := append(append(append([]byte(nil), in[:at]...), '"'), in[at:]...)
		want, wantOK := skipStringBytewise(b, at)
		if end, ok := skipString(b, at); end != want || ok != wantOK {
			t.Fatalf("skipString(%q, %d) = %d, %v; byte-wise %d, %v", b, at, end, ok, want, wantOK)
		}
		end, flags, ok := readString(b, at)
		if end != want || ok != wantOK {
			t.Fatalf("readString(%q, %d) = %d, %v; byte-wise %d, %v", b, at, end, ok, want, wantOK)
		}
		if !ok {
			return
		}
		s := b[at+1 : end-1]
		esc := bytes.IndexByte(s, '\\') >= 0
		non := bytes.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf })
		if esc != (flags&strEscaped != 0) || (!esc && non != (flags&strNonASCII != 0)) {
			t.Fatalf("readString(%q, %d) flags %b; escaped %v, non-ASCII %v", b, at, flags, esc, non)
		}
	})
}

// TestMayFold checks mayFold's word-at-a-time reading against a byte-wise
// one for keys of every length up to 24 with one upper case, non-ASCII or
// near-miss byte ('@', '[', '`', '{' border the letter ranges) at every
// offset, the key ending the buffer or followed by more bytes.
func TestMayFold(t *testing.T) {
	bytewise := func(key []byte) bool {
		for _, c := range key {
			if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
				return true
			}
		}
		return false
	}
	for n := 0; n <= 24; n++ {
		for at := -1; at < n; at++ {
			for _, c := range []byte{'A', 'Z', 'M', 0x80, 0xff, 0xc5, '@', '[', '`', '{', '_', '0'} {
				key := []byte(strings.Repeat("k", n))
				if at >= 0 {
					key[at] = c
				}
				for _, tail := range []string{"", `":"VALUE\u00e9"`, "Z\xff\"Q"} {
					b := append(append([]byte(`{"`), key...), tail...)
					if got, want := mayFold(b, 2, 2+n), bytewise(key); got != want {
						t.Errorf("mayFold(%q) = %v, want %v", b, got, want)
					}
				}
			}
		}
	}
}

// skipValueBytewise is the byte-at-a-time reading of a nested value that
// skipNested replaces: the reference for TestSkipNested.
func skipValueBytewise(b []byte, i int) (int, bool) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			e, ok := skipStringBytewise(b, j)
			if !ok {
				return 0, false
			}
			j = e - 1
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return j + 1, true
			}
		}
	}
	return 0, false
}

// TestSkipNested steps over nested values whose strings hold brackets,
// quotes and backslash runs, and end at every offset of the eight-byte
// steps, against the byte-wise reading.
func TestSkipNested(t *testing.T) {
	for pad := 0; pad <= 25; pad++ {
		p := strings.Repeat("a", pad)
		for _, s := range []string{
			`[{"` + p + `":"` + p + `"}]`,
			`{"k":["` + p + `\"]}","` + p + `\\"],"z":{}}`,
			`[["` + p + `\\\\"],{"` + p + `\\\"}":"]"}]`,
			`{"a":[1,2,{"b":"` + p + `}"}],"c":"` + p + `{["}`,
			`["` + p + `\"`,
			`[{"` + p + `"}`,
			`[` + p + `]`,
		} {
			for _, tail := range []string{"", `,"x":"y"}`, `]}`} {
				b := []byte(s + tail)
				wantEnd, wantOK := skipValueBytewise(b, 0)
				if end, ok := skipValue(b, 0); end != wantEnd || ok != wantOK {
					t.Errorf("skipValue(%q) = %d, %v; byte-wise %d, %v", b, end, ok, wantEnd, wantOK)
				}
			}
		}
	}
}

// TestScanEnvelopeFast: the benchmark bodies, and a body with white space
// everywhere, take the fast path and agree with encoding/json.
func TestScanEnvelopeFast(t *testing.T) {
	spaced := []byte(" {\n \"type\" : \"event_callback\" ,\t\"event_time\" : -12 , \"authorizations\" : [ { \"team_id\" : \"T1\" } , { } ] ," +
		" \"event\" : { \"type\" : \"m\" , \"blocks\" : [ { } , [ ] ] , \"user\" : \"U1\" } }\r\n")
	for _, body := range [][]byte{benchEvent, benchLongEvent, spaced} {
		var env envelope
		var head innerHead
		if !scanEnvelope(body, &env, &head) {
			t.Errorf("scanEnvelope fell back on %q", body)
			continue
		}
		wEnv, wEv, err := parseEnvelopeStd(body)
		if err != nil {
			t.Fatal(err)
		}
		if !sameEnvelope(&env, wEnv) || head.Type != wEv.Type || head.User != wEv.User || head.Subtype != wEv.Subtype || head.ChannelType != wEv.ChannelType {
			t.Errorf("%q:\n fast %+v %+v\n json %+v %+v", body, env, head, wEnv, wEv)
		}
	}
}
