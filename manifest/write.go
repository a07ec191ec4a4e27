package manifest

import "github.com/slackgen/slackgen/internal/atomicfile"

// WriteFile writes data to path atomically: to a temporary file in the
// same directory, synced, then renamed over path, so a reader sees the old
// or the new manifest, never half of one. An existing file's mode is kept
// (0644 for a new file).
func WriteFile(path string, data []byte) error {
	return atomicfile.WriteKeepMode(path, data, 0o644)
}
