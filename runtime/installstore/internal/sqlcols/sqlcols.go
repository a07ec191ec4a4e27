// Package sqlcols maps installstore.Installation to the columns of the
// installations table shared by sqlitestore and pgstore. Scopes are stored
// comma-separated (Slack scope names never contain commas); how times are
// stored is up to each driver's TimeCodec.
package sqlcols

import (
	"strings"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// Columns lists the data columns in the order of Values and Scan. The table
// also has an id column (insertion order).
var Columns = []string{
	"workspace",
	"app_id", "enterprise_id", "enterprise_name", "enterprise_url", "team_id", "team_name",
	"bot_token", "bot_id", "bot_user_id", "bot_scopes", "bot_refresh_token", "bot_token_expires_at",
	"user_id", "user_token", "user_scopes", "user_refresh_token", "user_token_expires_at",
	"incoming_webhook_url", "incoming_webhook_channel", "incoming_webhook_channel_id", "incoming_webhook_configuration_url",
	"is_enterprise_install", "token_type", "installed_at",
}

// List is Columns joined with ", ".
var List = strings.Join(Columns, ", ")

// BotClear and UserClear are the SET clauses that empty the bot and the
// user part of a row.
const (
	BotClear  = "bot_token = '', bot_id = '', bot_user_id = '', bot_scopes = '', bot_refresh_token = '', bot_token_expires_at = NULL"
	UserClear = "user_id = '', user_token = '', user_scopes = '', user_refresh_token = '', user_token_expires_at = NULL"
)

// Dead is the condition of rows that hold no token any more.
const Dead = "bot_token = '' AND user_token = ''"

// TimeCodec converts times to and from a driver's representation. Zero
// times are stored as NULL.
type TimeCodec interface {
	Encode(t time.Time) any // nil for the zero time
	Dest() any              // a fresh scan destination
	Decode(dest any) time.Time
}

// Values returns inst's column values in Columns order.
func Values(inst *installstore.Installation, tc TimeCodec) []any {
	return []any{
		installstore.Key(inst).WorkspaceKey(),
		inst.AppID, inst.EnterpriseID, inst.EnterpriseName, inst.EnterpriseURL, inst.TeamID, inst.TeamName,
		inst.BotToken, inst.BotID, inst.BotUserID, strings.Join(inst.BotScopes, ","), inst.BotRefreshToken, tc.Encode(inst.BotTokenExpiresAt),
		inst.UserID, inst.UserToken, strings.Join(inst.UserScopes, ","), inst.UserRefreshToken, tc.Encode(inst.UserTokenExpiresAt),
		inst.IncomingWebhookURL, inst.IncomingWebhookChannel, inst.IncomingWebhookChannelID, inst.IncomingWebhookConfigurationURL,
		inst.IsEnterpriseInstall, inst.TokenType, tc.Encode(inst.InstalledAt),
	}
}

// Scan reads one row selected with List.
func Scan(scan func(dest ...any) error, tc TimeCodec) (*installstore.Installation, error) {
	var (
		inst                    installstore.Installation
		workspace               string
		botScopes, userScopes   string
		botExp, userExp, instAt = tc.Dest(), tc.Dest(), tc.Dest()
	)
	err := scan(
		&workspace,
		&inst.AppID, &inst.EnterpriseID, &inst.EnterpriseName, &inst.EnterpriseURL, &inst.TeamID, &inst.TeamName,
		&inst.BotToken, &inst.BotID, &inst.BotUserID, &botScopes, &inst.BotRefreshToken, botExp,
		&inst.UserID, &inst.UserToken, &userScopes, &inst.UserRefreshToken, userExp,
		&inst.IncomingWebhookURL, &inst.IncomingWebhookChannel, &inst.IncomingWebhookChannelID, &inst.IncomingWebhookConfigurationURL,
		&inst.IsEnterpriseInstall, &inst.TokenType, instAt,
	)
	if err != nil {
		return nil, err
	}
	inst.BotScopes = split(botScopes)
	inst.UserScopes = split(userScopes)
	inst.BotTokenExpiresAt = tc.Decode(botExp)
	inst.UserTokenExpiresAt = tc.Decode(userExp)
	inst.InstalledAt = tc.Decode(instAt)
	return &inst, nil
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
