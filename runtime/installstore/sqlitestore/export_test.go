package sqlitestore

import (
	"context"
	"database/sql"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// Count returns how many rows s holds for q's workspace.
func Count(ctx context.Context, s *Store, q installstore.Query) (n int, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM installations WHERE workspace = ?", q.WorkspaceKey()).Scan(&n)
	return n, err
}

// Stats returns the statistics of s's connection pool.
func Stats(s *Store) sql.DBStats { return s.db.Stats() }

// HoldConns takes n of s's connections at once, as n concurrent lookups
// do, and returns them to the pool when release is called.
func HoldConns(ctx context.Context, s *Store, n int) (release func(), err error) {
	var conns []*sql.Conn
	release = func() {
		for _, c := range conns {
			c.Close()
		}
	}
	for range n {
		c, err := s.db.Conn(ctx)
		if err != nil {
			release()
			return nil, err
		}
		conns = append(conns, c)
	}
	return release, nil
}
