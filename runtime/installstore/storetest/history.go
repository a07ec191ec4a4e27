package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// Counter returns how many records a store holds for q's workspace. A
// store's own test reads them where the store keeps them (rows, a file, a
// map).
type Counter func(ctx context.Context, q installstore.Query) (int, error)

// RunRetention runs the retention suite as subtests of t, for stores that
// bound their history as the stores of this module do (see "History and
// retention" in package installstore). newStore returns an empty, isolated
// store that keeps, besides the records lookups need, the history most
// recent records of each workspace, and a Counter for it. history is 0, 3
// or installstore.DefaultHistory; for the latter, make the store without
// setting it, to check that it is the default.
//
// The suite writes a long mixed history (installs by the bot and by users,
// token rotations, deletes, out-of-order and tied InstalledAt) and checks
// after every write that each lookup answers as it would with the whole
// history, and that the workspace holds exactly the records that
// retention keeps: never more than 3 per user id plus history.
func RunRetention(t *testing.T, newStore func(t *testing.T, history int) (installstore.Store, Counter)) {
	t.Helper()
	run := func(name string, history int, f func(ctx context.Context, t *testing.T, s installstore.Store, count Counter, history int)) {
		t.Run(fmt.Sprintf("%s/history=%d", name, history), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			s, count := newStore(t, history)
			f(ctx, t, s, count, history)
		})
	}
	for _, history := range []int{0, 3} {
		run("ManyWrites", history, func(ctx context.Context, t *testing.T, s installstore.Store, count Counter, history int) {
			runHistory(ctx, t, s, count, history, 200, 2)
		})
		run("RecentRecordsAreKept", history, recentRecordsAreKept)
		run("ConcurrentWrites", history, func(ctx context.Context, t *testing.T, s installstore.Store, count Counter, history int) {
			RunConcurrentRetention(ctx, t, []installstore.Store{s, s}, count, history)
		})
	}
	run("DeleteBotFindsAnOlderUserToken", 0, deleteBotFindsAnOlderUserToken)
	run("RecentRecordsAreKept", installstore.DefaultHistory, recentRecordsAreKept)
}

// checkCount fails t unless the store holds for q's workspace the records
// that the model says retention keeps, no more and no fewer. count may be
// nil (nothing checked).
func checkCount(ctx context.Context, t *testing.T, what string, count Counter, m *model, q installstore.Query, history int) {
	t.Helper()
	if count == nil {
		return
	}
	n, err := count(ctx, q)
	if err != nil {
		t.Fatalf("%s: counting the records of %s: %v", what, q.WorkspaceKey(), err)
	}
	if want := m.retained(q.WorkspaceKey(), history); n != want {
		t.Fatalf("%s: %s holds %d of the %d records of its whole history, want %d: for each user id its latest record, its latest with a bot token and its latest with a user token, and the %d most recent records",
			what, q.WorkspaceKey(), n, len(m.history[q.WorkspaceKey()]), want, history)
	}
}

// checkLookups fails t unless FindBot and FindInstallation (of anyone and
// of each of users) answer for ws as the model does.
func checkLookups(ctx context.Context, t *testing.T, what string, s installstore.Store, m *model, ws installstore.Query, users []string) {
	t.Helper()
	for _, u := range append([]string{""}, users...) {
		q := ws
		q.UserID = u
		want, _ := m.find(q)
		got, err := s.FindInstallation(ctx, q)
		compare(t, fmt.Sprintf("%s: FindInstallation(%s user %q)", what, q.WorkspaceKey(), u), got, err, want)
	}
	got, err := s.FindBot(ctx, ws)
	compare(t, fmt.Sprintf("%s: FindBot(%s)", what, ws.WorkspaceKey()), got, err, m.findBot(ws))
}

func compare(t *testing.T, what string, got *installstore.Installation, err error, want *installstore.Installation) {
	t.Helper()
	switch {
	case want == nil && !errors.Is(err, installstore.ErrNotFound):
		t.Fatalf("%s = %s, %v; want ErrNotFound, as with the whole history", what, describe(got), err)
	case want == nil:
	case err != nil:
		t.Fatalf("%s: %v; want %s, as with the whole history", what, err, describe(want))
	default:
		if d := differences(got, want); len(d) > 0 {
			t.Fatalf("%s differs from the answer with the whole history:\n  %s", what, strings.Join(d, "\n  "))
		}
	}
}

// historySpaces are the workspaces runHistory writes: a workspace, a Grid
// workspace and an org-wide install.
var historySpaces = []installstore.Query{
	{TeamID: "T1"},
	{EnterpriseID: "E1", TeamID: "T2"},
	{EnterpriseID: "E1", IsEnterpriseInstall: true},
}

