package manifest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity tells errors, which make a manifest unusable, from warnings,
// which never fail a run.
type Severity int

// Severities.
const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Position is a 1-based line and column (in characters) in a source file.
// The zero Position means "unknown" (a Manifest built in code).
type Position struct {
	Line   int
	Column int
}

// IsValid reports whether p points somewhere.
func (p Position) IsValid() bool { return p.Line > 0 }

// Diagnostic is one problem found in a manifest.
type Diagnostic struct {
	File     string // the path as given to Load or the name given to Parse
	Pos      Position
	Severity Severity
	// Pointer is the JSON pointer of the value concerned, e.g.
	// "/features/slash_commands/0/command" ("" for the whole document),
	// as Slack's apps.manifest.validate reports it.
	Pointer string
	Message string
	Hint    string // what to do about it; may be empty
}

// String formats d as "file:line:col: error: message (hint)" ("error:
// message (hint)" for a Manifest built in code).
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Pos.IsValid() {
		fmt.Fprintf(&b, ":%d:%d", d.Pos.Line, d.Pos.Column)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s: %s", d.Severity, d.Message)
	if d.Hint != "" {
		fmt.Fprintf(&b, " (%s)", d.Hint)
	}
	return b.String()
}

// Diagnostics is a list of problems, sorted by position by the functions
// of this package. As an error it lists them one per line.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// HasErrors reports whether any diagnostic is an error (not a warning).
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Errors returns only the errors.
func (ds Diagnostics) Errors() Diagnostics { return ds.filter(Error) }

// Warnings returns only the warnings.
func (ds Diagnostics) Warnings() Diagnostics { return ds.filter(Warning) }

func (ds Diagnostics) filter(s Severity) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// sortDiagnostics orders by position, then pointer and message, and drops
// exact duplicates, so output is deterministic.
func sortDiagnostics(ds Diagnostics) Diagnostics {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(a.Pointer, b.Pointer),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.Compact(ds)
}
