package slackapp

import (
	"encoding"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// fastDecode is Event.Decode's fast path: it decodes raw into v, a pointer to
// a zero struct, with one validating pass and no encoding/json machinery,
// for the simple shapes most events have (strings, numbers, booleans,
// nested structs and pointers to them). It reports false — after setting
// *v back to zero — on anything it does not handle exactly as
// encoding/json would: an escape in a decoded string, invalid UTF-8, a key
// matching a field only case-insensitively, a repeated key, a value of an
// unexpected kind, a field of another type (slices, maps, interfaces,
// types with their own UnmarshalJSON or UnmarshalText, the ",string"
// option) present in the input, embedded structs, or invalid JSON anywhere.
// The caller then decodes with encoding/json, which gives the same result
// or error it always gave. FuzzFastDecode checks this equivalence.
func fastDecode(raw []byte, v any) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	target := rv.Elem()
	if target.Kind() != reflect.Struct {
		return false
	}
	p := planFor(target.Type())
	if p == nil || !target.IsZero() {
		return false
	}
	d := fdec{b: raw}
	d.space()
	if d.object(target, p) {
		d.space()
		if d.i == len(d.b) {
			return true
		}
	}
	target.SetZero()
	return false
}

// Field kinds of a decode plan.
const (
	fkUnsupported = iota
	fkString
	fkBool
	fkInt
	fkUint
	fkFloat
	fkStruct
	fkPtrStruct
)

// structPlan maps a struct's JSON names to its fields.
type structPlan struct {
	fields map[string]fieldPlan
	names  []string // every JSON name, for the case-insensitive check
}

type fieldPlan struct {
	index int
	kind  int
	bits  int
	sub   *structPlan  // fkStruct
	elem  reflect.Type // fkPtrStruct
	bit   uint64       // for repeated-key detection
}

var plans sync.Map // reflect.Type → *structPlan (nil: not fast-decodable)

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonNumber      = reflect.TypeFor[json.Number]()
)

// planFor returns t's plan, or nil when t cannot be fast-decoded at all.
func planFor(t reflect.Type) *structPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*structPlan)
	}
	p := buildPlan(t)
	plans.Store(t, p)
	return p
}

func custom(t reflect.Type) bool {
	return t == jsonNumber || t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler) ||
		reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)
}

func buildPlan(t reflect.Type) *structPlan {
	if t.Kind() != reflect.Struct || custom(t) || t.NumField() > 64 {
		return nil
	}
	p := &structPlan{fields: map[string]fieldPlan{}}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil // promoted fields follow rules this path does not restate
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts := tag, ""
		for j := range len(tag) {
			if tag[j] == ',' {
				name, opts = tag[:j], tag[j+1:]
				break
			}
		}
		if !validTagName(name) {
			name = ""
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := p.fields[name]; dup {
			return nil // encoding/json's dominance rules
		}
		fp := fieldPlan{index: i, bit: 1 << uint(len(p.names))}
		if hasOption(opts, "string") {
			fp.kind = fkUnsupported
		} else {
			fp.kind, fp.bits, fp.sub, fp.elem = kindOf(f.Type)
		}
		p.fields[name] = fp
		p.names = append(p.names, name)
	}
	return p
}

func kindOf(t reflect.Type) (kind, bits int, sub *structPlan, elem reflect.Type) {
	if custom(t) {
		return fkUnsupported, 0, nil, nil
	}
	switch t.Kind() {
	case reflect.String:
		return fkString, 0, nil, nil
	case reflect.Bool:
		return fkBool, 0, nil, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fkInt, t.Bits(), nil, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fkUint, t.Bits(), nil, nil
	case reflect.Float32, reflect.Float64:
		return fkFloat, t.Bits(), nil, nil
	case reflect.Struct:
		if s := planFor(t); s != nil {
			return fkStruct, 0, s, nil
		}
	case reflect.Pointer:
		if e := t.Elem(); e.Kind() == reflect.Struct && !custom(e) {
			return fkPtrStruct, 0, nil, e
		}
	}
	return fkUnsupported, 0, nil, nil
}

// validTagName is encoding/json's rule for the name in a tag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

func hasOption(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}

// fdec walks one JSON text, validating as it goes.
type fdec struct {
	b []byte
	i int
}

func (d *fdec) space() { d.i = skipSpace(d.b, d.i) }

// object decodes the object at d.i into v (a struct) by p.
func (d *fdec) object(v reflect.Value, p *structPlan) bool {
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return false
	}
	d.i++
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return true
	}
	var seen uint64
	for {
		key, ok := d.plainString()
		if !ok || !d.colon() {
			return false
		}
		if f, found := p.fields[string(key)]; found {
			if seen&f.bit != 0 || !d.field(v.Field(f.index), &f) {
				return false
			}
			seen |= f.bit
		} else if foldsOnto(key, p.names...) || !d.skip() {
			return false
		}
		if more, ok := d.more('}'); !ok || !more {
			return ok
		}
	}
}

// colon steps over the ':' after a key and the spaces around it.
func (d *fdec) colon() bool {
	d.space()
	if d.i >= len(d.b) || d.b[d.i] != ':' {
		return false
	}
	d.i++
	d.space()
	return true
}

