package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// referenceDir holds Slack's official manifest schema and samples, outside
// the repository (../../shared/reference from this package).
const referenceDir = "../../shared/reference/slack-manifest-schema"

// TestOfficialSamples checks that Slack's sample manifests pass or fail as
// their names say (*.valid.json: no errors; *.invalid.json: errors).
func TestOfficialSamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(referenceDir, "*-manifest.*.json"))
	if len(files) == 0 {
		t.Skipf("Slack's sample manifests are not in %s; skipping", referenceDir)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, ds := Check(filepath.Base(path), data)
			wantErrors := strings.HasSuffix(path, ".invalid.json")
			if ds.HasErrors() != wantErrors {
				t.Errorf("errors = %v, want %v:\n%s", ds.HasErrors(), wantErrors, ds.Error())
			}
		})
	}
}
