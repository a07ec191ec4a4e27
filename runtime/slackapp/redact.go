package slackapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
)

// Redacted replaces a secret in log output.
const Redacted = "[REDACTED]"

// tokenPattern matches Slack tokens: bot, user, refresh, app-level and
// configuration tokens.
var tokenPattern = regexp.MustCompile(`\b(xox[a-z]|xapp)-[A-Za-z0-9-]+`)

// RedactString masks every Slack token in s, keeping the prefix so a log
// reader can still tell which kind of token was involved
// ("xoxb-[REDACTED]").
func RedactString(s string) string {
	if !strings.Contains(s, "xox") && !strings.Contains(s, "xapp-") {
		return s
	}
	return tokenPattern.ReplaceAllStringFunc(s, func(tok string) string {
		i := strings.IndexByte(tok, '-')
		return tok[:i+1] + Redacted
	})
}

// sensitiveKey reports whether an attribute named key holds a secret.
func sensitiveKey(key string) bool {
	k := strings.ToLower(key)
	for _, w := range [...]string{"secret", "token", "password", "authorization", "cookie", "signature"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// RedactAttr masks secrets in one attribute. It has the signature of
// slog.HandlerOptions.ReplaceAttr, so it can be used on its own:
//
//	slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{ReplaceAttr: slackapp.RedactAttr})
//
// Attributes whose key contains secret, token, password, authorization,
// cookie or signature are replaced whole; any other string (and any error or
// Stringer) has the Slack tokens inside it masked. Any other value (a struct,
// map or slice) whose JSON or %+v form holds a Slack token is logged as that
// form, masked.
func RedactAttr(_ []string, a slog.Attr) slog.Attr {
	return redactAttr(a)
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if sensitiveKey(a.Key) && v.Kind() != slog.KindGroup {
		return slog.String(a.Key, Redacted)
	}
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, RedactString(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		out := make([]slog.Attr, len(attrs))
		for i, g := range attrs {
			out[i] = redactAttr(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, RedactString(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, RedactString(x.String()))
		case []byte:
			return slog.String(a.Key, RedactString(string(x)))
		default:
			// A struct, map or slice (an *installstore.Installation, say)
			// is encoded by the next handler, tokens included: when its
			// JSON or %+v form holds a token, log that form masked.
			if s, ok := redactAny(x); ok {
				return slog.String(a.Key, s)
			}
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// redactAny returns the masked JSON (or, when it has no JSON form, %+v) form
// of x and true when that form holds a Slack token; otherwise false.
func redactAny(x any) (string, bool) {
	if b, err := json.Marshal(x); err == nil {
		if s := string(b); RedactString(s) != s {
			return RedactString(s), true
		}
	}
	if s := fmt.Sprintf("%+v", x); RedactString(s) != s {
		return RedactString(s), true
	}
	return "", false
}

// RedactingHandler wraps a slog.Handler and masks secrets in every record:
// the message, its attributes, and attributes added with WithAttrs (see
// RedactAttr for the rules). Every logger the App creates goes through it.
type RedactingHandler struct {
	next slog.Handler
}

// NewRedactingHandler wraps next. Wrapping a RedactingHandler again returns
// it unchanged.
func NewRedactingHandler(next slog.Handler) slog.Handler {
	if r, ok := next.(*RedactingHandler); ok {
		return r
	}
	return &RedactingHandler{next: next}
}

// Enabled implements slog.Handler.
func (h *RedactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, RedactString(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *RedactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = redactAttr(a)
	}
	return &RedactingHandler{next: h.next.WithAttrs(red)}
}

// WithGroup implements slog.Handler.
func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{next: h.next.WithGroup(name)}
}

// NewLogger returns the logger generated apps use: JSON lines on w, secrets
// redacted (NewRedactingHandler), at level — "debug", "info", "warn" or
// "error" in any case (slog's names, so "warn+2" works too); empty means
// info. Generated main functions pass $LOG_LEVEL:
//
//	logger, err := slackapp.NewLogger(os.Stderr, os.Getenv(slackapp.EnvLogLevel))
func NewLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if level != "" {
		if err := l.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("slackapp: %s=%q is not a log level: set debug, info, warn or error", EnvLogLevel, level)
		}
	}
	return slog.New(NewRedactingHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))), nil
}
