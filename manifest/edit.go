package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Editor changes a manifest by inserting text at node positions, so the
// user's comments, key order, blank lines and indentation are kept
// byte for byte outside the inserted lines. It edits YAML (block and flow
// style) and JSON.
//
//	ed, err := manifest.NewEditor("manifest.yaml", data)
//	added, err := ed.AddCommand(manifest.SlashCommand{Command: "/deploy", Description: "Deploy"})
//	// added: ["bot scope commands", "slash command /deploy"]
//	if ds := ed.Manifest().Validate(); !ds.HasErrors() {
//		err = manifest.WriteFile("manifest.yaml", ed.Bytes())
//	}
type Editor struct {
	name string
	data []byte
	m    *Manifest
}

// NewEditor parses data for editing. The error is a Diagnostics when data
// isn't a manifest at all.
func NewEditor(name string, data []byte) (*Editor, error) {
	m, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	return &Editor{name: name, data: data, m: m}, nil
}

// Bytes returns the edited text.
func (e *Editor) Bytes() []byte { return e.data }

// Manifest returns the edited manifest, parsed from Bytes.
func (e *Editor) Manifest() *Manifest { return e.m }

// AddScope adds a bot scope (or a user scope with user) unless it is
// already requested (as required or optional). It returns what it added:
// nothing, or e.g. "bot scope chat:write". An unknown scope, or one the
// token kind can't hold, is an error with a suggestion.
func (e *Editor) AddScope(scope string, user bool) ([]string, error) {
	kind, key, kindName := BotToken, "bot", "bot"
	if user {
		kind, key, kindName = UserToken, "user", "user"
	}
	sc, ok := LookupScope(scope)
	if !ok {
		hint := scopesDoc
		if sug := SuggestScope(scope, kind); sug != "" {
			hint = fmt.Sprintf("did you mean %q?", sug)
		}
		return nil, fmt.Errorf("unknown %s scope %q (%s)", kindName, scope, hint)
	}
	if sc.Tokens&kind == 0 {
		flag := " --user"
		if user {
			flag = ""
		}
		return nil, fmt.Errorf("%q can't be granted to a %s token (add it with slackgen add scope %s%s)", scope, kindName, scope, flag)
	}
	have := e.m.BotScopes()
	if user {
		have = e.m.UserScopes()
	}
	if slices.Contains(have, scope) {
		return nil, nil
	}
	if err := e.appendTo([]string{"oauth_config", "scopes", key}, scalar(scope)); err != nil {
		return nil, err
	}
	return []string{kindName + " scope " + scope}, nil
}

// AddEvent subscribes to a bot event (or a user event with user) and adds
// the scope it needs when none of its scopes is requested yet. It returns
// what it added; an unknown event is an error with a suggestion.
func (e *Editor) AddEvent(event string, user bool) ([]string, error) {
	ev, ok := LookupEvent(event)
	if !ok {
		hint := "see https://api.slack.com/events"
		if sug := SuggestEvent(event); sug != "" {
			hint = fmt.Sprintf("did you mean %q?", sug)
		}
		return nil, fmt.Errorf("unknown event %q (%s)", event, hint)
	}
	key, kindName, have, granted := "bot_events", "bot", e.m.BotEvents(), e.m.BotScopes()
	if user {
		key, kindName, have, granted = "user_events", "user", e.m.UserEvents(), e.m.UserScopes()
	}
	var added []string
	if len(ev.Scopes) > 0 && !slices.ContainsFunc(ev.Scopes, func(s string) bool { return slices.Contains(granted, s) }) {
		a, err := e.AddScope(ev.Scopes[0], user)
		if err != nil {
			return nil, err
		}
		added = append(added, a...)
	}
	if !slices.Contains(have, event) {
		if err := e.appendTo([]string{"settings", "event_subscriptions", key}, scalar(event)); err != nil {
			return nil, err
		}
		added = append(added, kindName+" event "+event)
	}
	return added, nil
}

