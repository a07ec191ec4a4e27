package slacktest

import (
	"net/url"
	"testing"
	"time"
)

// TestExpiredCodeIsForgotten redeems a code past its lifetime: Slack
// answers invalid_code, and the emulator no longer holds it.
func TestExpiredCodeIsForgotten(t *testing.T) {
	clk := newClock()
	srv := NewServer(t, testConfig(), WithClock(clk.Now))
	cfg := srv.App()
	loc := consent(t, srv, "/oauth/v2/authorize", url.Values{
		"client_id": {cfg.ClientID}, "scope": {"commands"}, "redirect_uri": {testRedirect},
	}, "allow", "")
	clk.Add(codeLifetime)
	got := apiPost(t, srv, "oauth.v2.access", url.Values{
		"client_id": {cfg.ClientID}, "client_secret": {cfg.ClientSecret}, "code": {loc.Query().Get("code")}, "redirect_uri": {testRedirect},
	})
	if got["ok"] != false || got["error"] != "invalid_code" {
		t.Errorf("expired code: %v, want error invalid_code", got)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if n := len(srv.codes); n != 0 {
		t.Errorf("%d codes held after the only one expired", n)
	}
}

// TestExpiryBoundsMemory issues codes, Socket Mode tickets, trigger ids and
// response URLs that are never used, while the clock runs: what is held
// stays bounded by what one lifetime (and, for trigger ids and response
// URLs, the time they are still told apart as expired) can issue.
func TestExpiryBoundsMemory(t *testing.T) {
	clk := newClock()
	srv := NewServer(t, testConfig(), WithClock(clk.Now))
	const rounds, each = 30, 100
	step := 10 * time.Minute // the code lifetime; far past a ticket's and a trigger id's
	srv.mu.Lock()
	defer srv.mu.Unlock()
	tok := &token{install: install{appID: srv.apps[0].cfg.AppID}}
	for r := range rounds {
		for range each {
			srv.newCode(&grant{flow: flowOAuth, expires: clk.Now().Add(codeLifetime)})
			srv.appsConnectionsOpen(nil, tok)
			srv.newTrigger("T0001", "U0001")
			srv.newResponseURL("T0001", "C1", "U0001")
		}
		sizes := map[string][2]int{ // held, bound
			"codes":              {len(srv.codes), each},
			"code queue":         {srv.codeExpiry.len(), each},
			"code queue array":   {cap(srv.codeExpiry.items), 2 * each},
			"tickets":            {len(srv.socket.tickets), each},
			"ticket apps":        {len(srv.socket.ticketApp), each},
			"ticket queue":       {srv.socket.ticketExpiry.len(), each},
			"ticket queue array": {cap(srv.socket.ticketExpiry.items), 2 * each},
			"trigger ids":        {len(srv.triggers), each},
			"trigger queue":      {srv.triggerExpiry.len(), each},
			// 30 minutes' lifetime, then 30 more told apart as expired.
			"response URLs":      {len(srv.responseURLs), 7 * each},
			"response URL queue": {srv.responseURLExpiry.len(), 7 * each},
		}
		for what, s := range sizes {
			if s[0] > s[1] {
				t.Fatalf("round %d: %d %s held, want at most %d", r, s[0], what, s[1])
			}
		}
		clk.Add(step)
	}
}
