// Package atomicfile replaces files atomically: the data goes to a
// temporary file in the same directory, is synced, and is renamed over the
// target, so a reader sees the old content or the new, never part of it.
package atomicfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path atomically and leaves the file with mode perm,
// whatever the mode of a file it replaces (an env file holding secrets
// stays 0600 even if it was 0644). The directory must exist.
func Write(path string, data []byte, perm fs.FileMode) error {
	return write(path, data, perm)
}

// WriteKeepMode is Write, except that a file that already exists keeps its
// permission bits; perm applies only to a new file.
func WriteKeepMode(path string, data []byte, perm fs.FileMode) error {
	if fi, err := os.Stat(path); err == nil {
		perm = fi.Mode().Perm()
	}
	return write(path, data, perm)
}

func write(path string, data []byte, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
