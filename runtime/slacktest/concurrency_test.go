package slacktest

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestConcurrentRefresh races 20 refreshes of one refresh token: exactly
// one wins, the others are counted as replays.
func TestConcurrentRefresh(t *testing.T) {
	cfg := testConfig()
	cfg.TokenRotation = true
	srv := NewServer(t, cfg)
	resp := installApp(t, srv, "T0001")
	c := srv.App()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := slack.RefreshOAuthV2TokenContext(ctx, http.DefaultClient, c.ClientID, c.ClientSecret, resp.RefreshToken, slack.OAuthOptionAPIURL(srv.APIURL())); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 || srv.Refreshes() != 1 || srv.RefreshReplays() != 19 {
		t.Errorf("wins %d, Refreshes %d, RefreshReplays %d; want 1, 1, 19", wins, srv.Refreshes(), srv.RefreshReplays())
	}
}

// TestOrgWideTraffic checks that traffic from a workspace of an org that
// installed org-wide carries the enterprise authorization.
func TestOrgWideTraffic(t *testing.T) {
	srv, fa := newTrafficPair(t, func(c *AppConfig) { c.OptionsURL = c.RequestURL + "/options" })
	installApp(t, srv, "E0001")
	ctx := context.Background()
	if _, err := srv.SendAppMention(ctx, "E0001", "hi"); err != nil {
		t.Fatal(err)
	}
	_, body := fa.last(t)
	var env struct {
		TeamID         string `json:"team_id"`
		EnterpriseID   string `json:"enterprise_id"`
		Authorizations []struct {
			TeamID              *string `json:"team_id"`
			EnterpriseID        string  `json:"enterprise_id"`
			IsEnterpriseInstall bool    `json:"is_enterprise_install"`
		} `json:"authorizations"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	a := env.Authorizations[0]
	if env.TeamID != "T0003" || env.EnterpriseID != "E0001" || a.TeamID != nil || a.EnterpriseID != "E0001" || !a.IsEnterpriseInstall {
		t.Errorf("envelope = %+v, authorization %+v", env, a)
	}
	if _, err := srv.SendBlockSuggestion(ctx, "T0003", "pick", "ab"); err != nil {
		t.Fatal(err)
	}
	r, body := fa.last(t)
	if p := payloadOf(t, body); r.URL.Path != "/slack/events/options" || p["type"] != "block_suggestion" || p["value"] != "ab" || p["is_enterprise_install"] != true {
		t.Errorf("block_suggestion at %s = %v", r.URL.Path, p)
	}
	// uninstalling the org revokes the org-wide token
	if _, err := srv.Uninstall(ctx, "E0001"); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	live := 0
	for _, tok := range srv.tokens {
		if !tok.revoked {
			live++
		}
	}
	srv.mu.Unlock()
	if live != 0 {
		t.Errorf("%d tokens still live after uninstalling the org", live)
	}
}

// TestConcurrentTraffic mixes traffic and Web API calls from many
// goroutines (run it with -race).
func TestConcurrentTraffic(t *testing.T) {
	srv, fa := newTrafficPair(t, nil)
	fa.setReply(func(w http.ResponseWriter, r *http.Request, body []byte) {})
	inst, err := srv.Install("T0001")
	if err != nil {
		t.Fatal(err)
	}
	api := slack.New(inst.BotToken, slack.OptionAPIURL(srv.APIURL()))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*2)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := srv.SendCommand(ctx, "T0002", "/hello", "x"); err != nil {
					errs <- err
				}
				if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("y", false)); err != nil {
					errs <- err
				}
				_ = srv.Messages()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(srv.CallsTo("chat.postMessage")); n != workers*each {
		t.Errorf("%d chat.postMessage calls captured, want %d", n, workers*each)
	}
}

func TestTriggerLifetime(t *testing.T) {
	clk := newClock()
	srv := NewServer(t, testConfig(), WithClock(clk.Now), WithTriggerLifetime(time.Minute))
	inst, err := srv.Install("T0001")
	if err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	trig := srv.newTrigger("T0001", "U0001")
	srv.mu.Unlock()
	clk.Add(30 * time.Second)
	api := slack.New(inst.BotToken, slack.OptionAPIURL(srv.APIURL()))
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject("plain_text", "T", false, false)}
	if _, err := api.OpenViewContext(context.Background(), trig, modal); err != nil {
		t.Errorf("within the lifetime: %v", err)
	}
	srv.mu.Lock()
	trig = srv.newTrigger("T0001", "U0001")
	srv.mu.Unlock()
	clk.Add(time.Minute)
	if _, err := api.OpenViewContext(context.Background(), trig, modal); err == nil || err.Error() != "expired_trigger_id" {
		t.Errorf("after the lifetime: %v", err)
	}
}
