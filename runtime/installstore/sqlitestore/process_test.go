package sqlitestore_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/sqlitestore"
)

const helperEnv = "SQLITESTORE_TEST_UPDATER_DB"

// TestUpdaterProcess is not a test: TestUpdateSerializesAcrossProcesses runs
// the test binary with helperEnv set, and then this does 4 Updates of team
// T1 and prints each counter value it saw.
func TestUpdaterProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process of TestUpdateSerializesAcrossProcesses")
	}
	s, err := sqlitestore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := 0; i < 4; i++ {
		err := s.Update(ctx, installstore.Query{TeamID: "T1"}, func(cur *installstore.Installation) (*installstore.Installation, error) {
			v, err := strconv.Atoi(strings.TrimPrefix(cur.BotRefreshToken, "refresh-"))
			if err != nil {
				return nil, err
			}
			fmt.Printf("saw %d\n", v)
			time.Sleep(2 * time.Millisecond)
			cur.BotRefreshToken = "refresh-" + strconv.Itoa(v+1)
			return cur, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestUpdateSerializesAcrossProcesses(t *testing.T) {
	if os.Getenv(helperEnv) != "" {
		t.Skip("running as a helper")
	}
	path := filepath.Join(t.TempDir(), "i.db")
	s := open(t, path)
	ctx := context.Background()
	if err := s.Save(ctx, &installstore.Installation{TeamID: "T1", BotToken: "xoxb-1", BotRefreshToken: "refresh-0"}); err != nil {
		t.Fatal(err)
	}

	const procs = 2
	cmds := make([]*exec.Cmd, procs)
	outs := make([]strings.Builder, procs)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestUpdaterProcess$", "-test.v", "-test.timeout=2m")
		cmds[i].Env = append(os.Environ(), helperEnv+"="+path)
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("updater process %d: %v\n%s", i, err, outs[i].String())
		}
		for _, line := range strings.Split(outs[i].String(), "\n") {
			if v, ok := strings.CutPrefix(line, "saw "); ok {
				seen[v]++
			}
		}
	}
	if len(seen) != 4*procs {
		t.Errorf("processes saw counters %v, want 0..%d once each", seen, 4*procs-1)
	}
	for v, n := range seen {
		if n != 1 {
			t.Errorf("counter %s seen %d times: a refresh token would be spent twice", v, n)
		}
	}
	bot, err := s.FindBot(ctx, installstore.Query{TeamID: "T1"})
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("refresh-%d", 4*procs); bot.BotRefreshToken != want {
		t.Errorf("final BotRefreshToken = %q, want %q", bot.BotRefreshToken, want)
	}
}
