// Package storetest is the conformance suite for installstore.Store. Every
// store of this module passes it, and you can run it against your own:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) installstore.Store {
//			return mystore.New(t.TempDir())
//		})
//	}
//
// newStore is called once per subtest and must return an empty store that
// is isolated from every other one (a fresh file, schema or key prefix);
// register cleanup with t.Cleanup.
//
// A store that bounds its history as the stores of this module do (see
// "History and retention" in package installstore) also runs RunRetention,
// with a Counter that reads how many records it holds; RunConcurrentUpdates
// and RunConcurrentRetention take several handles on one database, standing
// for several processes.
//
// Timestamps used by the suite have microsecond precision, the finest that
// PostgreSQL keeps.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// Run runs the conformance suite as subtests of t.
func Run(t *testing.T, newStore func(t *testing.T) installstore.Store) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			tc.run(ctx, t, newStore(t))
		})
	}
}

type testCase struct {
	name string
	run  func(ctx context.Context, t *testing.T, s installstore.Store)
}

var base = time.Date(2025, 3, 4, 5, 6, 7, 123456000, time.UTC)

// workspace is a plain (non-Grid) workspace install by user U1 with bot and
// user tokens, every field set.
func workspace() *installstore.Installation {
	return &installstore.Installation{
		AppID:                           "A1",
		TeamID:                          "T1",
		TeamName:                        "Team One",
		BotToken:                        "xoxb-1",
		BotID:                           "B1",
		BotUserID:                       "UB1",
		BotScopes:                       []string{"chat:write", "commands"},
		BotRefreshToken:                 "xoxe-1-bot",
		BotTokenExpiresAt:               base.Add(12 * time.Hour),
		UserID:                          "U1",
		UserToken:                       "xoxp-u1",
		UserScopes:                      []string{"search:read"},
		UserRefreshToken:                "xoxe-1-u1",
		UserTokenExpiresAt:              base.Add(11 * time.Hour),
		IncomingWebhookURL:              "https://hooks.slack.test/services/T1/B1/x",
		IncomingWebhookChannel:          "#general",
		IncomingWebhookChannelID:        "C1",
		IncomingWebhookConfigurationURL: "https://team1.slack.test/services/B1",
		TokenType:                       "bot",
		InstalledAt:                     base,
	}
}

// userOnly is a user-token installation of T1 by user id, without a bot.
func userOnly(id string, at time.Time) *installstore.Installation {
	return &installstore.Installation{
		AppID: "A1", TeamID: "T1", UserID: id,
		UserToken: "xoxp-" + strings.ToLower(id), UserScopes: []string{"search:read"},
		InstalledAt: at,
	}
}

func grid(team string) *installstore.Installation {
	i := workspace()
	i.EnterpriseID, i.EnterpriseName, i.EnterpriseURL = "E1", "Org", "https://org.enterprise.slack.test/"
	i.TeamID = team
	i.BotToken = "xoxb-" + team
	return i
}

func orgWide() *installstore.Installation {
	i := workspace()
	i.EnterpriseID, i.EnterpriseName, i.EnterpriseURL = "E1", "Org", "https://org.enterprise.slack.test/"
	i.TeamID, i.TeamName = "", ""
	i.IsEnterpriseInstall = true
	i.BotToken = "xoxb-org"
	return i
}

var qT1 = installstore.Query{TeamID: "T1"}

func qUser(u string) installstore.Query { return installstore.Query{TeamID: "T1", UserID: u} }

func save(ctx context.Context, t *testing.T, s installstore.Store, insts ...*installstore.Installation) {
	t.Helper()
	for _, i := range insts {
		if err := s.Save(ctx, i); err != nil {
			t.Fatalf("Save(%s user %q): %v", installstore.Key(i).WorkspaceKey(), i.UserID, err)
		}
	}
}

