// Package atomicfile replaces files atomically: the data goes to a
// temporary file in the same directory, is synced, and is renamed over the
// target, so a reader sees the old content or the new, never part of it.
//
// A path that is a symbolic link is written through: the file the link
// points at (after every link on the way) is replaced, in its own
// directory, and the link stays a link (.env -> ../secrets/app.env updates
// ../secrets/app.env). A link whose target does not exist is an error that
// names the target, rather than a file created wherever the link points
// or a regular file put in the link's place: create the target, or remove
// the link.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes data to path atomically and leaves the file with mode perm,
// whatever the mode of a file it replaces (an env file holding secrets
// stays 0600 even if it was 0644). The directory must exist.
func Write(path string, data []byte, perm fs.FileMode) error {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	return write(path, target, data, perm)
}

// WriteKeepMode is Write, except that a file that already exists keeps its
// permission bits; perm applies only to a new file.
func WriteKeepMode(path string, data []byte, perm fs.FileMode) error {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(target); err == nil {
		perm = fi.Mode().Perm()
	}
	return write(path, target, data, perm)
}

// resolve returns the file that writing path replaces: path itself when it
// is not a symbolic link (or does not exist), else the file the links lead
// to. A link that leads to no file, or a loop of links, is an error saying
// what to do.
func resolve(path string) (string, error) {
	resolved, err := filepath.EvalSymlinks(path)
	if err == nil {
		return resolved, nil
	}
	fi, lerr := os.Lstat(path)
	switch {
	case errors.Is(lerr, fs.ErrNotExist):
		return path, nil // a new file (a missing directory fails the write)
	case lerr != nil:
		return "", fmt.Errorf("writing %s: %w", path, lerr)
	case fi.Mode()&fs.ModeSymlink == 0:
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	dest, rerr := os.Readlink(path)
	if rerr != nil {
		return "", fmt.Errorf("writing %s: %w", path, rerr)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("writing %s: it is a symbolic link (to %s) that leads to no existing file (%w): "+
			"create the file it points at (and its directory) first, or remove the link to write a plain file in its place", path, dest, err)
	}
	return "", fmt.Errorf("writing %s: resolving the symbolic link to %s: %w: fix or remove the link", path, dest, err)
}

// write replaces target with data, through a temporary file in target's
// directory; path is the name the caller gave, for errors.
func write(path, target string, data []byte, perm fs.FileMode) error {
	name := path
	if target != path {
		name = fmt.Sprintf("%s (a link to %s)", path, target)
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
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
		err = os.Rename(tmp, target)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
