package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Format is the syntax of a manifest file.
type Format int

// Formats.
const (
	YAML Format = iota
	JSON
)

func (f Format) String() string {
	if f == JSON {
		return "json"
	}
	return "yaml"
}

// ParseFormat parses "yaml", "yml" or "json".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "yaml", "yml":
		return YAML, nil
	case "json":
		return JSON, nil
	}
	return YAML, fmt.Errorf("unknown manifest format %q: use yaml or json", s)
}

// source is what Parse remembers about the text a Manifest came from.
type source struct {
	name   string
	data   []byte
	format Format
	root   *yaml.Node            // the top-level mapping
	values map[string]*yaml.Node // JSON pointer → value node
	keys   map[string]*yaml.Node // JSON pointer → key node (mapping entries)
	// model is the model as parsed, marshalled; Validate uses the source
	// tree (with every position and unknown key) while the model still
	// encodes to it, and the model itself after it was changed in code.
	model []byte
}

// Load reads and parses the manifest at path (YAML or JSON, told by the
// extension or the content). Diagnostics name the file as path.
//
// Load returns an error only when the file can't be read or isn't YAML or
// JSON at all (a Diagnostics then, with the position); call Validate for
// everything else.
func Load(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return Parse(path, data)
}

var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse parses a manifest from data; name is used in diagnostics and to
// tell JSON (".json") from YAML when the content doesn't start with "{".
//
// The error, when not nil, is a Diagnostics: data isn't YAML or JSON, or
// its top level isn't a mapping. Schema and lint problems are reported by
// Validate, not here, so that they are all reported together.
func Parse(name string, data []byte) (*Manifest, error) {
	src := &source{name: name, data: data, format: detectFormat(name, data)}
	fail := func(pos Position, msg, hint string) (*Manifest, error) {
		return nil, Diagnostics{{File: name, Pos: pos, Severity: Error, Message: msg, Hint: hint}}
	}
	if src.format == JSON {
		// encoding/json knows where a JSON syntax error is; YAML's parser
		// only reports the line where the enclosing collection started.
		var v any
		var se *json.SyntaxError
		if err := json.Unmarshal(data, &v); errors.As(err, &se) {
			return fail(offsetPos(data, int(se.Offset)), "not valid JSON: "+se.Error(), "fix the syntax")
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		pos := Position{}
		if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			pos, msg = Position{Line: line, Column: 1}, m[2]
		}
		return fail(pos, "not valid "+strings.ToUpper(src.format.String())+": "+msg, "fix the syntax")
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return fail(Position{}, "the manifest is empty", "start from `slackgen init` or an export from api.slack.com")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fail(nodePos(root), "the manifest must be a mapping (an object) of sections", "start with `display_information:`")
	}
	src.root = root
	src.values = map[string]*yaml.Node{"": root}
	src.keys = map[string]*yaml.Node{}
	index(root, "", src.values, src.keys, 0)

	m := &Manifest{}
	decodeLenient(root, m)
	fillRaw(m, src.values)
	src.model = fingerprint(m)
	m.src = src
	return m, nil
}

