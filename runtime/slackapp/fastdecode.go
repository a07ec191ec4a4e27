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
	"sync/atomic"
	"unicode"
	"unicode/utf8"
	"unsafe"
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
//
// The decoded strings of one event share one allocation (each field a
// substring of it), which no user of the fields can tell from
// encoding/json's separate strings.
//
// Fields are written through unsafe pointers at the offsets the plan took
// from reflect; see structPlan for the invariants that keeps sound.
func fastDecode(raw []byte, v any) bool {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	t := rv.Type().Elem()
	if t.Kind() != reflect.Struct {
		return false
	}
	p := planFor(t)
	base := rv.UnsafePointer()
	if p == nil || !allZero(base, p.size) || len(raw) > 1<<31-1 {
		return false // (pendString holds int32 offsets)
	}
	d := fdec{b: raw}
	d.space()
	if d.object(base, p) {
		d.space()
		if d.i == len(d.b) {
			d.flush()
			return true
		}
	}
	rv.Elem().SetZero()
	return false
}

// zeros is compared against a target to tell it is zero.
var zeros [1024]byte

// allZero reports whether the n bytes at p are all zero: then the value
// there is its type's zero value. (A zero value with other bytes, a -0.0
// float or non-zero padding, only sends the decode to encoding/json.)
func allZero(p unsafe.Pointer, n uintptr) bool {
	for off := uintptr(0); off < n; off += uintptr(len(zeros)) {
		k := min(n-off, uintptr(len(zeros)))
		if unsafe.String((*byte)(unsafe.Add(p, off)), k) != unsafe.String(&zeros[0], k) {
			return false
		}
	}
	return true
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
//
// The decoder writes a field of a struct of type T at base+off, where base
// points to a T: the target itself (v is a *T), a struct field of type T
// (base+off of the outer struct, fkStruct), or the T a non-nil *T field
// points to (fkPtrStruct, whose plan is that of the pointer's element
// type). off is reflect's offset of the field in T, and the store uses a
// Go type of the field's kind and size (string for fkString, intN/uintN/
// floatN of the field's size, bool, unsafe.Pointer for fkPtrStruct), so
// the garbage collector's write barriers see every pointer stored.
type structPlan struct {
	fields []fieldPlan
	names  []string // every JSON name, for the case-insensitive check
	size   uintptr  // the struct's size

	// A key's words (keyWords) and length hash (keyHash) to slots[h], the
	// first of the fields (chained by next) whose names hash to h; -1
	// marks an empty slot. mult and shift are chosen when the plan is built
	// so that names seldom share a slot.
	slots []int8
	mult  uint64
	shift uint8
}

type fieldPlan struct {
	name   string
	wa, wb uint64 // name's words (keyWords)
	off    uintptr
	kind   uint8
	size   uint8       // bytes, of fkInt, fkUint, fkFloat
	next   int8        // the next field in the same slot, or -1
	bits   int         // of fkInt, fkUint, fkFloat
	sub    *structPlan // fkStruct
	ptr    *ptrPlan    // fkPtrStruct
	bit    uint64      // for repeated-key detection
}

// ptrPlan is the plan of a pointer field's element type, looked up on first
// use (a struct may point to its own type).
type ptrPlan struct {
	elem reflect.Type
	plan atomic.Pointer[structPlan] // nil: not yet looked up
}

// noPlan is ptrPlan.plan for an element type that cannot be fast-decoded.
var noPlan = new(structPlan)

func (pp *ptrPlan) get() *structPlan {
	p := pp.plan.Load()
	if p == nil {
		if p = planFor(pp.elem); p == nil {
			p = noPlan
		}
		pp.plan.Store(p)
	}
	if p == noPlan {
		return nil
	}
	return p
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
	p := &structPlan{size: t.Size()}
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
		for _, n := range p.names {
			if n == name {
				return nil // encoding/json's dominance rules
			}
		}
		fp := fieldPlan{name: name, off: f.Offset, bit: 1 << uint(len(p.names))}
		fp.wa, fp.wb = keyWords(name)
		if !hasOption(opts, "string") {
			fp.kind, fp.bits, fp.sub, fp.ptr = kindOf(f.Type)
			fp.size = uint8(f.Type.Size())
		}
		p.fields = append(p.fields, fp)
		p.names = append(p.names, name)
	}
	p.index()
	return p
}

