package sqlitestore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The queries that prune the history on every write must search an index
// (or the primary key), never scan the table or sort.
func TestRetentionQueriesUseIndexes(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "i.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, tc := range []struct {
		query string
		args  []any
	}{
		{userEntriesSQL, []any{"team::T1", "U1"}},
		{recentEntriesSQL, []any{"team::T1", 11}},
		{deleteRowSQL, []any{1}},
	} {
		rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+tc.query, tc.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		p := strings.Join(plan, "; ")
		if !strings.Contains(p, "USING INDEX") && !strings.Contains(p, "USING INTEGER PRIMARY KEY") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("plan for %q is %q: want an index search without a sort", tc.query, p)
		}
	}
}
