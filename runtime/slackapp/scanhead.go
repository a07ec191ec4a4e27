package slackapp

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Fast paths for the Events API hot path.
//
// encoding/json walks a body at least twice (validation, then reflective
// decoding, skipping unknown members with its state machine), and the inner
// event again twice. Most of an Events API body is the inner event, of
// which routing needs four fields. scanEnvelope walks the body once with
// plain byte loops, the inner event's members included (scanHead does the
// same for an inner event alone), and picks the fields routing needs; their
// strings share one allocation. Each object is one loop over member, which
// steps from a value's end to the next value, its key read eight bytes at
// a time; keys are matched by a switch and checked for case folding only
// when skipped. Strings are stepped over eight bytes at a time, long ones
// with bytes.IndexByte; nested values a byte at a time with a class table
// outside strings. The scans bail out — and the caller decodes with
// encoding/json instead — on anything they do not handle simply: escapes
// in a key or a wanted value, a non-ASCII or upper case key that
// encoding/json could fold onto a wanted name, a wanted envelope key
// repeated, a value of an unexpected kind. For valid JSON the result is
// exactly encoding/json's (FuzzParseEnvelopeFast and FuzzDecodeHead check
// this). They check the structure they walk, not the grammar of every
// skipped value: a body is parsed only after its signature verified, and
// handlers decode the inner event with encoding/json.

// decodeHead fills h from the inner event raw.
func decodeHead(raw []byte, h *innerHead) error {
	if scanHead(raw, h) {
		return nil
	}
	*h = innerHead{}
	return json.Unmarshal(raw, h)
}

// scanHead is decodeHead's fast path; false means "fall back".
func scanHead(raw []byte, h *innerHead) bool {
	var p picks
	end, ok := scanHeadAt(raw, skipSpace(raw, 0), &p)
	if !ok || skipSpace(raw, end) != len(raw) {
		return false
	}
	p.set(&[numPicks]*string{pickHeadType: &h.Type, pickHeadSubtype: &h.Subtype,
		pickHeadChannelType: &h.ChannelType, pickHeadUser: &h.User})
	return true
}

// scanHeadAt scans the inner event object at b[i], picking the head's
// strings into p, and returns the index after it.
func scanHeadAt(b []byte, i int, p *picks) (int, bool) {
	ks, ke, vi, st := member(b, i, true)
	var ve int
	for ; st <= stNonASCII; ks, ke, vi, st = member(b, ve, false) {
		var ok bool
		switch string(b[ks:ke]) {
		case "type":
			ve, ok = valueString(b, vi, pickHeadType, p)
		case "subtype":
			ve, ok = valueString(b, vi, pickHeadSubtype, p)
		case "channel_type":
			ve, ok = valueString(b, vi, pickHeadChannelType, p)
		case "user":
			ve, ok = valueString(b, vi, pickHeadUser, p)
		default:
			ve, ok = skipMember(b, ks, ke, vi, st, headKeys)
		}
		if !ok {
			return 0, false
		}
	}
	return vi, st == stEnd
}

// envelope field bits, to refuse repeated wanted keys.
const (
	fType = 1 << iota
	fChallenge
	fTeamID
	fEnterpriseID
	fAPIAppID
	fEventID
	fEventTime
	fExtShared
	fAuthorizations
	fEvent
)

// The names the scans pick, for foldsOnto.
var (
	headKeys          = newKeySet("type", "subtype", "channel_type", "user")
	authorizationKeys = newKeySet("enterprise_id", "team_id", "user_id", "is_enterprise_install")
	envelopeKeys      = newKeySet("type", "challenge", "team_id", "enterprise_id", "api_app_id", "event_id",
		"event_time", "is_ext_shared_channel", "authorizations", "event")
)

