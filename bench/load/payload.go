package main

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/sqlitestore"
	"github.com/slackgen/slackgen/runtime/signature"
)

// payload is one kind of signed traffic: a slash command or an Events API
// delivery, in several variants (workspaces, event ids) sent round-robin.
type payload struct {
	Name        string
	ContentType string
	What        string // description for the report
	Bodies      [][]byte
	// Vary, when set, returns the bodies of the run-th wrk run (warm-ups
	// included) instead of Bodies: events get ids no earlier run used, so
	// that the app's de-duplication, which outlives a run, drops none.
	Vary func(run int) [][]byte
}

// bodiesFor returns the bodies of the run-th wrk run.
func (p payload) bodiesFor(run int) [][]byte {
	if p.Vary != nil {
		return p.Vary(run)
	}
	return p.Bodies
}

// teamID and botUserID name the preloaded workspace i.
func teamID(i int) string    { return fmt.Sprintf("T%08d", i) }
func botUserID(i int) string { return fmt.Sprintf("UB%08d", i) }

// preload writes n installations (one bot installation per workspace, by
// its installer) to a new SQLite store at path, the way the app's OAuth
// flow would have.
func preload(ctx context.Context, path string, n int) error {
	st, err := sqlitestore.Open(path)
	if err != nil {
		return err
	}
	defer st.Close()
	base := time.Now().Add(-24 * time.Hour)
	for i := range n {
		inst := &installstore.Installation{
			AppID: "A0BENCH", TeamID: teamID(i), TeamName: "Bench " + strconv.Itoa(i),
			BotToken: fmt.Sprintf("xoxb-bench-%d", i), BotID: fmt.Sprintf("B%08d", i), BotUserID: botUserID(i),
			BotScopes: []string{"app_mentions:read", "chat:write", "commands", "reactions:read"},
			UserID:    fmt.Sprintf("UI%08d", i), TokenType: "bot", InstalledAt: base.Add(time.Duration(i) * time.Second),
		}
		if err := st.Save(ctx, inst); err != nil {
			return fmt.Errorf("preloading installation %d: %w", i, err)
		}
	}
	return nil
}

// activeTeams picks workspaces spread over the n preloaded ones.
func activeTeams(n, active int) []int {
	active = min(active, n)
	out := make([]int, active)
	for i := range out {
		out[i] = i * (n / active)
	}
	return out
}

// commandPayload is /ticket (its example handler answers from the
// command's text, without calling the Web API) from each team.
func commandPayload(teams []int) payload {
	p := payload{Name: "command", ContentType: "application/x-www-form-urlencoded",
		What: "slash command `/ticket` (form body); the example handler formats a reply, no Web API call"}
	for _, t := range teams {
		f := url.Values{
			"token": {"gIkuvaNzQIHg97ATvDxqgjtO"}, "team_id": {teamID(t)}, "team_domain": {"bench" + strconv.Itoa(t)},
			"channel_id": {"C2147483705"}, "channel_name": {"general"}, "user_id": {"U2147483697"}, "user_name": {"steve"},
			"command": {"/ticket"}, "text": {"printer on fire"}, "api_app_id": {"A0BENCH"}, "is_enterprise_install": {"false"},
			"response_url": {"https://hooks.slack.com/commands/" + teamID(t) + "/1234/5678"},
			"trigger_id":   {"13345224609.738474920.8088930838d88f008e0"},
		}
		p.Bodies = append(p.Bodies, []byte(f.Encode()))
	}
	return p
}

// eventPayload is n reaction_added event callbacks with distinct event ids
// (more than the app's de-duplication window holds, so none is dropped as a
// retry when wrk goes round the list again), round-robin over teams. Each
// wrk run gets its own ids (Vary): the app keeps its de-duplication window
// from one run to the next.
func eventPayload(teams []int, n int) payload {
	p := payload{Name: "event", ContentType: "application/json",
		What:   "Events API `reaction_added` event_callback (JSON body); acked, then in the worker pool the generated wrapper decodes it into slackevents.ReactionAddedEvent and the example handler logs it at debug level (off: LOG_LEVEL unset)",
		Bodies: eventBodies(teams, n, 0)}
	p.Vary = func(run int) [][]byte { return eventBodies(teams, n, run) }
	return p
}

// eventBodies returns the event bodies of one wrk run: event ids
// Ev<run><index>, unique across runs.
func eventBodies(teams []int, n, run int) [][]byte {
	bodies := make([][]byte, 0, n)
	for i := range n {
		t := teams[i%len(teams)]
		body := fmt.Sprintf(`{"token":"XXYYZZ","team_id":%q,"api_app_id":"A0BENCH","event":{"type":"reaction_added","user":"U2147483697",`+
			`"reaction":"thumbsup","item_user":"U0G9QF9C6","item":{"type":"message","channel":"C0G9QF9GZ","ts":"1360782400.498405"},`+
			`"event_ts":"1360782804.083113"},"type":"event_callback","event_id":"Ev%03d%010d","event_time":1360782804,`+
			`"authorizations":[{"enterprise_id":null,"team_id":%q,"user_id":%q,"is_bot":true,"is_enterprise_install":false}],`+
			`"is_ext_shared_channel":false,"event_context":"4-eyJldCI6InJlYWN0aW9uX2FkZGVkIiwidGlkIjoiVDA2MUVHOUxSIn0"}`,
			teamID(t), run, i, teamID(t), botUserID(t))
		bodies = append(bodies, []byte(body))
	}
	return bodies
}

// writeRequests writes bodies signed with secret for ts to path, one
// "<signature>\t<body>" a line, for bench/signed.lua.
func writeRequests(path, secret, ts string, bodies [][]byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, b := range bodies {
		w.WriteString(signature.Sign(secret, ts, b))
		w.WriteByte('\t')
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
