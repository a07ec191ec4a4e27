package pgstore

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/slackgen/slackgen/runtime/installstore"
	"github.com/slackgen/slackgen/runtime/installstore/internal/sqlcols"
)

// benchSchemas holds one preloaded schema per size, shared by the
// benchmark runs of a test binary and dropped by TestMain.
var (
	benchMu      sync.Mutex
	benchSchemas = map[int]string{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if url := os.Getenv("SLACKGEN_TEST_POSTGRES_URL"); url != "" && len(benchSchemas) > 0 {
		ctx := context.Background()
		if conn, err := pgx.Connect(ctx, url); err == nil {
			for _, schema := range benchSchemas {
				if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
					fmt.Fprintf(os.Stderr, "dropping benchmark schema %s: %v\n", schema, err)
				}
			}
			conn.Close(ctx)
		}
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

// preloadedConfig returns a pool config for a schema holding n
// installations (one per workspace), copied in one transaction the first
// time.
func preloadedConfig(b *testing.B, n int) *pgxpool.Config {
	url := os.Getenv("SLACKGEN_TEST_POSTGRES_URL")
	if url == "" {
		b.Skip("SLACKGEN_TEST_POSTGRES_URL is not set: skipping the PostgreSQL benchmarks")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		b.Fatal(err)
	}
	benchMu.Lock()
	defer benchMu.Unlock()
	if schema, ok := benchSchemas[n]; ok {
		cfg.ConnConfig.RuntimeParams["search_path"] = schema
		return cfg
	}
	rb := make([]byte, 6)
	crand.Read(rb)
	schema := fmt.Sprintf("bench_%d_%s", n, hex.EncodeToString(rb))
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		b.Fatal(err)
	}
	benchSchemas[n] = schema
	cfg.ConnConfig.RuntimeParams["search_path"] = schema

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if _, err := New(ctx, pool); err != nil { // migrate
		b.Fatal(err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		rows := make([][]any, n)
		for i := range rows {
			rows[i] = sqlcols.Values(benchInstallation(i), timeCodec{})
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{table}, sqlcols.Columns, pgx.CopyFromRows(rows))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "ANALYZE "+table)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

// BenchmarkFindBot looks up random workspaces among 1k, 10k and 100k.
func BenchmarkFindBot(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("installations=%d", n), func(b *testing.B) {
			ctx := context.Background()
			pool, err := pgxpool.NewWithConfig(ctx, preloadedConfig(b, n))
			if err != nil {
				b.Fatal(err)
			}
			defer pool.Close()
			s, err := New(ctx, pool)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			b.ReportAllocs()
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

// TestFindBotUsesIndex checks the plans of the lookups' queries, and of
// those that prune the history on every write, on a table big enough for
// the planner to prefer an index when one fits.
func TestFindBotUsesIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 10k rows")
	}
	url := os.Getenv("SLACKGEN_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("SLACKGEN_TEST_POSTGRES_URL is not set: skipping the PostgreSQL tests")
	}
	ctx := context.Background()
	rb := make([]byte, 6)
	crand.Read(rb)
	schema := "t_" + hex.EncodeToString(rb)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "SET search_path TO "+schema); err != nil {
		t.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := New(ctx, pool); err != nil {
		t.Fatal(err)
	}
	rows := make([][]any, 10_000)
	for i := range rows {
		rows[i] = sqlcols.Values(benchInstallation(i), timeCodec{})
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{table}, sqlcols.Columns, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE "+table); err != nil {
		t.Fatal(err)
	}
	for name, query := range map[string]string{
		"bot": botSQL, "any": anySQL, "user": userSQL,
		"retention: a user's rows": userEntriesSQL, "retention: recent rows": recentEntriesSQL, "retention: delete": deleteRowsSQL,
	} {
		args := []any{"team:E1:T0000001"}
		switch query {
		case userSQL, userEntriesSQL:
			args = append(args, "U1")
		case recentEntriesSQL:
			args = append(args, 11)
		case deleteRowsSQL:
			args = append(args, []int64{1, 2})
		}
		lines, err := conn.Query(ctx, "EXPLAIN (FORMAT TEXT) "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := pgx.CollectRows(lines, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		p := strings.Join(plan, "\n")
		if !strings.Contains(p, "Index Scan") || strings.Contains(p, "Sort") {
			t.Errorf("%s lookup plan:\n%s\nwant an index scan without a sort", name, p)
		}
	}
}
