package core

import (
	"context"
	"fmt"
)

// Migrator is the part of a database transaction Migrate needs; each SQL
// store adapts its driver's transaction to it.
type Migrator interface {
	Exec(ctx context.Context, query string) error
	QueryInt(ctx context.Context, query string) (int, error)
}

// Migrate brings the schema to version len(migrations), inside tx: it
// creates versionTable when missing, runs the migrations the database has
// not seen yet, in order, and records the new version. A database written
// by a newer runtime (a version above len(migrations)) is refused.
func Migrate(ctx context.Context, tx Migrator, versionTable string, migrations []string) error {
	if err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+versionTable+" (version INTEGER NOT NULL)"); err != nil {
		return err
	}
	have, err := tx.QueryInt(ctx, "SELECT COALESCE(MAX(version), 0) FROM "+versionTable)
	if err != nil {
		return err
	}
	if have > len(migrations) {
		return fmt.Errorf("the database has schema version %d but this runtime knows up to %d; upgrade github.com/slackgen/slackgen/runtime", have, len(migrations))
	}
	if have == len(migrations) {
		return nil
	}
	for v := have; v < len(migrations); v++ {
		if err := tx.Exec(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	if err := tx.Exec(ctx, "DELETE FROM "+versionTable); err != nil {
		return err
	}
	return tx.Exec(ctx, fmt.Sprintf("INSERT INTO %s (version) VALUES (%d)", versionTable, len(migrations)))
}
