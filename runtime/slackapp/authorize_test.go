package slackapp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/slack-go/slack"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/memstore"
)

// freshStrings is a store whose results have every string in its own
// allocation, as the SQL stores return them (memstore shares its strings
// with what it returns).
type freshStrings struct{ installstore.Store }

func (s freshStrings) FindBot(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	return freshCopy(s.Store.FindBot(ctx, q))
}

func (s freshStrings) FindInstallation(ctx context.Context, q installstore.Query) (*installstore.Installation, error) {
	return freshCopy(s.Store.FindInstallation(ctx, q))
}

func freshCopy(inst *installstore.Installation, err error) (*installstore.Installation, error) {
	if inst != nil {
		for _, p := range []*string{&inst.AppID, &inst.TeamID, &inst.TeamName, &inst.BotToken, &inst.BotID, &inst.BotUserID,
			&inst.UserID, &inst.EnterpriseName, &inst.IncomingWebhookURL, &inst.IncomingWebhookChannel, &inst.TokenType} {
			*p = strings.Clone(*p)
		}
		for i := range inst.BotScopes {
			inst.BotScopes[i] = strings.Clone(inst.BotScopes[i])
		}
	}
	return inst, err
}

// TestAuthCacheEntriesAreFewObjects: every cached authorization is
// marked by the garbage collector on every cycle, so an entry keeps one
// heap object live: the string holding the installation's strings and the
// key's (the authorization itself is a value in the map's slots; scope
// lists are shared between entries; clients are made per request). It was
// 3 with the bot client cached in the entry (an authorization object, its
// Client by value and slack-go's logger box; this test, which let the
// queries' strings be freed while it counted, took that for 2), 15 with
// the installation held by value (11 of them its strings and scopes, 2 the
// request's key), 19 before that.
func TestAuthCacheEntriesAreFewObjects(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds allocations")
	}
	const n = 2000
	ctx := context.Background()
	store := memstore.New()
	queries := make([]installstore.Query, n)
	for i := range queries {
		team := fmt.Sprintf("T%08d", i)
		queries[i] = installstore.Query{TeamID: team, UserID: fmt.Sprintf("U%08d", i)}
		err := store.Save(ctx, &installstore.Installation{
			AppID: "A1", TeamID: team, TeamName: "Team " + team, BotToken: "xoxb-" + team, BotID: "B" + team, BotUserID: "UB" + team,
			BotScopes: []string{"chat:write", "commands", "reactions:read"}, UserID: "UI" + team, TokenType: "bot",
			IncomingWebhookURL: "https://hooks.slack.com/services/" + team, IncomingWebhookChannel: "#general",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	app := cachingApp(t, WithInstallationStore(freshStrings{store}))
	// The queries' strings stand for a request's: each its own allocation,
	// garbage once the request is done.
	fresh := func(q installstore.Query) installstore.Query {
		q.TeamID, q.UserID = strings.Clone(q.TeamID), strings.Clone(q.UserID)
		return q
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, q := range queries {
		if _, err := app.auth.authorize(ctx, fresh(q)); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(app)
	runtime.KeepAlive(store)
	runtime.KeepAlive(queries)
	perEntry := (float64(after.HeapObjects) - float64(before.HeapObjects)) / n
	if perEntry > 1.5 {
		t.Fatalf("a cached authorization keeps %.1f heap objects live, want at most 1", perEntry)
	}
	t.Logf("%.1f heap objects per cached authorization", perEntry)
}

// fillEveryField sets every field of the struct v points to a value of its
// own, made from seed, and fails on a field kind it does not know.
func fillEveryField(t *testing.T, v any, seed int) {
	t.Helper()
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		f, name := rv.Field(i), rv.Type().Field(i).Name
		switch {
		case f.Kind() == reflect.String:
			f.SetString(fmt.Sprintf("%s-%d", name, seed))
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.Type() == reflect.TypeFor[[]string]():
			f.Set(reflect.ValueOf([]string{name + "-a", fmt.Sprintf("%s-%d", name, seed)}))
		case f.Type() == reflect.TypeFor[time.Time]():
			f.Set(reflect.ValueOf(time.Date(2026, 1, 1+i, 0, 0, seed, 0, time.UTC)))
		default:
			t.Fatalf("Installation.%s is a %s, which the authorization cache does not pack: teach packAuthorization and installation", name, f.Type())
		}
	}
}

// TestAuthorizationKeepsEveryField: a cached authorization gives back
// every field of the installation it was built from (an Installation field
// the compact form forgot would fail here), and each request gets its own
// copy, whose changes do not reach the cache.
func TestAuthorizationKeepsEveryField(t *testing.T) {
	z := newAuthorizer(&App{cfg: Config{SlackURL: "http://127.0.0.1:1"}})
	var want installstore.Installation
	fillEveryField(t, &want, 1)
	var other installstore.Installation
	fillEveryField(t, &other, 2)
	other.BotScopes = slices.Clone(want.BotScopes)

	q := installstore.Query{EnterpriseID: strings.Clone("E1"), TeamID: strings.Clone("T1"), UserID: strings.Clone("U1")}
	key := q
	z.mu.Lock()
	e := z.packAuthorization(&want, &key)
	e2 := z.packAuthorization(&other, &installstore.Query{})
	z.mu.Unlock()
	if e.full != nil {
		t.Fatal("the installation was kept whole, not packed")
	}
	if key != q {
		t.Fatalf("key = %+v, want %+v", key, q)
	}
	if e.key() != q || unsafe.StringData(key.TeamID) == unsafe.StringData(q.TeamID) {
		t.Errorf("key() = %+v, want %+v in the authorization's own strings", e.key(), q)
	}
	got := z.installation(&e)
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("installation() =\n%+v\nwant\n%+v", *got, want)
	}
	if e.str(strBotToken) != want.BotToken || e.str(strUserToken) != want.UserToken {
		t.Errorf("token indexes: %q, %q", e.str(strBotToken), e.str(strUserToken))
	}
	if e2.scopes[0] != e.scopes[0] || &z.installation(&e2).BotScopes[0] != &got.BotScopes[0] {
		t.Error("equal scope lists are not shared")
	}

	got.TeamName = "changed by a handler"
	got.BotScopes = append(got.BotScopes, "appended:by-handler")
	again := z.installation(&e)
	if again == got || !reflect.DeepEqual(*again, want) {
		t.Fatalf("a handler's changes reached the cache: %+v", *again)
	}

	// "a\x00b" and {"a", "b"} have one key: they take two slots, and the
	// lists interned before stay as they were.
	type slot struct {
		k      int
		scopes []string
	}
	var interned []slot
	for _, scopes := range [][]string{nil, {}, {"a b", "c"}, {"", "x"}, {"a\x00b"}, {"a", "b"}, {"c"}} {
		z.mu.Lock()
		k := z.internScopes(scopes)
		z.mu.Unlock()
		var s []string
		if k != noScopes {
			s = z.scopeLists[k]
			interned = append(interned, slot{k, scopes})
		}
		if !reflect.DeepEqual(s, scopes) || len(s) != cap(s) {
			t.Errorf("internScopes(%q) = %q (capacity %d)", scopes, s, cap(s))
		}
	}
	for _, i := range interned {
		if !reflect.DeepEqual(z.scopeLists[i.k], i.scopes) {
			t.Errorf("slot %d holds %q, was given %q", i.k, z.scopeLists[i.k], i.scopes)
		}
	}
}

// TestAuthorizationTimesAndFallback: times keep their instant and location
// (UTC, Local, others, the zero time) through the compact form, and an
// installation it cannot hold is kept whole, still one copy per request.
func TestAuthorizationTimesAndFallback(t *testing.T) {
	z := newAuthorizer(&App{cfg: Config{SlackURL: "http://127.0.0.1:1"}})
	tokyo := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct {
		name  string
		inst  installstore.Installation
		whole bool
	}{
		{"UTC, Local, zero", installstore.Installation{BotToken: "xoxb-1", BotTokenExpiresAt: time.Date(2026, 11, 23, 1, 2, 3, 4, time.UTC),
			UserTokenExpiresAt: time.Date(2030, 1, 1, 0, 0, 0, 5, time.Local)}, false},
		{"another location, before 1970", installstore.Installation{BotToken: "xoxb-2", InstalledAt: time.Date(1960, 5, 6, 7, 8, 9, 10, tokyo)}, false},
		{"past UnixNano's range", installstore.Installation{BotToken: "xoxb-3", InstalledAt: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, true},
		{"the zero time in another location", installstore.Installation{BotToken: "xoxb-5", InstalledAt: time.Time{}.In(tokyo)}, true},
		{"strings past 64 KB", installstore.Installation{BotToken: "xoxb-4", TeamName: strings.Repeat("n", 70_000), BotScopes: []string{"commands"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := packT1(z, &tc.inst)
			if (e.full != nil) != tc.whole {
				t.Fatalf("kept whole: %v, want %v", e.full != nil, tc.whole)
			}
			if e.key() != (installstore.Query{TeamID: "T1"}) {
				t.Errorf("key() = %+v", e.key())
			}
			got := z.installation(&e)
			if !reflect.DeepEqual(*got, tc.inst) {
				t.Fatalf("installation() =\n%+v\nwant\n%+v", *got, tc.inst)
			}
			if again := z.installation(&e); again == got {
				t.Error("two requests share an Installation")
			}
		})
	}
}

// TestAuthorizationClients: each request gets clients of its own, with the
// installation's tokens, packed or kept whole, and a user client only
// where the acting user installed with user scopes.
func TestAuthorizationClients(t *testing.T) {
	tokens := make(chan string, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if token == "" {
			token = r.FormValue("token") // slack-go sends auth.test's in the form
		}
		tokens <- token
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer api.Close()
	z := newAuthorizer(&App{cfg: Config{SlackURL: api.URL + "/"}, client: api.Client()})
	tokenOf := func(c *slack.Client) string {
		t.Helper()
		if _, err := c.AuthTestContext(context.Background()); err != nil {
			t.Fatal(err)
		}
		return <-tokens
	}
	for _, tc := range []struct {
		name string
		inst installstore.Installation
		user bool
	}{
		{"packed", installstore.Installation{BotToken: "xoxb-1", UserToken: "xoxp-1"}, true},
		{"packed, bot only", installstore.Installation{BotToken: "xoxb-2", UserToken: "xoxp-2"}, false},
		{"kept whole", installstore.Installation{BotToken: "xoxb-3", UserToken: "xoxp-3", TeamName: strings.Repeat("n", 70_000)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := packT1(z, &tc.inst)
			e.userClient = tc.user
			app := &App{auth: z}
			var c, c2 Context
			app.fillContext(&c, context.Background(), &e, installstore.Query{TeamID: "T1"}, slog.Default())
			app.fillContext(&c2, context.Background(), &e, installstore.Query{TeamID: "T1"}, slog.Default())
			if c.client.Load() != nil || c.userClient.Load() != nil || c.inst.Load() != nil {
				t.Fatal("a Context built its clients or Installation before a handler asked")
			}
			// Handlers may ask from several goroutines: all get one client.
			var wg sync.WaitGroup
			got := make([]*slack.Client, 8)
			for i := range got {
				wg.Add(1)
				go func() { defer wg.Done(); got[i] = c.Client() }()
			}
			wg.Wait()
			bot := c.Client()
			for i, b := range got {
				if b != bot {
					t.Fatalf("call %d got another client", i)
				}
			}
			if bot == c2.Client() {
				t.Error("two requests share a client")
			}
			if c.Installation() != c.Installation() || c.Installation() == c2.Installation() || c.Installation().BotToken != tc.inst.BotToken {
				t.Error("a request's Installation is not its own, or not built once")
			}
			if got := tokenOf(bot); got != tc.inst.BotToken {
				t.Errorf("bot client token %q, want %q", got, tc.inst.BotToken)
			}
			user := c.UserClient()
			if (user != nil) != tc.user {
				t.Fatalf("user client: %v, want %v", user != nil, tc.user)
			}
			if user != nil {
				if user != c.UserClient() {
					t.Error("UserClient built twice")
				}
				if got := tokenOf(user); got != tc.inst.UserToken {
					t.Errorf("user client token %q, want %q", got, tc.inst.UserToken)
				}
			}
		})
	}
}

// TestAuthCacheHashCollisionIsAMiss: the cache is keyed by a hash of the
// query; an entry found under a query's hash but cached for another query
// is not used.
func TestAuthCacheHashCollisionIsAMiss(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	for _, team := range []string{"T1", "T2"} {
		if err := store.Save(ctx, &installstore.Installation{TeamID: team, BotToken: "xoxb-" + team, BotUserID: "UB" + team}); err != nil {
			t.Fatal(err)
		}
	}
	app := cachingApp(t, WithInstallationStore(store))
	z := app.auth
	q1, q2 := installstore.Query{TeamID: "T1"}, installstore.Query{TeamID: "T2"}
	e2, err := z.authorize(ctx, q2)
	if err != nil {
		t.Fatal(err)
	}
	z.mu.Lock()
	z.entries[z.hash(q1)] = e2 // as if q1 and q2 had one hash
	z.mu.Unlock()
	e1, err := z.authorize(ctx, q1)
	if err != nil {
		t.Fatal(err)
	}
	if got := z.installation(&e1).BotToken; got != "xoxb-T1" {
		t.Fatalf("T1 got the bot token %q", got)
	}
	if e, _ := z.authorize(ctx, q1); e != e1 {
		t.Error("the entry cached after the miss is not used")
	}
}

// TestAuthorizationTablesFull: past the shared tables' bounds (256 scope
// lists, 254 time locations) an installation is kept whole, and requests
// still get what it holds.
func TestAuthorizationTablesFull(t *testing.T) {
	z := newAuthorizer(&App{cfg: Config{SlackURL: "http://127.0.0.1:1"}})
	for i := range maxScopeSets {
		if e := packT1(z, &installstore.Installation{BotScopes: []string{fmt.Sprint("scope-", i)}}); e.full != nil {
			t.Fatalf("list %d kept whole", i)
		}
	}
	for i := range maxLocs {
		zone := time.FixedZone(fmt.Sprint("Z", i), i*60)
		if e := packT1(z, &installstore.Installation{BotScopes: []string{"scope-0"}, InstalledAt: time.Date(2026, 1, 1, 0, 0, 0, 0, zone)}); e.full != nil {
			t.Fatalf("location %d kept whole", i)
		}
	}
	for name, inst := range map[string]installstore.Installation{
		"257th scope list": {BotToken: "xoxb-s", BotScopes: []string{"one-more"}, UserScopes: []string{"scope-1"}},
		"255th location":   {BotToken: "xoxb-l", BotScopes: []string{"scope-1"}, InstalledAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("Z-more", 7))},
	} {
		e := packT1(z, &inst)
		if e.full == nil {
			t.Fatalf("%s: packed", name)
		}
		got := z.installation(&e)
		if !reflect.DeepEqual(*got, inst) {
			t.Fatalf("%s: installation() =\n%+v\nwant\n%+v", name, *got, inst)
		}
		if len(got.BotScopes) > 0 && &got.BotScopes[0] == &inst.BotScopes[0] {
			t.Errorf("%s: the request's scope list is the store's", name)
		}
	}
}

// TestAuthorizationExpiry: a cached authorization is used until the cache's
// TTL, or until 5 minutes before its bot token expires, whichever is first;
// then the installation is looked up again. Ids too long for the cache
// are refused.
func TestAuthorizationExpiry(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		expires time.Time     // the bot token's
		kept    time.Duration // still cached then
		fresh   time.Duration // looked up again then
	}{
		// Past nine tenths of the TTL, an entry's expiry depends on its
		// key (see authorizer.jitter).
		{"the cache's TTL", time.Time{}, 54 * time.Minute, time.Hour},
		{"the token's expiry", start.Add(20 * time.Minute), 15*time.Minute - time.Second, 15 * time.Minute},
		{"a token expiring beyond UnixNano's range", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), 54 * time.Minute, time.Hour},
		{"a token expired before UnixNano's range", time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &lookups{inst: installstore.Installation{TeamID: "T1", BotToken: "xoxb-1", BotTokenExpiresAt: tc.expires}}
			app := cachingApp(t, WithTokenSource(src))
			now := start
			z := app.auth
			z.now, z.base = func() time.Time { return now }, start
			for _, step := range []struct {
				at   time.Duration
				want int
			}{{0, 1}, {tc.kept, 1}, {tc.fresh, 2}} {
				if tc.fresh == 0 {
					step.want = src.n + 1 // stale at once: every request looks up
				}
				now = start.Add(step.at)
				if _, err := z.authorize(ctx, installstore.Query{TeamID: "T1"}); err != nil {
					t.Fatal(err)
				}
				if src.n != step.want {
					t.Fatalf("at %v: %d lookups, want %d", step.at, src.n, step.want)
				}
			}
		})
	}
	z := newAuthorizer(&App{cfg: Config{SlackURL: "http://127.0.0.1:1"}, tokens: &lookups{}})
	if _, err := z.authorize(ctx, installstore.Query{TeamID: strings.Repeat("T", maxKeyLen+1)}); err == nil || !strings.Contains(err.Error(), "bytes long") {
		t.Errorf("overlong ids: %v", err)
	}
}

// TestAuthorizationExpirySpread: authorizations cached at one instant, as
// every active workspace's are when the app starts, expire over the last
// tenth of the TTL, not together, and each keeps its expiry's offset when
// it is looked up again, so they do not fall back into step.
func TestAuthorizationExpirySpread(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	src := &lookups{inst: installstore.Installation{TeamID: "T1", BotToken: "xoxb-1"}}
	app := cachingApp(t, WithTokenSource(src))
	z := app.auth
	now := start
	z.now, z.base = func() time.Time { return now }, start
	const n, ttl = 1000, time.Hour
	expiries := func() []time.Duration {
		var out []time.Duration
		for i := range n {
			q := installstore.Query{TeamID: fmt.Sprintf("T%04d", i)}
			if _, err := z.authorize(ctx, q); err != nil {
				t.Fatal(err)
			}
			out = append(out, z.entries[z.hash(q)].expires-(now.Sub(start)))
		}
		return out
	}
	first := expiries()
	lo, hi := slices.Min(first), slices.Max(first)
	if lo <= ttl*9/10 || hi > ttl {
		t.Fatalf("entries live %v to %v, want within (%v, %v]", lo, hi, ttl*9/10, ttl)
	}
	// 1,000 offsets drawn evenly from 6 minutes span less than 5 of them
	// with a probability below 10⁻⁷⁰.
	if hi-lo < ttl/10-time.Minute {
		t.Fatalf("entries expire within %v of each other, want spread over about %v", hi-lo, ttl/10)
	}
	now = start.Add(ttl) // all expired: looked up again, one by one
	if again := expiries(); !slices.Equal(again, first) || src.n != 2*n {
		t.Fatalf("after a second lookup (%d lookups in all, want %d) the entries' lifetimes changed", src.n, 2*n)
	}
}

// cachingApp returns an App with an authorization cache of an hour,
// finding installations through opt.
func cachingApp(t *testing.T, opt Option) *App {
	t.Helper()
	app, err := New(&Config{
		SigningSecrets: []string{"s"}, ClientID: "1", ClientSecret: "2", StateSecret: "0123456789abcdef0123456789abcdef",
		BotScopes: []string{"commands"}, SlackURL: "http://127.0.0.1:1", AuthCacheTTL: time.Hour,
	}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// packT1 packs inst as cached for team T1.
func packT1(z *authorizer, inst *installstore.Installation) authorization {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.packAuthorization(inst, &installstore.Query{TeamID: "T1"})
}

// lookups is a TokenSource of one installation that counts its lookups.
type lookups struct {
	inst installstore.Installation
	n    int
}

func (l *lookups) Tokens(context.Context, installstore.Query) (*installstore.Installation, error) {
	l.n++
	inst := l.inst
	return &inst, nil
}
