package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order; migrations[i] brings the schema to
// version i+1. Append only: never edit a released migration.
var migrations = []string{
	`CREATE TABLE installations (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		workspace TEXT NOT NULL,
		app_id TEXT NOT NULL DEFAULT '',
		enterprise_id TEXT NOT NULL DEFAULT '',
		enterprise_name TEXT NOT NULL DEFAULT '',
		enterprise_url TEXT NOT NULL DEFAULT '',
		team_id TEXT NOT NULL DEFAULT '',
		team_name TEXT NOT NULL DEFAULT '',
		bot_token TEXT NOT NULL DEFAULT '',
		bot_id TEXT NOT NULL DEFAULT '',
		bot_user_id TEXT NOT NULL DEFAULT '',
		bot_scopes TEXT NOT NULL DEFAULT '',
		bot_refresh_token TEXT NOT NULL DEFAULT '',
		bot_token_expires_at INTEGER,
		user_id TEXT NOT NULL DEFAULT '',
		user_token TEXT NOT NULL DEFAULT '',
		user_scopes TEXT NOT NULL DEFAULT '',
		user_refresh_token TEXT NOT NULL DEFAULT '',
		user_token_expires_at INTEGER,
		incoming_webhook_url TEXT NOT NULL DEFAULT '',
		incoming_webhook_channel TEXT NOT NULL DEFAULT '',
		incoming_webhook_channel_id TEXT NOT NULL DEFAULT '',
		incoming_webhook_configuration_url TEXT NOT NULL DEFAULT '',
		is_enterprise_install INTEGER NOT NULL DEFAULT 0,
		token_type TEXT NOT NULL DEFAULT '',
		installed_at INTEGER NOT NULL
	);
	CREATE INDEX installations_latest ON installations (workspace, installed_at DESC, id DESC);
	CREATE INDEX installations_user_latest ON installations (workspace, user_id, installed_at DESC, id DESC);
	CREATE INDEX installations_bot_latest ON installations (workspace, installed_at DESC, id DESC) WHERE bot_token <> '';`,
}

// SchemaVersion is the schema version this package writes.
var SchemaVersion = len(migrations)

func (s *Store) migrate(ctx context.Context) error {
	return s.inTx(ctx, "migrating the schema", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&have); err != nil {
			return err
		}
		if have > len(migrations) {
			return fmt.Errorf("the database has schema version %d but this runtime knows up to %d; upgrade github.com/slackgen/slackgen/runtime", have, len(migrations))
		}
		for v := have; v < len(migrations); v++ {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		if have < len(migrations) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, len(migrations)); err != nil {
				return err
			}
		}
		return nil
	})
}
