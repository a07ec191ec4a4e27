package sqlitestore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/internal/sqlcols"
)

// benchDir holds one preloaded database per size, shared by the benchmark
// runs of a test binary and removed by TestMain.
var (
	benchDir   string
	benchMu    sync.Mutex
	benchFiles = map[int]string{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchInstallation(i int) *installstore.Installation {
	return &installstore.Installation{
		AppID: "A1", EnterpriseID: "E" + fmt.Sprint(i%10), TeamID: fmt.Sprintf("T%07d", i), TeamName: "team",
		BotToken: fmt.Sprintf("xoxb-%d", i), BotID: "B1", BotUserID: "UB1", BotScopes: []string{"chat:write", "commands"},
		BotRefreshToken: "xoxe-1", BotTokenExpiresAt: time.Unix(1_800_000_000, 0),
		UserID: "U1", UserToken: fmt.Sprintf("xoxp-%d", i), UserScopes: []string{"search:read"},
		InstalledAt: time.Unix(1_700_000_000+int64(i), 0),
	}
}

// preloaded returns the path of a database holding n installations (one
// per workspace), writing it in one transaction the first time.
func preloaded(b *testing.B, n int) string {
	benchMu.Lock()
	defer benchMu.Unlock()
	if path, ok := benchFiles[n]; ok {
		return path
	}
	if benchDir == "" {
		dir, err := os.MkdirTemp("", "sqlitestore-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
	}
	path := filepath.Join(benchDir, fmt.Sprintf("%d.db", n))
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, insertSQL)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := stmt.ExecContext(ctx, sqlcols.Values(benchInstallation(i), timeCodec{})...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	benchFiles[n] = path
	return path
}

// BenchmarkFindBot looks up random workspaces among 1k, 10k and 100k.
func BenchmarkFindBot(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("installations=%d", n), func(b *testing.B) {
			s, err := Open(preloaded(b, n))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				i := rng.IntN(n)
				bot, err := s.FindBot(ctx, installstore.Query{EnterpriseID: "E" + fmt.Sprint(i%10), TeamID: fmt.Sprintf("T%07d", i)})
				if err != nil || bot.BotToken != fmt.Sprintf("xoxb-%d", i) {
					b.Fatalf("FindBot(%d) = %v, %v", i, bot, err)
				}
			}
		})
	}
}
