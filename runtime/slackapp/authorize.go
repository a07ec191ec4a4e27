package slackapp

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

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
// as the authorizer caches it, from which each request gets its own
// Installation and Web API clients.
//
// An app serving a thousand workspaces keeps a thousand of them, and the
// garbage collector visits each of their objects and pointers on every
// cycle. With the installation held by value (the store's dozen strings
// and scope lists, each its own object) and the query as the map's key,
// callgrind counted 8.4k more instructions per event with 1,000 workspaces
// sending events than with 10, nearly all of it marking. With an
// authorization object of one string and the bot client (slack-go's
// Client, its logger box, a dozen pointer words), still 4.6k per event and
// 6.5k per slash command; without the clients, 0.9k and 1.2k.
//
// So an authorization holds no client: each request that asks for one
// (Context.Client) gets its own (4 allocations), which costs less than
// marking a thousand cached ones (callgrind: event 100.6k -> 99.7k
// instructions per request, slash command 113.2k -> 110.9k). It is a value
// of at most 128 bytes, which the cache's map keeps in its own slots (a
// larger value would be an object of its own), with one pointer in use:
// the string holding the installation's strings and the key's, end to end
// (ends); full and client are nil but in the cases below. Scope lists and
// time locations are indexes into tables shared by all authorizations
// (internScopes, internLoc); times are Unix nanoseconds (their monotonic
// reading dropped). Each request that asks gets its own Installation, built from
// that (installation: one 416-byte allocation). An installation the compact
// form cannot hold (strings past 64 KB, a 257th scope list, a 255th
// location, a time out of UnixNano's range) is kept whole in full.
type authorization struct {
	strs                string
	full                *installstore.Installation // see above; in single-workspace mode, the one every request shares
	client              *slack.Client              // single-workspace mode: the bot client every request shares
	expires             time.Duration              // cache entry expiry, since authorizer.base
	times               [numTimes]int64            // instTimes', Unix nanoseconds
	ends                [numStrs]uint16            // end of each string in strs: instStrings', then the key's
	scopes              [2]int16                   // BotScopes, UserScopes: index in authorizer.scopeLists, or noScopes
	locs                [numTimes]uint8            // index in authorizer.locs, or zeroTime
	keyIsEnterprise     bool                       // the key's IsEnterpriseInstall
	isEnterpriseInstall bool
	shared              bool // full is every request's (single-workspace mode)
	userClient          bool // the acting user installed with user scopes: the request gets a user client
}

// An authorization must fit in a map slot (see authorization).
var _ [128 - unsafe.Sizeof(authorization{})]byte

// The strings of an authorization: the Installation's 18 (instStrings),
// then the key's enterprise, team and user ids.
const (
	numInstStrings = 18
	strBotToken    = 6  // Installation.BotToken in instStrings
	strUserToken   = 11 // Installation.UserToken in instStrings
	strKey         = numInstStrings
	numStrs        = strKey + 3
	numTimes       = 3 // instTimes
	noScopes       = -1
	zeroTime       = 255 // locs: the zero time.Time
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

// instTimes returns pointers to the time fields of inst.
func instTimes(inst *installstore.Installation) [numTimes]*time.Time {
	return [...]*time.Time{&inst.BotTokenExpiresAt, &inst.UserTokenExpiresAt, &inst.InstalledAt}
}

// packAuthorization returns the authorization of inst in compact form
// (see authorization), cached under q. It rewrites q's strings to point
// into the authorization's, so that q as the entry's key keeps no
// request's memory alive. z.mu must be held (internScopes, internLoc).
func (z *authorizer) packAuthorization(inst *installstore.Installation, q *installstore.Query) authorization {
	var strs [numStrs]*string
	*(*[numInstStrings]*string)(strs[:]) = instStrings(inst)
	strs[strKey], strs[strKey+1], strs[strKey+2] = &q.EnterpriseID, &q.TeamID, &q.UserID
	n := 0
	for _, p := range strs {
		n += len(*p)
	}
	e := authorization{keyIsEnterprise: q.IsEnterpriseInstall, isEnterpriseInstall: inst.IsEnterpriseInstall}
	ok := n <= 0xffff
	for i, scopes := range [...][]string{inst.BotScopes, inst.UserScopes} {
		if !ok {
			break
		}
		k := z.internScopes(scopes)
		ok = k != tooManyScopes
		e.scopes[i] = int16(k)
	}
	for i, t := range instTimes(inst) {
		if !ok {
			break
		}
		if *t == (time.Time{}) {
			e.locs[i] = zeroTime
			continue
		}
		if ok = time.Unix(0, t.UnixNano()).Equal(*t); !ok {
			break // out of UnixNano's range (the zero time in a location too)
		}
		l := z.internLoc(t.Location())
		ok = l != tooManyLocs
		e.locs[i], e.times[i] = uint8(l), t.UnixNano()
	}
	var b strings.Builder
	if !ok {
		q.EnterpriseID, q.TeamID, q.UserID = strings.Clone(q.EnterpriseID), strings.Clone(q.TeamID), strings.Clone(q.UserID)
		full := *inst
		full.BotScopes, full.UserScopes = cloneStrings(inst.BotScopes), cloneStrings(inst.UserScopes)
		e = authorization{full: &full, keyIsEnterprise: q.IsEnterpriseInstall}
		n = len(q.EnterpriseID) + len(q.TeamID) + len(q.UserID)
		strs = [numStrs]*string{strKey: &q.EnterpriseID, strKey + 1: &q.TeamID, strKey + 2: &q.UserID}
	}
	b.Grow(n)
	for i, p := range strs {
		if p != nil {
			b.WriteString(*p)
		}
		e.ends[i] = uint16(b.Len())
	}
	e.strs = b.String()
	*q = e.key()
	return e
}

// botToken and userToken return the tokens of e.
func (e *authorization) botToken() string {
	if e.full != nil {
		return e.full.BotToken
	}
	return e.str(strBotToken)
}

func (e *authorization) userToken() string {
	if e.full != nil {
		return e.full.UserToken
	}
	return e.str(strUserToken)
}

// cloneStrings returns a copy of s, nil for nil.
func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return slices.Clone(s)
}

