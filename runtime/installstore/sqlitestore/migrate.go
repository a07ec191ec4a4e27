package sqlitestore

import (
	"context"
	"database/sql"

	"github.com/slackgen/slackgen/runtime/installstore/internal/core"
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
		return core.Migrate(ctx, sqlMigrator{tx}, "schema_version", migrations)
	})
}

// sqlMigrator adapts a database/sql transaction to core.Migrator.
type sqlMigrator struct{ tx *sql.Tx }

func (m sqlMigrator) Exec(ctx context.Context, query string) error {
	_, err := m.tx.ExecContext(ctx, query)
	return err
}

func (m sqlMigrator) QueryInt(ctx context.Context, query string) (n int, err error) {
	err = m.tx.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}
