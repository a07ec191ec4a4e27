package manifest

import (
	"fmt"
	"slices"
	"strings"

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
	// kindName is also the key under oauth_config.scopes.
	kind, kindName := BotToken, "bot"
	if user {
		kind, kindName = UserToken, "user"
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
	if err := e.appendTo([]string{"oauth_config", "scopes", kindName}, scalar(scope)); err != nil {
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
	for i, key := range path {
		child, childKey := lookupKey(parent, key)
		switch {
		case child == nil:
			return true, e.splice(t.addKey(parent, key, valueOf(i), f))
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
		parent = child
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