// str returns the i-th string of e (see numStrs).
func (e *authorization) str(i int) string {
	start := uint16(0)
	if i > 0 {
		start = e.ends[i-1]
	}
	return e.strs[start:e.ends[i]]
}

// key returns the query the authorization is cached under.
func (e *authorization) key() installstore.Query {
	return installstore.Query{EnterpriseID: e.str(strKey), TeamID: e.str(strKey + 1), UserID: e.str(strKey + 2), IsEnterpriseInstall: e.keyIsEnterprise}
}

// installation returns e's installation: the request's own copy (in
// single-workspace mode, the one every request shares).
func (z *authorizer) installation(e *authorization) *installstore.Installation {
	if e.full != nil {
		if e.shared {
			return e.full
		}
		inst := *e.full
		inst.BotScopes, inst.UserScopes = slices.Clip(inst.BotScopes), slices.Clip(inst.UserScopes)
		return &inst
	}
	inst := &installstore.Installation{IsEnterpriseInstall: e.isEnterpriseInstall}
	start := uint16(0)
	for i, p := range instStrings(inst) {
		*p = e.strs[start:e.ends[i]]
		start = e.ends[i]
	}
	if k := e.scopes[0]; k != noScopes {
		inst.BotScopes = z.scopeLists[k]
	}
	if k := e.scopes[1]; k != noScopes {
		inst.UserScopes = z.scopeLists[k]
	}
	for i, t := range instTimes(inst) {
		switch l := e.locs[i]; l {
		case zeroTime:
		case 0:
			*t = time.Unix(0, e.times[i]).UTC()
		default:
			*t = time.Unix(0, e.times[i]).In(z.locs[l-1])
		}
	}
	return inst
}

// maxKeyLen bounds the ids of a query the cache keeps (ends are 16-bit).
const maxKeyLen = 1 << 12

// The shared tables' bounds: past them, an authorization is kept whole
// (see authorization).
const (
	maxScopeSets  = 256
	tooManyScopes = -2
	maxLocs       = 254 // locs 1 to 254; 255 is zeroTime
	tooManyLocs   = 256
)

// internScopes returns the index in z.scopeLists of a list equal to scopes
// (most installations of an app have the same), whose capacity is clipped
// so that appending to it copies; noScopes for nil, tooManyScopes when the
// table is full. A list is written before its index is published (under
// z.mu) and never changed, so readers need no lock. z.mu must be held.
func (z *authorizer) internScopes(scopes []string) int {
	if scopes == nil {
		return noScopes
	}
	key := strings.Join(scopes, "\x00") // a hit is checked: a NUL in a name only costs a slot
	if k, ok := z.scopeSets[key]; ok && slices.Equal(z.scopeLists[k], scopes) {
		return k
	}
	if z.nscopes == maxScopeSets {
		return tooManyScopes
	}
	s := make([]string, len(scopes))
	for i := range s {
		s[i] = strings.Clone(scopes[i])
	}
	k := z.nscopes
	z.scopeLists[k] = slices.Clip(s)
	z.nscopes++
	z.scopeSets[key] = k
	return k
}

