package manifest

import (
	"bytes"

	"gopkg.in/yaml.v3"
)

// Validate checks m against Slack's manifest schema (types, required keys,
// lengths, patterns, counts, unknown keys) and slackgen's lint rules
// (unknown scopes and events, missing implied scopes, nowhere to deliver
// requests, redirect URLs, duplicates, one-way switches, …). It returns
// every problem, sorted by position; only Errors make a manifest unusable.
//
// A parsed Manifest is checked as written, so unknown keys and values of
// the wrong type are reported at their position. Once the model was
// changed in code it is checked as it would be marshalled, with the
// positions of the values that were already there.
func (m *Manifest) Validate() Diagnostics {
	name := m.Name()
	tree := m.tree()
	c := &checker{file: name}
	c.walk(tree, schemas[m.MajorVersion()], "", 0)
	diags := append(c.diags, m.lint()...)
	for i := range diags {
		if !diags[i].Pos.IsValid() {
			diags[i].Pos = m.posNear(diags[i].Pointer)
		}
	}
	return sortDiagnostics(diags)
}

// tree returns the document to check: the source while the model still
// matches it, the model's encoding otherwise.
func (m *Manifest) tree() *yaml.Node {
	if m.src != nil && bytes.Equal(fingerprint(m), m.src.model) {
		return m.src.root
	}
	var n yaml.Node
	if err := n.Encode(m.plain()); err != nil {
		return &yaml.Node{Kind: yaml.MappingNode}
	}
	return &n
}

// plain returns a copy of m without its source, for encoding.
func (m *Manifest) plain() *Manifest {
	c := *m
	c.src = nil
	return &c
}

// Check parses data and validates it: the diagnostics of a syntax error,
// or every schema and lint problem. It is what `slackgen validate` and
// the emulator's apps.manifest.validate report.
func Check(name string, data []byte) (*Manifest, Diagnostics) {
	m, err := Parse(name, data)
	if err != nil {
		ds, ok := err.(Diagnostics)
		if !ok {
			ds = Diagnostics{{File: name, Severity: Error, Message: err.Error()}}
		}
		return nil, ds
	}
	return m, m.Validate()
}
