package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/slackgen/slackgen/runtime/oauth"
	"github.com/slackgen/slackgen/runtime/slacktest"
)

// pgRig is two replicas of the PostgreSQL variant of examples/multi-workspace
// sharing one schema, behind a round-robin balancer that the emulator sends
// its traffic and redirects to.
type pgRig struct {
	emu  *slacktest.Server
	lb   *balancer
	a, b *appProcess
	db   *pgxpool.Pool // the test's own connection to the replicas' schema
}

func newPostgresRig(t *testing.T, opts ...slacktest.Option) *pgRig {
	t.Helper()
	base := os.Getenv("SLACKGEN_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("SLACKGEN_TEST_POSTGRES_URL is not set: set it to a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the replica tests")
	}
	bin := postgresAppBinary(t)
	dbURL, pool := freshSchema(t, base)
	lb := newBalancer(t)
	// The app's own manifest (token rotation on) describes the emulated app.
	emu := newEmulator(t, filepath.Join(buildDir, "pgapp", "manifest.yaml"), lb.srv.URL, opts...)
	env := append(emu.Env(), "DATABASE_URL="+dbURL)
	r := &pgRig{emu: emu, lb: lb, db: pool}
	r.a = startApp(t, "replica A", bin, freePort(t), env)
	r.b = startApp(t, "replica B", bin, freePort(t), env)
	lb.setTargets(t, r.a.URL, r.b.URL)
	return r
}

