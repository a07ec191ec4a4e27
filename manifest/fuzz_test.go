package manifest

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that parsing, validating, marshalling and editing any
// input never panics, and that an exported manifest parses again.
func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	f.Add([]byte(editBase))
	f.Add([]byte(`{"display_information": {"name": "x"}, "oauth_config": {"scopes": {"bot": []}}}`))
	f.Add([]byte("a: &x [*x]\n"))
	files, _ := filepath.Glob("testdata/validate/*")
	samples, _ := filepath.Glob(filepath.Join(referenceDir, "*.json"))
	for _, p := range append(files, samples...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		ds := m.Validate()
		if !ds.HasErrors() {
			for _, format := range []Format{YAML, JSON} {
				out, err := m.Marshal(format)
				if err != nil {
					continue
				}
				if _, err := Parse("out", out); err != nil {
					t.Fatalf("export of a valid manifest doesn't parse: %v\n%s", err, out)
				}
			}
		}
		ed, err := NewEditor("fuzz.yaml", data)
		if err != nil {
			return
		}
		_, _ = ed.AddScope("chat:write", false)
		_, _ = ed.AddEvent("app_mention", false)
		_, _ = ed.AddCommand(SlashCommand{Command: "/fuzz", Description: "d"})
	})
}
