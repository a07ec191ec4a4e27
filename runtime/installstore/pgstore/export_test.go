package pgstore

import (
	"context"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// Count returns how many rows s holds for q's workspace.
func Count(ctx context.Context, s *Store, q installstore.Query) (n int, err error) {
	err = s.pool.QueryRow(ctx, "SELECT COUNT(*) FROM "+table+" WHERE workspace = $1", q.WorkspaceKey()).Scan(&n)
	return n, err
}
