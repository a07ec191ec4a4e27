// Package core holds the record-level rules that every installation store in
// this module shares, so that memstore, filestore, sqlitestore and pgstore
// agree exactly on what "latest", "delete bot" and "delete installation" mean,
// and on which records of a history are kept (retention.go).
package core

import (
	"errors"
	"fmt"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// ClearUser empties the user part of inst, UserID included.
func ClearUser(inst *installstore.Installation) {
	inst.UserID = ""
	inst.UserToken = ""
	inst.UserScopes = nil
	inst.UserRefreshToken = ""
	inst.UserTokenExpiresAt = time.Time{}
}

// ClearBot empties the bot part of inst.
func ClearBot(inst *installstore.Installation) {
	SetBot(inst, &installstore.Installation{})
}

// SetBot copies the bot part of bot into inst.
func SetBot(inst, bot *installstore.Installation) {
	inst.BotToken = bot.BotToken
	inst.BotID = bot.BotID
	inst.BotUserID = bot.BotUserID
	inst.BotScopes = append([]string(nil), bot.BotScopes...)
	inst.BotRefreshToken = bot.BotRefreshToken
	inst.BotTokenExpiresAt = bot.BotTokenExpiresAt
}

// Live reports whether a record still holds something worth keeping: a bot
// token or a user token. Deletes drop records that are no longer live.
func Live(inst *installstore.Installation) bool {
	return inst.BotToken != "" || inst.UserToken != ""
}

// Newer reports whether a, inserted after b, wins over b: a later
// InstalledAt wins, and a tie goes to the later insertion.
func Newer(a, b *installstore.Installation) bool {
	return !a.InstalledAt.Before(b.InstalledAt)
}

// Latest returns the newest record of history (kept in insertion order)
// that keep accepts, or nil: the latest InstalledAt, ties going to the
// later insertion.
func Latest(history []*installstore.Installation, keep func(*installstore.Installation) bool) *installstore.Installation {
	var best *installstore.Installation
	for _, r := range history {
		if keep(r) && (best == nil || Newer(r, best)) {
			best = r
		}
	}
	return best
}

// HasBot reports whether r holds a bot token.
func HasBot(r *installstore.Installation) bool { return r.BotToken != "" }

// ForUser returns a filter accepting userID's records, or every record when
// userID is empty.
func ForUser(userID string) func(*installstore.Installation) bool {
	if userID == "" {
		return func(*installstore.Installation) bool { return true }
	}
	return func(r *installstore.Installation) bool { return r.UserID == userID }
}

// Find returns FindInstallation's result for q from the history of q's
// workspace (nil when nothing matches) and the workspace's latest bot
// record, for stores that keep the history in memory.
func Find(history []*installstore.Installation, q installstore.Query) (cur, bot *installstore.Installation) {
	row := Latest(history, ForUser(q.UserID))
	if row == nil {
		return nil, nil
	}
	bot = Latest(history, HasBot)
	return Combine(row, bot), bot
}

// Combine builds the result of FindInstallation from the latest matching
// record row and the latest bot record of the workspace (nil when there is
// none): the bot fields always come from the latest bot record.
func Combine(row, bot *installstore.Installation) *installstore.Installation {
	out := row.Clone()
	if bot == nil {
		ClearBot(out)
	} else {
		SetBot(out, bot)
	}
	return out
}

// BotResult is the result of FindBot made from the latest bot record.
func BotResult(bot *installstore.Installation) *installstore.Installation {
	out := bot.Clone()
	ClearUser(out)
	return out
}

// ErrWorkspaceChanged is returned by Update when fn moves the installation to
// another workspace.
var ErrWorkspaceChanged = errors.New("installstore: Update's fn must not change the installation's enterprise, team or is_enterprise_install; Save the new workspace's installation instead")

// Apply runs an Update's fn on cur, the latest state for q (nil when nothing
// matches), and returns the record to store: nil when fn returned nil, else
// PrepareUpdate's result. Without cur it returns installstore.ErrNotFound and
// does not call fn. fn gets a copy, so it cannot change cur. Its errors, and
// PrepareUpdate's, are returned as they are.
func Apply(q installstore.Query, cur, bot *installstore.Installation, fn func(*installstore.Installation) (*installstore.Installation, error)) (*installstore.Installation, error) {
	if cur == nil {
		return nil, installstore.ErrNotFound
	}
	next, err := fn(cur.Clone())
	if err != nil || next == nil {
		return nil, err
	}
	return PrepareUpdate(q, cur, bot, next)
}

// PrepareUpdate validates next, the value fn returned for current under q,
// and returns the record to store: a copy of next whose InstalledAt is not
// earlier than current's nor bot's (the records it was derived from), so
// that it becomes the latest state for FindBot and FindInstallation.
func PrepareUpdate(q installstore.Query, current, bot, next *installstore.Installation) (*installstore.Installation, error) {
	if installstore.Key(next).WorkspaceKey() != q.WorkspaceKey() {
		return nil, fmt.Errorf("%w (query %s)", ErrWorkspaceChanged, q.WorkspaceKey())
	}
	out := next.Clone()
	for _, r := range []*installstore.Installation{current, bot} {
		if r != nil && out.InstalledAt.Before(r.InstalledAt) {
			out.InstalledAt = r.InstalledAt
		}
	}
	return out, nil
}

// Stamp returns a copy of inst ready to be stored by Save: InstalledAt is
// set to now when zero.
func Stamp(inst *installstore.Installation, now time.Time) *installstore.Installation {
	out := inst.Clone()
	if out.InstalledAt.IsZero() {
		out.InstalledAt = now
	}
	return out
}
