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
