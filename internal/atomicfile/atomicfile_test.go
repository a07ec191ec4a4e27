package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	type writeFunc func(string, []byte, fs.FileMode) error
	tests := []struct {
		name     string
		write    writeFunc
		existing fs.FileMode // mode of a file already at the path; 0 for none
		perm     fs.FileMode
		wantMode fs.FileMode
	}{
		{"Write new", Write, 0, 0o644, 0o644},
		{"Write new 0600", Write, 0, 0o600, 0o600},
		{"Write tightens an existing 0644 to 0600", Write, 0o644, 0o600, 0o600},
		{"Write resets an existing 0600 to 0644", Write, 0o600, 0o644, 0o644},
		{"WriteKeepMode new", WriteKeepMode, 0, 0o644, 0o644},
		{"WriteKeepMode keeps an existing 0600", WriteKeepMode, 0o600, 0o644, 0o600},
		{"WriteKeepMode keeps an existing 0755", WriteKeepMode, 0o755, 0o644, 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "file.txt")
			if tt.existing != 0 {
				if err := os.WriteFile(path, []byte("old content, longer than the new"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			if err := tt.write(path, []byte("new"), tt.perm); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if err != nil || string(data) != "new" {
				t.Errorf("content %q, %v; want %q", data, err, "new")
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != tt.wantMode {
				t.Errorf("mode %v, want %v", got, tt.wantMode)
			}
			assertOnly(t, dir, "file.txt")
		})
	}
}

func TestWriteFails(t *testing.T) {
	for _, write := range []func(string, []byte, fs.FileMode) error{Write, WriteKeepMode} {
		dir := t.TempDir()
		if err := write(filepath.Join(dir, "missing", "file.txt"), []byte("x"), 0o644); err == nil {
			t.Error("writing into a missing directory succeeded; want an error")
		}
		// A directory in the way: the rename fails and the temporary goes.
		if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "sub", "keep"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := write(filepath.Join(dir, "sub"), []byte("x"), 0o644); err == nil {
			t.Error("writing over a non-empty directory succeeded; want an error")
		}
		assertOnly(t, dir, "sub")
	}
}

// assertOnly fails t unless dir holds exactly the named entry: no
// temporary file is left behind.
func assertOnly(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s holds %v, want only %s", dir, names, name)
	}
}
