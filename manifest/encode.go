package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Marshal writes m as YAML or JSON, sections and keys in the schema's
// order, two-space indented. Output is deterministic. Comments of a parsed
// manifest are not kept (edit with an Editor to keep them).
func (m *Manifest) Marshal(f Format) ([]byte, error) {
	var n yaml.Node
	if err := n.Encode(m.plain()); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	stripStyle(&n, 0)
	if f == JSON {
		var b bytes.Buffer
		if err := writeJSON(&b, &n, "", "  "); err != nil {
			return nil, err
		}
		b.WriteByte('\n')
		return b.Bytes(), nil
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return b.Bytes(), nil
}

// stripStyle drops the flow and quoting styles and comments the hosted
// sections kept from their source, so output looks the same whatever the
// input was.
func stripStyle(n *yaml.Node, depth int) {
	if depth > 64 {
		return
	}
	n.Style &^= yaml.FlowStyle
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		n.Style = 0
	}
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		stripStyle(c, depth+1)
	}
}

// maxJSONNodes bounds the JSON output of a tree whose aliases expand it.
const maxJSONNodes = 100_000

// writeJSON writes the YAML node tree n as JSON, one value per line
// indented by step from indent, keeping key order and expanding aliases.
func writeJSON(b *bytes.Buffer, n *yaml.Node, indent, step string) error {
	budget := maxJSONNodes
	return writeJSONNode(b, n, indent, step, 0, &budget)
}

func writeJSONNode(b *bytes.Buffer, n *yaml.Node, indent, step string, depth int, budget *int) error {
	if depth > 64 {
		return fmt.Errorf("encode manifest: nested too deeply")
	}
	if *budget--; *budget < 0 {
		return fmt.Errorf("encode manifest: aliases expand to more than %d values", maxJSONNodes)
	}
	n = resolve(n)
	inner := indent + step
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			b.WriteString("null")
			return nil
		}
		return writeJSONNode(b, n.Content[0], indent, step, depth+1, budget)
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(inner)
			writeJSONString(b, n.Content[i].Value)
			b.WriteString(": ")
			if err := writeJSONNode(b, n.Content[i+1], inner, step, depth+1, budget); err != nil {
				return err
			}
		}
		b.WriteString("\n" + indent + "}")
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[\n")
		for i, c := range n.Content {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(inner)
			if err := writeJSONNode(b, c, inner, step, depth+1, budget); err != nil {
				return err
			}
		}
		b.WriteString("\n" + indent + "]")
	case yaml.ScalarNode:
		return writeJSONScalar(b, n)
	default:
		b.WriteString("null")
	}
	return nil
}

func writeJSONScalar(b *bytes.Buffer, n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("encode manifest: line %d: %w", n.Line, err)
		}
		b.WriteString(strconv.FormatBool(v))
	case "!!int":
		var v int64
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("encode manifest: line %d: %w", n.Line, err)
		}
		b.WriteString(strconv.FormatInt(v, 10))
	case "!!float":
		var v float64
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("encode manifest: line %d: %w", n.Line, err)
		}
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Errorf("encode manifest: line %d: %s has no JSON form", n.Line, n.Value)
		}
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	default:
		writeJSONString(b, n.Value)
	}
	return nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always encodes
	b.Write(enc)
}

// WithBaseURL returns a copy of m with the scheme and host of every request
// URL (slash commands, events, interactivity, options load), redirect URL
// and Sign in with Slack initiate URI replaced by those of base, for a tunnel or a staging host. A path in
// base is prefixed to each URL's path.
func (m *Manifest) WithBaseURL(base string) (*Manifest, error) {
	b, err := url.Parse(base)
	if err != nil || (b.Scheme != "http" && b.Scheme != "https") || b.Host == "" {
		return nil, fmt.Errorf("base URL %q must be an absolute http(s) URL such as https://myapp.example.com", base)
	}
	c, err := m.clone()
	if err != nil {
		return nil, err
	}
	rewrite := func(s *string) {
		if *s == "" {
			return
		}
		u, err := url.Parse(*s)
		if err != nil {
			return // Validate reports it
		}
		u.Scheme, u.Host, u.User = b.Scheme, b.Host, nil
		if prefix := strings.TrimSuffix(b.Path, "/"); prefix != "" {
			u.Path = prefix + u.Path
			u.RawPath = ""
		}
		*s = u.String()
	}
	if f := c.Features; f != nil {
		for i := range f.SlashCommands {
			rewrite(&f.SlashCommands[i].URL)
		}
	}
	if o := c.OAuthConfig; o != nil {
		for i := range o.RedirectURLs {
			rewrite(&o.RedirectURLs[i])
		}
	}
	if s := c.Settings; s != nil {
		if s.EventSubscriptions != nil {
			rewrite(&s.EventSubscriptions.RequestURL)
		}
		if s.Interactivity != nil {
			rewrite(&s.Interactivity.RequestURL)
			rewrite(&s.Interactivity.MessageMenuOptionsURL)
		}
		if s.SIWSLinks != nil {
			rewrite(&s.SIWSLinks.InitiateURI)
		}
	}
	return c, nil
}

// clone returns a deep copy of m (without its source).
func (m *Manifest) clone() (*Manifest, error) {
	data, err := yaml.Marshal(m.plain())
	if err != nil {
		return nil, fmt.Errorf("copy manifest: %w", err)
	}
	c, err := Parse(m.Name(), data)
	if err != nil {
		return nil, fmt.Errorf("copy manifest: %w", err)
	}
	c.src = nil
	return c, nil
}
