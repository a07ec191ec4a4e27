package manifest

// This file holds the text arithmetic of Editor: positions to offsets,
// the extent of block entries, and the rendering of inserted values in
// the style of the surrounding document.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// text indexes a source by line for position arithmetic.
type text struct {
	data  []byte
	lines []int // byte offset of each line start
}

func newText(data []byte) *text {
	t := &text{data: data, lines: []int{0}}
	for i, b := range data {
		if b == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	return t
}

// offset converts a 1-based line and rune column into a byte offset.
func (t *text) offset(line, col int) int {
	if line < 1 || line > len(t.lines) {
		return len(t.data)
	}
	off := t.lines[line-1]
	for c := 1; c < col && off < len(t.data) && t.data[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(t.data[off:])
		off += size
	}
	return off
}

func (t *text) line(n int) []byte {
	start := t.lines[n-1]
	end := len(t.data)
	if n < len(t.lines) {
		end = t.lines[n] - 1
	}
	return bytes.TrimSuffix(t.data[start:end], []byte("\r"))
}

func indentOf(line []byte) int { return len(line) - len(bytes.TrimLeft(line, " ")) }

// blockEnd returns the last line of the block entry or item starting at
// line start whose own indentation is indent: the last following line
// indented deeper, skipping blank and comment lines at the end. For a
// mapping entry (entry), lines at the same indentation starting with "- "
// continue it too (an indentless sequence value).
func (t *text) blockEnd(start, indent int, entry bool) int {
	last := start
	for n := start + 1; n <= len(t.lines); n++ {
		l := t.line(n)
		trimmed := bytes.TrimSpace(l)
		if len(trimmed) == 0 {
			continue
		}
		if indentOf(l) > indent || (entry && indentOf(l) == indent && (bytes.HasPrefix(trimmed, []byte("- ")) || string(trimmed) == "-")) {
			last = n
			continue
		}
		if trimmed[0] == '#' {
			continue
		}
		break
	}
	return last
}

// afterLine returns the offset where a new line after line n goes, and the
// prefix needed when line n is the last and has no newline.
func (t *text) afterLine(n int) (int, string) {
	if n < len(t.lines) {
		return t.lines[n], ""
	}
	return len(t.data), "\n"
}

// appendItem returns the insertion that appends item to sequence seq.
func (t *text) appendItem(seq, item *yaml.Node, f Format) (int, string, error) {
	if seq.Style&yaml.FlowStyle != 0 {
		return t.flowInsert(seq, "", item, f)
	}
	last := seq.Content[len(seq.Content)-1]
	dash := seq.Column - 1
	end := t.blockEnd(last.Line, dash, false)
	off, prefix := t.afterLine(end)
	contentIndent := max(last.Column-seq.Column, 2)
	body, err := renderBlock(item, 2)
	if err != nil {
		return 0, "", err
	}
	return off, prefix + indentLines("- "+indentLines(body, strings.Repeat(" ", contentIndent), true), strings.Repeat(" ", dash), false), nil
}

// addKey returns the insertion that adds key: value to mapping m.
func (t *text) addKey(m *yaml.Node, key string, value *yaml.Node, f Format) (int, string, error) {
	if m.Style&yaml.FlowStyle != 0 || len(m.Content) == 0 {
		if m.Style&yaml.FlowStyle == 0 {
			return 0, "", fmt.Errorf("can't add %q to an empty mapping at line %d; give it a value first", key, m.Line)
		}
		return t.flowInsert(m, key, value, f)
	}
	lastKey := m.Content[len(m.Content)-2]
	indent := lastKey.Column - 1
	end := t.blockEnd(lastKey.Line, indent, true)
	off, prefix := t.afterLine(end)
	unit := t.indentUnit()
	kv := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalar(key), value}}
	body, err := renderBlock(kv, unit)
	if err != nil {
		return 0, "", err
	}
	return off, prefix + indentLines(body, strings.Repeat(" ", indent), false), nil
}

