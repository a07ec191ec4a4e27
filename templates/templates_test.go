package templates

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestProjectLayout checks the embedded tree: every file is a .tmpl, and
// placeholders in paths are ones the generator expands.
func TestProjectLayout(t *testing.T) {
	placeholder := regexp.MustCompile(`\[[^]]*\]`)
	known := map[string]bool{"[command]": true, "[event]": true, "[shortcut]": true, "[action]": true, "[view]": true, "[select]": true, "[closed]": true}
	var n int
	err := fs.WalkDir(Project(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		if !strings.HasSuffix(p, ".tmpl") {
			t.Errorf("%s: not a .tmpl file", p)
		}
		for _, ph := range placeholder.FindAllString(p, -1) {
			if !known[ph] {
				t.Errorf("%s: unknown placeholder %s", p, ph)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"go.mod.tmpl", "main.go.tmpl", "slackgen_app.go.tmpl", "handlers/slackgen_handlers.go.tmpl", ".gitignore.tmpl", ".env.example.tmpl"} {
		if _, err := fs.Stat(Project(), want); err != nil {
			t.Errorf("%s is not embedded: %v", want, err)
		}
	}
	if n < 10 {
		t.Errorf("only %d templates embedded", n)
	}
}
