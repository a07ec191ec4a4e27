package generator

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden renders each project in testdata/cases in memory and compares
// every file with testdata/golden/<case>/<path>.golden. Run
// `go test ./generator -run TestGolden -update` after changing a template.
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/cases/*")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases in testdata/cases: %v", err)
	}
	for _, dir := range cases {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			pr, err := prepare(dir, DevelVersion, "", true)
			if err != nil {
				t.Fatal(err)
			}
			goldenDir := filepath.Join("testdata", "golden", name)
			got := map[string][]byte{}
			for _, f := range pr.files {
				got[f.path] = f.content
			}
			if *update {
				if err := os.RemoveAll(goldenDir); err != nil {
					t.Fatal(err)
				}
				for p, content := range got {
					full := filepath.Join(goldenDir, filepath.FromSlash(p)+".golden")
					if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(full, content, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			want := map[string][]byte{}
			err = filepath.WalkDir(goldenDir, func(p string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(goldenDir, p)
				b, err := os.ReadFile(p)
				want[strings.TrimSuffix(filepath.ToSlash(rel), ".golden")] = b
				return err
			})
			if err != nil {
				t.Fatalf("reading golden files (run with -update to create them): %v", err)
			}
			for _, p := range sortedKeys(got, want) {
				g, w := got[p], want[p]
				switch {
				case w == nil:
					t.Errorf("%s: rendered but has no golden file (run with -update)", p)
				case g == nil:
					t.Errorf("%s: golden file but not rendered", p)
				case !bytes.Equal(g, w):
					diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
						A: difflib.SplitLines(string(w)), B: difflib.SplitLines(string(g)),
						FromFile: "golden/" + p, ToFile: "rendered/" + p, Context: 2,
					})
					t.Errorf("%s differs from its golden file (run with -update if intended):\n%s", p, diff)
				}
			}
		})
	}
}

func sortedKeys(ms ...map[string][]byte) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}
