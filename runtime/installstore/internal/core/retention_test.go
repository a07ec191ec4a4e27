package core

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/installstore"
)

func TestRetain(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	for _, tc := range []struct {
		name    string
		entries []Entry
		recent  int
		want    []bool
	}{
		{"empty", nil, 3, []bool{}},
		{"rotations keep the latest", []Entry{
			{"", true, false, at(0)}, {"", true, false, at(1)}, {"", true, false, at(2)},
		}, 0, []bool{false, false, true}},
		{"and the recent ones", []Entry{
			{"", true, false, at(0)}, {"", true, false, at(1)}, {"", true, false, at(2)},
		}, 2, []bool{false, true, true}},
		{"a negative recent is 0", []Entry{
			{"", true, false, at(0)}, {"", true, false, at(1)},
		}, -1, []bool{false, true}},
		{"a user's latest, latest bot and latest user token", []Entry{
			{"U1", true, true, at(0)},   // stood in for by the next two
			{"U1", false, true, at(1)},  // latest with a user token
			{"U1", true, false, at(2)},  // latest with a bot token
			{"U1", false, false, at(3)}, // latest
		}, 0, []bool{false, true, true, true}},
		{"users are apart", []Entry{
			{"U1", true, true, at(0)}, {"U2", true, true, at(1)}, {"", true, false, at(2)},
		}, 0, []bool{true, true, true}},
		{"a later record with both tokens stands in for all", []Entry{
			{"U1", true, false, at(0)}, {"U1", false, true, at(1)}, {"U1", false, false, at(2)}, {"U1", true, true, at(3)},
		}, 0, []bool{false, false, false, true}},
		{"ties go to the later insertion", []Entry{
			{"U1", true, true, at(1)}, {"U1", true, true, at(1)},
		}, 0, []bool{false, true}},
		{"InstalledAt orders, not insertion", []Entry{
			{"U1", true, true, at(5)}, {"U1", true, true, at(1)},
		}, 0, []bool{true, false}},
		{"an old Save is dropped at once", []Entry{
			{"U1", true, true, at(5)}, {"U2", true, false, at(6)}, {"U1", true, true, at(1)},
		}, 1, []bool{true, true, false}},
	} {
		if got := Retain(tc.entries, tc.recent); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Retain = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// randomEntries returns a random history of n records over a few users.
func randomEntries(rng *rand.Rand, n int) []Entry {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	users := []string{"", "U1", "U2", "U3"}
	out := make([]Entry, n)
	for i := range out {
		out[i] = Entry{
			UserID: users[rng.IntN(len(users))], Bot: rng.IntN(2) == 0, User: rng.IntN(2) == 0,
			InstalledAt: t0.Add(time.Duration(rng.IntN(n)) * time.Minute), // with ties and disorder
		}
	}
	return out
}

// What Retain drops from a part of the history, the whole history may drop
// too: the SQL stores and concurrent writers rely on it.
func TestRetainOnAPartNeverDropsWhatTheWholeNeeds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 300; round++ {
		whole := randomEntries(rng, 1+rng.IntN(40))
		recent := rng.IntN(4)
		keepWhole := Retain(whole, recent)
		var idx []int // a random part, in insertion order
		for i := range whole {
			if rng.IntN(3) > 0 {
				idx = append(idx, i)
			}
		}
		part := make([]Entry, len(idx))
		for j, i := range idx {
			part[j] = whole[i]
		}
		for j, kept := range Retain(part, recent) {
			if !kept && keepWhole[idx[j]] {
				t.Fatalf("round %d: the part drops entry %d (%+v), which the whole history keeps", round, idx[j], whole[idx[j]])
			}
		}
	}
}

// After a write by user u to a pruned history, looking at u's records and
// the recent+1 most recent ones (as the SQL stores do) drops exactly what
// looking at everything would.
func TestDropOnTheWrittenUsersRowsIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 100; round++ {
		recent := rng.IntN(4)
		rows := map[int64]Entry{}
		var id int64
		for _, e := range randomEntries(rng, 60) {
			id++
			rows[id] = e
			want := Drop(rows, recent)

			part := map[int64]Entry{}
			var ids []int64
			for rid, r := range rows {
				ids = append(ids, rid)
				if r.UserID == e.UserID {
					part[rid] = r
				}
			}
			slices.SortFunc(ids, func(a, b int64) int { // latest first
				if c := rows[b].InstalledAt.Compare(rows[a].InstalledAt); c != 0 {
					return c
				}
				return int(b - a)
			})
			for _, rid := range ids[:min(recent+1, len(ids))] {
				part[rid] = rows[rid]
			}
			if got := Drop(part, recent); !slices.Equal(got, want) {
				t.Fatalf("round %d, row %d: dropping from the user's and the recent rows = %v, from all rows = %v", round, id, got, want)
			}
			for _, rid := range want {
				delete(rows, rid)
			}
		}
	}
}

func TestPruneKeepsOrderAndRecords(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var history []*installstore.Installation
	for i := 0; i < 5; i++ {
		history = append(history, &installstore.Installation{TeamID: "T1", BotToken: "b", InstalledAt: t0.Add(time.Duration(i) * time.Hour)})
	}
	last, prev := history[4], history[3]
	got := Prune(history, 2)
	if len(got) != 2 || got[0] != prev || got[1] != last {
		t.Fatalf("Prune kept %v, want the last two records in order", got)
	}
}
