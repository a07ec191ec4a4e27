package slackapp

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log"
	"os"
	"slices"
	"strings"
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
// and the clients built from its tokens, as the authorizer caches it.
//
// An app serving a thousand workspaces keeps a thousand of them, and the
// garbage collector visits each of their objects and pointers on every
// cycle. With the installation held by value (the store's dozen strings
// and scope lists, each its own object) and the query as the map's key,
// callgrind counted 8.4k more instructions per event with 1,000 workspaces
// sending events than with 10, nearly all of it marking. So an
// authorization is compact: one object and one string. The installation's
// strings, and those of the query it is cached under, are copied end to
// end into strs and kept as offsets; scope lists are shared between
// authorizations with the same scopes (internScopes); the bot client, by
// value, has its token in strs; the cache's map is keyed by a hash
// (authorizer.entries). Each request gets its own Installation, built from
// that (installation: one 416-byte allocation, ~130 ns).
type authorization struct {
	strs                string
	ends                [numStrs]uint32 // end of each string in strs: instStrings', then the key's
	keyIsEnterprise     bool            // the key's IsEnterpriseInstall
	botScopes           []string        // shared: read-only, capacity clipped
	userScopes          []string        // shared: read-only, capacity clipped
	botTokenExpiresAt   time.Time
	userTokenExpiresAt  time.Time
	installedAt         time.Time
	isEnterpriseInstall bool
	client              slack.Client
	userClient          *slack.Client              // nil unless the acting user installed with user scopes
	expires             time.Time                  // cache entry expiry
	single              *installstore.Installation // single-workspace mode: every request shares it
}

// The strings of an authorization: the Installation's 18 (instStrings),
// then the key's enterprise, team and user ids.
const (
	numInstStrings = 18
	strBotToken    = 6  // Installation.BotToken in instStrings
	strUserToken   = 11 // Installation.UserToken in instStrings
	strKey         = numInstStrings
	numStrs        = strKey + 3
)

// instStrings returns pointers to the string fields of inst, in the order
// an authorization keeps them. TestAuthorizationKeepsEveryField fails when
// Installation gains a field that packAuthorization does not copy.
func instStrings(inst *installstore.Installation) [numInstStrings]*string {
	return [...]*string{
		&inst.AppID, &inst.EnterpriseID, &inst.EnterpriseName, &inst.EnterpriseURL, &inst.TeamID, &inst.TeamName,
		&inst.BotToken, &inst.BotID, &inst.BotUserID, &inst.BotRefreshToken,
		&inst.UserID, &inst.UserToken, &inst.UserRefreshToken,
		&inst.IncomingWebhookURL, &inst.IncomingWebhookChannel, &inst.IncomingWebhookChannelID, &inst.IncomingWebhookConfigurationURL,
		&inst.TokenType,
	}
}

// packAuthorization returns the authorization of inst in compact form
// (see authorization), cached under q. It rewrites q's strings to point
// into the authorization's, so that q as the entry's key keeps no
// request's memory alive. z.mu must be held (internScopes).
func (z *authorizer) packAuthorization(inst *installstore.Installation, q *installstore.Query) *authorization {
	var strs [numStrs]*string
	*(*[numInstStrings]*string)(strs[:]) = instStrings(inst)
	strs[strKey], strs[strKey+1], strs[strKey+2] = &q.EnterpriseID, &q.TeamID, &q.UserID
	n := 0
	for _, p := range strs {
		n += len(*p)
	}
	var b strings.Builder
	b.Grow(n)
	e := &authorization{
		keyIsEnterprise: q.IsEnterpriseInstall,
		botScopes:       z.internScopes(inst.BotScopes), userScopes: z.internScopes(inst.UserScopes),
		botTokenExpiresAt: inst.BotTokenExpiresAt, userTokenExpiresAt: inst.UserTokenExpiresAt, installedAt: inst.InstalledAt,
		isEnterpriseInstall: inst.IsEnterpriseInstall,
	}
	for i, p := range strs {
		b.WriteString(*p)
		e.ends[i] = uint32(b.Len())
	}
	e.strs = b.String()
	*q = e.key()
	e.client = *z.newClient(e.str(strBotToken))
	return e
}

// str returns the i-th string of e (see numStrs).
func (e *authorization) str(i int) string {
	start := uint32(0)
	if i > 0 {
		start = e.ends[i-1]
	}
	return e.strs[start:e.ends[i]]
}

// key returns the query the authorization is cached under.
func (e *authorization) key() installstore.Query {
	return installstore.Query{EnterpriseID: e.str(strKey), TeamID: e.str(strKey + 1), UserID: e.str(strKey + 2), IsEnterpriseInstall: e.keyIsEnterprise}
}

// installation returns the installation: the request's own copy (in
// single-workspace mode, the one every request shares).
func (e *authorization) installation() *installstore.Installation {
	if e.single != nil {
		return e.single
	}
	inst := &installstore.Installation{
		BotScopes: e.botScopes, UserScopes: e.userScopes,
		BotTokenExpiresAt: e.botTokenExpiresAt, UserTokenExpiresAt: e.userTokenExpiresAt, InstalledAt: e.installedAt,
		IsEnterpriseInstall: e.isEnterpriseInstall,
	}
	start := uint32(0)
	for i, p := range instStrings(inst) {
		*p = e.strs[start:e.ends[i]]
		start = e.ends[i]
	}
	return inst
}