// isBlockNull reports whether the empty value of key is written as
// "key:" with nothing after it on the line but a comment.
func (t *text) isBlockNull(key *yaml.Node) bool {
	if key == nil {
		return false
	}
	l := t.line(key.Line)
	rest := strings.TrimSpace(string(l[min(len(l), t.offset(key.Line, key.Column)-t.lines[key.Line-1]):]))
	rest = strings.TrimSpace(strings.TrimPrefix(rest, key.Value))
	rest = strings.TrimSpace(strings.TrimPrefix(rest, ":"))
	return rest == "" || strings.HasPrefix(rest, "#")
}

// fillNull writes value under the empty "key:".
func (t *text) fillNull(key, value *yaml.Node) (int, string, error) {
	off, prefix := t.afterLine(key.Line)
	unit := t.indentUnit()
	body, err := renderBlock(value, unit)
	if err != nil {
		return 0, "", err
	}
	return off, prefix + indentLines(body, strings.Repeat(" ", key.Column-1+unit), false), nil
}

// leading returns the spaces and tabs that start line n.
func (t *text) leading(n int) string {
	l := t.line(n)
	return string(l[:len(l)-len(bytes.TrimLeft(l, " \t"))])
}

// jsonStep guesses the indentation step of a JSON document: a tab when
// its lines are indented with tabs, else indentUnit spaces.
func (t *text) jsonStep() string {
	for n := 2; n <= len(t.lines); n++ {
		if l := t.line(n); len(l) > 0 && l[0] == '\t' {
			return "\t"
		}
	}
	return strings.Repeat(" ", t.indentUnit())
}

// indentUnit guesses the document's indentation step from its first
// indented line (2 when there is none).
func (t *text) indentUnit() int {
	for n := 1; n <= len(t.lines); n++ {
		l := t.line(n)
		trimmed := bytes.TrimSpace(l)
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		if i := indentOf(l); i > 0 && trimmed[0] != '-' {
			return min(i, 8)
		}
	}
	return 2
}

// renderBlock encodes n as block YAML with the given indentation step.
func renderBlock(n *yaml.Node, unit int) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(unit)
	if err := enc.Encode(n); err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return b.String(), nil
}

// indentLines prefixes every line of s with indent (all but the first
// when skipFirst), keeping the final newline.
func indentLines(s, indent string, skipFirst bool) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for i, l := range lines {
		if l == "" {
			continue
		}
		if (i > 0 || !skipFirst) && l != "\n" {
			b.WriteString(indent)
		}
		b.WriteString(l)
	}
	return b.String()
}

// flowInsert returns the insertion of an item (key == "") into the flow
// sequence n, or of key: value into the flow mapping n, after its last
// element, following the collection's layout (one line or one element per
// line).
func (t *text) flowInsert(n *yaml.Node, key string, value *yaml.Node, f Format) (int, string, error) {
	open := t.offset(n.Line, n.Column)
	closeOff, err := t.flowEnd(open)
	if err != nil {
		return 0, "", err
	}
	closeOff-- // the closing bracket
	// element renders the new element, on one line (indent == "") or
	// spread over lines indented from indent.
	element := func(indent string) (string, error) {
		var b strings.Builder
		if key != "" {
			k, err := renderInline(scalar(key), f)
			if err != nil {
				return "", err
			}
			b.WriteString(k + ": ")
		}
		var v string
		if indent == "" || value.Kind == yaml.ScalarNode {
			v, err = renderInline(value, f)
		} else {
			v, err = renderJSON(value, indent, t.jsonStep())
		}
		b.WriteString(v)
		return b.String(), err
	}
	if len(n.Content) == 0 {
		// Put it between the brackets, on its own line if they are on
		// different lines.
		if inner := strings.TrimSpace(string(t.data[open+1 : closeOff])); inner != "" {
			return 0, "", fmt.Errorf("can't edit line %d: unexpected text inside an empty collection", n.Line)
		}
		if bytes.IndexByte(t.data[open:closeOff], '\n') >= 0 {
			indent := t.leading(n.Line) + t.jsonStep()
			el, err := element(indent)
			return open + 1, "\n" + indent + el, err
		}
		el, err := element("")
		return open + 1, el, err
	}
	first, last := n.Content[0], n.Content[len(n.Content)-1]
	lastEnd, err := t.nodeEnd(last)
	if err != nil {
		return 0, "", err
	}
	if first.Line != n.Line {
		// One element per line: align with the first element.
		indent := t.leading(first.Line)
		if start := t.lines[first.Line-1]; strings.TrimSpace(string(t.data[start:t.offset(first.Line, first.Column)])) != "" {
			indent = strings.Repeat(" ", first.Column-1) // not first on its line
		}
		el, err := element(indent)
		return lastEnd, ",\n" + indent + el, err
	}
	el, err := element("")
	return lastEnd, ", " + el, err
}

