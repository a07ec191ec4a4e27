package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// LockFile is the name of the lock file in a generated project.
const LockFile = "slackgen.lock"

// LockVersion is the lock format this slackgen writes. Version 2 hashes
// the inputs as parsed (the manifest's Canonical form, slackgen.yaml's
// settings), so editing a comment, whitespace or key order changes
// nothing; a lock without a version is version 1, whose input hash covered
// the files' bytes.
const LockVersion = 2

// Lock records what the last run generated: the lock format, the generator
// version, a hash of the inputs and, for every file, its ownership class
// and — for generated files — the hash of the content written, so a later
// run can tell a hand-edited generated file from one it may rewrite.
type Lock struct {
	Version   int                  `json:"version,omitempty"` // 0 in a version 1 lock
	Generator string               `json:"generator"`
	Input     string               `json:"input"`
	Files     map[string]LockEntry `json:"files"`
}

// LockEntry is one file of the lock.
type LockEntry struct {
	Class  Class  `json:"class"`
	SHA256 string `json:"sha256,omitempty"` // generated files only
}

// format returns the lock's format version (1 for a lock without one).
func (l *Lock) format() int {
	return max(l.Version, 1)
}

// readLock reads the lock at path and returns it with its bytes; a missing
// lock is an empty one, with nil bytes. version is this generator's, for
// the error about a lock from a newer one.
func readLock(path, version string) (*Lock, []byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Lock{Version: LockVersion, Files: map[string]LockEntry{}}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var l Lock
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, nil, fmt.Errorf("%s is corrupt (%v): restore it from version control, or delete it and rerun with --force", path, err)
	}
	if l.Version > LockVersion {
		return nil, nil, fmt.Errorf("%s has lock version %d, newer than this slackgen (%s) understands (%d): "+
			"upgrade slackgen to %s or later, the version that wrote it", path, l.Version, version, LockVersion, l.Generator)
	}
	if l.Files == nil {
		l.Files = map[string]LockEntry{}
	}
	return &l, data, nil
}

// marshal encodes the lock deterministically (encoding/json sorts map keys).
func (l *Lock) marshal() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		panic(err) // only strings and maps: cannot fail
	}
	return buf.Bytes()
}

func hashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
