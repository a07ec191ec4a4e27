package atomicfile

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func symlink(t *testing.T, dest, link string) {
	t.Helper()
	if err := os.Symlink(dest, link); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}
}

// TestWriteThroughSymlink: a path that is a symbolic link (relative,
// absolute, a chain, through a linked directory) has the file it points at
// replaced, in that file's directory; the link stays the same link.
func TestWriteThroughSymlink(t *testing.T) {
	type writeFunc func(string, []byte, fs.FileMode) error
	for _, w := range []struct {
		name     string
		write    writeFunc
		wantMode fs.FileMode // for a 0640 target written with perm 0600
	}{
		{"Write", Write, 0o600},
		{"WriteKeepMode", WriteKeepMode, 0o640},
	} {
		for _, tc := range []struct {
			name string
			// link makes the links under root to root/secrets/app.env and
			// returns the path to write.
			link func(t *testing.T, root string) string
		}{
			{"relative link", func(t *testing.T, root string) string {
				symlink(t, filepath.Join("..", "secrets", "app.env"), filepath.Join(root, "app", ".env"))
				return filepath.Join(root, "app", ".env")
			}},
			{"absolute link", func(t *testing.T, root string) string {
				symlink(t, filepath.Join(root, "secrets", "app.env"), filepath.Join(root, "app", ".env"))
				return filepath.Join(root, "app", ".env")
			}},
			{"chain of links", func(t *testing.T, root string) string {
				symlink(t, filepath.Join("..", "secrets", "app.env"), filepath.Join(root, "app", "shared.env"))
				symlink(t, "shared.env", filepath.Join(root, "app", ".env"))
				return filepath.Join(root, "app", ".env")
			}},
			{"linked directory", func(t *testing.T, root string) string {
				symlink(t, filepath.Join("..", "secrets"), filepath.Join(root, "app", "conf"))
				return filepath.Join(root, "app", "conf", "app.env")
			}},
		} {
			t.Run(w.name+"/"+tc.name, func(t *testing.T) {
				root := t.TempDir()
				for _, d := range []string{"app", "secrets"} {
					if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
						t.Fatal(err)
					}
				}
				target := filepath.Join(root, "secrets", "app.env")
				if err := os.WriteFile(target, []byte("OLD=1\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(target, 0o640); err != nil {
					t.Fatal(err)
				}
				path := tc.link(t, root)
				links := readLinks(t, filepath.Join(root, "app"))

				if err := w.write(path, []byte("NEW=1\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if got, err := os.ReadFile(target); err != nil || string(got) != "NEW=1\n" {
					t.Errorf("target holds %q, %v; want the new content", got, err)
				}
				fi, err := os.Stat(target)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != w.wantMode {
					t.Errorf("target mode %v, want %v", fi.Mode().Perm(), w.wantMode)
				}
				if after := readLinks(t, filepath.Join(root, "app")); !maps.Equal(after, links) {
					t.Errorf("app/ was %v, is %v: the links must stay as they were", links, after)
				}
				assertOnly(t, filepath.Join(root, "secrets"), "app.env")
			})
		}
	}
}

// TestWriteDanglingSymlink: a link to nothing is an error naming the link
// and what to do; neither the link nor its missing target is touched.
func TestWriteDanglingSymlink(t *testing.T) {
	for _, write := range []func(string, []byte, fs.FileMode) error{Write, WriteKeepMode} {
		root := t.TempDir()
		path := filepath.Join(root, ".env")
		symlink(t, filepath.Join("secrets", "app.env"), path)
		err := write(path, []byte("NEW=1\n"), 0o600)
		if err == nil {
			t.Fatal("writing through a dangling link succeeded; want an error")
		}
		for _, want := range []string{path, "symbolic link", filepath.Join("secrets", "app.env"), "create the file it points at", "remove the link"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %q does not wrap fs.ErrNotExist", err)
		}
		if fi, err := os.Lstat(path); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("the link was replaced: %v, %v", fi, err)
		}
		assertOnly(t, root, ".env")
	}
}

// TestWriteSymlinkLoop: a loop of links is an error, and nothing is
// written.
func TestWriteSymlinkLoop(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	symlink(t, "b", a)
	symlink(t, "a", b)
	for _, write := range []func(string, []byte, fs.FileMode) error{Write, WriteKeepMode} {
		if err := write(a, []byte("x"), 0o644); err == nil || !strings.Contains(err.Error(), "remove the link") {
			t.Errorf("err = %v, want a loop error saying what to do", err)
		}
	}
	if got := readLinks(t, root); !maps.Equal(got, map[string]string{"a": "b", "b": "a"}) {
		t.Errorf("links changed: %v", got)
	}
}

// readLinks returns the entries of dir: a link's destination, or "" for
// anything else.
func readLinks(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		out[e.Name()] = ""
		if e.Type()&fs.ModeSymlink != 0 {
			if out[e.Name()], err = os.Readlink(filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}