// scanEnvelope is the fast path of the envelope decode, which also scans
// the head of the inner event into head in the same pass (the inner event is
// most of a body); false means "fall back to encoding/json" for both.
// env.Event then aliases body, with its capacity cut to its length so that
// appending to it cannot overwrite the rest of body.
func scanEnvelope(body []byte, env *envelope, head *innerHead) bool {
	var p picks
	seen := 0
	b := body
	ks, ke, vi, st := member(b, skipSpace(b, 0), true)
	var ve int
	for ; st <= stNonASCII; ks, ke, vi, st = member(b, ve, false) {
		var bit int
		var ok bool
		switch string(b[ks:ke]) {
		case "type":
			bit = fType
			ve, ok = valueString(b, vi, pickType, &p)
		case "challenge":
			bit = fChallenge
			ve, ok = valueString(b, vi, pickChallenge, &p)
		case "team_id":
			bit = fTeamID
			ve, ok = valueString(b, vi, pickTeamID, &p)
		case "enterprise_id":
			bit = fEnterpriseID
			ve, ok = valueString(b, vi, pickEnterpriseID, &p)
		case "api_app_id":
			bit = fAPIAppID
			ve, ok = valueString(b, vi, pickAPIAppID, &p)
		case "event_id":
			bit = fEventID
			ve, ok = valueString(b, vi, pickEventID, &p)
		case "event_time":
			bit = fEventTime
			ve, ok = skipValue(b, vi)
			ok = ok && scanInt(b[vi:ve], &env.EventTime)
		case "is_ext_shared_channel":
			bit = fExtShared
			ve, ok = skipValue(b, vi)
			ok = ok && scanBool(b[vi:ve], &env.IsExtSharedChannel)
		case "authorizations":
			bit = fAuthorizations
			ve, ok = scanAuthorizations(b, vi, &env.Authorizations[0].IsEnterpriseInstall, &p)
		case "event":
			bit = fEvent
			ve, ok = scanHeadAt(b, vi, &p)
			if ok {
				env.Event = b[vi:ve:ve]
			}
		default:
			ve, ok = skipMember(b, ks, ke, vi, st, envelopeKeys)
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
	}
	if st != stEnd || skipSpace(b, vi) != len(b) {
		return false
	}
	a := &env.Authorizations[0]
	p.set(&[numPicks]*string{pickType: &env.Type, pickChallenge: &env.Challenge, pickTeamID: &env.TeamID,
		pickEnterpriseID: &env.EnterpriseID, pickAPIAppID: &env.APIAppID, pickEventID: &env.EventID,
		pickAuthEnterpriseID: &a.EnterpriseID, pickAuthTeamID: &a.TeamID, pickAuthUserID: &a.UserID,
		pickHeadType: &head.Type, pickHeadSubtype: &head.Subtype, pickHeadChannelType: &head.ChannelType, pickHeadUser: &head.User})
	return true
}

// scanAuthorizations steps over the authorizations value at b[i] and
// decodes its first element: its strings into p, is_enterprise_install
// into isEnterpriseInstall. The value must be null or an array whose first
// element, if any, is an object.
func scanAuthorizations(b []byte, i int, isEnterpriseInstall *bool, p *picks) (int, bool) {
	if b[i] != '[' {
		ve, ok := skipValue(b, i)
		return ve, ok && string(b[i:ve]) == "null"
	}
	j := skipSpace(b, i+1)
	if j >= len(b) || b[j] == ']' {
		return j + 1, j < len(b)
	}
	j, ok := scanAuthorization(b, j, isEnterpriseInstall, p)
	if !ok {
		return 0, false
	}
	return skipNested(b, j, 1) // the rest of the array
}

// scanAuthorization decodes the authorization object at b[i].
func scanAuthorization(b []byte, i int, isEnterpriseInstall *bool, p *picks) (int, bool) {
	seen := 0
	ks, ke, vi, st := member(b, i, true)
	var ve int
	for ; st <= stNonASCII; ks, ke, vi, st = member(b, ve, false) {
		var bit int
		var ok bool
		switch string(b[ks:ke]) {
		case "enterprise_id":
			bit = 1
			ve, ok = valueString(b, vi, pickAuthEnterpriseID, p)
		case "team_id":
			bit = 2
			ve, ok = valueString(b, vi, pickAuthTeamID, p)
		case "user_id":
			bit = 4
			ve, ok = valueString(b, vi, pickAuthUserID, p)
		case "is_enterprise_install":
			bit = 8
			ve, ok = skipValue(b, vi)
			ok = ok && scanBool(b[vi:ve], isEnterpriseInstall)
		default:
			ve, ok = skipMember(b, ks, ke, vi, st, authorizationKeys)
		}
		if !ok || seen&bit != 0 {
			return 0, false
		}
		seen |= bit
	}
	return vi, st == stEnd
}

// The scans walk an object with member, which steps from one member's key
// to the next, stepping over the value between them.

// States of member.
const (
	stMember   = iota // a member: its key's bounds and its value's index
	stNonASCII        // the same, the key holding a non-ASCII byte
	stEnd             // the object's end: the index after it
	stFail
)

// member reads the object from b[i] to its next member: the object's '{'
// when first, else the end of the previous member's value. It returns the
// bounds of the key, without quotes (a key with escapes is refused), and
// the index vi of the value; at the object's end, vi is the index after
// it. The key's end is searched eight bytes at a time, as readString does.
func member(b []byte, i int, first bool) (ks, ke, vi, st int) {
	if first {
		if i >= len(b) || b[i] != '{' {
			return 0, 0, 0, stFail
		}
		if i = skipSpace(b, i+1); i < len(b) && b[i] == '}' {
			return 0, 0, i + 1, stEnd
		}
	} else if i+1 < len(b) && b[i] == ',' && b[i+1] == '"' {
		i++ // the usual `,"`
	} else {
		if i = skipSpace(b, i); i >= len(b) {
			return 0, 0, 0, stFail
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return 0, 0, i + 1, stEnd
		default:
			return 0, 0, 0, stFail
		}
	}
	if i >= len(b) || b[i] != '"' {
		return 0, 0, 0, stFail
	}
	ks = i + 1
	j, found, high := ks, false, uint64(0)
	for ; j+8 <= len(b); j += 8 {
		x := binary.LittleEndian.Uint64(b[j : j+8])
		if m := stopBits(x); m != 0 {
			n := bits.TrailingZeros64(m) &^ 7 // 8 × the index of the stop in x
			high |= x & (1<<n - 1)
			j += n >> 3
			found = true
			break
		}
		high |= x
	}
	if !found {
		for ; j < len(b) && b[j] != '"' && b[j] != '\\'; j++ {
			high |= uint64(b[j])
		}
	}
	if j >= len(b) || b[j] != '"' {
		return 0, 0, 0, stFail
	}
	ke = j
	if j++; j >= len(b) || b[j] != ':' {
		if j = skipSpace(b, j); j >= len(b) || b[j] != ':' {
			return 0, 0, 0, stFail
		}
	}
	if j++; j >= len(b) || b[j] <= ' ' {
		if j = skipSpace(b, j); j >= len(b) {
			return 0, 0, 0, stFail
		}
	}
	if high&highBits != 0 {
		return ks, ke, j, stNonASCII
	}
	return ks, ke, j, stMember
}

// keySet is the names a scan picks, for skipMember's check that a key it
// skips does not fold onto one of them.
type keySet struct {
	lens  uint64 // bit n: a name n bytes long
	names []string
}

func newKeySet(names ...string) *keySet {
	k := &keySet{names: names}
	for _, n := range names {
		k.lens |= 1 << len(n)
	}
	return k
}

// skipMember steps over the value at b[i] of a member the scan does not
// want, with key b[ks:ke] (st as member returned it), after checking that
// the key does not fold onto one of the names of k. An ASCII key can fold
// onto a name only if it is as long and has an upper case byte.
func skipMember(b []byte, ks, ke, i, st int, k *keySet) (int, bool) {
	if (st == stNonASCII || k.lens>>(ke-ks)&1 != 0 && mayFold(b, ks, ke)) && foldsOnto(b[ks:ke], k.names...) {
		return 0, false
	}
	if b[i] != '"' {
		return skipValue(b, i)
	}
	j := i + 1 // skipString, its first word inlined
	if j+8 <= len(b) {
		m := stopBits(binary.LittleEndian.Uint64(b[j : j+8]))
		if m == 0 {
			j += 8
		} else if e := j + bits.TrailingZeros64(m)>>3; b[e] == '"' {
			return e + 1, true
		}
	}
	return skipStringFrom(b, i, j)
}

// mayFold reports whether the key b[ks:ke] has an upper case or non-ASCII
// byte, with which it could fold onto a lower case name (see foldsOnto).
// Eight bytes at a time, the last word overlapping the one before, or for
// a short key its word masked to its length.
func mayFold(b []byte, ks, ke int) bool {
	if n := ke - ks; n < 8 {
		if ks+8 > len(b) {
			for _, c := range b[ks:ke] {
				if c >= utf8.RuneSelf || c-'A' <= 'Z'-'A' {
					return true
				}
			}
			return false
		}
		return foldBits(binary.LittleEndian.Uint64(b[ks:ks+8])&(1<<(8*n)-1)) != 0
	}
	var u uint64
	for i := ks; ; i += 8 {
		i = min(i, ke-8)
		u |= foldBits(binary.LittleEndian.Uint64(b[i : i+8]))
		if i == ke-8 {
			return u != 0
		}
	}
}

// foldBits returns the high bits of the bytes of x that are upper case or
// non-ASCII: with v = x&0x7f…, a byte of v+0x3f… has its high bit set when
// the byte is at least 'A', of v+0x25… when it is past 'Z' (v's bytes are
// below 0x80: no carries).
func foldBits(x uint64) uint64 {
	v := x & (0x7f * lowBits)
	return (x | (v+0x3f*lowBits)&^(v+0x25*lowBits)) & highBits
}

// valueString steps over the value at b[i], which must be a string (no
// escapes) or null, and picks it into p for field f: null leaves the field
// alone, as encoding/json does. Invalid UTF-8, which encoding/json
// replaces, is refused.
func valueString(b []byte, i int, f int, p *picks) (int, bool) {
	if b[i] != '"' {
		ve, ok := skipValue(b, i)
		return ve, ok && string(b[i:ve]) == "null"
	}
	var high uint64
	for j := i + 1; j+8 <= len(b); j += 8 {
		x := binary.LittleEndian.Uint64(b[j : j+8])
		m := stopBits(x)
		if m == 0 {
			high |= x
			continue
		}
		n := bits.TrailingZeros64(m) &^ 7 // 8 × the index of the stop in x
		if k := j + n>>3; b[k] == '"' && (high|x&(1<<n-1))&highBits == 0 {
			return k + 1, p.add(f, b[i+1:k]) // plain ASCII
		}
		break
	}
	ve, flags, ok := readString(b, i)
	if !ok || flags&strEscaped != 0 || (flags&strNonASCII != 0 && !utf8.Valid(b[i+1:ve-1])) {
		return 0, false
	}
	return ve, p.add(f, b[i+1:ve-1])
}

// The string fields the scans pick, by index into picks.set's argument.
const (
	pickType = iota
	pickChallenge
	pickTeamID
	pickEnterpriseID
	pickAPIAppID
	pickEventID
	pickAuthEnterpriseID
	pickAuthTeamID
	pickAuthUserID
	pickHeadType
	pickHeadSubtype
	pickHeadChannelType
	pickHeadUser
	numPicks
)

// picks collects the strings a scan picks, to store them once the scan
// succeeded, copied into one allocation instead of one each. It holds
// field indices rather than pointers so that the fields' structs need not
// escape.
type picks struct {
	n, size int
	field   [16]uint8
	val     [16][]byte
}

// add picks v for field f; false (fall back) when p is full, which takes
// a wanted key repeated many times.
func (p *picks) add(f int, v []byte) bool {
	if p.n == len(p.field) {
		return false
	}
	p.field[p.n], p.val[p.n] = uint8(f), v
	p.n++
	p.size += len(v)
	return true
}

// set stores the picked strings in the fields dst points to, in the order
// picked, so that the last of a repeated key wins, as in encoding/json.
func (p *picks) set(dst *[numPicks]*string) {
	var sb strings.Builder
	sb.Grow(p.size)
	for _, v := range p.val[:p.n] {
		sb.Write(v)
	}
	all, off := sb.String(), 0
	for k, v := range p.val[:p.n] {
		*dst[p.field[k]] = all[off : off+len(v)]
		off += len(v)
	}
}

func scanBool(v []byte, dst *bool) bool {
	switch string(v) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	case "null":
	default:
		return false
	}
	return true
}

