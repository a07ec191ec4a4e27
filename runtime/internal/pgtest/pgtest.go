// Package pgtest gives this module's PostgreSQL tests a database schema of
// their own, so test packages can share one server and run in parallel.
package pgtest

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvURL names the variable holding the test server's URL; .ci/run sets it.
const EnvURL = "SLACKGEN_TEST_POSTGRES_URL"

// URL returns the test server's URL, or skips tb when EnvURL is unset.
func URL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		tb.Skipf("%s is not set: skipping the PostgreSQL tests (.ci/run sets it)", EnvURL)
	}
	return url
}

// Schema creates a fresh schema for tb, dropped when tb ends, and returns a
// function that makes pool configs whose search_path is that schema (one
// per pool: pgxpool configs cannot be shared).
func Schema(tb testing.TB) func() *pgxpool.Config {
	tb.Helper()
	url := URL(tb)
	schema := "t_" + strings.ToLower(rand.Text())
	exec := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			return err
		}
		defer pool.Close()
		_, err = pool.Exec(ctx, sql)
		return err
	}
	if err := exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("creating a test schema through %s: %v", EnvURL, err)
	}
	tb.Cleanup(func() {
		if err := exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("dropping test schema %s: %v", schema, err)
		}
	})
	return func() *pgxpool.Config {
		cfg, err := pgxpool.ParseConfig(url)
		if err != nil {
			tb.Fatalf("%s: %v", EnvURL, err)
		}
		cfg.ConnConfig.RuntimeParams["search_path"] = schema
		return cfg
	}
}