// maxScopeSets bounds the shared scope lists; past it, an authorization
// keeps a copy of its own.
const maxScopeSets = 256

// internScopes returns a list equal to scopes, shared with earlier
// authorizations of the same scopes (most installations of an app have
// the same), with its capacity clipped so that appending to it copies.
// z.mu must be held.
func (z *authorizer) internScopes(scopes []string) []string {
	if scopes == nil {
		return nil
	}
	key := strings.Join(scopes, " ") // scope names have no spaces
	if s, ok := z.scopeSets[key]; ok && slices.Equal(s, scopes) {
		return s
	}
	s := slices.Clip(strings.Fields(key))
	if len(s) != len(scopes) { // a name with blanks after all: keep it as is
		s = slices.Clip(slices.Clone(scopes))
		for i := range s {
			s[i] = strings.Clone(s[i])
		}
		return s
	}
	if len(z.scopeSets) < maxScopeSets {
		z.scopeSets[key] = s
	}
	return s
}

// authorizer finds the installation for a request through a small TTL
// cache keyed by the query, so the hot path costs one map lookup. The map
// is keyed by the query's hash, which holds no pointers for the garbage
// collector to follow; a hit is checked against the entry's own key, so
// two queries of one hash only take turns in the cache. Entries
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

	mu        sync.RWMutex
	seed      maphash.Seed
	entries   map[uint64]*authorization // by hash(key)
	scopeSets map[string][]string       // see internScopes
}

// maxAuthEntries bounds the cache; past it the cache is emptied.
const maxAuthEntries = 10000

// refreshMargin: a cached token expiring sooner than this is looked up again
// (so the token source can refresh it).
const refreshMargin = 5 * time.Minute

func newAuthorizer(a *App) *authorizer {
	z := &authorizer{app: a, ttl: a.cfg.AuthCacheTTL, now: time.Now, seed: maphash.MakeSeed(), entries: map[uint64]*authorization{}, scopeSets: map[string][]string{},
		clientOpts: []slack.Option{slack.OptionAPIURL(a.cfg.APIURL()), slack.OptionHTTPClient(a.client),
			// slack-go's default logger, once instead of once per client
			slack.OptionLog(log.New(os.Stderr, "slack-go/slack", log.LstdFlags|log.Lshortfile))}}
	if a.cfg.SingleWorkspace() {
		inst := &installstore.Installation{BotToken: a.cfg.BotToken, BotScopes: a.cfg.BotScopes, TokenType: "bot"}
		z.single = &authorization{single: inst, client: *z.newClient(inst.BotToken)}
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
		e := z.entries[z.hash(q)]
		z.mu.RUnlock()
		if e != nil && now.Before(e.expires) && e.key() == q {
			return e, nil
		}
	}
	inst, err := z.find(ctx, q)
	if err != nil {
		return nil, err
	}
	userClient := inst.UserToken != "" && inst.UserID == q.UserID && q.UserID != ""
	z.mu.Lock()
	defer z.mu.Unlock()
	e := z.packAuthorization(inst, &q)
	if userClient {
		e.userClient = z.newClient(e.str(strUserToken))
	}
	if z.ttl > 0 {
		e.expires = now.Add(z.ttl)
		for _, t := range [...]time.Time{inst.BotTokenExpiresAt, inst.UserTokenExpiresAt} {
			if !t.IsZero() && t.Add(-refreshMargin).Before(e.expires) {
				e.expires = t.Add(-refreshMargin)
			}
		}
		if len(z.entries) >= maxAuthEntries {
			clear(z.entries)
		}
		z.entries[z.hash(q)] = e
	}
	return e, nil
}

// hash returns the hash of q the cache is keyed by: the seeded hashes of
// its ids, combined by position (a collision costs a cache miss, not a
// wrong answer: see authorize).
func (z *authorizer) hash(q installstore.Query) uint64 {
	const m = 0x9e3779b97f4a7c15 // odd: multiplying by it keeps every bit
	h := maphash.String(z.seed, q.EnterpriseID)
	h = h*m ^ maphash.String(z.seed, q.TeamID)
	h = h*m ^ maphash.String(z.seed, q.UserID)
	if q.IsEnterpriseInstall {
		h = ^h
	}
	return h
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
	for h, e := range z.entries {
		q := e.key()
		if (teamID != "" && q.TeamID == teamID) || (q.IsEnterpriseInstall && q.EnterpriseID == enterpriseID) ||
			(teamID == "" && enterpriseID != "" && q.EnterpriseID == enterpriseID) {
			delete(z.entries, h)
		}
	}
}

// newClient returns a Web API client for token, pointed at SLACK_URL.
func (z *authorizer) newClient(token string) *slack.Client {
	return slack.New(token, z.clientOpts...)
}