// renderInline renders v on one line: YAML flow style in a YAML document
// (plain scalars where unambiguous), compact JSON in a JSON one.
func renderInline(v *yaml.Node, f Format) (string, error) {
	if f == JSON {
		s, err := renderJSON(v, "", "  ")
		if err != nil || v.Kind == yaml.ScalarNode {
			return s, err
		}
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(s)); err != nil {
			return "", fmt.Errorf("encode: %w", err)
		}
		return b.String(), nil
	}
	if v.Kind == yaml.ScalarNode {
		return renderFlowScalar(v)
	}
	s, err := renderBlock(flowCopy(v, 0), 2)
	return strings.TrimSuffix(s, "\n"), err
}

// flowCopy returns a copy of v with every collection in flow style.
func flowCopy(v *yaml.Node, depth int) *yaml.Node {
	c := *v
	if depth > 64 {
		return &c
	}
	if c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
		c.Style |= yaml.FlowStyle
	}
	c.Content = make([]*yaml.Node, len(v.Content))
	for i, child := range v.Content {
		c.Content[i] = flowCopy(child, depth+1)
	}
	return &c
}

// renderJSON renders v as JSON, collections one value per line indented
// by step from indent.
func renderJSON(v *yaml.Node, indent, step string) (string, error) {
	var b bytes.Buffer
	if v.Kind == yaml.ScalarNode {
		if err := writeJSONScalar(&b, v); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	if err := writeJSON(&b, v, indent, step); err != nil {
		return "", err
	}
	return b.String(), nil
}

// renderFlowScalar renders a scalar for a YAML flow collection: plain
// when that is unambiguous, JSON-quoted otherwise.
func renderFlowScalar(v *yaml.Node) (string, error) {
	s, err := renderBlock(v, 2)
	if err != nil {
		return "", err
	}
	s = strings.TrimSuffix(s, "\n")
	if strings.ContainsAny(s, ",[]{}#\n\"'") {
		return renderJSON(v, "", "")
	}
	return s, nil
}

// flowEnd returns the offset just past the bracket closing the flow
// collection opened at off, skipping quoted strings and comments.
func (t *text) flowEnd(off int) (int, error) {
	depth := 0
	for i := off; i < len(t.data); i++ {
		switch c := t.data[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case '"', '\'':
			i = t.quotedEnd(i) - 1
		case '#':
			if i > 0 && (t.data[i-1] == ' ' || t.data[i-1] == '\t' || t.data[i-1] == '\n') {
				for i < len(t.data) && t.data[i] != '\n' {
					i++
				}
			}
		}
	}
	return 0, fmt.Errorf("unterminated flow collection at offset %d", off)
}

// quotedEnd returns the offset just past the quoted scalar starting at off.
func (t *text) quotedEnd(off int) int {
	q := t.data[off]
	for i := off + 1; i < len(t.data); i++ {
		switch {
		case q == '"' && t.data[i] == '\\':
			i++
		case t.data[i] == q && q == '\'' && i+1 < len(t.data) && t.data[i+1] == '\'':
			i++
		case t.data[i] == q:
			return i + 1
		}
	}
	return len(t.data)
}

// nodeEnd returns the offset just past node n, which is inside a flow
// collection.
func (t *text) nodeEnd(n *yaml.Node) (int, error) {
	off := t.offset(n.Line, n.Column)
	if off >= len(t.data) {
		return len(t.data), nil
	}
	switch c := t.data[off]; {
	case c == '[' || c == '{':
		return t.flowEnd(off)
	case c == '"' || c == '\'':
		return t.quotedEnd(off), nil
	}
	end := off
	for i := off; i < len(t.data); i++ {
		c := t.data[i]
		if c == ',' || c == ']' || c == '}' || c == '\n' || (c == '#' && i > off && t.data[i-1] == ' ') {
			break
		}
		if c != ' ' && c != '\t' && c != '\r' {
			end = i + 1
		}
	}
	return end, nil
}
