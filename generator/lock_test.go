package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// helloManifestReordered is testdata/cases/hello/manifest.yaml with other
// comments, blank lines, quoting and key order: the same content.
const helloManifestReordered = `# Hello: says hello.
oauth_config:
  scopes:
    bot: [commands]   # the only scope
display_information:
  description: "Says hello."
  name: Hello

features:
  slash_commands:
    - usage_hint: "[name]"
      command: /hello
      description: Say hello
      url: https://example.com/slack/events
  bot_user:
    display_name: hello
settings:
  socket_mode_enabled: false
  org_deploy_enabled: false
  token_rotation_enabled: false
`

// edit returns a change of the project file path: old replaced by new.
func edit(path, old, new string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		text := readFile(t, dir, path)
		if !strings.Contains(text, old) {
			t.Fatalf("%s does not contain %q", path, old)
		}
		writeFile(t, dir, path, strings.Replace(text, old, new, 1))
	}
}

func replaceFile(path, content string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		writeFile(t, dir, path, content)
	}
}

// TestCheckIgnoresPresentation: editing comments, whitespace, quoting or
// key order of the manifest or slackgen.yaml leaves the project up to date
// and the lock untouched.
func TestCheckIgnoresPresentation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
	}{
		{"manifest comment", edit("manifest.yaml", "  name: Hello\n", "  name: Hello # the app's name\n")},
		{"manifest blank lines and trailing spaces", edit("manifest.yaml", "features:\n", "\n\nfeatures:   \n")},
		{"manifest key order, quoting, flow style", replaceFile("manifest.yaml", helloManifestReordered)},
		{"manifest as JSON", replaceFile("manifest.yaml", `{"display_information": {"name": "Hello", "description": "Says hello."},
"features": {"bot_user": {"display_name": "hello"}, "slash_commands": [{"command": "/hello",
  "url": "https://example.com/slack/events", "description": "Say hello", "usage_hint": "[name]"}]},
"oauth_config": {"scopes": {"bot": ["commands"]}},
"settings": {"org_deploy_enabled": false, "socket_mode_enabled": false, "token_rotation_enabled": false}}`)},
		{"slackgen.yaml comment and key order", replaceFile(ConfigFile, "# settings\nmode: http\nruntime_dir: \"../../runtime\"\nstore: sqlite  # local\nmodule: example.com/hello\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newProject(t, "hello")
			generate(t, Options{Dir: dir})
			lock := readFile(t, dir, LockFile)
			tc.change(t, dir)
			res := generate(t, Options{Dir: dir, Check: true})
			if res.Stale() {
				var b strings.Builder
				res.Print(&b)
				t.Errorf("check: stale after a presentation-only edit:\n%s", b.String())
			}
			if res.LockNote != "" {
				t.Errorf("check: note %q, want none", res.LockNote)
			}
			if res := generate(t, Options{Dir: dir}); res.LockChanged {
				t.Error("generate rewrote the lock")
			}
			if got := readFile(t, dir, LockFile); got != lock {
				t.Errorf("lock changed:\n%s\n---\n%s", lock, got)
			}
		})
	}
}

// TestCheckSeesContentChanges: every change of content makes the project
// stale, with a file line or a note naming what changed.
func TestCheckSeesContentChanges(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(t *testing.T, dir string)
		file    string // a file whose status names the change, or ""
		status  Status
		noteHas string // with file == "": what the note says
	}{
		{name: "scope added", change: edit("manifest.yaml", "      - commands\n", "      - commands\n      - chat:write\n"),
			file: "slackgen_app.go", status: Updated},
		{name: "command added", change: edit("manifest.yaml", "  slash_commands:\n", "  slash_commands:\n    - command: /bye\n      url: https://example.com/slack/events\n      description: Say bye\n"),
			file: "handlers/bye_command.go", status: Created},
		{name: "module changed", change: edit(ConfigFile, "module: example.com/hello", "module: example.com/hi"),
			file: "slackgen_app.go", status: Updated},
		{name: "description changed (README is scaffolded)", change: edit("manifest.yaml", "Says hello.", "Says hi."),
			noteHas: "changed without changing a generated file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newProject(t, "hello")
			generate(t, Options{Dir: dir})
			tc.change(t, dir)
			res := generate(t, Options{Dir: dir, Check: true})
			if !res.Stale() {
				t.Fatal("check: not stale after a content change")
			}
			if tc.file != "" {
				if got := status(res, tc.file); got != tc.status {
					t.Errorf("%s: %q, want %q", tc.file, got, tc.status)
				}
			} else if !strings.Contains(res.LockNote, tc.noteHas) {
				t.Errorf("note %q lacks %q", res.LockNote, tc.noteHas)
			}
			generate(t, Options{Dir: dir})
			if res := generate(t, Options{Dir: dir, Check: true}); res.Stale() {
				t.Error("check: stale right after generate")
			}
		})
	}
}

