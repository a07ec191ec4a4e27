package slackapp

import (
	"encoding/json"
	"math"
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

// fdWide has many fields: names sharing a length and first and last
// bytes, names of 8, 9, 16 and 17 bytes and longer, a non-ASCII name, every
// integer size, more strings than fdec holds pending at once, and pointers
// to structs, its own type among them.
type fdWide struct {
	Tape string  `json:"tape"`
	Type string  `json:"type"`
	Tyqe string  `json:"tyqe"`
	TypE string  `json:"typE"`
	E8   string  `json:"event_ts"`
	E9   string  `json:"item_user"`
	E16  string  `json:"abcdefghijklmnop"`
	E16b string  `json:"abcdefghXjklmnop"`
	E17  string  `json:"abcdefghijklmnopq"`
	E17b string  `json:"abcdefghijklXnopq"`
	Long string  `json:"a_rather_long_field_name_of_forty_bytes_x"`
	Cafe string  `json:"café"`
	S1   string  `json:"s1"`
	S2   string  `json:"s2"`
	S3   string  `json:"s3"`
	S4   string  `json:"s4"`
	S5   string  `json:"s5"`
	S6   string  `json:"s6"`
	S7   string  `json:"s7"`
	S8   string  `json:"s8"`
	S9   string  `json:"s9"`
	I8   int8    `json:"i8"`
	I16  int16   `json:"i16"`
	I32  int32   `json:"i32"`
	I64  int64   `json:"i64"`
	U8   uint8   `json:"u8"`
	U32  uint32  `json:"u32"`
	U64  uint64  `json:"u64"`
	U    uint    `json:"u"`
	F32  float32 `json:"f32"`
	B    bool    `json:"b"`
	In   struct {
		P *fdInner `json:"p"`
		Q string   `json:"q"`
	} `json:"in"`
	Next *fdWide `json:"next"`
}

var fdTypes = []func() any{
	func() any { return new(fdAll) },
	func() any { return new(fdEmbed) },
	func() any { return new(fdWide) },
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

// fdWideSample sets every field of fdWide, with more than 16 strings.
const fdWideSample = `{"tape":"1","type":"2","tyqe":"3","typE":"4","event_ts":"5","item_user":"6",` +
	`"abcdefghijklmnop":"7","abcdefghXjklmnop":"8","abcdefghijklmnopq":"9","abcdefghijklXnopq":"10",` +
	`"a_rather_long_field_name_of_forty_bytes_x":"a value longer than sixteen bytes","café":"crème",` +
	`"s1":"a","s2":"bb","s3":"","s4":"dddddddd","s5":"eeeeeeeee","s6":"f","s7":"g","s8":"h","s9":"i",` +
	`"i8":-128,"i16":-32768,"i32":-2147483648,"i64":-9223372036854775808,"u8":255,"u32":4294967295,` +
	`"u64":18446744073709551615,"u":7,"f32":1.5,"b":true,` +
	`"in":{"p":{"a":"pa","n":3},"q":"q"},"next":{"type":"n1","next":{"tyqe":"n2","in":{"q":"n3"}}}}`

func TestFastDecodeWide(t *testing.T) {
	var w fdWide
	if !fastDecode([]byte(fdWideSample), &w) {
		t.Fatal("fdWide was not fast-decoded")
	}
	if w.Tape != "1" || w.Type != "2" || w.Tyqe != "3" || w.TypE != "4" || w.E8 != "5" || w.E9 != "6" ||
		w.E16 != "7" || w.E16b != "8" || w.E17 != "9" || w.E17b != "10" || w.Long != "a value longer than sixteen bytes" ||
		w.Cafe != "crème" || w.S4 != "dddddddd" || w.S5 != "eeeeeeeee" || w.S9 != "i" || w.I8 != -128 || w.I16 != -32768 ||
		w.I32 != -2147483648 || w.I64 != -9223372036854775808 || w.U8 != 255 || w.U32 != 4294967295 ||
		w.U64 != 18446744073709551615 || w.U != 7 || w.F32 != 1.5 || !w.B || w.In.P == nil || w.In.P.A != "pa" ||
		w.In.Q != "q" || w.Next == nil || w.Next.Type != "n1" || w.Next.Next == nil || w.Next.Next.Tyqe != "n2" ||
		w.Next.Next.In.Q != "n3" || w.Next.Next.Next != nil {
		t.Errorf("fdWide: %+v", w)
	}
	checkFastDecode(t, []byte(fdWideSample))
	for _, raw := range []string{
		// Keys of a field's length and first and last bytes, other inside:
		// unknown keys, skipped (their values would not fit the fields).
		`{"tbpe":1,"tyoe":[],"item_xser":{},"abcdefghijklmnoq":2,"abcdefghijklmnoX":3,"abcdefghijklmnxpq":4,` +
			`"a_rather_long_field_name_of_forty_bytes_y":5,"cafe":6,"caf\u00e9":"escaped: encoding/json's"}`,
		`{"TYQE":"folds onto tyqe"}`, `{"CAFÉ":"folds onto café"}`, `{"abcdefghijklmnopQ":"folds"}`,
		`{"s1":"a","s1":"b"}`, `{"next":{"s1":"a","s1":"b"}}`, `{"next":{"next":{"s1":"\n"}}}`,
		`{"i16":32768}`, `{"i32":2147483648}`, `{"u8":256}`, `{"u32":-1}`, `{"f32":1e39}`, `{"u64":1.0}`,
		`{"next":null,"in":null}`, `{"in":{"p":null}}`, `{"next":{"next":null}}`, `{"b":false,"s3":null}`,
		// Short keys and strings at the very end of the input.
		`{"s1":"x"}`, `{"u":1}`, `{"b":true}`, `{"s1":""}`, `{"café":""}`,
	} {
		checkFastDecode(t, []byte(raw))
	}
}

// TestFastDecodeLookup: every field of a struct with the most fields the
// fast path takes is found by its name and by no other key (and by no key
// differing in one byte), whatever slots the names share.
func TestFastDecodeLookup(t *testing.T) {
	var fields []reflect.StructField
	for i := range 64 {
		// Names of the same lengths and first and last bytes, to share
		// slots: "k" + i in base 4 + "z", padded to 2 to 20 bytes.
		name := "k" + strings.Repeat("_", i%19) + string(rune('a'+i%4)) + string(rune('a'+i/4%4)) + string(rune('a'+i/16)) + "z"
		fields = append(fields, reflect.StructField{Name: "F" + string(rune('A'+i/26)) + string(rune('a'+i%26)),
			Type: reflect.TypeFor[string](), Tag: reflect.StructTag(`json:"` + name + `"`)})
	}
	typ := reflect.StructOf(fields)
	p := planFor(typ)
	if p == nil {
		t.Fatal("no plan for 64 fields")
	}
	shared := 0
	for i := range p.fields {
		if p.fields[i].next >= 0 {
			shared++
		}
	}
	t.Logf("%d fields, %d slots, %d sharing a slot with a later one", len(p.fields), len(p.slots), shared)
	// The same plan with every name in one slot, chained.
	chained := *p
	chained.fields = append([]fieldPlan(nil), p.fields...)
	chained.mult = 0
	chained.fillSlots()
	for _, p := range []*structPlan{p, &chained} {
		lookupEach(t, p)
	}
	// Decoding each field alone, and all at once.
	var all []string
	for i := range p.fields {
		raw := `{"` + p.fields[i].name + `":"v` + p.fields[i].name + `"}`
		v := reflect.New(typ)
		if !fastDecode([]byte(raw), v.Interface()) || v.Elem().Field(i).String() != "v"+p.fields[i].name {
			t.Fatalf("%s: %+v", raw, v.Elem().Interface())
		}
		all = append(all, `"`+p.fields[i].name+`":"v`+p.fields[i].name+`"`)
	}
	raw := []byte("{" + strings.Join(all, ",") + "}")
	v, want := reflect.New(typ), reflect.New(typ)
	if err := json.Unmarshal(raw, want.Interface()); err != nil {
		t.Fatal(err)
	}
	if !fastDecode(raw, v.Interface()) || !reflect.DeepEqual(v.Interface(), want.Interface()) {
		t.Fatalf("all 64 fields: %+v", v.Elem().Interface())
	}
	fields = append(fields, reflect.StructField{Name: "Extra", Type: reflect.TypeFor[string]()})
	if planFor(reflect.StructOf(fields)) != nil {
		t.Error("a plan for 65 fields")
	}
}

// lookupEach checks that p.lookup finds each of p's fields by its name, in
// inputs that end there or go on, and by no key differing in one byte or
// one byte shorter.
func lookupEach(t *testing.T, p *structPlan) {
	t.Helper()
	for i := range p.fields {
		name := p.fields[i].name
		for _, pad := range []string{"", `":1}`, `"` + strings.Repeat(" ", 20)} {
			b := []byte(name + pad)
			if f := p.lookup(b, 0, len(name)); f != &p.fields[i] {
				t.Fatalf("lookup(%q) = %v", name, f)
			}
			for j := range len(name) {
				c := append([]byte(nil), b...)
				c[j] ^= 0x20
				if f := p.lookup(c, 0, len(name)); f != nil {
					t.Fatalf("lookup(%q) = %q", c[:len(name)], f.name)
				}
			}
			if f := p.lookup(b, 0, len(name)-1); f != nil {
				t.Fatalf("lookup(%q) = %q", b[:len(name)-1], f.name)
			}
		}
	}
}

// TestAsciiEnd: asciiEnd against its definition, for every byte at every
// offset across two words, at and away from the end of the input.
func TestAsciiEnd(t *testing.T) {
	for n := 0; n <= 17; n++ {
		for c := range 256 {
			for _, tail := range []string{`"`, `"` + strings.Repeat("x", 9), ""} {
				b := []byte(strings.Repeat("a", n) + string([]byte{byte(c)}) + "bc" + tail)
				want := -1
				for j, x := range b {
					if x == '"' {
						want = j
					}
					if x == '"' || x == '\\' || x < 0x20 || x >= 0x80 {
						break
					}
				}
				if got := asciiEnd(b, 0); got != want {
					t.Fatalf("asciiEnd(%q) = %d, want %d", b, got, want)
				}
			}
		}
	}
}

// TestFastDecodeZeroCheck: only a target whose bytes are all zero is
// fast-decoded; one that is zero by == but not in its bits (-0.0) goes to
// encoding/json, untouched by the fast path.
func TestFastDecodeZeroCheck(t *testing.T) {
	v := fdAll{F: math.Copysign(0, -1)}
	if fastDecode([]byte(`{"s":"x"}`), &v) || v.S != "" || !math.Signbit(v.F) {
		t.Errorf("-0.0 target: %+v", v)
	}
	if err := (&Event{Raw: []byte(`{"s":"x"}`)}).Decode(&v); err != nil || v.S != "x" || !math.Signbit(v.F) {
		t.Errorf("Event.Decode into a -0.0 target: %+v, %v", v, err)
	}
	var w fdWide
	if !fastDecode([]byte(`{"s1":"x"}`), &w) || fastDecode([]byte(`{"s2":"y"}`), &w) || w.S1 != "x" || w.S2 != "" {
		t.Errorf("fdWide: %+v", w)
	}
	// A target larger than the zero bytes it is compared with at once.
	type big struct {
		S   string     `json:"s"`
		Pad [3000]byte `json:"-"`
	}
	var g big
	if !fastDecode([]byte(`{"s":"x"}`), &g) || g.S != "x" {
		t.Errorf("big: %q", g.S)
	}
	g = big{}
	g.Pad[2999] = 1
	if fastDecode([]byte(`{"s":"x"}`), &g) || g.S != "" {
		t.Errorf("big, not zero at its end: %q", g.S)
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, s := range []string{reactionAddedSample, `{"s":"x","in":{"a":"y","n":2},"p":{"a":"z"},"f":1e2}`, `{"item":{"file":{}}}`, `{"a":[{"b":"\u00e9"}]}`, fdWideSample} {
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

// BenchmarkFastDecodeReactionAdded is fastDecode alone on the load test's
// reaction_added event, into a target reset to zero (not allocated) each
// time: the decoder's own cost, and its allocations (the strings').
func BenchmarkFastDecodeReactionAdded(b *testing.B) {
	raw := []byte(reactionAddedSample)
	m := new(slackevents.ReactionAddedEvent)
	b.ReportAllocs()
	for b.Loop() {
		*m = slackevents.ReactionAddedEvent{}
		if !fastDecode(raw, m) {
			b.Fatal("not fast-decoded")
		}
	}
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
