package generator

import (
	"bytes"
	"fmt"
	"maps"
)

// lockStatus is how the lock a run writes compares with the one on disk.
type lockStatus struct {
	changed bool   // the lock file is (or would be) rewritten
	stale   bool   // the change makes the project stale
	oldFmt  int    // the format of the lock on disk when older than LockVersion, else 0
	why     string // what differs, when stale; "" otherwise
}

// compareLocks compares the lock on disk (old, read from oldData; nil
// oldData when there is none) with the one a run writes (next, encoded as
// nextData). saveConfig reports that slackgen.yaml records a new overlay.
//
// A lock of an older format recorded an input hash that is not comparable
// with this version's (version 1 hashed the files' bytes): its rewrite in
// the current format is not a change by itself, and whether the project is
// stale is left to the rendered files, which the plan compares with the
// disk, and to the lock's other records (generator version, files).
func compareLocks(old *Lock, oldData []byte, next *Lock, nextData []byte, saveConfig bool) lockStatus {
	ls := lockStatus{changed: saveConfig || !bytes.Equal(oldData, nextData)}
	compareInput := true
	if oldData != nil && old.format() < LockVersion {
		ls.oldFmt = old.format()
		compareInput = false
	}
	switch {
	case oldData == nil:
		ls.why = LockFile + " is missing"
	case saveConfig:
		ls.why = ConfigFile + " records a new template overlay"
	case old.Generator != next.Generator:
		ls.why = fmt.Sprintf("%s was written by slackgen %s, this is slackgen %s", LockFile, old.Generator, next.Generator)
	case compareInput && old.Input != next.Input:
		ls.why = "the manifest, " + ConfigFile + " or the template overlay changed without changing a generated file; " +
			LockFile + " records their new hash"
	case !maps.Equal(old.Files, next.Files):
		ls.why = LockFile + " lists other files or hashes than the run generates"
	case compareInput && ls.changed:
		ls.why = LockFile + " is not formatted as slackgen writes it"
	}
	ls.stale = ls.why != ""
	return ls
}

// note explains the lock's change to the user: always for a lock of an
// older format; otherwise only when the lock is stale while no file is
// (filesStale), since file lines explain themselves. writes reports a run
// that writes the lock (not --check or --dry-run).
func (ls lockStatus) note(filesStale, writes bool) string {
	var note string
	if ls.oldFmt != 0 {
		if writes {
			note = fmt.Sprintf("%s updated from lock version %d to %d: its input hash now covers the manifest's content, "+
				"not its comments, whitespace or key order", LockFile, ls.oldFmt, LockVersion)
		} else {
			note = fmt.Sprintf("%s has lock version %d, whose input hash is not comparable with this slackgen's: "+
				"the rendered files were compared instead; `slackgen generate` updates the lock to version %d",
				LockFile, ls.oldFmt, LockVersion)
		}
	}
	if ls.stale && !filesStale && !writes {
		if note != "" {
			note += "; "
		}
		note += ls.why
	}
	return note
}
