package manifest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// This file checks a document tree against the rules of Slack's manifest
// JSON schema (written out in schema_rules.go), reporting every problem
// with its position.

type kind uint8

const (
	kAny kind = iota
	kObject
	kMap // an object whose keys are names chosen by the user
	kArray
	kString
	kBool
	kInt
	kNumber
)

func (k kind) String() string {
	return [...]string{"any value", "a mapping", "a mapping", "a list", "a string", "a boolean (true or false)", "an integer", "a number"}[k]
}

// rule is one node of the schema: what a value must look like.
type rule struct {
	kinds    []kind  // any of; empty means kAny
	fields   []field // kObject
	open     bool    // kObject: keys other than fields are allowed
	values   *rule   // kMap: every value
	items    *rule   // kArray
	min, max int     // array items, mapping entries or string characters; max 0: no limit
	unique   bool    // kArray: no repeated scalar
	enum     []string
	check    func(string) string // kString: returns what is wrong, or ""
	hint     string              // hint for check failures
	anyOf    []*rule             // value must match one of these (kObject rules)
}

type field struct {
	name     string
	rule     *rule
	required bool
}

func (r *rule) kind() kind {
	if len(r.kinds) == 0 {
		return kAny
	}
	return r.kinds[0]
}

// checker walks a document tree.
type checker struct {
	file  string
	diags Diagnostics
}

func (c *checker) add(n *yaml.Node, sev Severity, ptr, msg, hint string) {
	c.diags = append(c.diags, Diagnostic{File: c.file, Pos: nodePos(n), Severity: sev, Pointer: ptr, Message: msg, Hint: hint})
}