// historyUsers install; U6 never does, so it is looked up and never found.
var historyUsers = []string{"U1", "U2", "U3", "U4", "U5"}

var lookupUsers = append(slices.Clone(historyUsers), "U6")

// record is an installation of ws at op, by user (none when empty), with
// the tokens asked for; every other field names op, so that a lookup
// returning the wrong record shows.
func record(ws installstore.Query, op int, user string, bot, userToken bool, at time.Time) *installstore.Installation {
	r := &installstore.Installation{
		AppID: "A1", EnterpriseID: ws.EnterpriseID, TeamID: ws.TeamID, IsEnterpriseInstall: ws.IsEnterpriseInstall,
		TeamName: fmt.Sprintf("team at op %d", op), TokenType: "bot", UserID: user, InstalledAt: at,
		IncomingWebhookChannelID: fmt.Sprintf("C%d", op),
	}
	if ws.EnterpriseID != "" {
		r.EnterpriseName = fmt.Sprintf("org at op %d", op)
	}
	if bot {
		r.BotToken, r.BotRefreshToken = fmt.Sprintf("xoxb-%d", op), fmt.Sprintf("xoxe-b-%d", op)
		r.BotID, r.BotUserID, r.BotScopes = fmt.Sprintf("B%d", op), "UBOT", []string{"chat:write", fmt.Sprintf("s%d", op)}
		r.BotTokenExpiresAt = at.Add(12 * time.Hour)
	}
	if userToken {
		r.UserToken, r.UserRefreshToken = fmt.Sprintf("xoxp-%d", op), fmt.Sprintf("xoxe-u-%d", op)
		r.UserScopes, r.UserTokenExpiresAt = []string{"search:read"}, at.Add(11*time.Hour)
	}
	return r
}

// rotate is the fn of a token rotation at op: it refreshes the bot token
// (or the user token), and changes nothing when there is none to refresh.
// The result is installed at at, or, when at is zero, keeps the current
// InstalledAt as oauth's Rotator does (so it ties with the record it was
// read from, and wins as the later Save).
func rotate(op int, at time.Time, user bool) func(*installstore.Installation) (*installstore.Installation, error) {
	return func(cur *installstore.Installation) (*installstore.Installation, error) {
		switch {
		case user && cur.UserToken != "":
			cur.UserToken, cur.UserRefreshToken = fmt.Sprintf("xoxp-r%d", op), fmt.Sprintf("xoxe-u-r%d", op)
			cur.UserTokenExpiresAt = base.Add(time.Duration(op) * time.Hour)
		case !user && cur.BotToken != "":
			cur.BotToken, cur.BotRefreshToken = fmt.Sprintf("xoxb-r%d", op), fmt.Sprintf("xoxe-b-r%d", op)
			cur.BotTokenExpiresAt = base.Add(time.Duration(op) * time.Hour)
		default:
			return nil, nil
		}
		if !at.IsZero() {
			cur.InstalledAt = at
		}
		return cur, nil
	}
}