// freshSchema creates a schema of its own for the test in the database at
// base, drops it when the test ends, and returns a URL selecting it
// (search_path) and a pool on it.
func freshSchema(t *testing.T, base string) (string, *pgxpool.Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	schema := "e2e_" + hex.EncodeToString(rnd[:])
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to SLACKGEN_TEST_POSTGRES_URL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("SLACKGEN_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	pool, err := pgxpool.New(ctx, u.String())
	if err != nil {
		t.Fatalf("connecting to schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return u.String(), pool
}

// rowsPerTeam counts the stored installation rows of each team.
func (r *pgRig) rowsPerTeam(t *testing.T, ctx context.Context) map[string]int {
	t.Helper()
	rows, err := r.db.Query(ctx, "SELECT team_id, count(*) FROM slackgen_installations GROUP BY team_id")
	if err != nil {
		t.Fatalf("counting installations: %v", err)
	}
	out := map[string]int{}
	for rows.Next() {
		var team string
		var n int
		if err := rows.Scan(&team, &n); err != nil {
			t.Fatal(err)
		}
		out[team] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReplicas: two app processes share PostgreSQL. An install started on
// one replica finishes on the other (the signed state and its cookie need
// no shared state store), 20 concurrent installs of different workspaces
// split across both succeed, each workspace is stored exactly once, and
// each answers commands through either replica.
func TestReplicas(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	r := newPostgresRig(t)

	install(t, ctx, r.a.URL, r.b.URL, "T0001")
	install(t, ctx, r.b.URL, r.a.URL, "T0002")

	const n = 20
	teams := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		teams[i] = fmt.Sprintf("T9%03d", i)
		start, finish := r.a.URL, r.b.URL
		if i%2 == 1 {
			start, finish = finish, start
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := NewInstaller().Install(ctx, start, finish, teams[i])
			switch {
			case err != nil:
				errs[i] = err
			case !res.Succeeded():
				errs[i] = fmt.Errorf("callback answered %d: %.300s", res.Status, res.Body)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("install in %s: %v", teams[i], err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	got := r.rowsPerTeam(t, ctx)
	for _, team := range append([]string{"T0001", "T0002"}, teams...) {
		if got[team] != 1 {
			t.Errorf("%s is stored %d times, want exactly once", team, got[team])
		}
	}
	if len(got) != n+2 {
		t.Errorf("%d teams stored, want %d: %v", len(got), n+2, got)
	}

	// Every workspace is served by both replicas (the balancer alternates).
	for _, team := range append([]string{"T0001", "T0002"}, teams[:4]...) {
		for i := range 2 {
			reply, err := r.emu.SendCommand(ctx, team, "/ticket", "replica check")
			if err != nil || !strings.Contains(string(reply.Body), "You said: replica check") {
				t.Errorf("command %d from %s: %v %+v", i, team, err, reply)
			}
		}
	}
	if a, b := r.lb.hits[0].Load(), r.lb.hits[1].Load(); a == 0 || b == 0 {
		t.Errorf("balancer sent %d requests to A and %d to B, want both", a, b)
	}
}

// TestReplicasTokenRotation: with rotating tokens that are due for a
// refresh, both replicas receive traffic for the same workspaces at once.
// Each workspace's refresh token is spent exactly once (the emulator
// counts refreshes and replays of spent refresh tokens), and every request
// succeeds.
//
// The app refreshes tokens that expire within oauth.DefaultRefreshBefore (2
// hours; SLACK_TOKEN_REFRESH_BEFORE is left unset so the default is what is
// tested), so the emulator issues tokens that live 6 seconds longer than the
// margin: they are due 6 seconds after the install.
func TestReplicasTokenRotation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	const dueAfter = 6 * time.Second
	r := newPostgresRig(t, slacktest.WithTokenLifetime(oauth.DefaultRefreshBefore+dueAfter))
	if !r.emu.App().TokenRotation {
		t.Fatal("the emulated app does not rotate tokens; the PostgreSQL variant's manifest should enable token_rotation_enabled")
	}

	teams := []string{"T0001", "T0002", "T0003"}
	for i, team := range teams {
		start, finish := r.a.URL, r.b.URL
		if i%2 == 1 {
			start, finish = finish, start
		}
		install(t, ctx, start, finish, team)
	}
	installed := time.Now() // every installed token expires before installed + lifetime
	var refreshTokens int
	if err := r.db.QueryRow(ctx, "SELECT count(*) FROM slackgen_installations WHERE bot_refresh_token <> '' AND bot_token_expires_at IS NOT NULL").Scan(&refreshTokens); err != nil {
		t.Fatal(err)
	}
	if refreshTokens != len(teams) {
		t.Fatalf("%d stored installations have a refresh token and an expiry, want %d", refreshTokens, len(teams))
	}
	if n := r.emu.Refreshes(); n != 0 {
		t.Fatalf("%d refreshes right after the installs, want 0", n)
	}

	// No request before this point: neither replica has cached an
	// authorization, so the first requests of both must deal with the
	// due tokens together. Every token is due once this sleep ends.
	time.Sleep(time.Until(installed.Add(dueAfter + 500*time.Millisecond)))

	const perTeam = 8
	type outcome struct {
		team, what string
		err        error
	}
	results := make(chan outcome, len(teams)*(perTeam+2))
	var wg sync.WaitGroup
	for _, team := range teams {
		for i := range perTeam {
			wg.Add(1)
			go func() {
				defer wg.Done()
				text := fmt.Sprintf("burst %d", i)
				reply, err := r.emu.SendCommand(ctx, team, "/ticket", text)
				if err == nil && !strings.Contains(string(reply.Body), "You said: "+text) {
					err = fmt.Errorf("reply %d %q", reply.Status, reply.Body)
				}
				results <- outcome{team, "command", err}
			}()
		}
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				reply, err := r.emu.SendAppMention(ctx, team, "<@bot> status")
				if err == nil && !reply.OK() {
					err = fmt.Errorf("reply %d %q", reply.Status, reply.Body)
				}
				results <- outcome{team, "app_mention", err}
			}()
		}
	}
	wg.Wait()
	close(results)
	for o := range results {
		if o.err != nil {
			t.Errorf("%s from %s failed: %v", o.what, o.team, o.err)
		}
	}
	// The mentions' replies are posted after the ack, with the tokens.
	eventually(t, 15*time.Second, "every mention is answered", func() error {
		if n := len(r.emu.CallsTo("chat.postMessage")); n < 2*len(teams) {
			return fmt.Errorf("%d chat.postMessage calls, want %d", n, 2*len(teams))
		}
		return nil
	})
	for _, c := range r.emu.CallsTo("chat.postMessage") {
		if !c.OK {
			t.Errorf("chat.postMessage for %s failed: %s", c.Team, c.Error)
		}
	}

	if got := r.emu.Refreshes(); got != len(teams) {
		t.Errorf("%d refresh-token exchanges, want exactly %d (one per workspace)", got, len(teams))
	}
	if got := r.emu.RefreshReplays(); got != 0 {
		t.Errorf("%d attempts to spend an already spent refresh token, want 0", got)
	}
	if a, b := r.lb.hits[0].Load(), r.lb.hits[1].Load(); a == 0 || b == 0 {
		t.Errorf("balancer sent %d requests to A and %d to B, want both", a, b)
	}
	// The replicas' own account agrees: one refresh per workspace in all.
	const refreshed = `"msg":"oauth: tokens refreshed"`
	if a, b := strings.Count(r.a.logs.String(), refreshed), strings.Count(r.b.logs.String(), refreshed); a+b != len(teams) {
		t.Errorf("replica A logged %d refreshes and B %d, want %d in all", a, b, len(teams))
	}
	// The stored tokens are the refreshed ones: they expire two hours and
	// six seconds after the refresh, later than any installed token.
	var minExpiry time.Time
	if err := r.db.QueryRow(ctx, `SELECT min(latest) FROM (
		SELECT max(bot_token_expires_at) AS latest FROM slackgen_installations GROUP BY team_id) t`).Scan(&minExpiry); err != nil {
		t.Fatal(err)
	}
	if !minExpiry.After(installed.Add(oauth.DefaultRefreshBefore + dueAfter)) {
		t.Errorf("latest stored expiry %s is not later than the installed tokens' (%s): the refreshed tokens were not stored",
			minExpiry, installed.Add(oauth.DefaultRefreshBefore+dueAfter))
	}
}