// downgradeLock rewrites the project's lock as slackgen wrote it before
// lock version 2: no version, and an input hash over the bytes of
// slackgen.yaml and the manifest.
func downgradeLock(t *testing.T, dir string) {
	t.Helper()
	var l Lock
	if err := json.Unmarshal([]byte(readFile(t, dir, LockFile)), &l); err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, f := range []struct{ name, path string }{{ConfigFile, ConfigFile}, {"manifest", "manifest.yaml"}} {
		b := readFile(t, dir, f.path)
		fmt.Fprintf(h, "%s %d\n", f.name, len(b))
		h.Write([]byte(b))
	}
	l.Version = 0
	l.Input = "sha256:" + hex.EncodeToString(h.Sum(nil))
	data := l.marshal()
	if strings.Contains(string(data), `"version"`) {
		t.Fatalf("a version 1 lock has no version:\n%s", data)
	}
	writeFile(t, dir, LockFile, string(data))
}

// TestOldLock: a lock of version 1 (input hash over the files' bytes)
// neither makes --check fail forever nor passes when the files are
// stale: the rendered files decide, a note says `slackgen generate`
// updates the lock, and a run that writes does.
func TestOldLock(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir string)
		stale  bool
		file   string
		status Status
	}{
		{name: "nothing changed", change: func(*testing.T, string) {}},
		{name: "manifest comment", change: edit("manifest.yaml", "features:\n", "# what it does\nfeatures:\n")},
		{name: "scope added", change: edit("manifest.yaml", "      - commands\n", "      - commands\n      - chat:write\n"),
			stale: true, file: "slackgen_app.go", status: Updated},
		{name: "generated file edited by hand", change: edit("slackgen_app.go", "package main\n", "package main\n\n// mine\n"),
			stale: true, file: "slackgen_app.go", status: Conflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newProject(t, "hello")
			generate(t, Options{Dir: dir})
			downgradeLock(t, dir)
			tc.change(t, dir)
			old := readFile(t, dir, LockFile)

			res := generate(t, Options{Dir: dir, Check: true})
			if res.Stale() != tc.stale {
				var b strings.Builder
				res.Print(&b)
				t.Fatalf("check: stale = %v, want %v:\n%s", res.Stale(), tc.stale, b.String())
			}
			if tc.file != "" && status(res, tc.file) != tc.status {
				t.Errorf("%s: %q, want %q", tc.file, status(res, tc.file), tc.status)
			}
			for _, want := range []string{"lock version 1", "the rendered files were compared instead", "`slackgen generate` updates the lock"} {
				if !strings.Contains(res.LockNote, want) {
					t.Errorf("note %q lacks %q", res.LockNote, want)
				}
			}
			if got := readFile(t, dir, LockFile); got != old {
				t.Error("check rewrote the lock")
			}
			if tc.status == Conflict {
				return
			}

			res = generate(t, Options{Dir: dir})
			if !res.LockChanged || !strings.Contains(res.LockNote, "updated from lock version 1 to 2") {
				t.Errorf("generate: lock changed %v, note %q", res.LockChanged, res.LockNote)
			}
			if !strings.Contains(readFile(t, dir, LockFile), `"version": 2,`) {
				t.Errorf("the lock was not updated:\n%s", readFile(t, dir, LockFile))
			}
			if res := generate(t, Options{Dir: dir, Check: true}); res.Stale() || res.LockNote != "" {
				t.Errorf("check after the update: stale %v, note %q", res.Stale(), res.LockNote)
			}
		})
	}
}

// TestOldLockOtherGenerator: a version 1 lock written by another slackgen
// version is stale, as a current one is, and the note says why.
func TestOldLockOtherGenerator(t *testing.T) {
	dir := newProject(t, "hello")
	generate(t, Options{Dir: dir, Version: "v0.9.0", SkipTidy: true})
	downgradeLock(t, dir)
	res := generate(t, Options{Dir: dir, Check: true, Version: "v0.9.1"})
	if !res.Stale() || !strings.Contains(res.LockNote, "written by slackgen v0.9.0, this is slackgen v0.9.1") {
		t.Errorf("stale %v, note %q", res.Stale(), res.LockNote)
	}
}

// TestNewerLockVersion: a lock from a newer slackgen is refused with what
// to do, not overwritten.
func TestNewerLockVersion(t *testing.T) {
	dir := newProject(t, "hello")
	generate(t, Options{Dir: dir})
	lock := strings.Replace(readFile(t, dir, LockFile), `"version": 2,`, `"version": 3,`, 1)
	writeFile(t, dir, LockFile, lock)
	for _, check := range []bool{true, false} {
		_, err := Generate(Options{Dir: dir, Check: check, SkipTidy: true, Version: DevelVersion})
		if err == nil || !strings.Contains(err.Error(), "lock version 3") || !strings.Contains(err.Error(), "upgrade slackgen") {
			t.Errorf("check=%v: err = %v", check, err)
		}
	}
	if got := readFile(t, dir, LockFile); got != lock {
		t.Error("the lock was rewritten")
	}
}