func scanInt(v []byte, dst *int64) bool {
	if string(v) == "null" {
		return true
	}
	d := v
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) > 0 && len(d) <= 18 { // no overflow: parse here
		var n int64
		for _, c := range d {
			if c-'0' > 9 {
				return false // fractions and exponents: let encoding/json decide
			}
			n = n*10 + int64(c-'0')
		}
		if len(d) < len(v) {
			n = -n
		}
		*dst = n
		return true
	}
	for _, c := range v {
		if (c < '0' || c > '9') && c != '-' {
			return false // fractions and exponents: let encoding/json decide
		}
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return false
	}
	*dst = n
	return true
}

// foldsOnto reports whether key could match one of names in encoding/json's
// case-insensitive field matching without being equal to it: any non-ASCII
// key (Unicode folding maps e.g. U+212A KELVIN SIGN onto "k"), or an ASCII
// case variant.
func foldsOnto(key []byte, names ...string) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	for _, n := range names {
		if len(n) == len(key) && asciiEqualFold(key, n) {
			return true
		}
	}
	return false
}

func asciiEqualFold(a []byte, b string) bool {
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
// Short strings end within their first two words, which it checks as
// readString does; longer ones, and escapes, go to bytes.IndexByte for the
// next quote: a quote ends the string unless an odd run of backslashes
// precedes it (each escapes the byte after it, as readString reads them).
func skipString(b []byte, i int) (int, bool) {
	j := i + 1
	if j+8 <= len(b) {
		m := stopBits(binary.LittleEndian.Uint64(b[j : j+8]))
		if m == 0 {
			return skipStringFrom(b, i, j+8)
		}
		if k := j + bits.TrailingZeros64(m)>>3; b[k] == '"' {
			return k + 1, true
		}
	}
	return skipStringFrom(b, i, j)
}

// skipStringFrom is skipString for the string at b[i] from b[j]: b[i+1:j]
// holds no quote.
func skipStringFrom(b []byte, i, j int) (int, bool) {
	if j+8 <= len(b) {
		m := stopBits(binary.LittleEndian.Uint64(b[j : j+8]))
		if m == 0 {
			j += 8
		} else if k := j + bits.TrailingZeros64(m)>>3; b[k] == '"' {
			return k + 1, true
		}
	}
	for {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return 0, false
		}
		j += k
		p := j - 1
		for p > i && b[p] == '\\' {
			p--
		}
		if (j-1-p)%2 == 0 {
			return j + 1, true
		}
		j++
	}
}