// internLoc returns the locs index of loc: 0 for UTC, else its index in
// z.locs plus one (tooManyLocs when the table is full). z.mu must be held.
func (z *authorizer) internLoc(loc *time.Location) int {
	if loc == time.UTC {
		return 0
	}
	for i, l := range z.locs[:z.nlocs] {
		if l == loc {
			return i + 1
		}
	}
	if z.nlocs == maxLocs {
		return tooManyLocs
	}
	z.locs[z.nlocs] = loc
	z.nlocs++
	return z.nlocs
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
	single     *authorization // single-workspace mode
	ttl        time.Duration
	now        func() time.Time
	base       time.Time      // expiries are durations since base: on the monotonic clock, when now's readings are
	clientOpts []slack.Option // shared by every client: API URL, HTTP client

	mu         sync.RWMutex
	seed       maphash.Seed
	entries    map[uint64]authorization // by hash(key)
	scopeSets  map[string]int           // see internScopes
	scopeLists [maxScopeSets][]string
	nscopes    int
	locs       [maxLocs]*time.Location // see internLoc
	nlocs      int
}

// maxAuthEntries bounds the cache; past it the cache is emptied.
const maxAuthEntries = 10000

// refreshMargin: a cached token expiring sooner than this is looked up again
// (so the token source can refresh it).
const refreshMargin = 5 * time.Minute

func newAuthorizer(a *App) *authorizer {
	z := &authorizer{app: a, ttl: a.cfg.AuthCacheTTL, now: time.Now, base: time.Now(), seed: maphash.MakeSeed(), entries: map[uint64]authorization{}, scopeSets: map[string]int{},
		// slack-go's default logger, made by slack.New, is kept: OptionLog
		// would allocate a box for it per client.
		clientOpts: []slack.Option{slack.OptionAPIURL(a.cfg.APIURL()), slack.OptionHTTPClient(a.client)}}
	if a.cfg.SingleWorkspace() {
		inst := &installstore.Installation{BotToken: a.cfg.BotToken, BotScopes: a.cfg.BotScopes, TokenType: "bot"}
		z.single = &authorization{full: inst, shared: true, client: z.newClient(inst.BotToken)}
	}
	return z
}

// authorize returns the authorization for q, or errNotInstalled.
func (z *authorizer) authorize(ctx context.Context, q installstore.Query) (authorization, error) {
	if z.single != nil {
		return *z.single, nil
	}
	if q.IsEnterpriseInstall {
		q.TeamID = ""
	}
	if n := len(q.EnterpriseID) + len(q.TeamID) + len(q.UserID); n > maxKeyLen {
		return authorization{}, fmt.Errorf("slackapp: the request's enterprise, team and user ids are %d bytes long, more than %d; Slack's ids are a few dozen", n, maxKeyLen)
	}
	now := z.now()
	var h uint64
	if z.ttl > 0 {
		h = z.hash(q)
		z.mu.RLock()
		e, ok := z.entries[h]
		z.mu.RUnlock()
		if ok && now.Sub(z.base) < e.expires && e.key() == q {
			return e, nil
		}
	}
	inst, err := z.find(ctx, q)
	if err != nil {
		return authorization{}, err
	}
	userClient := inst.UserToken != "" && inst.UserID == q.UserID && q.UserID != ""
	z.mu.Lock()
	defer z.mu.Unlock()
	e := z.packAuthorization(inst, &q)
	e.userClient = userClient
	if z.ttl > 0 {
		expires := now.Add(z.ttl - z.jitter(h))
		for _, t := range [...]time.Time{inst.BotTokenExpiresAt, inst.UserTokenExpiresAt} {
			if !t.IsZero() && t.Add(-refreshMargin).Before(expires) {
				expires = t.Add(-refreshMargin)
			}
		}
		e.expires = expires.Sub(z.base) // saturates: no wrap for far-off token expiries
		if len(z.entries) >= maxAuthEntries {
			clear(z.entries)
		}
		z.entries[h] = e
	}
	return e, nil
}

// jitter returns how much sooner than the TTL the entry of hash h expires:
// up to a tenth of the TTL, fixed by the hash. Entries filled together,
// as every active workspace's are when the app starts, would otherwise
// expire together and be looked up again together every TTL, a burst of
// store queries that later traffic does not spread; each keeps its offset
// from one fill to the next, so they stay spread.
func (z *authorizer) jitter(h uint64) time.Duration {
	j, _ := bits.Mul64(uint64(z.ttl/10), h) // (ttl/10)·h/2⁶⁴
	return time.Duration(j)
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
