package manifest

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Canonical returns m's content as compact JSON with the keys of every
// mapping sorted, for hashing: two manifests that differ only in comments,
// whitespace, quoting, block or flow style, key order, anchors and aliases,
// or syntax (YAML or JSON) have the same Canonical form, while any change
// of a value, a key or the order of a list changes it.
//
// It covers what Parse decoded: the typed fields and the sections of
// Slack-hosted apps kept as raw YAML. Keys that are not part of the schema
// (which Validate reports) are not in the model and so not in the result.
func (m *Manifest) Canonical() ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(m.plain()); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	var b bytes.Buffer
	budget := maxJSONNodes
	if err := writeCanonical(&b, &n, 0, &budget); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeCanonical writes n as compact JSON, mappings sorted by key (the
// first of repeated keys wins, as in Parse), aliases expanded.
func writeCanonical(b *bytes.Buffer, n *yaml.Node, depth int, budget *int) error {
	if depth > 64 {
		return fmt.Errorf("encode manifest: nested too deeply")
	}
	if *budget--; *budget < 0 {
		return fmt.Errorf("encode manifest: aliases expand to more than %d values", maxJSONNodes)
	}
	n = resolve(n)
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			b.WriteString("null")
			return nil
		}
		return writeCanonical(b, n.Content[0], depth+1, budget)
	case yaml.MappingNode:
		type entry struct {
			key   string
			value *yaml.Node
		}
		entries := make([]entry, 0, len(n.Content)/2)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := resolve(n.Content[i]).Value
			if seen[k] {
				continue
			}
			seen[k] = true
			entries = append(entries, entry{k, n.Content[i+1]})
		}
		slices.SortFunc(entries, func(x, y entry) int {
			switch {
			case x.key < y.key:
				return -1
			case x.key > y.key:
				return 1
			}
			return 0
		})
		b.WriteByte('{')
		for i, e := range entries {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, e.key)
			b.WriteByte(':')
			if err := writeCanonical(b, e.value, depth+1, budget); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeCanonical(b, c, depth+1, budget); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		writeCanonicalScalar(b, n)
	default:
		b.WriteString("null")
	}
	return nil
}

// writeCanonicalScalar writes a scalar by its resolved value, so 0x1F and
// 31, or 'yes' and "yes", are the same. A number that does not fit a Go
// int64 or float64 is written as its text, tagged, so it still differs
// from the string of the same text.
func writeCanonicalScalar(b *bytes.Buffer, n *yaml.Node) {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
		return
	case "!!bool":
		var v bool
		if n.Decode(&v) == nil {
			b.WriteString(strconv.FormatBool(v))
			return
		}
	case "!!int":
		var v int64
		if n.Decode(&v) == nil {
			b.WriteString(strconv.FormatInt(v, 10))
			return
		}
	case "!!float":
		var v float64
		if n.Decode(&v) == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			return
		}
	case "!!str":
		writeJSONString(b, n.Value)
		return
	}
	writeJSONString(b, n.ShortTag()+" "+n.Value)
}