// Flags of readString.
const (
	strEscaped  = 1 << iota // the string holds a backslash
	strNonASCII             // the string holds a byte >= 0x80
)

// readString returns the index after the string starting at b[i] == '"'
// and whether it holds escapes or non-ASCII bytes. A backslash escapes the
// byte after it; a quote not so escaped ends the string. It reads eight
// bytes at a time: in each word, the lowest byte that the zero-byte test
// (y-lowBits)&^y&highBits flags is exactly the first zero byte of y.
func readString(b []byte, i int) (end, flags int, ok bool) {
	var high uint64
	j := i + 1
	for {
		for ; j+8 <= len(b); j += 8 {
			x := binary.LittleEndian.Uint64(b[j : j+8])
			if m := stopBits(x); m != 0 {
				n := bits.TrailingZeros64(m) &^ 7 // 8 × the index of the stop in x
				high |= x & highBits & (1<<n - 1)
				j += n >> 3
				break
			}
			high |= x & highBits
		}
		for ; j < len(b) && b[j] != '"'; j++ {
			if b[j] == '\\' {
				break
			}
			high |= uint64(b[j]) & 0x80
		}
		if high != 0 {
			flags |= strNonASCII
		}
		if j >= len(b) {
			return 0, 0, false
		}
		if b[j] == '"' {
			return j + 1, flags, true
		}
		flags |= strEscaped
		j += 2
	}
}

