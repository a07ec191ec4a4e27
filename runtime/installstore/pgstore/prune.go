package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/slackgen/slackgen/runtime/installstore/internal/core"
)

// entryCols selects a row's id and what retention looks at.
const entryCols = "id, user_id, bot_token <> '', user_token <> '', installed_at"

// The retention queries: each runs on an index of the first migration
// (slackgen_installations_user_latest, slackgen_installations_latest) or
// the primary key.
var (
	userEntriesSQL   = "SELECT " + entryCols + " FROM " + table + " WHERE workspace = $1 AND user_id = $2"
	recentEntriesSQL = "SELECT " + entryCols + " FROM " + table + " WHERE workspace = $1 ORDER BY installed_at DESC, id DESC LIMIT $2"
	allEntriesSQL    = "SELECT " + entryCols + " FROM " + table + " WHERE workspace = $1"
	deleteRowsSQL    = "DELETE FROM " + table + " WHERE workspace = $1 AND id = ANY($2)"
)

// prune deletes, inside tx, the rows of workspace ws that core.Retain drops.
// With user set (after a Save or Update by *user) it looks at that user's
// rows and the s.recent+1 most recent rows of ws: all that the new row can
// have made unneeded or pushed out of the recent ones. With user nil
// (after a delete, which may change any row) it looks at every row of ws.
// Rows are deleted by primary key.
//
// tx holds the workspace's advisory lock, so no other writer of ws runs
// meanwhile and the rows it sees are the whole history. Even without the
// lock, what it deletes would be safe: rows that other transactions have
// not committed are not seen, so never deleted, and a row unneeded among
// the rows seen is unneeded in the whole history (see core.Retain).
func (s *Store) prune(ctx context.Context, tx pgx.Tx, ws string, user *string) error {
	entries := map[int64]core.Entry{}
	var err error
	if user == nil {
		err = entriesOf(ctx, tx, entries, allEntriesSQL, ws)
	} else if err = entriesOf(ctx, tx, entries, userEntriesSQL, ws, *user); err == nil {
		err = entriesOf(ctx, tx, entries, recentEntriesSQL, ws, s.recent+1)
	}
	if err != nil {
		return err
	}
	drop := core.Drop(entries, s.recent)
	if len(drop) == 0 {
		return nil
	}
	_, err = tx.Exec(ctx, deleteRowsSQL, ws, drop)
	return err
}

// entriesOf adds the rows that query selects to into.
func entriesOf(ctx context.Context, tx pgx.Tx, into map[int64]core.Entry, query string, args ...any) error {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			e  core.Entry
			at time.Time
		)
		if err := rows.Scan(&id, &e.UserID, &e.Bot, &e.User, &at); err != nil {
			return err
		}
		e.InstalledAt = at.UTC()
		into[id] = e
	}
	return rows.Err()
}
