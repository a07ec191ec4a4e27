package slackapp_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

type tokenHolder struct{ tok string }

func (h tokenHolder) String() string { return "holder(" + h.tok + ")" }

func TestRedactingHandler(t *testing.T) {
	tests := []struct {
		name    string
		log     func(l *slog.Logger)
		leaks   []string
		mustSay []string
	}{
		{"token in message", func(l *slog.Logger) { l.Info("using xoxb-1234-5678-abcdef now") },
			[]string{"1234-5678-abcdef"}, []string{"xoxb-[REDACTED]"}},
		{"every token kind in a value", func(l *slog.Logger) {
			l.Info("m", "v", "xoxp-1-PA xoxe.xoxp-1-PB xoxe-1-PC xapp-1-A1-PD xoxa-2-PE xoxr-PF")
		}, []string{"PA", "PB", "PC", "PD", "PE", "PF"}, []string{"xapp-[REDACTED]", "xoxp-[REDACTED]"}},
		{"secret-named attributes", func(l *slog.Logger) {
			l.Info("m", "client_secret", "cs-123", "SLACK_SIGNING_SECRET", "ss-456", "refreshToken", "rt-789", "state_secret", 98765)
		}, []string{"cs-123", "ss-456", "rt-789", "98765"}, []string{`"client_secret":"[REDACTED]"`}},
		{"errors and stringers", func(l *slog.Logger) {
			l.Error("m", "err", errors.New("invalid_auth for xoxb-99-err"), "h", tokenHolder{"xoxp-99-str"})
		}, []string{"99-err", "99-str"}, []string{"invalid_auth for xoxb-[REDACTED]"}},
		{"groups and With", func(l *slog.Logger) {
			l.With("bot_token", "xoxb-with-1").WithGroup("g").Info("m", slog.Group("inner", "token", "plain-77", "note", "xoxb-grp-2"))
		}, []string{"with-1", "plain-77", "grp-2"}, []string{`"inner":{"token":"[REDACTED]","note":"xoxb-[REDACTED]"}`}},
		{"structs, pointers and maps", func(l *slog.Logger) {
			inst := &installstore.Installation{TeamID: "T1", BotToken: "xoxb-1-struct", BotRefreshToken: "xoxe-1-refresh"}
			l.Info("m", "installation", inst, "copy", *inst, "m", map[string]string{"t": "xoxp-1-map"}, "list", []string{"xoxb-1-list"})
		}, []string{"1-struct", "1-refresh", "1-map", "1-list"}, []string{"xoxb-[REDACTED]", "T1"}},
		{"harmless values pass", func(l *slog.Logger) { l.Info("installed", "team_id", "T123", "tokens", 3) },
			nil, []string{`"team_id":"T123"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(slackapp.NewRedactingHandler(slog.NewJSONHandler(&buf, nil)))
			tt.log(l)
			out := buf.String()
			for _, s := range tt.leaks {
				if strings.Contains(out, s) {
					t.Errorf("output leaks %q: %s", s, out)
				}
			}
			for _, s := range tt.mustSay {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q: %s", s, out)
				}
			}
		})
	}
}

func TestRedactAttrAsReplaceAttr(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: slackapp.RedactAttr}))
	l.Info("m", "access_token", "xoxb-1-QA", "text", "see xoxb-3-QB")
	if out := buf.String(); strings.Contains(out, "QA") || strings.Contains(out, "QB") || !strings.Contains(out, "access_token=[REDACTED]") {
		t.Fatalf("output %s", out)
	}
}

func TestNewRedactingHandlerIdempotent(t *testing.T) {
	h := slackapp.NewRedactingHandler(slog.NewTextHandler(&bytes.Buffer{}, nil))
	if slackapp.NewRedactingHandler(h) != h {
		t.Fatal("wrapping twice made a second wrapper")
	}
}

func TestContextLoggerIsTaggedAndRedacted(t *testing.T) {
	f := newFixture(t, nil)
	f.app.Command("/log", func(c *slackapp.Context, cmd *slackapp.Command) (*slackapp.Response, error) {
		c.Logger.Info("handler says", "tok", "xoxp-TAGGEDLEAK")
		c.Logger.WithGroup("g").Info("grouped", "k", "v")
		return nil, nil
	})
	f.serve(slackapptest.CommandRequest(secret, cmd("/log")))
	logs := f.logs.String()
	for _, want := range []string{`"command":"/log","team_id":"T1","tok":"xoxp-[REDACTED]"`, `"command":"/log","team_id":"T1","g":{"k":"v"}`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "TAGGEDLEAK") {
		t.Fatal("token leaked")
	}
}

func TestNewLogger(t *testing.T) {
	for _, tc := range []struct {
		level      string
		debug, inf bool
	}{
		{"", false, true},
		{"info", false, true},
		{"DEBUG", true, true},
		{"debug", true, true},
		{"warn", false, false},
		{"error", false, false},
	} {
		var buf bytes.Buffer
		log, err := slackapp.NewLogger(&buf, tc.level)
		if err != nil {
			t.Fatalf("slackapp.NewLogger(%q): %v", tc.level, err)
		}
		log.Debug("d")
		log.Info("i", "token", "xoxb-1234-5678-abcdefghijkl")
		out := buf.String()
		if strings.Contains(out, `"msg":"d"`) != tc.debug || strings.Contains(out, `"msg":"i"`) != tc.inf {
			t.Errorf("LOG_LEVEL=%q logged %q", tc.level, out)
		}
		if strings.Contains(out, "xoxb-1234") {
			t.Errorf("LOG_LEVEL=%q: a token was logged: %q", tc.level, out)
		}
	}
	_, err := slackapp.NewLogger(io.Discard, "verbose")
	if err == nil || !strings.Contains(err.Error(), `LOG_LEVEL="verbose"`) || !strings.Contains(err.Error(), "debug, info, warn or error") {
		t.Errorf("slackapp.NewLogger(verbose) error = %v", err)
	}
}
