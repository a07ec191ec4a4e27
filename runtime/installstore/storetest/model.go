package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

// model is the reference the history tests compare a store with: the whole
// history, never pruned, with the lookups and deletes of the Store contract
// written out plainly.
type model struct {
	history map[string][]*installstore.Installation // by workspace key, insertion order
}

func newModel() *model { return &model{history: map[string][]*installstore.Installation{}} }

func (m *model) save(inst *installstore.Installation) {
	ws := installstore.Key(inst).WorkspaceKey()
	m.history[ws] = append(m.history[ws], inst.Clone())
}

// latest is the record of ws accepted by ok with the greatest InstalledAt,
// ties going to the later Save.
func (m *model) latest(ws string, ok func(*installstore.Installation) bool) *installstore.Installation {
	var best *installstore.Installation
	for _, r := range m.history[ws] {
		if ok(r) && (best == nil || !r.InstalledAt.Before(best.InstalledAt)) {
			best = r
		}
	}
	return best
}

func hasBot(r *installstore.Installation) bool { return r.BotToken != "" }

func (m *model) findBot(q installstore.Query) *installstore.Installation {
	if bot := m.latest(q.WorkspaceKey(), hasBot); bot != nil {
		return botOnly(bot)
	}
	return nil
}

// find returns FindInstallation's answer and the workspace's latest bot
// record.
func (m *model) find(q installstore.Query) (cur, bot *installstore.Installation) {
	ws := q.WorkspaceKey()
	row := m.latest(ws, func(r *installstore.Installation) bool { return q.UserID == "" || r.UserID == q.UserID })
	if row == nil {
		return nil, nil
	}
	if bot = m.latest(ws, hasBot); bot == nil {
		return noBot(row), nil
	}
	return withBotOf(row, bot), bot
}

// edit applies f to every record of q's workspace and drops the records
// left with neither a bot nor a user token.
func (m *model) edit(q installstore.Query, f func(*installstore.Installation) *installstore.Installation) {
	ws := q.WorkspaceKey()
	var kept []*installstore.Installation
	for _, r := range m.history[ws] {
		if r = f(r); r.BotToken != "" || r.UserToken != "" {
			kept = append(kept, r)
		}
	}
	m.history[ws] = kept
}

func (m *model) deleteBot(q installstore.Query) { m.edit(q, noBot) }

func (m *model) deleteInstallation(q installstore.Query) {
	m.edit(q, func(r *installstore.Installation) *installstore.Installation {
		if q.UserID == "" || r.UserID == q.UserID {
			return botOnly(r)
		}
		return r
	})
}

func (m *model) deleteAll(q installstore.Query) { delete(m.history, q.WorkspaceKey()) }

// update is Update: fn gets the current state, and its result, moved up to
// the time of the records it was made from, becomes the latest.
func (m *model) update(q installstore.Query, fn func(*installstore.Installation) (*installstore.Installation, error)) error {
	cur, bot := m.find(q)
	if cur == nil {
		return installstore.ErrNotFound
	}
	next, err := fn(cur.Clone())
	if err != nil || next == nil {
		return err
	}
	next = next.Clone()
	for _, r := range []*installstore.Installation{cur, bot} {
		if r != nil && next.InstalledAt.Before(r.InstalledAt) {
			next.InstalledAt = r.InstalledAt
		}
	}
	m.save(next)
	return nil
}

// retained is how many records of ws a store that prunes as documented in
// package installstore holds: for each user id, its latest record, its
// latest with a bot token and its latest with a user token, and the recent
// most recent records whatever they are.
func (m *model) retained(ws string, recent int) int {
	kept := map[*installstore.Installation]bool{}
	for _, r := range m.history[ws] {
		user := r.UserID
		for _, ok := range []func(*installstore.Installation) bool{
			func(r *installstore.Installation) bool { return r.UserID == user },
			func(r *installstore.Installation) bool { return r.UserID == user && r.BotToken != "" },
			func(r *installstore.Installation) bool { return r.UserID == user && r.UserToken != "" },
		} {
			if l := m.latest(ws, ok); l != nil {
				kept[l] = true
			}
		}
	}
	newest := slices.Clone(m.history[ws])
	slices.Reverse(newest) // ties go to the later Save
	slices.SortStableFunc(newest, func(a, b *installstore.Installation) int { return b.InstalledAt.Compare(a.InstalledAt) })
	for _, r := range newest[:min(recent, len(newest))] {
		kept[r] = true
	}
	return len(kept)
}

// differences lists the fields in which got differs from want, without
// token values.
func differences(got, want *installstore.Installation) []string {
	var out []string
	g, w := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := 0; i < g.NumField(); i++ {
		name := g.Type().Field(i).Name
		gf, wf := g.Field(i).Interface(), w.Field(i).Interface()
		same := true
		switch gv := gf.(type) {
		case time.Time:
			same = gv.Equal(wf.(time.Time))
		case []string:
			wv := wf.([]string)
			same = len(gv) == len(wv) && (len(gv) == 0 || reflect.DeepEqual(gv, wv))
		default:
			same = gf == wf
		}
		if !same {
			out = append(out, fmt.Sprintf("%s = %v, want %v", name, gf, wf))
		}
	}
	return out
}
