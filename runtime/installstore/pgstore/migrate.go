package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/slackgen/slackgen/runtime/installstore/internal/core"
)

// migrations are applied in order; migrations[i] brings the schema to
// version i+1. Append only: never edit a released migration.
var migrations = []string{
	`CREATE TABLE slackgen_installations (
		id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
		bot_token_expires_at TIMESTAMPTZ,
		user_id TEXT NOT NULL DEFAULT '',
		user_token TEXT NOT NULL DEFAULT '',
		user_scopes TEXT NOT NULL DEFAULT '',
		user_refresh_token TEXT NOT NULL DEFAULT '',
		user_token_expires_at TIMESTAMPTZ,
		incoming_webhook_url TEXT NOT NULL DEFAULT '',
		incoming_webhook_channel TEXT NOT NULL DEFAULT '',
		incoming_webhook_channel_id TEXT NOT NULL DEFAULT '',
		incoming_webhook_configuration_url TEXT NOT NULL DEFAULT '',
		is_enterprise_install BOOLEAN NOT NULL DEFAULT FALSE,
		token_type TEXT NOT NULL DEFAULT '',
		installed_at TIMESTAMPTZ NOT NULL
	);
	CREATE INDEX slackgen_installations_latest ON slackgen_installations (workspace, installed_at DESC, id DESC);
	CREATE INDEX slackgen_installations_user_latest ON slackgen_installations (workspace, user_id, installed_at DESC, id DESC);
	CREATE INDEX slackgen_installations_bot_latest ON slackgen_installations (workspace, installed_at DESC, id DESC) WHERE bot_token <> ''`,
}

// SchemaVersion is the schema version this package writes.
var SchemaVersion = len(migrations)

func (s *Store) migrate(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// Replicas starting together migrate one after the other.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':slackgen_installations:migrate', 0))"); err != nil {
			return err
		}
		return core.Migrate(ctx, pgMigrator{tx}, "slackgen_installations_schema_version", migrations)
	})
	if err != nil {
		return fmt.Errorf("pgstore: migrating the schema: %w", err)
	}
	return nil
}

// pgMigrator adapts a pgx transaction to core.Migrator.
type pgMigrator struct{ tx pgx.Tx }

func (m pgMigrator) Exec(ctx context.Context, query string) error {
	_, err := m.tx.Exec(ctx, query)
	return err
}

func (m pgMigrator) QueryInt(ctx context.Context, query string) (n int, err error) {
	err = m.tx.QueryRow(ctx, query).Scan(&n)
	return n, err
}