// keyWords packs a key for comparing and hashing: up to 8 bytes
// zero-extended into a; from 9 to 16 bytes, the first 8 in a and the last
// 8 (overlapping) in b. Keys of the same length up to 16 bytes are equal
// exactly when their words are; longer keys also need comparing in full.
func keyWords(key string) (a, b uint64) {
	if len(key) > 8 {
		return binary.LittleEndian.Uint64([]byte(key[:8])), binary.LittleEndian.Uint64([]byte(key[len(key)-8:]))
	}
	for i := len(key) - 1; i >= 0; i-- {
		a = a<<8 | uint64(key[i])
	}
	return a, 0
}

// keyHash is structPlan's hash of a key of n bytes with words a and b.
func keyHash(a, b uint64, n int, mult uint64, shift uint8) uint64 {
	return (a ^ bits.RotateLeft64(b, 31) ^ uint64(n)) * mult >> (shift & 63)
}

// index fills p's slots: of the tables of 2, 4 or 8 times as many slots
// as fields and a few multipliers, the first where no two names share a
// slot, else the one with the fewest such sharings.
func (p *structPlan) index() {
	mults := [...]uint64{0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9, 0x94d049bb133111eb, 0xff51afd7ed558ccd,
		0xc4ceb9fe1a85ec53, 0x87c37b91114253d5, 0x4cf5ad432745937f, 0xd6e8feb86659fd93}
	hash := func(f *fieldPlan, m uint64, shift uint8) uint64 { return keyHash(f.wa, f.wb, len(f.name), m, shift) }
	best, lenBits := -1, bits.Len(uint(len(p.fields)))
	for k := lenBits + 1; k <= lenBits+3 && best != 0; k++ {
		for _, m := range mults {
			shift := uint8(64 - k)
			clashes := 0
			for a := range p.fields {
				for b := range a {
					if hash(&p.fields[a], m, shift) == hash(&p.fields[b], m, shift) {
						clashes++
					}
				}
			}
			if best < 0 || clashes < best {
				best, p.mult, p.shift = clashes, m, shift
			}
			if best == 0 {
				break
			}
		}
	}
	p.fillSlots()
}

// fillSlots fills p.slots by p.mult and p.shift.
func (p *structPlan) fillSlots() {
	p.slots = make([]int8, 1<<(64-p.shift))
	for h := range p.slots {
		p.slots[h] = -1
	}
	for i := len(p.fields) - 1; i >= 0; i-- {
		f := &p.fields[i]
		h := keyHash(f.wa, f.wb, len(f.name), p.mult, p.shift)
		f.next = p.slots[h]
		p.slots[h] = int8(i)
	}
}

// lookup returns the field named exactly b[ks:ke], or nil. The key is a
// string's contents: a quote follows it in b.
func (p *structPlan) lookup(b []byte, ks, ke int) *fieldPlan {
	n := ke - ks
	var wa, wb uint64
	switch {
	case n > 16 || n <= 0 || ks < 0 || ke > len(b): // (the last two never: word's bounds)
		return p.lookupSlow(b[ks:ke])
	case n > 8:
		wa, wb = word(b, ks), word(b, ke-8)
	case ks+8 <= len(b):
		wa = word(b, ks) & (^uint64(0) >> ((64 - 8*n) & 63))
	default:
		return p.lookupSlow(b[ks:ke])
	}
	for k := p.slots[keyHash(wa, wb, n, p.mult, p.shift)]; k >= 0; {
		f := &p.fields[k]
		if f.wa == wa && f.wb == wb && len(f.name) == n {
			return f
		}
		k = f.next
	}
	return nil
}

// lookupSlow is lookup for keys longer than 16 bytes, empty ones, and short
// ones near the end of the input.
func (p *structPlan) lookupSlow(key []byte) *fieldPlan {
	if len(key) == 0 {
		return nil // no field has an empty name
	}
	wa, wb := keyWords(string(key))
	for k := p.slots[keyHash(wa, wb, len(key), p.mult, p.shift)]; k >= 0; {
		f := &p.fields[k]
		if f.name == string(key) {
			return f
		}
		k = f.next
	}
	return nil
}

// word returns the eight bytes at b[i:] as a little-endian number. The
// caller guarantees 0 <= i and i+8 <= len(b): word checks no bounds.
func word(b []byte, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i))[:])
}

func kindOf(t reflect.Type) (kind uint8, bits int, sub *structPlan, ptr *ptrPlan) {
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
			return fkPtrStruct, 0, nil, &ptrPlan{elem: e}
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

	// The decoded strings not yet stored: flush copies them into one
	// allocation and stores each in its field.
	npend, pendSize int
	pend            [16]pendString
}

// pendString is a string to store in *dst: b[start:end] of the fdec.
type pendString struct {
	dst        *string
	start, end int32
}

