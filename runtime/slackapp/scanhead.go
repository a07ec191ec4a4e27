package slackapp

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// decodeHead fills h from the inner event raw. raw is part of a body that
// encoding/json has just validated, so a single byte loop over its top-level
// members finds type, subtype, channel_type and user without the two
// reflective passes of json.Unmarshal; anything the loop does not handle
// simply (escapes, non-string values, keys matching only case-insensitively,
// invalid UTF-8) falls back to json.Unmarshal, so the result is always what
// encoding/json would give (FuzzDecodeHead checks this).
func decodeHead(raw []byte, h *innerHead) error {
	if scanHead(raw, h) {
		return nil
	}
	*h = innerHead{}
	return json.Unmarshal(raw, h)
}

// scanHead is decodeHead's fast path; false means "fall back".
func scanHead(raw []byte, h *innerHead) bool {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	i++
	for {
		i = skipSpace(raw, i)
		if i >= len(raw) {
			return false
		}
		switch raw[i] {
		case '}':
			return skipSpace(raw, i+1) == len(raw)
		case ',':
			i++
			continue
		case '"':
		default:
			return false
		}
		ke, ok := skipString(raw, i)
		if !ok {
			return false
		}
		key := raw[i+1 : ke-1]
		i = skipSpace(raw, ke)
		if i >= len(raw) || raw[i] != ':' {
			return false
		}
		i = skipSpace(raw, i+1)
		ve, ok := skipValue(raw, i)
		if !ok {
			return false
		}
		var dst *string
		switch string(key) {
		case "type":
			dst = &h.Type
		case "subtype":
			dst = &h.Subtype
		case "channel_type":
			dst = &h.ChannelType
		case "user":
			dst = &h.User
		default:
			if bytes.IndexByte(key, '\\') >= 0 || foldsToWanted(key) {
				return false
			}
		}
		if dst != nil {
			v := raw[i:ve]
			switch {
			case string(v) == "null":
			case v[0] == '"' && bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v):
				*dst = string(v[1 : len(v)-1])
			default:
				return false
			}
		}
		i = ve
	}
}

// foldsToWanted reports whether key matches a wanted name only
// case-insensitively (encoding/json would still match it).
func foldsToWanted(key []byte) bool {
	k := string(key)
	return strings.EqualFold(k, "type") || strings.EqualFold(k, "subtype") ||
		strings.EqualFold(k, "channel_type") || strings.EqualFold(k, "user") ||
		!utf8.ValidString(k) // could fold in ways EqualFold does not see
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
	default:
		j := i
		for j < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[j])) {
			j++
		}
		if j == i {
			return 0, false
		}
		return j, true
	}
}
