package sqlitestore

import (
	"context"
	"database/sql"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore/internal/core"
)

// entryCols selects a row's id and what retention looks at.
const entryCols = "id, user_id, bot_token <> '', user_token <> '', installed_at"

// The retention queries: each runs on an index of the first migration
// (installations_user_latest, installations_latest) or the primary key.
var (
	userEntriesSQL   = "SELECT " + entryCols + " FROM installations WHERE workspace = ? AND user_id = ?"
	recentEntriesSQL = "SELECT " + entryCols + " FROM installations WHERE workspace = ? ORDER BY installed_at DESC, id DESC LIMIT ?"
	allEntriesSQL    = "SELECT " + entryCols + " FROM installations WHERE workspace = ?"
	deleteRowSQL     = "DELETE FROM installations WHERE id = ?"
)

// prune deletes, inside tx, the rows of workspace ws that core.Retain drops.
// With user set (after a Save or Update by *user) it looks at that user's
// rows and the s.recent+1 most recent rows of ws: all that the new row can
// have made unneeded or pushed out of the recent ones. With user nil
// (after a delete, which may change any row) it looks at every row of ws.
// Rows are deleted by primary key.
func (s *Store) prune(ctx context.Context, tx *sql.Tx, ws string, user *string) error {
	entries := map[int64]core.Entry{}
	var err error
	if user == nil {
		err = s.entries(ctx, tx, entries, allEntriesSQL, ws)
	} else if err = s.entries(ctx, tx, entries, userEntriesSQL, ws, *user); err == nil {
		err = s.entries(ctx, tx, entries, recentEntriesSQL, ws, s.recent+1)
	}
	if err != nil {
		return err
	}
	drop := core.Drop(entries, s.recent)
	if len(drop) == 0 {
		return nil
	}
	del := tx.StmtContext(ctx, s.stmts[deleteRowSQL])
	defer del.Close()
	for _, id := range drop {
		if _, err := del.ExecContext(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// entries adds the rows that query selects to into.
func (s *Store) entries(ctx context.Context, tx *sql.Tx, into map[int64]core.Entry, query string, args ...any) error {
	st := tx.StmtContext(ctx, s.stmts[query])
	defer st.Close()
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			e  core.Entry
			at int64
		)
		if err := rows.Scan(&id, &e.UserID, &e.Bot, &e.User, &at); err != nil {
			return err
		}
		e.InstalledAt = time.Unix(0, at).UTC()
		into[id] = e
	}
	return rows.Err()
}
