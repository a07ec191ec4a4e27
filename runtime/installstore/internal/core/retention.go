package core

import (
	"slices"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// Retention: which records of a workspace's history the stores keep.
//
// Every lookup and every delete treats the records of one user id (the
// empty id included) alike, and a record's part in a lookup depends only on
// its user id, whether it has a bot token, whether it has a user token, and
// its place in the order of "latest" (InstalledAt, then insertion). So a
// record is needed, now or after any later Save, Update or delete, only when
// it is, among the records of its user id,
//
//   - the latest one (FindInstallation of that user, or of anyone),
//   - the latest one with a bot token (FindBot, and the bot fields of every
//     FindInstallation), or
//   - the latest one with a user token (FindInstallation of that user after
//     DeleteBot dropped the newer records that only had a bot token).
//
// Any other record r has newer records of its user id that stand in for it
// in every lookup: one at all, one with a bot token when r has one, one
// with a user token when r has one. The deletes change all records of a
// user id the same way (DeleteBot empties every bot part, DeleteInstallation
// moves the user's records to the empty user id without user part, records
// left with no token are dropped), so whatever r would still answer after
// them, a newer stand-in answers too. Hence dropping r never changes what a
// lookup returns, and r stays unneeded forever: a later Save only adds
// records, a delete keeps the stand-ins that r would need, and dropping
// other unneeded records drops no stand-in that is needed.
//
// Besides the needed records, the recent most recent records of the
// workspace (by the same order) are kept whatever they are, for auditing.
// A workspace thus keeps at most 3 records per user id plus recent.

// Entry is what retention looks at in a record.
type Entry struct {
	UserID      string
	Bot         bool // has a bot token
	User        bool // has a user token
	InstalledAt time.Time
}

// EntryOf returns inst's Entry.
func EntryOf(inst *installstore.Installation) Entry {
	return Entry{UserID: inst.UserID, Bot: HasBot(inst), User: inst.UserToken != "", InstalledAt: inst.InstalledAt}
}

// Retain reports which entries of a workspace's history, given in insertion
// order, are kept: the needed ones (see above) and the recent most recent
// ones. A negative recent counts as 0.
//
// entries may also be a part of the history, in insertion order: a record
// it drops then has stand-ins (and recent newer records) in that part, so
// in the whole history too, and may be dropped. For an entry all of whose
// newer records are in the part, the answer is the one for the whole
// history. Stores use it to look only at what a write may have made
// unneeded: after a write by user u, the records of u and the recent+1 most
// recent ones of the workspace. The part a transaction sees may also lack
// records that other writers have not committed yet: it is still a part of
// the history.
func Retain(entries []Entry, recent int) []bool {
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	// Latest first: the later InstalledAt, ties going to the later insertion.
	slices.SortFunc(order, func(a, b int) int {
		if c := entries[b].InstalledAt.Compare(entries[a].InstalledAt); c != 0 {
			return c
		}
		return b - a
	})
	type seen struct{ any, bot, user bool }
	groups := make(map[string]seen)
	keep := make([]bool, len(entries))
	for rank, i := range order {
		e := entries[i]
		g := groups[e.UserID]
		keep[i] = rank < recent || !g.any || (e.Bot && !g.bot) || (e.User && !g.user)
		g.any, g.bot, g.user = true, g.bot || e.Bot, g.user || e.User
		groups[e.UserID] = g
	}
	return keep
}

// Prune returns the records of a workspace's whole history (in insertion
// order) that Retain keeps, in the same order. It reuses history's array.
func Prune(history []*installstore.Installation, recent int) []*installstore.Installation {
	entries := make([]Entry, len(history))
	for i, r := range history {
		entries[i] = EntryOf(r)
	}
	keep := Retain(entries, recent)
	out := history[:0]
	for i, r := range history {
		if keep[i] {
			out = append(out, r)
		}
	}
	clear(history[len(out):])
	return out
}

// Drop returns, in ascending order, the ids of the rows that Retain drops
// among rows: a part of a workspace's history in a SQL table, by row id,
// ids growing in insertion order.
func Drop(rows map[int64]Entry, recent int) []int64 {
	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	entries := make([]Entry, len(ids))
	for i, id := range ids {
		entries[i] = rows[id]
	}
	keep := Retain(entries, recent)
	var drop []int64
	for i, id := range ids {
		if !keep[i] {
			drop = append(drop, id)
		}
	}
	return drop
}
