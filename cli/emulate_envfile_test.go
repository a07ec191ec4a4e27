package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteEnvFileThroughSymlink: an env file that is a symbolic link
// (.env -> ../secrets/app.env) is updated through the link: the target
// gets the new values and keeps its other lines and its owner's mode, and
// the link stays a link.
func TestWriteEnvFileThroughSymlink(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mode     fs.FileMode // the target's mode before
		wantMode fs.FileMode
	}{
		{"0600 kept", 0o600, 0o600},
		{"0400 kept", 0o400, 0o400},
		{"0640 loses the group bit (secrets)", 0o640, 0o600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for _, d := range []string{"app", "secrets"} {
				if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			target := filepath.Join(root, "secrets", "app.env")
			if err := os.WriteFile(target, []byte("DATABASE_URL=postgres://db\nSLACK_URL=old\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(target, tc.mode); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(root, "app", ".env")
			dest := filepath.Join("..", "secrets", "app.env")
			if err := os.Symlink(dest, link); err != nil {
				t.Skipf("symbolic links unavailable: %v", err)
			}

			if err := writeEnvFile(link, []string{"SLACK_URL=http://127.0.0.1:3001", "SLACK_CLIENT_ID=1.2"}); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			if want := "DATABASE_URL=postgres://db\nSLACK_URL=http://127.0.0.1:3001\nSLACK_CLIENT_ID=1.2\n"; string(got) != want {
				t.Errorf("target:\n%s\nwant:\n%s", got, want)
			}
			fi, err := os.Lstat(link)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode()&fs.ModeSymlink == 0 {
				t.Fatalf("%s is no longer a symbolic link (mode %v)", link, fi.Mode())
			}
			if d, err := os.Readlink(link); err != nil || d != dest {
				t.Errorf("the link points at %q (%v), want %q", d, err, dest)
			}
			if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != tc.wantMode {
				t.Errorf("target mode %v (%v), want %v", fi.Mode().Perm(), err, tc.wantMode)
			}
			if v, err := readEnvValue(link, "SLACK_CLIENT_ID"); err != nil || v != "1.2" {
				t.Errorf("readEnvValue through the link = %q, %v", v, err)
			}
			if entries, _ := os.ReadDir(filepath.Join(root, "secrets")); len(entries) != 1 {
				t.Errorf("secrets/ holds %d entries, want only app.env (a temporary file left behind?)", len(entries))
			}
		})
	}
}

// TestWriteEnvFileDanglingSymlink: a link to a file that does not exist is
// an error saying what to do; no file is created anywhere.
func TestWriteEnvFileDanglingSymlink(t *testing.T) {
	root := t.TempDir()
	link := filepath.Join(root, ".env")
	if err := os.Symlink(filepath.Join("secrets", "app.env"), link); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}
	err := writeEnvFile(link, []string{"SLACK_URL=http://x"})
	if err == nil || !strings.Contains(err.Error(), "create the file it points at") {
		t.Fatalf("err = %v, want one saying to create the link's target", err)
	}
	if strings.Contains(err.Error(), "http://x") {
		t.Errorf("the error shows a value: %v", err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "secrets")); err == nil {
		t.Error("secrets/ was created")
	}
}
