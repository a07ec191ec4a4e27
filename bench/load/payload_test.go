package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/sqlitestore"
	"github.com/slackgen/slackgen/runtime/signature"
)

func TestPayloadsAreWellFormed(t *testing.T) {
	teams := activeTeams(10_000, 100)
	if teams[1] != 100 || teams[99] != 9900 {
		t.Fatalf("activeTeams = %v…", teams[:2])
	}
	cmd := commandPayload(teams)
	if len(cmd.Bodies) != 100 {
		t.Fatalf("%d command bodies", len(cmd.Bodies))
	}
	f, err := url.ParseQuery(string(cmd.Bodies[1]))
	if err != nil || f.Get("command") != "/ticket" || f.Get("team_id") != teamID(100) {
		t.Errorf("command body %s: %v", cmd.Bodies[1], err)
	}
	ev := eventPayload(teams, 250)
	ids := map[string]bool{}
	for i, b := range ev.Bodies {
		var env struct {
			Type    string `json:"type"`
			TeamID  string `json:"team_id"`
			EventID string `json:"event_id"`
			Event   struct {
				Type string `json:"type"`
			} `json:"event"`
			Authorizations []struct {
				TeamID string `json:"team_id"`
				UserID string `json:"user_id"`
			} `json:"authorizations"`
		}
		if err := json.Unmarshal(b, &env); err != nil {
			t.Fatalf("event body %d: %v\n%s", i, err, b)
		}
		want := teamID(teams[i%len(teams)])
		if env.Type != "event_callback" || env.Event.Type != "reaction_added" || env.TeamID != want ||
			len(env.Authorizations) != 1 || env.Authorizations[0].TeamID != want {
			t.Errorf("event body %d: %+v", i, env)
		}
		if ids[env.EventID] {
			t.Errorf("event id %s repeated", env.EventID)
		}
		ids[env.EventID] = true
	}
}

// The app keeps its de-duplication window from one wrk run to the next, so
// each run must send event ids no earlier run sent; otherwise the app drops
// them as retries and runs fewer handlers than it acks.
func TestEventPayloadRunsUseFreshIDs(t *testing.T) {
	p := eventPayload(activeTeams(10, 10), 30)
	seen := map[string]int{}
	for run := 1; run <= 6; run++ {
		bodies := p.bodiesFor(run)
		if len(bodies) != 30 {
			t.Fatalf("run %d: %d bodies", run, len(bodies))
		}
		for _, b := range bodies {
			var env struct {
				EventID string `json:"event_id"`
			}
			if err := json.Unmarshal(b, &env); err != nil {
				t.Fatal(err)
			}
			if prev, ok := seen[env.EventID]; ok {
				t.Fatalf("event id %s sent in run %d and again in run %d", env.EventID, prev, run)
			}
			seen[env.EventID] = run
		}
	}
	if cmd := commandPayload(activeTeams(10, 10)); len(cmd.bodiesFor(3)) != 10 {
		t.Error("commands do not vary: every run sends the same bodies")
	}
}

func TestWriteRequestsSignsEachBody(t *testing.T) {
	path := filepath.Join(t.TempDir(), "req.txt")
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	p := eventPayload(activeTeams(10, 10), 20)
	if err := writeRequests(path, "s3cret", ts, p.Bodies); err != nil {
		t.Fatal(err)
	}
	v, err := signature.New([]string{"s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		sig, body, ok := bytes.Cut(sc.Bytes(), []byte("\t"))
		if !ok {
			t.Fatalf("line %d has no tab", n)
		}
		if err := v.Verify(ts, string(sig), body); err != nil {
			t.Errorf("line %d: %v", n, err)
		}
		if !bytes.Equal(body, p.Bodies[n]) {
			t.Errorf("line %d: body changed", n)
		}
		n++
	}
	if n != len(p.Bodies) {
		t.Errorf("%d lines, want %d", n, len(p.Bodies))
	}
}

func TestPreload(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a SQLite database")
	}
	path := filepath.Join(t.TempDir(), "app.db")
	ctx := context.Background()
	if err := preload(ctx, path, 20); err != nil {
		t.Fatal(err)
	}
	st, err := sqlitestore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	bot, err := st.FindBot(ctx, installstore.Query{TeamID: teamID(19)})
	if err != nil || bot.BotUserID != botUserID(19) {
		t.Fatalf("FindBot = %+v, %v", bot, err)
	}
}
