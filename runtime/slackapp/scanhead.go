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
// strings share one allocation. Strings are stepped over eight bytes at a
// time, long ones with bytes.IndexByte. The scans bail out — and the caller
// decodes with encoding/json instead — on anything they do not handle
// simply: escapes in a key or a wanted value, a non-ASCII or upper case key
// that encoding/json could fold onto a wanted name, a wanted envelope key
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
	return scanObject(b, i, func(key []byte, vi int) (int, bool) {
		switch string(key) {
		case "type":
			return valueString(b, vi, pickHeadType, p)
		case "subtype":
			return valueString(b, vi, pickHeadSubtype, p)
		case "channel_type":
			return valueString(b, vi, pickHeadChannelType, p)
		case "user":
			return valueString(b, vi, pickHeadUser, p)
		}
		if otherFolds(key, "type", "subtype", "channel_type", "user") {
			return 0, false
		}
		return skipValue(b, vi)
	})
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

var envelopeKeys = []string{"type", "challenge", "team_id", "enterprise_id", "api_app_id", "event_id",
	"event_time", "is_ext_shared_channel", "authorizations", "event"}

// scanEnvelope is the fast path of the envelope decode, which also scans
// the head of the inner event into head in the same pass (the inner event is
// most of a body); false means "fall back to encoding/json" for both.
// env.Event then aliases body, with its capacity cut to its length so that
// appending to it cannot overwrite the rest of body.
func scanEnvelope(body []byte, env *envelope, head *innerHead) bool {
	var p picks
	seen := 0
	once := func(bit int) bool {
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	}
	b := body
	end, ok := scanObject(b, skipSpace(b, 0), func(key []byte, vi int) (int, bool) {
		switch string(key) {
		case "type":
			if !once(fType) {
				return 0, false
			}
			return valueString(b, vi, pickType, &p)
		case "challenge":
			if !once(fChallenge) {
				return 0, false
			}
			return valueString(b, vi, pickChallenge, &p)
		case "team_id":
			if !once(fTeamID) {
				return 0, false
			}
			return valueString(b, vi, pickTeamID, &p)
		case "enterprise_id":
			if !once(fEnterpriseID) {
				return 0, false
			}
			return valueString(b, vi, pickEnterpriseID, &p)
		case "api_app_id":
			if !once(fAPIAppID) {
				return 0, false
			}
			return valueString(b, vi, pickAPIAppID, &p)
		case "event_id":
			if !once(fEventID) {
				return 0, false
			}
			return valueString(b, vi, pickEventID, &p)
		case "event_time":
			if !once(fEventTime) {
				return 0, false
			}
			ve, ok := skipValue(b, vi)
			return ve, ok && scanInt(b[vi:ve], &env.EventTime)
		case "is_ext_shared_channel":
			if !once(fExtShared) {
				return 0, false
			}
			ve, ok := skipValue(b, vi)
			return ve, ok && scanBool(b[vi:ve], &env.IsExtSharedChannel)
		case "authorizations":
			if !once(fAuthorizations) {
				return 0, false
			}
			ve, ok := skipValue(b, vi)
			return ve, ok && scanFirstAuthorization(b[vi:ve], &env.Authorizations[0].IsEnterpriseInstall, &p)
		case "event":
			if !once(fEvent) {
				return 0, false
			}
			ve, ok := scanHeadAt(b, vi, &p)
			if ok {
				env.Event = b[vi:ve:ve]
			}
			return ve, ok
		}
		if otherFolds(key, envelopeKeys...) {
			return 0, false
		}
		return skipValue(b, vi)
	})
	if !ok || skipSpace(b, end) != len(b) {
		return false
	}
	a := &env.Authorizations[0]
	p.set(&[numPicks]*string{pickType: &env.Type, pickChallenge: &env.Challenge, pickTeamID: &env.TeamID,
		pickEnterpriseID: &env.EnterpriseID, pickAPIAppID: &env.APIAppID, pickEventID: &env.EventID,
		pickAuthEnterpriseID: &a.EnterpriseID, pickAuthTeamID: &a.TeamID, pickAuthUserID: &a.UserID,
		pickHeadType: &head.Type, pickHeadSubtype: &head.Subtype, pickHeadChannelType: &head.ChannelType, pickHeadUser: &head.User})
	return true
}

// scanFirstAuthorization decodes authorizations[0] from the array v: its
// strings into p, is_enterprise_install into isEnterpriseInstall.
func scanFirstAuthorization(v []byte, isEnterpriseInstall *bool, p *picks) bool {
	if string(v) == "null" {
		return true
	}
	if v[0] != '[' {
		return false
	}
	i := skipSpace(v, 1)
	if i >= len(v) || v[i] == ']' {
		return i < len(v)
	}
	if v[i] != '{' {
		return false
	}
	seen := 0
	_, ok := scanObject(v, i, func(key []byte, vi int) (int, bool) {
		bit := 0
		var ve int
		var ok bool
		switch string(key) {
		case "enterprise_id":
			bit = 1
			ve, ok = valueString(v, vi, pickAuthEnterpriseID, p)
		case "team_id":
			bit = 2
			ve, ok = valueString(v, vi, pickAuthTeamID, p)
		case "user_id":
			bit = 4
			ve, ok = valueString(v, vi, pickAuthUserID, p)
		case "is_enterprise_install":
			bit = 8
			ve, ok = skipValue(v, vi)
			ok = ok && scanBool(v[vi:ve], isEnterpriseInstall)
		default:
			if otherFolds(key, "enterprise_id", "team_id", "user_id", "is_enterprise_install") {
				return 0, false
			}
			return skipValue(v, vi)
		}
		if seen&bit != 0 {
			return 0, false
		}
		seen |= bit
		return ve, ok
	})
	return ok
}

// scanObject calls member for each member of the object at b[i] with its
// key (without quotes) and the index of its value, and returns the index
// after the object. member steps over the value and returns the index after
// it; member returning false, or a structural surprise, stops with false.
func scanObject(b []byte, i int, member func(key []byte, vi int) (int, bool)) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		ke, flags, ok := readString(b, i)
		if !ok || flags&strEscaped != 0 {
			return 0, false
		}
		key := b[i+1 : ke-1]
		i = skipSpace(b, ke)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return 0, false
		}
		ve, ok := member(key, i)
		if !ok {
			return 0, false
		}
		i = skipSpace(b, ve)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, true
		default:
			return 0, false
		}
	}
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

// otherFolds is foldsOnto for a key that is none of names, all of which
// are lower case ASCII: such a key folds onto one of them only if it has an
// upper case or non-ASCII byte, which is rare and checked first.
func otherFolds(key []byte, names ...string) bool {
	for _, c := range key {
		if c-'A' <= 'Z'-'A' || c >= utf8.RuneSelf {
			return foldsOnto(key, names...)
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
	for ; j+8 <= len(b) && j <= i+9; j += 8 {
		x := binary.LittleEndian.Uint64(b[j : j+8])
		q := x ^ ('"' * lowBits)
		s := x ^ ('\\' * lowBits)
		if m := ((q-lowBits)&^q | (s-lowBits)&^s) & highBits; m != 0 {
			if k := j + bits.TrailingZeros64(m)>>3; b[k] == '"' {
				return k + 1, true
			}
			j = i + 1
			break
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
			q := x ^ ('"' * lowBits)
			s := x ^ ('\\' * lowBits)
			if m := ((q-lowBits)&^q | (s-lowBits)&^s) & highBits; m != 0 {
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
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := skipString(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	case ',', '}', ']', ':':
		return 0, false
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\r' && b[j] != '\n' {
			j++
		}
		return j, true
	}
}
