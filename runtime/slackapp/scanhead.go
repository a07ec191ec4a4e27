package slackapp

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Fast paths for the Events API hot path.
//
// encoding/json walks a body at least twice (validation, then reflective
// decoding, skipping unknown members with its state machine), and the inner
// event again twice. Most of an Events API body is the inner event, of
// which routing needs four fields. scanEnvelope and scanHead walk the
// top-level members once with plain byte loops and pick the fields routing
// needs. They bail out — and the caller decodes with encoding/json instead —
// on anything they do not handle simply: escapes in a wanted key or value,
// non-ASCII keys (which encoding/json could fold onto a wanted name), a
// wanted key repeated, a value of an unexpected kind. For valid JSON the
// result is exactly encoding/json's (FuzzParseEnvelopeFast and
// FuzzDecodeHead check this). They check the structure they walk, not the
// grammar of every skipped value: a body is parsed only after its signature
// verified, and handlers decode the inner event with encoding/json.

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
	end, ok := scanObject(raw, skipSpace(raw, 0), func(key []byte, v []byte) bool {
		switch string(key) {
		case "type":
			return scanString(v, &h.Type)
		case "subtype":
			return scanString(v, &h.Subtype)
		case "channel_type":
			return scanString(v, &h.ChannelType)
		case "user":
			return scanString(v, &h.User)
		}
		return !foldsOnto(key, "type", "subtype", "channel_type", "user")
	})
	return ok && skipSpace(raw, end) == len(raw)
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

// scanEnvelope is the fast path of the envelope decode; false means "fall
// back to encoding/json". env.Event then aliases body.
func scanEnvelope(body []byte, env *envelope) bool {
	seen := 0
	once := func(bit int) bool {
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	}
	end, ok := scanObject(body, skipSpace(body, 0), func(key []byte, v []byte) bool {
		switch string(key) {
		case "type":
			return once(fType) && scanString(v, &env.Type)
		case "challenge":
			return once(fChallenge) && scanString(v, &env.Challenge)
		case "team_id":
			return once(fTeamID) && scanString(v, &env.TeamID)
		case "enterprise_id":
			return once(fEnterpriseID) && scanString(v, &env.EnterpriseID)
		case "api_app_id":
			return once(fAPIAppID) && scanString(v, &env.APIAppID)
		case "event_id":
			return once(fEventID) && scanString(v, &env.EventID)
		case "event_time":
			return once(fEventTime) && scanInt(v, &env.EventTime)
		case "is_ext_shared_channel":
			return once(fExtShared) && scanBool(v, &env.IsExtSharedChannel)
		case "authorizations":
			return once(fAuthorizations) && scanFirstAuthorization(v, &env.Authorizations[0])
		case "event":
			if !once(fEvent) || v[0] != '{' {
				return false
			}
			env.Event = v
			return true
		}
		return !foldsOnto(key, envelopeKeys...)
	})
	return ok && skipSpace(body, end) == len(body)
}

// scanFirstAuthorization decodes authorizations[0] from the array v.
func scanFirstAuthorization(v []byte, a *eventAuthorized) bool {
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
	_, ok := scanObject(v, i, func(key []byte, val []byte) bool {
		bit := 0
		var ok bool
		switch string(key) {
		case "enterprise_id":
			bit, ok = 1, scanString(val, &a.EnterpriseID)
		case "team_id":
			bit, ok = 2, scanString(val, &a.TeamID)
		case "user_id":
			bit, ok = 4, scanString(val, &a.UserID)
		case "is_enterprise_install":
			bit, ok = 8, scanBool(val, &a.IsEnterpriseInstall)
		default:
			return !foldsOnto(key, "enterprise_id", "team_id", "user_id", "is_enterprise_install")
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		return ok
	})
	return ok
}

// scanObject calls member for each member of the object at b[i] with its
// key (without quotes) and value bytes, and returns the index after the
// object. member returning false, or a structural surprise, stops with
// false.
func scanObject(b []byte, i int, member func(key, value []byte) bool) (int, bool) {
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
		ke, ok := skipString(b, i)
		if !ok {
			return 0, false
		}
		key := b[i+1 : ke-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return 0, false
		}
		i = skipSpace(b, ke)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = skipSpace(b, i+1)
		ve, ok := skipValue(b, i)
		if !ok || !member(key, b[i:ve]) {
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

// scanString stores the JSON string v (no escapes, valid UTF-8) in dst;
// null leaves dst alone, as encoding/json does.
func scanString(v []byte, dst *string) bool {
	switch {
	case string(v) == "null":
		return true
	case len(v) >= 2 && v[0] == '"' && bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v):
		*dst = string(v[1 : len(v)-1])
		return true
	}
	return false
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
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, bool) {
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
