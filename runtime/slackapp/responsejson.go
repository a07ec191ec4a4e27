package slackapp

import (
	"encoding/json"
	"unicode/utf8"
)

// marshalResponse returns r as JSON, as encoding/json writes it.
//
// A Response without blocks or attachments (a text reply, the usual answer
// to a slash command) is written by plainJSON: encoding/json's reflection
// cost ~4k instructions of a command's ~111k. A MarshalJSON method would
// not do: encoding/json checks and compacts what one returns.
func marshalResponse(r *Response) ([]byte, error) {
	if b := r.plainJSON(); b != nil {
		return b, nil
	}
	return json.Marshal(r)
}

// plainJSON returns r as encoding/json marshals it when r has no blocks
// and no attachments, in one allocation unless a string needs escapes;
// nil otherwise. FuzzResponseJSON compares the two.
func (r *Response) plainJSON() []byte {
	if len(r.Blocks) != 0 || len(r.Attachments) != 0 {
		return nil
	}
	b := make([]byte, 0, r.plainJSONSize())
	b = append(b, '{')
	sep := false
	field := func(name string) {
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	if r.Text != "" {
		field("text")
		b = appendJSONString(b, r.Text)
	}
	if r.ResponseType != "" {
		field("response_type")
		b = appendJSONString(b, r.ResponseType)
	}
	if r.ReplaceOriginal {
		field("replace_original")
		b = append(b, "true"...)
	}
	if r.DeleteOriginal {
		field("delete_original")
		b = append(b, "true"...)
	}
	if r.ThreadTS != "" {
		field("thread_ts")
		b = appendJSONString(b, r.ThreadTS)
	}
	if r.Mrkdwn != nil {
		field("mrkdwn")
		if *r.Mrkdwn {
			b = append(b, "true"...)
		} else {
			b = append(b, "false"...)
		}
	}
	return append(b, '}')
}

// plainJSONSize is the length of plainJSON's output at most, when no
// string needs escapes.
func (r *Response) plainJSONSize() int {
	// {"text":"","response_type":"","replace_original":true,
	// "delete_original":true,"thread_ts":"","mrkdwn":false}
	return 107 + len(r.Text) + len(r.ResponseType) + len(r.ThreadTS)
}

// appendJSONString appends s quoted as json.Marshal does: HTML-safe (<, >
// and & as \u003c, \u003e, \u0026), U+2028 and U+2029 escaped, invalid
// UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