func mustFind(ctx context.Context, t *testing.T, s installstore.Store, bot bool, q installstore.Query) *installstore.Installation {
	t.Helper()
	var got *installstore.Installation
	var err error
	if bot {
		got, err = s.FindBot(ctx, q)
	} else {
		got, err = s.FindInstallation(ctx, q)
	}
	if err != nil {
		t.Fatalf("find(bot=%v, %+v): %v", bot, q, err)
	}
	if got == nil {
		t.Fatalf("find(bot=%v, %+v) returned nil without error", bot, q)
	}
	return got
}

func wantMissing(ctx context.Context, t *testing.T, s installstore.Store, bot bool, q installstore.Query) {
	t.Helper()
	var got *installstore.Installation
	var err error
	if bot {
		got, err = s.FindBot(ctx, q)
	} else {
		got, err = s.FindInstallation(ctx, q)
	}
	if !errors.Is(err, installstore.ErrNotFound) {
		t.Fatalf("find(bot=%v, %+v) = %s, %v; want ErrNotFound", bot, q, describe(got), err)
	}
}

// describe names an installation without printing its tokens in full.
func describe(i *installstore.Installation) string {
	if i == nil {
		return "<nil>"
	}
	return fmt.Sprintf("{team %q user %q bot %q user token %q}", i.TeamID, i.UserID, i.BotToken, i.UserToken)
}

// equal compares installations field by field, times with Equal.
func equal(t *testing.T, what string, got, want *installstore.Installation) {
	t.Helper()
	g, w := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := 0; i < g.NumField(); i++ {
		name := g.Type().Field(i).Name
		gf, wf := g.Field(i).Interface(), w.Field(i).Interface()
		switch gv := gf.(type) {
		case time.Time:
			if !gv.Equal(wf.(time.Time)) {
				t.Errorf("%s: %s = %v, want %v", what, name, gv, wf)
			}
		case []string:
			wv := wf.([]string)
			if len(gv) != len(wv) || (len(gv) > 0 && !reflect.DeepEqual(gv, wv)) {
				t.Errorf("%s: %s = %q, want %q", what, name, gv, wv)
			}
		default:
			if gf != wf {
				t.Errorf("%s: %s = %v, want %v", what, name, gf, wf)
			}
		}
	}
}

func botOnly(i *installstore.Installation) *installstore.Installation {
	o := i.Clone()
	o.UserID, o.UserToken, o.UserScopes, o.UserRefreshToken, o.UserTokenExpiresAt = "", "", nil, "", time.Time{}
	return o
}

func withBotOf(i, bot *installstore.Installation) *installstore.Installation {
	o := i.Clone()
	o.BotToken, o.BotID, o.BotUserID, o.BotScopes = bot.BotToken, bot.BotID, bot.BotUserID, bot.BotScopes
	o.BotRefreshToken, o.BotTokenExpiresAt = bot.BotRefreshToken, bot.BotTokenExpiresAt
	return o
}

func noBot(i *installstore.Installation) *installstore.Installation {
	return withBotOf(i, &installstore.Installation{})
}

