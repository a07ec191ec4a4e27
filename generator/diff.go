package generator

import (
	"fmt"
	"io"

	"github.com/pmezard/go-difflib/difflib"
)

// writeDiff prints a unified diff of every file the run would create,
// update or remove.
func writeDiff(w io.Writer, res *Result) error {
	for _, f := range res.Files {
		var from, to string
		var a, b []byte
		switch f.Status {
		case Created:
			from, to, b = "/dev/null", "b/"+f.Path, f.content
		case Updated, Conflict:
			if f.content == nil { // a removed file in conflict
				continue
			}
			from, to, a, b = "a/"+f.Path, "b/"+f.Path, f.old, f.content
		case Removed:
			from, to, a = "a/"+f.Path, "/dev/null", f.old
		default:
			continue
		}
		text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A:        difflib.SplitLines(string(a)),
			B:        difflib.SplitLines(string(b)),
			FromFile: from,
			ToFile:   to,
			Context:  3,
		})
		if err != nil {
			return fmt.Errorf("diffing %s: %w", f.Path, err)
		}
		if _, err := io.WriteString(w, text); err != nil {
			return err
		}
	}
	return nil
}
