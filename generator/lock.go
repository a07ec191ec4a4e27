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

// Lock records what the last run generated: the generator version, a hash
// of the inputs and, for every file, its ownership class and — for
// generated files — the hash of the content written, so a later run can
// tell a hand-edited generated file from one it may rewrite.
type Lock struct {
	Generator string               `json:"generator"`
	Input     string               `json:"input"`
	Files     map[string]LockEntry `json:"files"`
}

// LockEntry is one file of the lock.
type LockEntry struct {
	Class  Class  `json:"class"`
	SHA256 string `json:"sha256,omitempty"` // generated files only
}

// readLock reads the lock in dir; a missing lock is an empty one.
func readLock(path string) (*Lock, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Lock{Files: map[string]LockEntry{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var l Lock
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, fmt.Errorf("%s is corrupt (%v): restore it from version control, or delete it and rerun with --force", path, err)
	}
	if l.Files == nil {
		l.Files = map[string]LockEntry{}
	}
	return &l, nil
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
