//go:build !unix

package filestore

import "context"

// lockFile takes no lock where flock(2) is missing: the in-process lock of
// Store is all there is, so only one process may use the directory.
func lockFile(ctx context.Context, path string) (release func(), err error) {
	return func() {}, ctx.Err()
}

// syncDir does nothing: directories cannot be synced on this platform.
func syncDir(dir string) error { return nil }