var cases = []testCase{
	{"RoundTripEveryField", func(ctx context.Context, t *testing.T, s installstore.Store) {
		in := workspace()
		save(ctx, t, s, in)
		equal(t, "FindInstallation(user)", mustFind(ctx, t, s, false, qUser("U1")), in)
		equal(t, "FindInstallation(any user)", mustFind(ctx, t, s, false, qT1), in)
		equal(t, "FindBot", mustFind(ctx, t, s, true, qUser("U1")), botOnly(in))
		equal(t, "FindBot ignores UserID", mustFind(ctx, t, s, true, qUser("U9")), botOnly(in))
	}},
	{"EmptyStore", func(ctx context.Context, t *testing.T, s installstore.Store) {
		wantMissing(ctx, t, s, true, qT1)
		wantMissing(ctx, t, s, false, qT1)
		wantMissing(ctx, t, s, false, qUser("U1"))
	}},
	{"SaveSetsInstalledAtWhenZero", func(ctx context.Context, t *testing.T, s installstore.Store) {
		in := workspace()
		in.InstalledAt = time.Time{}
		before := time.Now().Add(-time.Second)
		save(ctx, t, s, in)
		after := time.Now().Add(time.Second)
		got := mustFind(ctx, t, s, true, qT1).InstalledAt
		if got.Before(before) || got.After(after) {
			t.Fatalf("InstalledAt = %v, want between %v and %v", got, before, after)
		}
	}},
	{"SaveDoesNotAlias", func(ctx context.Context, t *testing.T, s installstore.Store) {
		in := workspace()
		save(ctx, t, s, in)
		in.BotToken = "changed-after-save"
		in.BotScopes[0] = "changed"
		got := mustFind(ctx, t, s, true, qT1)
		got.BotScopes[0] = "mutated-result"
		got.BotToken = "mutated-result"
		equal(t, "FindBot after mutating input and result", mustFind(ctx, t, s, true, qT1), botOnly(workspace()))
	}},
	{"WorkspacesAreSeparate", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace(), grid("T1"), grid("T2"))
		for _, tc := range []struct {
			q    installstore.Query
			want string
		}{
			{installstore.Query{TeamID: "T1"}, "xoxb-1"},
			{installstore.Query{EnterpriseID: "E1", TeamID: "T1"}, "xoxb-T1"},
			{installstore.Query{EnterpriseID: "E1", TeamID: "T2"}, "xoxb-T2"},
		} {
			if got := mustFind(ctx, t, s, true, tc.q); got.BotToken != tc.want {
				t.Errorf("FindBot(%+v).BotToken = %q, want %q", tc.q, got.BotToken, tc.want)
			}
		}
		wantMissing(ctx, t, s, true, installstore.Query{EnterpriseID: "E1", TeamID: "T3"})
		wantMissing(ctx, t, s, true, installstore.Query{EnterpriseID: "E2", TeamID: "T1"})
		wantMissing(ctx, t, s, true, installstore.Query{EnterpriseID: "E1", IsEnterpriseInstall: true})
	}},
	{"OrgWideInstallKeyedByEnterprise", func(ctx context.Context, t *testing.T, s installstore.Store) {
		in := orgWide()
		in.TeamID = "T-where-installed" // ignored: org-wide installs are keyed by enterprise
		save(ctx, t, s, in)
		for _, team := range []string{"", "T1", "T2"} {
			q := installstore.Query{EnterpriseID: "E1", TeamID: team, IsEnterpriseInstall: true}
			if got := mustFind(ctx, t, s, true, q); got.BotToken != "xoxb-org" {
				t.Errorf("FindBot(%+v).BotToken = %q, want xoxb-org", q, got.BotToken)
			}
			q.UserID = "U1"
			if got := mustFind(ctx, t, s, false, q); got.UserToken != "xoxp-u1" || got.BotToken != "xoxb-org" {
				t.Errorf("FindInstallation(%+v) = %s", q, describe(got))
			}
		}
		wantMissing(ctx, t, s, true, installstore.Query{EnterpriseID: "E1", TeamID: "T1"})
		wantMissing(ctx, t, s, true, installstore.Query{EnterpriseID: "E2", IsEnterpriseInstall: true})
		if err := s.DeleteAll(ctx, installstore.Query{EnterpriseID: "E1", TeamID: "T7", IsEnterpriseInstall: true}); err != nil {
			t.Fatal(err)
		}
		wantMissing(ctx, t, s, true, installstore.Query{EnterpriseID: "E1", IsEnterpriseInstall: true})
	}},
	{"LatestWins", func(ctx context.Context, t *testing.T, s installstore.Store) {
		first := workspace()
		second := workspace()
		second.BotToken, second.UserToken = "xoxb-2", "xoxp-u1-2"
		third := workspace() // same InstalledAt as second: inserted later, so it wins
		third.BotToken, third.UserToken = "xoxb-3", "xoxp-u1-3"
		second.InstalledAt = base.Add(time.Minute)
		third.InstalledAt = base.Add(time.Minute)
		older := workspace() // saved last but installed earlier: loses
		older.BotToken, older.UserToken = "xoxb-old", "xoxp-old"
		older.InstalledAt = base.Add(-time.Hour)
		save(ctx, t, s, first, second, third, older)
		if got := mustFind(ctx, t, s, true, qT1); got.BotToken != "xoxb-3" {
			t.Errorf("FindBot().BotToken = %q, want xoxb-3", got.BotToken)
		}
		if got := mustFind(ctx, t, s, false, qUser("U1")); got.UserToken != "xoxp-u1-3" || got.BotToken != "xoxb-3" {
			t.Errorf("FindInstallation(U1) = %s, want the third save", describe(got))
		}
		if got := mustFind(ctx, t, s, false, qT1); got.UserToken != "xoxp-u1-3" {
			t.Errorf("FindInstallation(any) = %s, want the third save", describe(got))
		}
	}},
	{"PerUserMissNeverReturnsAnotherUsersToken", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace(), userOnly("U2", base.Add(time.Minute)))
		wantMissing(ctx, t, s, false, qUser("U3"))
		if got := mustFind(ctx, t, s, false, qUser("U1")); got.UserToken != "xoxp-u1" {
			t.Errorf("FindInstallation(U1).UserToken = %q, want xoxp-u1", got.UserToken)
		}
		if got := mustFind(ctx, t, s, false, qUser("U2")); got.UserToken != "xoxp-u2" {
			t.Errorf("FindInstallation(U2).UserToken = %q, want xoxp-u2", got.UserToken)
		}
	}},
	{"UserInstallationGetsLatestBot", func(ctx context.Context, t *testing.T, s installstore.Store) {
		u1 := workspace()
		u2 := workspace()
		u2.UserID, u2.UserToken = "U2", "xoxp-u2"
		u2.BotToken, u2.BotRefreshToken = "xoxb-newer", "xoxe-newer"
		u2.InstalledAt = base.Add(time.Hour)
		save(ctx, t, s, u1, u2, userOnly("U3", base.Add(2*time.Hour)))
		got := mustFind(ctx, t, s, false, qUser("U1"))
		equal(t, "FindInstallation(U1)", got, withBotOf(u1, u2))
		// The latest record (U3) has no bot: the workspace's bot still comes along.
		got = mustFind(ctx, t, s, false, qT1)
		if got.UserID != "U3" || got.BotToken != "xoxb-newer" {
			t.Errorf("FindInstallation(any) = %s, want U3's with bot xoxb-newer", describe(got))
		}
		if got := mustFind(ctx, t, s, true, qT1); got.BotToken != "xoxb-newer" || got.UserID != "" || got.UserToken != "" {
			t.Errorf("FindBot() = %s, want bot xoxb-newer without user fields", describe(got))
		}
	}},
	{"DeleteBot", func(ctx context.Context, t *testing.T, s installstore.Store) {
		other := grid("T1")
		save(ctx, t, s, workspace(), userOnly("U2", base.Add(time.Minute)), other)
		if err := s.DeleteBot(ctx, qUser("U1")); err != nil { // UserID plays no part
			t.Fatal(err)
		}
		wantMissing(ctx, t, s, true, qT1)
		got := mustFind(ctx, t, s, false, qUser("U1"))
		equal(t, "FindInstallation(U1) after DeleteBot", got, noBot(workspace()))
		if got := mustFind(ctx, t, s, false, qUser("U2")); got.UserToken != "xoxp-u2" {
			t.Errorf("FindInstallation(U2) = %s", describe(got))
		}
		equal(t, "other workspace", mustFind(ctx, t, s, true, installstore.Key(other)), botOnly(other))
	}},
	{"DeleteInstallationOfOneUser", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace(), userOnly("U2", base.Add(time.Minute)))
		if err := s.DeleteInstallation(ctx, qUser("U1")); err != nil {
			t.Fatal(err)
		}
		wantMissing(ctx, t, s, false, qUser("U1"))
		if got := mustFind(ctx, t, s, false, qUser("U2")); got.UserToken != "xoxp-u2" || got.BotToken != "xoxb-1" {
			t.Errorf("FindInstallation(U2) = %s, want U2's token and bot xoxb-1", describe(got))
		}
		equal(t, "FindBot after deleting U1", mustFind(ctx, t, s, true, qT1), botOnly(workspace()))
	}},
	{"DeleteInstallationOfEveryUser", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace(), userOnly("U2", base.Add(time.Minute)), grid("T1"))
		if err := s.DeleteInstallation(ctx, qT1); err != nil {
			t.Fatal(err)
		}
		wantMissing(ctx, t, s, false, qUser("U1"))
		wantMissing(ctx, t, s, false, qUser("U2"))
		equal(t, "FindBot", mustFind(ctx, t, s, true, qT1), botOnly(workspace()))
		if got := mustFind(ctx, t, s, false, qT1); got.UserToken != "" || got.UserID != "" || got.BotToken != "xoxb-1" {
			t.Errorf("FindInstallation(any) = %s, want the bot alone", describe(got))
		}
		grid := installstore.Query{EnterpriseID: "E1", TeamID: "T1", UserID: "U1"}
		if got := mustFind(ctx, t, s, false, grid); got.UserToken != "xoxp-u1" {
			t.Errorf("other workspace's FindInstallation(U1) = %s", describe(got))
		}
	}},
	{"DeleteInEitherOrder", func(ctx context.Context, t *testing.T, s installstore.Store) {
		for _, order := range [][]string{{"bot", "installation"}, {"installation", "bot"}} {
			save(ctx, t, s, workspace(), userOnly("U2", base.Add(time.Minute)))
			for _, what := range order {
				var err error
				if what == "bot" {
					err = s.DeleteBot(ctx, qT1)
				} else {
					err = s.DeleteInstallation(ctx, qT1)
				}
				if err != nil {
					t.Fatalf("%v: Delete %s: %v", order, what, err)
				}
			}
			wantMissing(ctx, t, s, true, qT1)
			wantMissing(ctx, t, s, false, qT1)
			wantMissing(ctx, t, s, false, qUser("U1"))
			wantMissing(ctx, t, s, false, qUser("U2"))
		}
	}},
	{"DeleteAll", func(ctx context.Context, t *testing.T, s installstore.Store) {
		other := grid("T1")
		save(ctx, t, s, workspace(), userOnly("U2", base.Add(time.Minute)), other)
		if err := s.DeleteAll(ctx, qUser("U2")); err != nil { // UserID plays no part
			t.Fatal(err)
		}
		wantMissing(ctx, t, s, true, qT1)
		wantMissing(ctx, t, s, false, qT1)
		wantMissing(ctx, t, s, false, qUser("U1"))
		equal(t, "other workspace", mustFind(ctx, t, s, false, installstore.Key(other)), other)
	}},
	{"DeletesAreIdempotent", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace())
		q := installstore.Query{EnterpriseID: "E9", TeamID: "T9", UserID: "U9"}
		for i := 0; i < 2; i++ {
			for name, del := range map[string]func(context.Context, installstore.Query) error{
				"DeleteBot": s.DeleteBot, "DeleteInstallation": s.DeleteInstallation, "DeleteAll": s.DeleteAll,
			} {
				if err := del(ctx, q); err != nil {
					t.Errorf("%s on a missing workspace (round %d): %v", name, i, err)
				}
				if err := del(ctx, qT1); err != nil {
					t.Errorf("%s (round %d): %v", name, i, err)
				}
			}
		}
		wantMissing(ctx, t, s, true, qT1)
	}},
	{"SaveAfterDelete", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace())
		if err := s.DeleteAll(ctx, qT1); err != nil {
			t.Fatal(err)
		}
		again := workspace()
		again.BotToken = "xoxb-again"
		save(ctx, t, s, again)
		if got := mustFind(ctx, t, s, true, qT1); got.BotToken != "xoxb-again" {
			t.Errorf("FindBot().BotToken = %q, want xoxb-again", got.BotToken)
		}
	}},
	{"UpdateStoresNewLatest", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace())
		err := s.Update(ctx, qT1, func(cur *installstore.Installation) (*installstore.Installation, error) {
			equal(t, "Update's current", cur, workspace())
			cur.BotToken, cur.BotRefreshToken = "xoxb-rotated", "xoxe-rotated"
			cur.BotTokenExpiresAt = base.Add(24 * time.Hour)
			return cur, nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		want := workspace()
		want.BotToken, want.BotRefreshToken, want.BotTokenExpiresAt = "xoxb-rotated", "xoxe-rotated", base.Add(24*time.Hour)
		equal(t, "FindBot after Update", mustFind(ctx, t, s, true, qT1), botOnly(want))
		equal(t, "FindInstallation(U1) after Update", mustFind(ctx, t, s, false, qUser("U1")), want)
	}},
	{"UpdateOfOneUserRotatesTheWorkspaceBot", func(ctx context.Context, t *testing.T, s installstore.Store) {
		u2 := userOnly("U2", base.Add(time.Hour)) // later, but no bot
		save(ctx, t, s, workspace(), u2)
		err := s.Update(ctx, qUser("U1"), func(cur *installstore.Installation) (*installstore.Installation, error) {
			cur.BotToken, cur.UserToken = "xoxb-rotated", "xoxp-u1-rotated"
			return cur, nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if got := mustFind(ctx, t, s, true, qT1); got.BotToken != "xoxb-rotated" {
			t.Errorf("FindBot().BotToken = %q, want xoxb-rotated", got.BotToken)
		}
		if got := mustFind(ctx, t, s, false, qUser("U2")); got.UserToken != "xoxp-u2" || got.BotToken != "xoxb-rotated" {
			t.Errorf("FindInstallation(U2) = %s", describe(got))
		}
		if got := mustFind(ctx, t, s, false, qUser("U1")); got.UserToken != "xoxp-u1-rotated" {
			t.Errorf("FindInstallation(U1) = %s", describe(got))
		}
	}},
	{"UpdateOfOrgWideInstall", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, orgWide())
		q := installstore.Query{EnterpriseID: "E1", TeamID: "T5", IsEnterpriseInstall: true}
		err := s.Update(ctx, q, func(cur *installstore.Installation) (*installstore.Installation, error) {
			cur.BotToken = "xoxb-org-rotated"
			return cur, nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		if got := mustFind(ctx, t, s, true, q); got.BotToken != "xoxb-org-rotated" {
			t.Errorf("FindBot().BotToken = %q, want xoxb-org-rotated", got.BotToken)
		}
	}},
	{"UpdateNilChangesNothing", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace())
		err := s.Update(ctx, qT1, func(cur *installstore.Installation) (*installstore.Installation, error) {
			cur.BotToken = "changed-but-not-returned"
			return nil, nil
		})
		if err != nil {
			t.Fatalf("Update: %v", err)
		}
		equal(t, "FindInstallation", mustFind(ctx, t, s, false, qT1), workspace())
	}},
	{"UpdateErrorChangesNothing", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace())
		boom := errors.New("refresh failed")
		err := s.Update(ctx, qT1, func(cur *installstore.Installation) (*installstore.Installation, error) {
			cur.BotToken = "changed"
			return cur, boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update = %v, want fn's error", err)
		}
		equal(t, "FindInstallation", mustFind(ctx, t, s, false, qT1), workspace())
	}},
	{"UpdateMissingIsNotFound", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace())
		for _, q := range []installstore.Query{
			{TeamID: "T2"}, qUser("U2"), {EnterpriseID: "E1", IsEnterpriseInstall: true},
		} {
			called := false
			err := s.Update(ctx, q, func(cur *installstore.Installation) (*installstore.Installation, error) {
				called = true
				return cur, nil
			})
			if !errors.Is(err, installstore.ErrNotFound) {
				t.Errorf("Update(%+v) = %v, want ErrNotFound", q, err)
			}
			if called {
				t.Errorf("Update(%+v) called fn for a missing installation", q)
			}
		}
	}},
	{"UpdateCannotMoveWorkspace", func(ctx context.Context, t *testing.T, s installstore.Store) {
		save(ctx, t, s, workspace())
		err := s.Update(ctx, qT1, func(cur *installstore.Installation) (*installstore.Installation, error) {
			cur.TeamID = "T2"
			return cur, nil
		})
		if err == nil {
			t.Fatal("Update that changes TeamID succeeded, want an error")
		}
		wantMissing(ctx, t, s, true, installstore.Query{TeamID: "T2"})
	}},
	{"UpdateSerializesConcurrentCallers", func(ctx context.Context, t *testing.T, s installstore.Store) {
		RunConcurrentUpdates(ctx, t, []installstore.Store{s}, 8)
	}},
	// A store may prune its history (see RunRetention), never so that a
	// lookup answers otherwise than with the whole history.
	{"ManyWritesAnswerAsTheWholeHistory", func(ctx context.Context, t *testing.T, s installstore.Store) {
		runHistory(ctx, t, s, nil, 0, 200, 3)
	}},
	{"DeleteBotFindsAnOlderUserToken", func(ctx context.Context, t *testing.T, s installstore.Store) {
		deleteBotFindsAnOlderUserToken(ctx, t, s, nil, 0)
	}},
}

