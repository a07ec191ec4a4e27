package slackapp

import (
	"unicode/utf8"
)

// appendPlainJSON appends r as encoding/json marshals it, when r has no
// blocks and no attachments (a text reply, the usual answer to a slash
// command), and reports whether it did. encoding/json's reflection cost
// ~2k instructions of a command's ~111k; this writes the same bytes
// (FuzzResponseJSON compares them).
func (r *Response) appendPlainJSON(b []byte) ([]byte, bool) {
	if len(r.Blocks) != 0 || len(r.Attachments) != 0 {
		return b, false
	}
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
	return append(b, '}'), true
}

// plainJSONSize is the length of appendPlainJSON's output when no string
// needs escapes: a buffer of it takes one allocation.
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