// runHistory writes ops random (seeded) operations to s and to the model,
// and after each one compares the lookups of the workspace written and,
// when count is set, bounds its number of records.
func runHistory(ctx context.Context, t *testing.T, s installstore.Store, count Counter, history, ops int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	m := newModel()
	now := base
	for op := 1; op <= ops; op++ {
		ws := historySpaces[0]
		if p := rng.IntN(100); p >= 85 {
			ws = historySpaces[2]
		} else if p >= 60 {
			ws = historySpaces[1]
		}
		var at time.Time
		switch rng.IntN(10) {
		case 0: // the same time as the previous write: the later one wins
			at = now
		case 1: // an install older than the latest ones
			at = now.Add(-time.Duration(1+rng.IntN(30)) * time.Minute)
		default:
			now = now.Add(time.Minute)
			at = now
		}
		user := historyUsers[rng.IntN(len(historyUsers))]
		userQ := ws
		userQ.UserID = user

		var what string
		var err, want error
		// save saves an installation by user with or without each token, in
		// the store and in the model.
		save := func(user string, bot, userToken bool) error {
			r := record(ws, op, user, bot, userToken, at)
			err := s.Save(ctx, r)
			m.save(r)
			return err
		}
		switch k := rng.IntN(1000); {
		case k < 300:
			what, err = "install with bot and user tokens by "+user, save(user, true, true)
		case k < 420:
			what, err = "reinstall without user scopes by "+user, save(user, true, false)
		case k < 500:
			what, err = "bot install without a user", save("", true, false)
		case k < 650:
			what, err = "user-token install by "+user, save(user, false, true)
		case k < 665:
			what, err = "install without tokens by "+user, save(user, false, false)
		case k < 870:
			q := ws
			if k%2 == 0 {
				q = userQ
			}
			rotatedAt := at
			if k%3 == 0 {
				rotatedAt = time.Time{} // keeps the current InstalledAt
			}
			what = fmt.Sprintf("bot token rotation through user %q", q.UserID)
			err, want = update(ctx, t, what, s, m, q, rotate(op, rotatedAt, false))
		case k < 920:
			what = "user token rotation of " + user
			err, want = update(ctx, t, what, s, m, userQ, rotate(op, at, true))
		case k < 950:
			what = "DeleteInstallation of " + user
			err = s.DeleteInstallation(ctx, userQ)
			m.deleteInstallation(userQ)
		case k < 965:
			what = "DeleteBot"
			err = s.DeleteBot(ctx, ws)
			m.deleteBot(ws)
		case k < 975:
			what = "DeleteInstallation of every user"
			err = s.DeleteInstallation(ctx, ws)
			m.deleteInstallation(ws)
		case k < 980:
			what = "DeleteAll"
			err = s.DeleteAll(ctx, ws)
			m.deleteAll(ws)
		default:
			q := ws
			q.UserID = "U6"
			what = "rotation for a user who never installed"
			err, want = update(ctx, t, what, s, m, q, rotate(op, at, false))
		}
		what = fmt.Sprintf("op %d (%s in %s at +%v)", op, what, ws.WorkspaceKey(), at.Sub(base))
		if !errors.Is(err, want) {
			t.Fatalf("%s: %v, want %v", what, err, want)
		}
		checkLookups(ctx, t, what, s, m, ws, lookupUsers)
		checkCount(ctx, t, what, count, m, ws, history)
	}
	for _, ws := range historySpaces {
		checkLookups(ctx, t, "at the end", s, m, ws, lookupUsers)
		checkCount(ctx, t, "at the end", count, m, ws, history)
		if err := s.DeleteAll(ctx, ws); err != nil {
			t.Fatalf("DeleteAll(%s): %v", ws.WorkspaceKey(), err)
		}
		m.deleteAll(ws)
		checkLookups(ctx, t, "after DeleteAll", s, m, ws, lookupUsers)
		checkCount(ctx, t, "after DeleteAll", count, m, ws, history)
	}
}

// update runs an Update on s and on the model with the same fn, and
// returns both errors. s's Update fails when it calls fn with another
// current state than the model's.
func update(ctx context.Context, t *testing.T, what string, s installstore.Store, m *model, q installstore.Query, fn func(*installstore.Installation) (*installstore.Installation, error)) (got, want error) {
	t.Helper()
	wantCur, _ := m.find(q)
	want = m.update(q, fn)
	got = s.Update(ctx, q, func(cur *installstore.Installation) (*installstore.Installation, error) {
		if wantCur == nil {
			return nil, fmt.Errorf("%s: Update called fn with %s, want ErrNotFound as with the whole history", what, describe(cur))
		}
		if d := differences(cur, wantCur); len(d) > 0 {
			return nil, fmt.Errorf("%s: Update's fn got another state than with the whole history:\n  %s", what, strings.Join(d, "\n  "))
		}
		return fn(cur)
	})
	return got, want
}

// recentRecordsAreKept rotates one bot token 20 times: lookups need only the
// last record, and the history most recent ones are kept besides.
func recentRecordsAreKept(ctx context.Context, t *testing.T, s installstore.Store, count Counter, history int) {
	m := newModel()
	first := workspace()
	save(ctx, t, s, first)
	m.save(first)
	for i := 1; i <= 20; i++ {
		at := base.Add(time.Duration(i) * time.Hour)
		what := fmt.Sprintf("rotation %d", i)
		if got, want := update(ctx, t, what, s, m, qT1, rotate(i, at, false)); got != nil || want != nil {
			t.Fatalf("%s: Update = %v (model %v)", what, got, want)
		}
		checkLookups(ctx, t, what, s, m, qT1, []string{"U1", "U2"})
	}
	n, err := count(ctx, qT1)
	if err != nil {
		t.Fatal(err)
	}
	if want := max(history, 1); n != want {
		t.Errorf("after 20 rotations %s holds %d records, want %d (the latest, and the %d most recent)", qT1.WorkspaceKey(), n, want, history)
	}
}