// stopBits flags the bytes of x that are a quote or a backslash: its
// lowest set bit is the high bit of the first such byte (higher bits may
// be spurious; see readString).
func stopBits(x uint64) uint64 {
	q := x ^ ('"' * lowBits)
	s := x ^ ('\\' * lowBits)
	return ((q-lowBits)&^q | (s-lowBits)&^s) & highBits
}

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// skipValue returns the index after the JSON value starting at b[i].
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		return skipNested(b, i+1, 1)
	case ',', '}', ']', ':':
		return 0, false
	default: // a number or literal, which valid JSON follows with ',', '}', ']' or white space
		j := i
		for j < len(b) && byteClass[b[j]] == clOther {
			j++
		}
		return j, true
	}
}

// Classes of bytes for skipNested, and the ends of other values for
// skipValue.
const (
	clOther = iota
	clQuote
	clOpen
	clClose
	clEnd // ',', and white space
)

var byteClass = [256]uint8{'"': clQuote, '{': clOpen, '[': clOpen, '}': clClose, ']': clClose,
	',': clEnd, ' ': clEnd, '\t': clEnd, '\r': clEnd, '\n': clEnd}

// skipNested returns the index after the end of the objects and arrays
// that b[i] is depth deep in, outside strings.
func skipNested(b []byte, i, depth int) (int, bool) {
	for i < len(b) {
		switch byteClass[b[i]] {
		case clOther, clEnd:
			i++
		case clQuote:
			j := i + 1 // skipString, its first two words inlined
			if j+16 <= len(b) {
				m := stopBits(binary.LittleEndian.Uint64(b[j : j+8]))
				if m == 0 {
					j += 8
					m = stopBits(binary.LittleEndian.Uint64(b[j : j+8]))
				}
				if m != 0 {
					if k := j + bits.TrailingZeros64(m)>>3; b[k] == '"' {
						i = k + 1
						continue
					}
				} else {
					j += 8
				}
			}
			e, ok := skipStringFrom(b, i, j)
			if !ok {
				return 0, false
			}
			i = e
		case clOpen:
			depth++
			i++
		case clClose:
			depth--
			i++
			if depth == 0 {
				return i, true
			}
		}
	}
	return 0, false
}