// setString stores b[start:end] in *dst, at the latest when the decode
// ends (flush).
func (d *fdec) setString(dst *string, start, end int) {
	if d.npend == len(d.pend) {
		d.flush()
	}
	d.push(dst, start, end)
}

// push is setString when d.pend has room (small enough to inline).
func (d *fdec) push(dst *string, start, end int) {
	// len(d.pend) is a power of two: the mask only spares a bounds check.
	d.pend[d.npend&(len(d.pend)-1)] = pendString{dst, int32(start), int32(end)}
	d.npend++
	d.pendSize += end - start
}

// flush stores the pending strings, as substrings of one new string. It
// copies eight bytes at a time where d.b has eight bytes past a string to
// read (within the JSON text, after the string's closing quote) and buf
// room for up to seven bytes written past the string, where the next
// strings go. A string is stored (made) once its bytes are in place: no
// write changes it after. Fields hold the zero "" until
// then: as the target was zero and no key is decoded twice, an empty
// string needs no store.
func (d *fdec) flush() {
	if d.npend == 0 {
		return
	}
	b, pend := d.b, d.pend[:d.npend]
	buf := make([]byte, d.pendSize)
	off := 0
	for k := range pend {
		start, end := int(pend[k].start), int(pend[k].end)
		n := end - start
		if end+8 <= len(b) && off+n+7 <= len(buf) {
			for i := 0; i < n; i += 8 {
				binary.LittleEndian.PutUint64(buf[off+i:], word(b, start+i)) // start+i+8 <= end+7 < len(b)
			}
		} else {
			copy(buf[off:], b[start:end])
		}
		if n > 0 {
			*pend[k].dst = unsafe.String(&buf[off], n)
		}
		off += n
	}
	d.npend, d.pendSize = 0, 0
}

func (d *fdec) space() { d.i = skipSpace(d.b, d.i) }

