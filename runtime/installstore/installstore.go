// Package installstore stores Slack app installations: the tokens an app
// receives when a workspace (or an Enterprise Grid organization) installs it.
//
// The model follows python-slack-sdk's Installation. Every Save appends to the
// history; lookups return the latest matching record ("latest wins"). The
// stores of this module keep that history bounded (see "History and
// retention" below).
// Org-wide installations (IsEnterpriseInstall) are keyed by enterprise: their
// TeamID is ignored by lookups and deletes.
//
// Implementations live in their own packages so an app compiles only the
// database it uses: memstore (memory), filestore (JSON file), sqlitestore
// (modernc.org/sqlite, the default), pgstore (PostgreSQL). Cached and
// Encrypted wrap any Store. The conformance suite in storetest checks any
// implementation, including your own.
//
// # How the stores in this module read the contract
//
// A workspace is named by Query.WorkspaceKey: enterprise and team, or the
// enterprise alone for org-wide installs. Each Save adds a record to the
// workspace's history. "Latest" is the greatest InstalledAt, ties going to
// the later Save.
//
//   - FindBot returns the latest record that has a bot token, without its user
//     fields.
//   - FindInstallation returns the latest record of the user (or of anyone),
//     always with the bot fields of the workspace's latest bot record, so a
//     user's record never carries a bot token that was rotated since.
//   - DeleteBot empties the bot fields of every record of the workspace;
//     DeleteInstallation empties the user fields (UserID included) of the
//     user's records, or of every record. Records left with neither a bot
//     nor a user token are dropped. So after app_uninstalled or
//     tokens_revoked, in whatever order the deletes run, nothing that was
//     revoked can be found again, and what was not revoked still can.
//   - Update locks the whole workspace (not one user), so a bot refresh
//     token reached through any user's installation is spent once. What fn
//     returns is saved as a new record whose InstalledAt is moved up, when
//     needed, to that of the records it was read from, so it becomes the
//     latest; fn may not move the installation to another workspace.
//
// # History and retention
//
// The history is not kept whole: each OAuth install and each token rotation
// (rotating tokens are refreshed about every 12 hours) adds a record, and a
// table that only grows is a cost and a liability. The same write (the same
// transaction in the SQL stores) that adds a record drops the records of
// its workspace that no lookup can return any more, now or after any later
// write or delete. A record is kept when, among the workspace's records of
// its user id (the empty one included), it is
//
//   - the latest one: FindInstallation of that user, or of anyone;
//   - the latest one with a bot token: FindBot, and the bot fields of
//     FindInstallation;
//   - the latest one with a user token: FindInstallation of that user after
//     DeleteBot has dropped the user's newer records that had only a bot
//     token (a reinstall without user scopes, say), so that a user token
//     that was not revoked can still be found;
//
// or when it is one of the workspace's n most recent records, kept for
// auditing and debugging whatever they are: DefaultHistory (10) unless the
// store's WithHistory option says otherwise; 0 keeps only the records above.
// So a workspace holds at most 3 records per user id plus n, however many
// Saves and Updates it has seen, and every Find*, Update and delete answers
// exactly as it would with the whole history. A Save whose record is older
// (by InstalledAt) than newer records that stand in for it and than the n
// most recent ones is dropped at once. The deletes prune the workspace too.
// In sqlitestore and pgstore a Save or Update looks only at the rows of its
// own user and the n+1 most recent rows of the workspace, through their
// indexes, so its cost does not grow with the history; memstore and
// filestore prune the workspace's (bounded) history they already hold in
// memory. Storage written by an older version is pruned as it is written
// again (in the SQL stores, a user's rows at that user's next write, all of
// a workspace's at its next DeleteBot or DeleteInstallation). The rule lives
// in one place (internal/core) for every store, and storetest.RunRetention
// checks a store against it.
//
// Choosing a store: sqlitestore for one host (the default of generated
// apps), pgstore for several replicas, filestore to read installations with
// a text editor during development, memstore for tests. Wrap with
// NewEncrypted to keep tokens encrypted at rest (SLACK_TOKEN_ENCRYPTION_KEY)
// and with NewCached to serve repeated lookups from memory.
package installstore

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by finds when no installation matches.
var ErrNotFound = errors.New("installstore: installation not found")