// more steps over what follows a member or element: a ',' (more is true)
// or closing, with the spaces around them; ok is false on anything else.
func (d *fdec) more(closing byte) (more, ok bool) {
	d.space()
	if d.i >= len(d.b) {
		return false, false
	}
	switch d.b[d.i] {
	case ',':
		d.i++
		d.space()
		return true, true
	case closing:
		d.i++
		return false, true
	}
	return false, false
}

// field decodes the value at d.i into fv by f.
func (d *fdec) field(fv reflect.Value, f *fieldPlan) bool {
	if d.literal("null") {
		switch f.kind {
		case fkUnsupported:
			return false
		case fkPtrStruct:
			fv.SetZero()
		}
		return true // encoding/json leaves other kinds alone on null
	}
	switch f.kind {
	case fkString:
		s, ok := d.plainString()
		if ok {
			fv.SetString(string(s))
		}
		return ok
	case fkBool:
		switch {
		case d.literal("true"):
			fv.SetBool(true)
		case d.literal("false"):
			fv.SetBool(false)
		default:
			return false
		}
		return true
	case fkInt, fkUint, fkFloat:
		lit, integer, ok := d.number()
		if !ok {
			return false
		}
		switch f.kind {
		case fkInt:
			n, err := strconv.ParseInt(string(lit), 10, f.bits)
			if !integer || err != nil {
				return false
			}
			fv.SetInt(n)
		case fkUint:
			n, err := strconv.ParseUint(string(lit), 10, f.bits)
			if !integer || err != nil {
				return false
			}
			fv.SetUint(n)
		default:
			x, err := strconv.ParseFloat(string(lit), f.bits)
			if err != nil {
				return false
			}
			fv.SetFloat(x)
		}
		return true
	case fkStruct:
		return d.object(fv, f.sub)
	case fkPtrStruct:
		sub := planFor(f.elem)
		if sub == nil {
			return false
		}
		if fv.IsNil() {
			fv.Set(reflect.New(f.elem))
		}
		return d.object(fv.Elem(), sub)
	}
	return false
}

func (d *fdec) literal(lit string) bool {
	if len(d.b)-d.i >= len(lit) && string(d.b[d.i:d.i+len(lit)]) == lit {
		d.i += len(lit)
		return true
	}
	return false
}

// plainString returns the contents of the string at d.i when it has no
// escapes, no control characters and is valid UTF-8.
func (d *fdec) plainString() ([]byte, bool) {
	b, i := d.b, d.i
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	// Eight bytes at a time, stopping at the first quote, backslash
	// (stopBits) or control character (bytes below 0x20 are flagged by
	// (x-0x20…)&^x&highBits, with the same lowest-bit rule), and noting any
	// byte past ASCII so that only such strings pay for utf8.Valid.
	var high uint64
	j := i + 1
	for ; j+8 <= len(b); j += 8 {
		x := binary.LittleEndian.Uint64(b[j : j+8])
		if m := stopBits(x) | (x-0x20*lowBits)&^x&highBits; m != 0 {
			n := bits.TrailingZeros64(m) &^ 7
			high |= x & highBits & (1<<n - 1)
			j += n >> 3
			break
		}
		high |= x & highBits
	}
	for ; j < len(b); j++ {
		c := b[j]
		if c == '"' || c == '\\' || c < 0x20 {
			break
		}
		high |= uint64(c) & 0x80
	}
	if j >= len(b) || b[j] != '"' {
		return nil, false // an escape or a control character: encoding/json decides
	}
	s := b[i+1 : j]
	if high != 0 && !utf8.Valid(s) {
		return nil, false
	}
	d.i = j + 1
	return s, true
}

// number returns the JSON number literal at d.i, and whether it has neither
// a fraction nor an exponent.
func (d *fdec) number() (lit []byte, integer, ok bool) {
	b, i := d.b, d.i
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	// digits steps over one or more digits, or reports false.
	digits := func() bool {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i > j
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		digits()
	default:
		return nil, false, false
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		integer = false
		i++
		if !digits() {
			return nil, false, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false, false
		}
	}
	d.i = i
	return b[start:i], integer, true
}

// skip validates and steps over any JSON value at d.i.
func (d *fdec) skip() bool {
	return d.skipDepth(0)
}

func (d *fdec) skipDepth(depth int) bool {
	if d.i >= len(d.b) || depth > 1000 {
		return false
	}
	switch c := d.b[d.i]; {
	case c == '"':
		return d.skipString()
	case c == '{' || c == '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		d.i++
		d.space()
		if d.i < len(d.b) && d.b[d.i] == closing {
			d.i++
			return true
		}
		for {
			if c == '{' && (!d.skipString() || !d.colon()) {
				return false
			}
			if !d.skipDepth(depth + 1) {
				return false
			}
			if more, ok := d.more(closing); !ok || !more {
				return ok
			}
		}
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	default:
		_, _, ok := d.number()
		return ok
	}
}

// skipString steps over a string, checking its escapes and that it has no
// control characters (invalid UTF-8 is valid input: encoding/json replaces
// it).
func (d *fdec) skipString() bool {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return false
	}
	for j := d.i + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			j++
			if j >= len(d.b) {
				return false
			}
			switch d.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(d.b) {
					return false
				}
				for _, h := range d.b[j+1 : j+5] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}
