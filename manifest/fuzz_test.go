package manifest

import (
	"os"
	"path/filepath"
	"slices"
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
		added, err := ed.AddScope("chat:write", false)
		if err == nil && len(added) > 0 {
			// One insertion: the original text is kept around it.
			out := ed.Bytes()
			p := commonPrefix(data, out)
			if p+commonSuffix(data[p:], out[p:]) < len(data) {
				t.Fatalf("the edit changed the original text:\n%q\n→\n%q", data, out)
			}
			if !slices.Contains(ed.Manifest().BotScopes(), "chat:write") {
				t.Fatalf("the edit didn't add the scope:\n%s", out)
			}
		}
		_, _ = ed.AddEvent("app_mention", false)
		_, _ = ed.AddCommand(SlashCommand{Command: "/fuzz", Description: "d"})
	})
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}