// AddCommand adds a slash command, and the bot scope "commands" when it
// is missing. A command of the same name already present is left alone
// (nothing added). The command must have its Command and Description set.
func (e *Editor) AddCommand(c SlashCommand) ([]string, error) {
	if !strings.HasPrefix(c.Command, "/") {
		c.Command = "/" + c.Command
	}
	if slices.ContainsFunc(e.m.SlashCommands(), func(x SlashCommand) bool { return x.Command == c.Command }) {
		return nil, nil
	}
	added, err := e.AddScope("commands", false)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := n.Encode(c); err != nil {
		return nil, fmt.Errorf("encode slash command: %w", err)
	}
	if err := e.appendTo([]string{"features", "slash_commands"}, &n); err != nil {
		return nil, err
	}
	return append(added, "slash command "+c.Command), nil
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// appendTo appends item to the sequence at the mapping keys path,
// creating the missing mappings and the sequence.
func (e *Editor) appendTo(path []string, item *yaml.Node) error {
	_, err := e.insert(path, item, true)
	return err
}

// insert puts leaf at the mapping keys path: appended to the list there
// (list), or as the value of the last key unless that key is present. It
// creates the missing mappings, and fills a key left empty ("key:").
func (e *Editor) insert(path []string, leaf *yaml.Node, list bool) (bool, error) {
	// valueOf returns the value to write for path[i] when it is missing.
	valueOf := func(i int) *yaml.Node {
		v := leaf
		if list {
			v = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{leaf}}
		}
		for j := len(path) - 1; j > i; j-- {
			v = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{scalar(path[j]), v}}
		}
		return v
	}
	t := newText(e.data)
	f := e.m.Format()
	parent := e.m.src.root
	var parentKey *yaml.Node
	for i, key := range path {
		child, childKey := lookupKey(parent, key)
		switch {
		case child == nil:
			return true, e.splice(t.addKey(parent, parentKey, key, valueOf(i), f))
		case isEmptyNull(child) && t.isBlockNull(childKey):
			return true, e.splice(t.fillNull(childKey, valueOf(i)))
		case i < len(path)-1:
			if child.Kind != yaml.MappingNode {
				return false, e.cantEdit(path[:i+1], child, "a mapping")
			}
		case !list:
			return false, nil // already set
		case child.Kind != yaml.SequenceNode:
			return false, e.cantEdit(path, child, "a list")
		default:
			return true, e.splice(t.appendItem(child, leaf, f))
		}
		parent, parentKey = child, childKey
	}
	return false, nil
}

// SetEventsRequestURL sets settings.event_subscriptions.request_url when
// it isn't set yet, and reports whether it did.
func (e *Editor) SetEventsRequestURL(url string) (bool, error) {
	return e.insert([]string{"settings", "event_subscriptions", "request_url"}, scalar(url), false)
}

func (e *Editor) cantEdit(path []string, n *yaml.Node, want string) error {
	return fmt.Errorf("%s:%d:%d: can't edit %s: it is not %s; fix it by hand first", e.name, n.Line, n.Column, strings.Join(path, "."), want)
}

func isEmptyNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && n.Value == "" && n.Style == 0
}

func lookupKey(m *yaml.Node, key string) (value, keyNode *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return resolve(m.Content[i+1]), m.Content[i]
		}
	}
	return nil, nil
}

// splice applies an insertion and re-parses.
func (e *Editor) splice(off int, text string, err error) error {
	if err != nil {
		return err
	}
	data := make([]byte, 0, len(e.data)+len(text))
	data = append(append(append(data, e.data[:off]...), text...), e.data[off:]...)
	m, perr := Parse(e.name, data)
	if perr != nil {
		return fmt.Errorf("editing %s produced text that doesn't parse (please report this bug): %w", e.name, perr)
	}
	e.data, e.m = data, m
	return nil
}

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

// addKey returns the insertion that adds key: value to mapping m (whose
// key node is mKey, nil for the root).
func (t *text) addKey(m, mKey *yaml.Node, key string, value *yaml.Node, f Format) (int, string, error) {
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
			v, err = renderJSON(value, indent)
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
			indent := strings.Repeat(" ", indentOf(t.line(n.Line))+t.indentUnit())
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
		indent := strings.Repeat(" ", first.Column-1)
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
		s, err := renderJSON(v, "")
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
		return renderFlowScalar(v, "")
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

// renderJSON renders v as JSON; multi-line values are indented from
// indent (compact when indent is "" and v is a scalar).
func renderJSON(v *yaml.Node, indent string) (string, error) {
	var b bytes.Buffer
	if v.Kind == yaml.ScalarNode {
		if err := writeJSONScalar(&b, v); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	if err := writeJSON(&b, v, indent, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

// renderFlowScalar renders a scalar for a YAML flow collection: plain
// when that is unambiguous, JSON-quoted otherwise.
func renderFlowScalar(v *yaml.Node, indent string) (string, error) {
	s, err := renderBlock(v, 2)
	if err != nil {
		return "", err
	}
	s = strings.TrimSuffix(s, "\n")
	if strings.ContainsAny(s, ",[]{}#\n\"'") {
		return renderJSON(v, indent)
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
