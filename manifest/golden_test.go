package manifest

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .golden files of testdata/validate")

// TestValidateGolden checks the full output of Validate over the manifests
// in testdata/validate against their .golden files (go test -update
// rewrites them).
func TestValidateGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/validate/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, ds := Check(path, data)
			got := ds.Error()
			if got != "" {
				got += "\n"
			}
			golden := path + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Validate(%s):\n%s\nwant (%s):\n%s", path, got, golden, want)
			}
		})
	}
	if n == 0 {
		t.Fatal("no manifests in testdata/validate")
	}
}