// displayPath turns a JSON pointer into "features.slash_commands[0].command".
func displayPath(ptr string) string {
	if ptr == "" {
		return "the manifest"
	}
	var b strings.Builder
	for _, part := range strings.Split(ptr[1:], "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(part); err == nil {
			fmt.Fprintf(&b, "[%s]", part)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

func nodeKind(n *yaml.Node) (kind, string) {
	switch n.Kind {
	case yaml.MappingNode:
		return kObject, "a mapping"
	case yaml.SequenceNode:
		return kArray, "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return kString, "a string"
		case "!!bool":
			return kBool, "a boolean"
		case "!!int":
			return kInt, "an integer"
		case "!!float":
			return kNumber, "a number"
		case "!!null":
			return kAny, "empty (null)"
		}
		return kAny, "a value tagged " + n.ShortTag()
	}
	return kAny, "an unsupported value"
}

func kindMatches(want, got kind) bool {
	switch {
	case want == kAny:
		return true
	case want == kMap:
		return got == kObject
	case want == kNumber:
		return got == kNumber || got == kInt
	}
	return want == got
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// matches reports whether n fits r without reporting anything (for anyOf).
func (c *checker) matches(n *yaml.Node, r *rule, ptr string) bool {
	sub := &checker{file: c.file}
	sub.walk(n, r, ptr, 0)
	return len(sub.diags) == 0
}

func (c *checker) walk(n *yaml.Node, r *rule, ptr string, depth int) {
	// An alias repeats what its anchor holds, which is checked there; only
	// its kind is checked here (descending could take exponential time).
	alias := n != nil && n.Kind == yaml.AliasNode
	n = resolve(n)
	if n == nil || depth > 48 {
		return
	}
	path := displayPath(ptr)
	got, gotName := nodeKind(n)
	if len(r.kinds) > 0 && !slices.ContainsFunc(r.kinds, func(k kind) bool { return kindMatches(k, got) }) {
		names := make([]string, len(r.kinds))
		for i, k := range r.kinds {
			names[i] = k.String()
		}
		msg := fmt.Sprintf("%s must be %s, not %s", path, strings.Join(names, " or "), gotName)
		hint := ""
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
			hint = "give it a value or remove the key"
		} else if r.kind() == kString && n.Kind == yaml.ScalarNode {
			hint = "quote the value"
		}
		c.add(n, Error, ptr, msg, hint)
		return
	}
	if alias {
		return
	}
	if len(r.anyOf) > 0 {
		for _, alt := range r.anyOf {
			if c.matches(n, alt, ptr) {
				return
			}
		}
		// Report against the alternative with the fewest problems.
		best := -1
		var bestDiags Diagnostics
		for _, alt := range r.anyOf {
			sub := &checker{file: c.file}
			sub.walk(n, alt, ptr, depth+1)
			if best < 0 || len(sub.diags) < best {
				best, bestDiags = len(sub.diags), sub.diags
			}
		}
		c.diags = append(c.diags, bestDiags...)
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		c.walkMapping(n, r, ptr, path, depth)
	case yaml.SequenceNode:
		c.walkSequence(n, r, ptr, path, depth)
	case yaml.ScalarNode:
		if got == kString {
			c.checkString(n, r, ptr, path)
		}
	}
}

func (c *checker) walkMapping(n *yaml.Node, r *rule, ptr, path string, depth int) {
	seen := map[string]*yaml.Node{}
	entries := len(n.Content) / 2
	if r.kind() == kMap {
		if r.max > 0 && entries > r.max {
			c.add(n, Error, ptr, fmt.Sprintf("%s has %d entries; the limit is %d", path, entries, r.max), "")
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := ptr + "/" + escapePointer(k.Value)
		if first, dup := seen[k.Value]; dup {
			c.add(k, Error, kp, fmt.Sprintf("key %q is repeated in %s", k.Value, path), fmt.Sprintf("the first is at line %d; keep one", first.Line))
			continue
		}
		seen[k.Value] = k
		switch {
		case r.kind() == kMap:
			if r.values != nil {
				c.walk(v, r.values, kp, depth+1)
			}
		default:
			i := slices.IndexFunc(r.fields, func(f field) bool { return f.name == k.Value })
			if i < 0 {
				if !r.open {
					c.add(k, Error, kp, fmt.Sprintf("unknown key %q in %s", k.Value, path), c.keyHint(k.Value, r))
				}
				continue
			}
			c.walk(v, r.fields[i].rule, kp, depth+1)
		}
	}
	for _, f := range r.fields {
		if f.required && seen[f.name] == nil {
			c.add(n, Error, ptr+"/"+escapePointer(f.name), fmt.Sprintf("%s is missing the required key %q", path, f.name), "")
		}
	}
}

func (c *checker) keyHint(key string, r *rule) string {
	names := make([]string, len(r.fields))
	for i, f := range r.fields {
		names[i] = f.name
	}
	if s := closest(key, names); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	if len(names) == 0 {
		return "it takes no keys"
	}
	return "allowed keys: " + strings.Join(names, ", ")
}

func (c *checker) walkSequence(n *yaml.Node, r *rule, ptr, path string, depth int) {
	count := len(n.Content)
	if count < r.min {
		if r.min == 1 {
			c.add(n, Error, ptr, fmt.Sprintf("%s is an empty list", path), "add an item or remove the key")
		} else {
			c.add(n, Error, ptr, fmt.Sprintf("%s has %d items; it needs at least %d", path, count, r.min), "")
		}
	}
	if r.max > 0 && count > r.max {
		c.add(n, Error, ptr, fmt.Sprintf("%s has %d items; the limit is %d", path, count, r.max), "")
	}
	seen := map[string]*yaml.Node{}
	for i, item := range n.Content {
		ip := ptr + "/" + strconv.Itoa(i)
		if r.items != nil {
			c.walk(item, r.items, ip, depth+1)
		}
		if it := resolve(item); r.unique && it != nil && it.Kind == yaml.ScalarNode {
			if first, dup := seen[it.Value]; dup {
				c.add(item, Error, ip, fmt.Sprintf("%s lists %q twice", path, it.Value), fmt.Sprintf("the first is at line %d; remove one", first.Line))
			} else {
				seen[it.Value] = item
			}
		}
	}
}

func (c *checker) checkString(n *yaml.Node, r *rule, ptr, path string) {
	length := utf8.RuneCountInString(n.Value)
	switch {
	case length < r.min && length == 0:
		c.add(n, Error, ptr, fmt.Sprintf("%s is empty", path), "give it a value or remove the key")
		return
	case length < r.min:
		c.add(n, Error, ptr, fmt.Sprintf("%s is %d characters long; the minimum is %d", path, length, r.min), "")
	case r.max > 0 && length > r.max:
		c.add(n, Error, ptr, fmt.Sprintf("%s is %d characters long; the limit is %d", path, length, r.max), "")
	}
	if len(r.enum) > 0 && !slices.Contains(r.enum, n.Value) {
		hint := ""
		if s := closest(n.Value, r.enum); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		msg := fmt.Sprintf("%s must be one of %s, not %q", path, strings.Join(r.enum, ", "), n.Value)
		if len(r.enum) > 6 {
			msg = fmt.Sprintf("%s %q is not one of the %d values Slack accepts", path, n.Value, len(r.enum))
			if hint == "" {
				hint = "e.g. " + strings.Join(r.enum[:4], ", ")
			}
		}
		c.add(n, Error, ptr, msg, hint)
	}
	if r.check != nil {
		if msg := r.check(n.Value); msg != "" {
			c.add(n, Error, ptr, path+" "+msg, r.hint)
		}
	}
}
