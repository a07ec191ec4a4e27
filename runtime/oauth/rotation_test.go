package oauth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

var rotKey = installstore.Query{EnterpriseID: "E0001", TeamID: "T0001", UserID: "U0001"}

// saveRotating stores an installation whose bot (and user) tokens expire at
// the given times.
func saveRotating(t *testing.T, env *testEnv, botExp, userExp time.Time) {
	t.Helper()
	env.fs.addRefreshToken("xoxe-1-bot-refresh", "bot")
	env.fs.addRefreshToken("xoxe-1-user-refresh", "user")
	inst := &installstore.Installation{
		AppID: "A0APP", EnterpriseID: "E0001", TeamID: "T0001", TeamName: "Acme",
		BotToken: "xoxe.xoxb-1-bot-token", BotID: "B0001", BotUserID: "U0BOT", BotScopes: []string{"commands"},
		BotRefreshToken: "xoxe-1-bot-refresh", BotTokenExpiresAt: botExp,
		UserID: "U0001", UserToken: "xoxe.xoxp-1-user-token", UserScopes: []string{"search:read"},
		UserRefreshToken: "xoxe-1-user-refresh", UserTokenExpiresAt: userExp,
		TokenType: "bot",
	}
	if err := env.store.Save(context.Background(), inst); err != nil {
		t.Fatal(err)
	}
}

func TestTokensRefresh(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name             string
		botIn, userIn    time.Duration
		wantBot, wantUsr bool
	}{
		{"both fresh (beyond the 2h margin)", 3 * time.Hour, 3 * time.Hour, false, false},
		{"bot due within the margin", 119 * time.Minute, 3 * time.Hour, true, false},
		{"user due", 3 * time.Hour, time.Hour, false, true},
		{"both already expired", -time.Minute, -time.Hour, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, nil)
			saveRotating(t, env, now.Add(tt.botIn), now.Add(tt.userIn))
			got, err := env.flow.Tokens(context.Background(), rotKey)
			if err != nil {
				t.Fatalf("Tokens: %v", err)
			}
			if rotated := strings.Contains(got.BotToken, "rotated"); rotated != tt.wantBot {
				t.Errorf("bot token %q, want rotated=%v", got.BotToken, tt.wantBot)
			}
			if rotated := strings.Contains(got.UserToken, "rotated"); rotated != tt.wantUsr {
				t.Errorf("user token %q, want rotated=%v", got.UserToken, tt.wantUsr)
			}
			wantCalls := 0
			for _, b := range []bool{tt.wantBot, tt.wantUsr} {
				if b {
					wantCalls++
				}
			}
			if n := env.fs.refreshCount(); n != wantCalls {
				t.Errorf("%d refresh calls, want %d", n, wantCalls)
			}
			if tt.wantBot {
				if !strings.HasPrefix(got.BotToken, "xoxe.xoxb-rotated") || got.BotRefreshToken == "xoxe-1-bot-refresh" ||
					got.BotTokenExpiresAt.Before(now.Add(11*time.Hour)) {
					t.Errorf("bot not rotated properly: %q %q %v", got.BotToken, got.BotRefreshToken, got.BotTokenExpiresAt)
				}
			}
			// The store holds what Tokens returned.
			stored, err := env.store.FindInstallation(context.Background(), rotKey)
			if err != nil {
				t.Fatal(err)
			}
			if stored.BotToken != got.BotToken || stored.UserToken != got.UserToken || stored.BotRefreshToken != got.BotRefreshToken {
				t.Errorf("store holds %q/%q, Tokens returned %q/%q", stored.BotToken, stored.UserToken, got.BotToken, got.UserToken)
			}
			if got.BotID != "B0001" || got.TeamName != "Acme" {
				t.Errorf("rotation lost fields: %+v", got)
			}
		})
	}
}

func TestTokensWithoutRotation(t *testing.T) {
	env := newTestEnv(t, nil)
	inst := &installstore.Installation{TeamID: "T0001", BotToken: "xoxb-forever", BotID: "B0001"}
	if err := env.store.Save(context.Background(), inst); err != nil {
		t.Fatal(err)
	}
	got, err := env.flow.Tokens(context.Background(), installstore.Query{TeamID: "T0001"})
	if err != nil || got.BotToken != "xoxb-forever" || env.fs.refreshCount() != 0 {
		t.Errorf("Tokens = %+v, %v with %d refresh calls", got, err, env.fs.refreshCount())
	}
	if _, err := env.flow.Tokens(context.Background(), installstore.Query{TeamID: "T9999"}); !errors.Is(err, installstore.ErrNotFound) {
		t.Errorf("unknown team: err = %v, want ErrNotFound", err)
	}
}