// Installation is one install of the app by a workspace, an organization,
// or a user.
type Installation struct {
	AppID          string `json:"app_id,omitempty"`
	EnterpriseID   string `json:"enterprise_id,omitempty"`
	EnterpriseName string `json:"enterprise_name,omitempty"`
	EnterpriseURL  string `json:"enterprise_url,omitempty"`
	TeamID         string `json:"team_id,omitempty"`
	TeamName       string `json:"team_name,omitempty"`

	BotToken          string    `json:"bot_token,omitempty"`
	BotID             string    `json:"bot_id,omitempty"`
	BotUserID         string    `json:"bot_user_id,omitempty"`
	BotScopes         []string  `json:"bot_scopes,omitempty"`
	BotRefreshToken   string    `json:"bot_refresh_token,omitempty"`
	BotTokenExpiresAt time.Time `json:"bot_token_expires_at,omitzero"`

	UserID             string    `json:"user_id,omitempty"`
	UserToken          string    `json:"user_token,omitempty"`
	UserScopes         []string  `json:"user_scopes,omitempty"`
	UserRefreshToken   string    `json:"user_refresh_token,omitempty"`
	UserTokenExpiresAt time.Time `json:"user_token_expires_at,omitzero"`

	IncomingWebhookURL              string `json:"incoming_webhook_url,omitempty"`
	IncomingWebhookChannel          string `json:"incoming_webhook_channel,omitempty"`
	IncomingWebhookChannelID        string `json:"incoming_webhook_channel_id,omitempty"`
	IncomingWebhookConfigurationURL string `json:"incoming_webhook_configuration_url,omitempty"`

	IsEnterpriseInstall bool      `json:"is_enterprise_install,omitempty"`
	TokenType           string    `json:"token_type,omitempty"`
	InstalledAt         time.Time `json:"installed_at"`
}

// Query selects installations. For org-wide installs set
// IsEnterpriseInstall and EnterpriseID; TeamID is then ignored.
// UserID selects one user's installation; empty means "any user".
type Query struct {
	EnterpriseID        string
	TeamID              string
	UserID              string
	IsEnterpriseInstall bool
}

// Store is an installation store. Implementations must be safe for
// concurrent use, and, when several processes share the same database,
// across processes.
type Store interface {
	// Save appends inst to the history. InstalledAt is set to now when zero.
	// A store may then drop records that no lookup can return any more (the
	// stores of this module do: see "History and retention").
	Save(ctx context.Context, inst *Installation) error

	// FindBot returns the latest installation for q's workspace (or
	// organization) that has a bot token; q.UserID is ignored. User fields of
	// the result are empty.
	FindBot(ctx context.Context, q Query) (*Installation, error)

	// FindInstallation returns the latest installation for q. With q.UserID
	// set, it is that user's latest installation (bot fields taken from the
	// latest bot installation of the workspace); a miss is ErrNotFound, never
	// another user's token. With q.UserID empty it is the latest installation
	// of the workspace by any user.
	FindInstallation(ctx context.Context, q Query) (*Installation, error)

	// DeleteBot removes the bot tokens of q's workspace (all history).
	DeleteBot(ctx context.Context, q Query) error

	// DeleteInstallation removes the installations of q.UserID, or of every
	// user of the workspace when q.UserID is empty (all history).
	DeleteInstallation(ctx context.Context, q Query) error

	// DeleteAll removes everything stored for q's workspace: bot and users.
	DeleteAll(ctx context.Context, q Query) error

	// Update serializes a read-modify-write of the latest installation
	// matching q (as FindInstallation finds it): it locks the record against
	// every other Update for the same key, in this process and in any other
	// process sharing the store, calls fn with a copy of the latest state,
	// and when fn returns a non-nil installation stores it as the new latest
	// state before releasing the lock. fn returning nil changes nothing.
	// When nothing matches q, Update returns ErrNotFound without calling fn;
	// fn's own error is returned as it is.
	// An Update waiting for the lock sees what the previous one stored.
	// Token rotation uses it so that a refresh token is spent exactly once.
	Update(ctx context.Context, q Query, fn func(current *Installation) (*Installation, error)) error
}

// Key returns the query that finds inst again (its workspace or org, and
// user).
func Key(inst *Installation) Query {
	q := Query{EnterpriseID: inst.EnterpriseID, TeamID: inst.TeamID, UserID: inst.UserID, IsEnterpriseInstall: inst.IsEnterpriseInstall}
	if q.IsEnterpriseInstall {
		q.TeamID = ""
	}
	return q
}