// RunConcurrentUpdates saves one installation through stores[0], then runs n
// goroutines (spread over stores, which may be several handles on the same
// database, such as two connection pools standing for two replicas) that
// each Update the installation once, incrementing a counter kept in
// BotRefreshToken as token rotation would spend a refresh token. It fails t
// unless every goroutine saw a different counter and the final value is n.
func RunConcurrentUpdates(ctx context.Context, t *testing.T, stores []installstore.Store, n int) {
	t.Helper()
	in := workspace()
	in.BotRefreshToken = "refresh-0"
	save(ctx, t, stores[0], in)

	var mu sync.Mutex
	seen := make(map[int]int)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func(s installstore.Store) {
			defer wg.Done()
			<-start
			errs <- s.Update(ctx, qT1, func(cur *installstore.Installation) (*installstore.Installation, error) {
				v, err := strconv.Atoi(strings.TrimPrefix(cur.BotRefreshToken, "refresh-"))
				if err != nil {
					return nil, fmt.Errorf("counter %q: %w", cur.BotRefreshToken, err)
				}
				mu.Lock()
				seen[v]++
				mu.Unlock()
				time.Sleep(time.Millisecond) // widen the window a lost update would need
				cur.BotRefreshToken = "refresh-" + strconv.Itoa(v+1)
				return cur, nil
			})
		}(stores[g%len(stores)])
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Update: %v", err)
		}
	}
	for v, count := range seen {
		if count != 1 {
			t.Errorf("refresh token refresh-%d was spent %d times, want once", v, count)
		}
	}
	for _, s := range stores {
		got := mustFind(ctx, t, s, true, qT1)
		if want := "refresh-" + strconv.Itoa(n); got.BotRefreshToken != want {
			t.Errorf("after %d concurrent Updates BotRefreshToken = %q, want %q", n, got.BotRefreshToken, want)
		}
	}
}