// offsetPos converts a byte offset into a line and rune column; for a
// json.SyntaxError offset (just past the offending byte) it points at that
// byte, or at the end of the input.
func offsetPos(data []byte, off int) Position {
	if off < len(data) {
		off--
	}
	off = max(0, min(off, len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return Position{Line: line, Column: 1 + utf8.RuneCount(data[start:off])}
}

// decodeLenient fills m from root, skipping values of the wrong type (the
// schema check reports them with their position).
func decodeLenient(root *yaml.Node, m *Manifest) {
	defer func() {
		// yaml.v3 reports type mismatches as *yaml.TypeError after decoding
		// everything else; a panic inside it must not take the CLI down,
		// nor leave a half-decoded model behind (as a decode error does not).
		if recover() != nil {
			*m = Manifest{}
		}
	}()
	var te *yaml.TypeError
	if err := withoutRepeatedKeys(root, 0).Decode(m); err != nil && !errors.As(err, &te) {
		*m = Manifest{}
	}
}

// withoutRepeatedKeys returns n, or a copy of it without the repeated keys
// of its mappings (the first wins, as in the position index): yaml.v3
// stops decoding a mapping at a repeated key, and the schema check
// reports the repeat anyway.
func withoutRepeatedKeys(n *yaml.Node, depth int) *yaml.Node {
	if depth > 64 || (n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode) {
		return n
	}
	var content []*yaml.Node // nil until something changes
	seen := map[string]bool{}
	step := 1
	if n.Kind == yaml.MappingNode {
		step = 2
	}
	for i := 0; i+step-1 < len(n.Content); i += step {
		if step == 2 {
			k := n.Content[i]
			if seen[k.Value] {
				if content == nil {
					content = slices.Clone(n.Content[:i])
				}
				continue
			}
			seen[k.Value] = true
		}
		v := n.Content[i+step-1]
		nv := withoutRepeatedKeys(v, depth+1)
		if nv != v && content == nil {
			content = slices.Clone(n.Content[:i])
		}
		if content != nil {
			if step == 2 {
				content = append(content, n.Content[i])
			}
			content = append(content, nv)
		}
	}
	if content == nil {
		return n
	}
	c := *n
	c.Content = content
	return &c
}

// fillRaw sets the sections kept as raw nodes (yaml.v3 doesn't decode
// into *yaml.Node fields).
func fillRaw(m *Manifest, values map[string]*yaml.Node) {
	raw := func(ptr string) *yaml.Node {
		n := values[ptr]
		if n == nil {
			return nil
		}
		c := *n
		return &c
	}
	m.Functions = raw("/functions")
	m.Workflows = raw("/workflows")
	m.Datastores = raw("/datastores")
	m.Types = raw("/types")
	m.OutgoingDomains = raw("/outgoing_domains")
	m.ExternalAuthProviders = raw("/external_auth_providers")
	m.MCPServers = raw("/mcp_servers")
	if m.Features != nil {
		m.Features.Functions = raw("/features/functions")
	}
}

// fingerprint identifies the state of m's model: its typed fields as JSON
// and the identity of its raw sections (which are not compared deeply).
func fingerprint(m *Manifest) []byte {
	c := *m
	c.src = nil
	raws := []*yaml.Node{c.Functions, c.Workflows, c.Datastores, c.Types, c.OutgoingDomains, c.ExternalAuthProviders, c.MCPServers}
	c.Functions, c.Workflows, c.Datastores, c.Types, c.OutgoingDomains, c.ExternalAuthProviders, c.MCPServers = nil, nil, nil, nil, nil, nil, nil
	if c.Features != nil {
		f := *c.Features
		raws = append(raws, f.Functions)
		f.Functions = nil
		c.Features = &f
	}
	b, err := json.Marshal(&c)
	if err != nil {
		return nil
	}
	for _, r := range raws {
		b = fmt.Appendf(b, " %p", r)
	}
	return b
}

func detectFormat(name string, data []byte) Format {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return JSON
	}
	if strings.EqualFold(filepath.Ext(name), ".json") {
		return JSON
	}
	return YAML
}

// index records the node at every JSON pointer below n.
func index(n *yaml.Node, ptr string, values, keys map[string]*yaml.Node, depth int) {
	if depth > 64 {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := ptr + "/" + escapePointer(k.Value)
			if _, dup := values[p]; dup {
				continue // the first wins; the schema check reports the repeat
			}
			keys[p], values[p] = k, v
			index(v, p, values, keys, depth+1)
		}
	case yaml.SequenceNode:
		for i, v := range n.Content {
			p := ptr + "/" + strconv.Itoa(i)
			values[p] = v
			index(v, p, values, keys, depth+1)
		}
	}
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func nodePos(n *yaml.Node) Position {
	if n == nil {
		return Position{}
	}
	return Position{Line: n.Line, Column: n.Column}
}

// Name returns the file name given to Load or Parse ("" for a Manifest
// built in code).
func (m *Manifest) Name() string {
	if m.src == nil {
		return ""
	}
	return m.src.name
}

// Format returns the syntax the manifest was parsed from (YAML for a
// Manifest built in code).
func (m *Manifest) Format() Format {
	if m.src == nil {
		return YAML
	}
	return m.src.format
}

// Source returns the text the manifest was parsed from (nil for a
// Manifest built in code).
func (m *Manifest) Source() []byte {
	if m.src == nil {
		return nil
	}
	return m.src.data
}

// Pos returns the source position of the value at the JSON pointer ptr,
// e.g. "/features/slash_commands/0/command", or the zero Position when the
// manifest wasn't parsed or has no such value.
func (m *Manifest) Pos(ptr string) Position {
	if m.src == nil {
		return Position{}
	}
	return nodePos(m.src.values[ptr])
}

// posNear returns the position of ptr or, when it is absent, of its
// nearest present ancestor.
func (m *Manifest) posNear(ptr string) Position {
	if m.src == nil {
		return Position{}
	}
	for {
		if n, ok := m.src.values[ptr]; ok {
			return nodePos(n)
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return Position{}
		}
		ptr = ptr[:i]
	}
}