// object decodes the object at d.i into the struct at base by p.
func (d *fdec) object(base unsafe.Pointer, p *structPlan) bool {
	b, i := d.b, d.i
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		d.i = i + 1
		return true
	}
	var seen uint64
	for {
		// The key, and the colon after it (usually with no spaces).
		if i >= len(b) || b[i] != '"' {
			return false
		}
		ks, ke := i+1, -1
		if ks+8 <= len(b) { // asciiEnd, its first word inlined: it ends most keys
			if m := asciiStops(word(b, ks)); m != 0 {
				ke = quoteAt(b, ks+bits.TrailingZeros64(m)>>3)
			} else {
				ke = asciiEndFrom(b, ks+8)
			}
		} else {
			ke = asciiEndFrom(b, ks)
		}
		if ke < 0 {
			d.i = i
			if _, ok := d.plainStringSlow(); !ok {
				return false
			}
			ke = d.i - 1
		}
		i = ke + 1
		if i+1 < len(b) && b[i] == ':' && b[i+1] > ' ' {
			i++
		} else {
			if i = skipSpace(b, i); i >= len(b) || b[i] != ':' {
				return false
			}
			i = skipSpace(b, i+1)
		}

		// The value.
		if f := p.lookup(b, ks, ke); f != nil {
			if seen&f.bit != 0 {
				return false
			}
			seen |= f.bit
			fp := unsafe.Add(base, f.off)
			if f.kind == fkString && i < len(b) && b[i] == '"' {
				if e := asciiEnd(b, i+1); e >= 0 && d.npend < len(d.pend) {
					d.push((*string)(fp), i+1, e) // the usual case
					i = e + 1
					goto next
				}
			}
			if d.i = i; !d.field(fp, f) {
				return false
			}
			i = d.i
		} else {
			if foldsOnto(b[ks:ke], p.names...) {
				return false
			}
			if d.i = i; !d.skip() {
				return false
			}
			i = d.i
		}

	next:
		// A comma (usually with no spaces) or the end of the object.
		if i+1 < len(b) && b[i] == ',' && b[i+1] > ' ' {
			i++
			continue
		}
		if i = skipSpace(b, i); i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			d.i = i + 1
			return true
		default:
			return false
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

// field decodes the value at d.i into the field at fp by f.
func (d *fdec) field(fp unsafe.Pointer, f *fieldPlan) bool {
	if d.i < len(d.b) && d.b[d.i] == 'n' {
		if !d.literal("null") {
			return false
		}
		switch f.kind {
		case fkUnsupported:
			return false
		case fkPtrStruct:
			*(*unsafe.Pointer)(fp) = nil
		}
		return true // encoding/json leaves other kinds alone on null
	}
	switch f.kind {
	case fkString:
		start := d.i + 1
		s, ok := d.plainString()
		if ok {
			d.setString((*string)(fp), start, start+len(s))
		}
		return ok
	case fkBool:
		switch {
		case d.literal("true"):
			*(*bool)(fp) = true
		case d.literal("false"):
			*(*bool)(fp) = false
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
			switch f.size {
			case 1:
				*(*int8)(fp) = int8(n)
			case 2:
				*(*int16)(fp) = int16(n)
			case 4:
				*(*int32)(fp) = int32(n)
			default:
				*(*int64)(fp) = n
			}
		case fkUint:
			n, err := strconv.ParseUint(string(lit), 10, f.bits)
			if !integer || err != nil {
				return false
			}
			switch f.size {
			case 1:
				*(*uint8)(fp) = uint8(n)
			case 2:
				*(*uint16)(fp) = uint16(n)
			case 4:
				*(*uint32)(fp) = uint32(n)
			default:
				*(*uint64)(fp) = n
			}
		default:
			x, err := strconv.ParseFloat(string(lit), f.bits)
			if err != nil {
				return false
			}
			if f.size == 4 {
				*(*float32)(fp) = float32(x)
			} else {
				*(*float64)(fp) = x
			}
		}
		return true
	case fkStruct:
		return d.object(fp, f.sub)
	case fkPtrStruct:
		sub := f.ptr.get()
		if sub == nil {
			return false
		}
		pp := (*unsafe.Pointer)(fp)
		if *pp == nil {
			*pp = reflect.New(f.ptr.elem).UnsafePointer()
		}
		return d.object(*pp, sub)
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
	if j := asciiEnd(b, i+1); j >= 0 {
		d.i = j + 1
		return b[i+1 : j], true
	}
	return d.plainStringSlow()
}

// asciiEnd returns the index of the quote ending the string whose contents
// start at b[i] when the contents are printable ASCII without a backslash,
// or -1 (then plainStringSlow decides). It reads eight bytes at a time
// (asciiStops). It is too large to inline: object repeats its first word,
// which ends most keys, in line (a call per key cost ~1.3k instructions of
// an event's ~102k).
func asciiEnd(b []byte, i int) int {
	if i >= 0 && i+8 <= len(b) {
		if m := asciiStops(word(b, i)); m != 0 {
			return quoteAt(b, i+bits.TrailingZeros64(m)>>3)
		}
		i += 8
	}
	return asciiEndFrom(b, i)
}

// quoteAt returns j when b[j] is a quote, else -1.
func quoteAt(b []byte, j int) int {
	if b[j] == '"' {
		return j
	}
	return -1
}

// asciiEndFrom is asciiEnd from b[i] on. The last word of b is read
// shifted down, its missing bytes zero: control characters, which stop
// the scan.
func asciiEndFrom(b []byte, i int) int {
	if i < 0 {
		return -1
	}
	if len(b) < 8 {
		for ; i < len(b); i++ {
			switch c := b[i]; {
			case c == '"':
				return i
			case c == '\\' || c < 0x20 || c >= 0x80:
				return -1
			}
		}
		return -1
	}
	for {
		var x uint64
		if i+8 <= len(b) {
			x = word(b, i)
		} else if i < len(b) {
			x = word(b, len(b)-8) >> ((8 * (i + 8 - len(b))) & 63)
		} else {
			return -1
		}
		if m := asciiStops(x); m != 0 {
			if j := i + bits.TrailingZeros64(m)>>3; j < len(b) && b[j] == '"' {
				return j
			}
			return -1
		}
		i += 8
	}
}

// asciiStops flags the bytes of x that stop asciiEnd: a quote, a
// backslash, a control character or a byte past ASCII. Its lowest set bit
// is the high bit of the first such byte (higher bits may be spurious):
// with t = x^0x02…, a byte of t-0x21… has its high bit set when the byte
// of x is below 0x20 or a quote (those and only those are below 0x21 in
// t); with s = x^0x5c…, one of s-0x01… when the byte of x is a backslash
// or past ASCII; x's own high bits flag the bytes past ASCII. The bytes
// before the first flagged one are printable ASCII, in t and s at least
// 0x21 and 0x01: no subtraction borrows from the flagged byte.
func asciiStops(x uint64) uint64 {
	t := (x ^ 0x02*lowBits) - 0x21*lowBits
	s := (x ^ 0x5c*lowBits) - lowBits
	return (t | s | x) & highBits
}

// plainStringSlow is plainString for strings with bytes past ASCII or
// ending near the end of d.b.
func (d *fdec) plainStringSlow() ([]byte, bool) {
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
