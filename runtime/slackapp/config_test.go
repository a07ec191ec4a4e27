package slackapp_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore/memstore"
	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/statestore"
)

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestConfigFromLookup(t *testing.T) {
	cfg, err := slackapp.ConfigFromLookup(lookup(map[string]string{
		"SLACK_SIGNING_SECRET": "new-secret, old-secret",
		"SLACK_CLIENT_ID":      "1.2", "SLACK_CLIENT_SECRET": "cs", "SLACK_STATE_SECRET": "ss",
		"PORT": "8080", "SLACK_URL": "http://127.0.0.1:9999/", "DATABASE_URL": "postgres://db/x", "REDIS_URL": "redis://r",
		"HOST": "127.0.0.1", "SLACK_TOKEN_REFRESH_BEFORE": "90m", "SLACK_DEDUPE_SIZE": "200000",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg.SigningSecrets, []string{"new-secret", "old-secret"}) {
		t.Errorf("secrets %q", cfg.SigningSecrets)
	}
	if cfg.Port != 8080 || cfg.SlackURL != "http://127.0.0.1:9999" || cfg.APIURL() != "http://127.0.0.1:9999/api/" ||
		cfg.DatabaseURL != "postgres://db/x" || cfg.RedisURL != "redis://r" || cfg.ClientID != "1.2" ||
		cfg.Host != "127.0.0.1" || cfg.TokenRefreshBefore != 90*time.Minute || cfg.DedupeSize != 200000 {
		t.Errorf("config %+v", cfg)
	}

	def, err := slackapp.ConfigFromLookup(lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if def.Port != 3000 || def.SlackURL != "https://slack.com" || def.DatabaseURL != "./data/slackapp.db" ||
		def.RedirectPath != "/slack/oauth_redirect" || def.InstallPath != "/slack/install" || def.AckDeadline != 2500*time.Millisecond {
		t.Errorf("defaults %+v", def)
	}

	if _, err := slackapp.ConfigFromLookup(lookup(map[string]string{"PORT": "http"})); err == nil || !strings.Contains(err.Error(), "PORT") {
		t.Errorf("bad port: %v", err)
	}
	if def.DedupeSize != slackapp.DefaultDedupeSize {
		t.Errorf("default dedupe size %d", def.DedupeSize)
	}
	for _, n := range []string{"lots", "-1", "0", "1e6", "268435457"} {
		_, err := slackapp.ConfigFromLookup(lookup(map[string]string{"SLACK_DEDUPE_SIZE": n}))
		if err == nil || !strings.Contains(err.Error(), "SLACK_DEDUPE_SIZE") {
			t.Errorf("dedupe size %q: %v", n, err)
		}
	}
	for _, d := range []string{"soon", "-5m", "0s"} {
		_, err := slackapp.ConfigFromLookup(lookup(map[string]string{"SLACK_TOKEN_REFRESH_BEFORE": d}))
		if err == nil || !strings.Contains(err.Error(), "SLACK_TOKEN_REFRESH_BEFORE") {
			t.Errorf("refresh margin %q: %v", d, err)
		}
	}
}

func TestNewReportsAllMissingVariables(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		opts []slackapp.Option
		edit func(*slackapp.Config)
		want []string // nil: no error
	}{
		{"OAuth, nothing set", nil, nil, nil, []string{"SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"}},
		{"OAuth with a state store needs no state secret", map[string]string{"SLACK_SIGNING_SECRET": "s"},
			[]slackapp.Option{slackapp.WithStateStore(mustMemoryStates(t))}, nil, []string{"SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"}},
		{"single workspace needs only the signing secret", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, nil, nil, []string{"SLACK_SIGNING_SECRET"}},
		{"single workspace complete", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, nil, nil, nil},
		{"socket mode needs the app token, not the signing secret", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, nil,
			func(c *slackapp.Config) { c.SocketMode = true }, []string{"SLACK_APP_TOKEN"}},
		{"socket mode complete", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, nil,
			func(c *slackapp.Config) { c.SocketMode = true }, nil},
		{"OAuth complete", map[string]string{"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1", "SLACK_CLIENT_SECRET": "2", "SLACK_STATE_SECRET": "0123456789abcdef0123456789abcdef"},
			[]slackapp.Option{slackapp.WithInstallationStore(memstore.New())}, func(c *slackapp.Config) { c.BotScopes = []string{"commands"} }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := slackapp.ConfigFromLookup(lookup(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if tt.edit != nil {
				tt.edit(cfg)
			}
			_, err = slackapp.New(cfg, tt.opts...)
			var missing *slackapp.MissingConfigError
			if tt.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.As(err, &missing) {
				t.Fatalf("error %v, want a MissingConfigError", err)
			}
			if !reflect.DeepEqual(missing.Vars, tt.want) {
				t.Fatalf("missing %v, want %v", missing.Vars, tt.want)
			}
			for _, v := range tt.want {
				if !strings.Contains(err.Error(), v) {
					t.Fatalf("error %q does not name %s", err, v)
				}
			}
		})
	}
}

func mustMemoryStates(t *testing.T) *statestore.Memory {
	s, err := statestore.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewOAuthNeedsAStore(t *testing.T) {
	_, err := slackapp.New(&slackapp.Config{SigningSecrets: []string{"s"}, ClientID: "1", ClientSecret: "2", StateSecret: "3"})
	if err == nil || !strings.Contains(err.Error(), "WithInstallationStore") {
		t.Fatalf("error %v", err)
	}
}

func TestNewRejectsNonAppToken(t *testing.T) {
	_, err := slackapp.New(&slackapp.Config{BotToken: "xoxb-1", AppToken: "xoxb-oops", SocketMode: true})
	if err == nil || strings.Contains(err.Error(), "oops") || !strings.Contains(err.Error(), "xapp-") {
		t.Fatalf("error %v", err)
	}
}