func TestTokensConcurrentCallersRefreshOnce(t *testing.T) {
	env := newTestEnv(t, nil)
	saveRotating(t, env, time.Now().Add(time.Minute), time.Now().Add(24*time.Hour))
	const callers = 20
	var wg sync.WaitGroup
	tokens := make([]string, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	for i := range callers {
		wg.Go(func() {
			<-start
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			inst, err := env.flow.Tokens(ctx, rotKey)
			errs[i] = err
			if inst != nil {
				tokens[i] = inst.BotToken
			}
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
		if tokens[i] != tokens[0] || !strings.Contains(tokens[i], "rotated") {
			t.Errorf("caller %d got %q, caller 0 got %q", i, tokens[i], tokens[0])
		}
	}
	if n := env.fs.refreshCount(); n != 1 {
		t.Errorf("%d refresh calls for %d concurrent callers, want 1", n, callers)
	}
}

// Two replicas: two flows, each with its own singleflight, share one store.
// Store.Update serializes them; the loser must not spend the old refresh
// token again.
func TestTokensTwoReplicasSpendRefreshTokenOnce(t *testing.T) {
	env := newTestEnv(t, nil)
	saveRotating(t, env, time.Now().Add(time.Minute), time.Now().Add(time.Minute))
	cfg := env.flow.cfg
	replica2, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	flows := []*Flow{env.flow, replica2}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	start := make(chan struct{})
	for i := range 40 {
		wg.Go(func() {
			<-start
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			inst, err := flows[i%2].Tokens(ctx, rotKey)
			if err == nil && (!strings.Contains(inst.BotToken, "rotated") || !strings.Contains(inst.UserToken, "rotated")) {
				err = errors.New("stale tokens returned: " + inst.BotToken[:10])
			}
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if twice := env.fs.spentTwice(); len(twice) > 0 {
		t.Errorf("refresh tokens spent twice: %d", len(twice))
	}
	if n := env.fs.refreshCount(); n != 2 {
		t.Errorf("%d refresh calls, want 2 (bot and user, once each)", n)
	}
}

func TestTokensRefreshFails(t *testing.T) {
	env := newTestEnv(t, nil)
	saveRotating(t, env, time.Now().Add(time.Minute), time.Now().Add(24*time.Hour))
	// Another party spent the bot's refresh token.
	env.fs.mu.Lock()
	delete(env.fs.refresh, "xoxe-1-bot-refresh")
	env.fs.mu.Unlock()
	_, err := env.flow.Tokens(context.Background(), rotKey)
	if err == nil || !strings.Contains(err.Error(), "reinstalled") || !strings.Contains(err.Error(), "invalid_refresh_token") {
		t.Errorf("err = %v, want invalid_refresh_token with a reinstall hint", err)
	}
	if strings.Contains(err.Error(), "xoxe") {
		t.Errorf("error reveals a token: %v", err)
	}
	stored, _ := env.store.FindInstallation(context.Background(), rotKey)
	if stored.BotToken != "xoxe.xoxb-1-bot-token" {
		t.Errorf("failed refresh changed the store: %q", stored.BotToken)
	}
}

// When the bot refresh succeeds and the user refresh fails, the new bot
// tokens must be stored anyway: the old bot refresh token is spent.
func TestTokensPartialRefreshKeepsBot(t *testing.T) {
	env := newTestEnv(t, nil)
	saveRotating(t, env, time.Now().Add(time.Minute), time.Now().Add(time.Minute))
	env.fs.mu.Lock()
	delete(env.fs.refresh, "xoxe-1-user-refresh")
	env.fs.mu.Unlock()
	got, err := env.flow.Tokens(context.Background(), rotKey)
	if err != nil {
		t.Fatalf("Tokens: %v", err)
	}
	stored, _ := env.store.FindInstallation(context.Background(), rotKey)
	if !strings.Contains(got.BotToken, "rotated") || stored.BotToken != got.BotToken || stored.UserToken != "xoxe.xoxp-1-user-token" {
		t.Errorf("got bot %q, stored bot %q user %q", got.BotToken, stored.BotToken, stored.UserToken)
	}
	if !strings.Contains(env.logs.String(), "user token refresh failed") {
		t.Errorf("user refresh failure not logged:\n%s", env.logs)
	}
}

func TestRotatorRun(t *testing.T) {
	env := newTestEnv(t, nil)
	saveRotating(t, env, time.Now().Add(time.Minute), time.Now().Add(24*time.Hour))
	rt := env.flow.Rotator()
	rt.Track(rotKey)
	gone := installstore.Query{TeamID: "T0GONE"}
	rt.Track(gone)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- rt.Run(ctx, 10*time.Millisecond) }()
	tracked := func(q installstore.Query) bool {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		_, ok := rt.keys[q]
		return ok
	}
	rotated := func() bool {
		stored, err := env.store.FindInstallation(context.Background(), rotKey)
		return err == nil && strings.Contains(stored.BotToken, "rotated")
	}
	// Wait for the outcome, not for the refresh call: the store is written
	// after Slack answers, and a pass may visit the gone key last.
	for !(rotated() && !tracked(gone)) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
	if !rotated() {
		stored, _ := env.store.FindInstallation(context.Background(), rotKey)
		t.Errorf("background refresh did not rotate: %q", stored.BotToken)
	}
	if tracked(gone) {
		t.Errorf("a key without installation is still tracked")
	}
	if !tracked(rotKey) {
		t.Errorf("the rotating installation is no longer tracked")
	}
	if n := env.fs.refreshCount(); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}
	if err := rt.Run(context.Background(), 0); err == nil {
		t.Errorf("Run with interval 0 did not fail")
	}
}

func TestCallbackTracksInstallForRotation(t *testing.T) {
	env := newTestEnv(t, nil)
	env.fs.addCode("good-code", workspaceResponse())
	state, cookie := env.install(t)
	if rec := env.callback(t, map[string][]string{"state": {state}, "code": {"good-code"}}, cookie); rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	rt := env.flow.Rotator()
	rt.mu.Lock()
	_, ok := rt.keys[rotKey]
	rt.mu.Unlock()
	if !ok {
		t.Errorf("installed key %+v not tracked", rotKey)
	}
}

func TestNewRotatorValidates(t *testing.T) {
	if _, err := NewRotator(RotatorConfig{ClientID: "x"}); err == nil {
		t.Error("NewRotator without secret and store did not fail")
	}
	if _, err := NewRotator(RotatorConfig{ClientID: "x", ClientSecret: "y", Installations: failingSave{}, SlackURL: "ftp://x"}); err == nil {
		t.Error("NewRotator with an ftp Slack URL did not fail")
	}
}

// A replica that decided to refresh on an old record, and got the lock after
// a peer refreshed, uses the peer's tokens even when they are due again
// (token lifetime below RefreshBefore): it never spends the successor.
func TestRefreshUsesPeerResult(t *testing.T) {
	env := newTestEnv(t, nil)
	saveRotating(t, env, time.Now().Add(time.Minute), time.Now().Add(time.Minute))
	seen := &installstore.Installation{BotRefreshToken: "xoxe-0-older", UserRefreshToken: "xoxe-0-older-user"}
	got, err := env.flow.rotator.refresh(context.Background(), rotKey, seen)
	if err != nil {
		t.Fatal(err)
	}
	if got.BotToken != "xoxe.xoxb-1-bot-token" || env.fs.refreshCount() != 0 {
		t.Errorf("refreshed a token a peer had refreshed: %q, %d calls", got.BotToken, env.fs.refreshCount())
	}
}

func TestRefreshWarnsWhenLifetimeBelowMargin(t *testing.T) {
	env := newTestEnv(t, nil)
	env.fs.set(func(fs *fakeSlack) { fs.refreshLifetime = 60 })
	saveRotating(t, env, time.Now().Add(time.Minute), time.Now().Add(24*time.Hour))
	if _, err := env.flow.Tokens(context.Background(), rotKey); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(env.logs.String(), "lower RefreshBefore below the token lifetime") {
		t.Errorf("no warning for a token lifetime below RefreshBefore:\n%s", env.logs)
	}
}

func TestTracksOnlyRotatingInstallations(t *testing.T) {
	env := newTestEnv(t, nil)
	if err := env.store.Save(context.Background(), &installstore.Installation{TeamID: "T0009", BotToken: "xoxb-static"}); err != nil {
		t.Fatal(err)
	}
	saveRotating(t, env, time.Now().Add(24*time.Hour), time.Now().Add(24*time.Hour))
	for _, q := range []installstore.Query{{TeamID: "T0009"}, rotKey} {
		if _, err := env.flow.Tokens(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	rt := env.flow.Rotator()
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if _, ok := rt.keys[rotKey]; !ok || len(rt.keys) != 1 {
		t.Errorf("tracked keys %v, want only %v", rt.keys, rotKey)
	}
}