// deleteBotFindsAnOlderUserToken: a user who installed with a user token,
// then reinstalled without user scopes, keeps the user token across the
// bot's rotations, and still has it once the bot is deleted.
func deleteBotFindsAnOlderUserToken(ctx context.Context, t *testing.T, s installstore.Store, count Counter, history int) {
	m := newModel()
	withUser := record(qT1, 1, "U1", true, true, base)
	botOnly := record(qT1, 2, "U1", false, false, base.Add(time.Hour))
	botOnly.BotToken = "xoxb-2"
	for _, r := range []*installstore.Installation{withUser, botOnly} {
		save(ctx, t, s, r)
		m.save(r)
	}
	for i := 3; i < 10; i++ {
		what := fmt.Sprintf("rotation %d", i)
		if got, want := update(ctx, t, what, s, m, qT1, rotate(i, base.Add(time.Duration(i)*time.Hour), false)); got != nil || want != nil {
			t.Fatalf("%s: Update = %v (model %v)", what, got, want)
		}
	}
	checkLookups(ctx, t, "after the rotations", s, m, qT1, []string{"U1"})
	checkCount(ctx, t, "after the rotations", count, m, qT1, history)
	if err := s.DeleteBot(ctx, qT1); err != nil {
		t.Fatal(err)
	}
	m.deleteBot(qT1)
	checkLookups(ctx, t, "after DeleteBot", s, m, qT1, []string{"U1"})
	if got := mustFind(ctx, t, s, false, qUser("U1")); got.UserToken != withUser.UserToken {
		t.Errorf("after DeleteBot FindInstallation(U1) = %s, want the user token of the first install", describe(got))
	}
	checkCount(ctx, t, "after DeleteBot", count, m, qT1, history)
	if err := s.DeleteInstallation(ctx, qUser("U1")); err != nil {
		t.Fatal(err)
	}
	m.deleteInstallation(qUser("U1"))
	checkLookups(ctx, t, "after DeleteInstallation", s, m, qT1, []string{"U1"})
	checkCount(ctx, t, "after DeleteInstallation", count, m, qT1, history)
}

// RunConcurrentRetention has goroutines spread over stores (which may be
// several handles on one database, standing for replicas) write workspace
// T1 at once: installs by users and by the bot, and bot token rotations,
// every record with its own InstalledAt. Then each store must answer every
// lookup as the whole history does, and, when count is set, T1 must hold
// exactly the records that retention keeps: pruning under concurrent
// writers never deletes a record that another just wrote or that a lookup
// needs, and never leaves one that it should have deleted.
func RunConcurrentRetention(ctx context.Context, t *testing.T, stores []installstore.Store, count Counter, history int) {
	t.Helper()
	const perWriter = 15
	writers := 2 * len(stores)
	var (
		seq  atomic.Int64
		mu   sync.Mutex
		log  []*installstore.Installation // every record stored
		wg   sync.WaitGroup
		errs = make(chan error, writers*perWriter)
	)
	next := func() time.Time { return base.Add(time.Duration(seq.Add(1)) * time.Second) }
	stored := func(r *installstore.Installation) {
		mu.Lock()
		log = append(log, r.Clone())
		mu.Unlock()
	}
	start := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int, s installstore.Store) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			<-start
			for i := 0; i < perWriter; i++ {
				op := w*1000 + i
				user := historyUsers[rng.IntN(4)]
				var r *installstore.Installation
				switch rng.IntN(4) {
				case 0:
					r = record(qT1, op, user, true, true, next())
				case 1:
					r = record(qT1, op, user, true, false, next())
				case 2:
					r = record(qT1, op, user, false, true, next())
				default:
					var out *installstore.Installation
					err := s.Update(ctx, qT1, func(cur *installstore.Installation) (*installstore.Installation, error) {
						out, _ = rotate(op, next(), false)(cur)
						return out, nil
					})
					if err != nil && !errors.Is(err, installstore.ErrNotFound) {
						errs <- fmt.Errorf("writer %d: Update: %w", w, err)
					} else if err == nil && out != nil {
						stored(out)
					}
					continue
				}
				if err := s.Save(ctx, r); err != nil {
					errs <- fmt.Errorf("writer %d: Save: %w", w, err)
					continue
				}
				stored(r)
			}
		}(w, stores[w%len(stores)])
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	// Every InstalledAt differs, so the order of the Saves does not matter.
	slices.SortFunc(log, func(a, b *installstore.Installation) int { return a.InstalledAt.Compare(b.InstalledAt) })
	m := newModel()
	for _, r := range log {
		m.save(r)
	}
	for i, s := range stores {
		checkLookups(ctx, t, fmt.Sprintf("store %d after %d concurrent writes", i, len(log)), s, m, qT1, historyUsers)
	}
	checkCount(ctx, t, fmt.Sprintf("after %d concurrent writes", len(log)), count, m, qT1, history)
}
