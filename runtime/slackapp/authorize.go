package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// TokenSource finds the installation for a query with tokens valid to use,
// refreshing rotating tokens that are about to expire. The OAuth flow
// provides one; WithTokenSource plugs it in.
type TokenSource interface {
	Tokens(ctx context.Context, q installstore.Query) (*installstore.Installation, error)
}

// errNotInstalled: no installation matches the request.
var errNotInstalled = errors.New("slackapp: the app is not installed in this workspace")

// authorization is the result of authorizing a request: the installation
// and the clients built from its tokens.
//
// An authorization holds its installation and bot client by value, and
// the clients share one logger: an
// app serving a thousand workspaces keeps a thousand of them, and the
// garbage collector visits each of their objects on every cycle.
// (Copying the installation's strings into one allocation as well was
// measured and made things worse: callgrind counted 2.2k more
// instructions per command, the collector running more often.)
type authorization struct {
	inst       installstore.Installation
	client     slack.Client
	userClient *slack.Client // nil unless the acting user installed with user scopes
	expires    time.Time     // cache entry expiry
}

// newAuthorization returns an authorization for inst with its bot client.
func (z *authorizer) newAuthorization(inst *installstore.Installation) *authorization {
	e := &authorization{inst: *inst}
	e.client = *z.newClient(inst.BotToken)
	return e
}

// authorizer finds the installation for a request through a small TTL
// cache keyed by the query, so the hot path costs one map lookup. Entries
// also expire before the tokens they hold do. Deletions (app_uninstalled,
// tokens_revoked) invalidate the workspace's entries in this process;
// other replicas keep theirs until the TTL passes, when the tokens are
// revoked at Slack anyway.
type authorizer struct {
	app        *App
	single     *authorization
	ttl        time.Duration
	now        func() time.Time
	clientOpts []slack.Option // shared by every client: API URL, HTTP client, logger

	mu      sync.RWMutex
	entries map[installstore.Query]*authorization
}

// maxAuthEntries bounds the cache; past it the cache is emptied.
const maxAuthEntries = 10000

// refreshMargin: a cached token expiring sooner than this is looked up again
// (so the token source can refresh it).
const refreshMargin = 5 * time.Minute

func newAuthorizer(a *App) *authorizer {
	z := &authorizer{app: a, ttl: a.cfg.AuthCacheTTL, now: time.Now, entries: map[installstore.Query]*authorization{},
		clientOpts: []slack.Option{slack.OptionAPIURL(a.cfg.APIURL()), slack.OptionHTTPClient(a.client),
			// slack-go's default logger, once instead of once per client
			slack.OptionLog(log.New(os.Stderr, "slack-go/slack", log.LstdFlags|log.Lshortfile))}}
	if a.cfg.SingleWorkspace() {
		z.single = z.newAuthorization(&installstore.Installation{BotToken: a.cfg.BotToken, BotScopes: a.cfg.BotScopes, TokenType: "bot"})
	}
	return z
}

// authorize returns the authorization for q, or errNotInstalled.
func (z *authorizer) authorize(ctx context.Context, q installstore.Query) (*authorization, error) {
	if z.single != nil {
		return z.single, nil
	}
	if q.IsEnterpriseInstall {
		q.TeamID = ""
	}
	now := z.now()
	if z.ttl > 0 {
		z.mu.RLock()
		e := z.entries[q]
		z.mu.RUnlock()
		if e != nil && now.Before(e.expires) {
			return e, nil
		}
	}
	inst, err := z.find(ctx, q)
	if err != nil {
		return nil, err
	}
	e := z.newAuthorization(inst)
	if inst.UserToken != "" && inst.UserID == q.UserID && q.UserID != "" {
		e.userClient = z.newClient(inst.UserToken)
	}
	if z.ttl > 0 {
		e.expires = now.Add(z.ttl)
		for _, t := range [...]time.Time{inst.BotTokenExpiresAt, inst.UserTokenExpiresAt} {
			if !t.IsZero() && t.Add(-refreshMargin).Before(e.expires) {
				e.expires = t.Add(-refreshMargin)
			}
		}
		z.mu.Lock()
		if len(z.entries) >= maxAuthEntries {
			clear(z.entries)
		}
		z.entries[q] = e
		z.mu.Unlock()
	}
	return e, nil
}

// find looks the installation up: the user's own installation (with the
// workspace's bot token) when there is one, else the workspace's bot.
func (z *authorizer) find(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	if ts := z.app.tokens; ts != nil {
		inst, err := ts.Tokens(ctx, q)
		if errors.Is(err, installstore.ErrNotFound) && q.UserID != "" {
			bq := q
			bq.UserID = ""
			inst, err = ts.Tokens(ctx, bq)
		}
		return checkFound(inst, err)
	}
	st := z.app.store
	if q.UserID != "" {
		inst, err := st.FindInstallation(ctx, q)
		if err == nil && inst.BotToken != "" {
			return inst, nil
		}
		if err != nil && !errors.Is(err, installstore.ErrNotFound) {
			return nil, fmt.Errorf("slackapp: finding the installation: %w", err)
		}
	}
	bq := q
	bq.UserID = ""
	return checkFound(st.FindBot(ctx, bq))
}

func checkFound(inst *installstore.Installation, err error) (*installstore.Installation, error) {
	switch {
	case errors.Is(err, installstore.ErrNotFound):
		return nil, errNotInstalled
	case err != nil:
		return nil, fmt.Errorf("slackapp: finding the installation: %w", err)
	case inst == nil || inst.BotToken == "":
		return nil, errNotInstalled
	}
	return inst, nil
}

// forget drops cached authorizations of a workspace (or organization).
func (z *authorizer) forget(enterpriseID, teamID string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	for q := range z.entries {
		if (teamID != "" && q.TeamID == teamID) || (q.IsEnterpriseInstall && q.EnterpriseID == enterpriseID) ||
			(teamID == "" && enterpriseID != "" && q.EnterpriseID == enterpriseID) {
			delete(z.entries, q)
		}
	}
}

// newClient returns a Web API client for token, pointed at SLACK_URL.
func (z *authorizer) newClient(token string) *slack.Client {
	return slack.New(token, z.clientOpts...)
}
