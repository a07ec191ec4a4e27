package generator

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/slackgen/slackgen/manifest"
)

// App is what the templates see: the manifest and slackgen.yaml reduced to
// what a generated project needs, with Go identifiers and file names
// computed and every list sorted, so output does not depend on input order.
type App struct {
	Name        string // display_information.name
	Description string // display_information.description
	Module      string // Go module path

	Store        string // sqlite | postgres | file
	Mode         string // http | socket
	Distribution string // oauth | single

	// OAuth is true for OAuth distribution; Socket for Socket Mode.
	OAuth  bool
	Socket bool

	BotScopes     []string
	UserScopes    []string
	RedirectPath  string // path of the first redirect URL; empty without OAuth
	TokenRotation bool
	// Routes are the request paths named in the manifest, by kind
	// ("commands", "events", "interactivity", "options"), for the kinds not
	// served only at the runtime's default /slack/events.
	Routes []Route

	Commands        []Command
	Events          []Event
	Shortcuts       []Shortcut
	BlockActions    []Interaction
	ViewSubmissions []Interaction
	// ExternalSelects are the external selects whose options the app
	// serves (slackgen.yaml options), by action_id; ClosedViews the modals
	// whose close it handles (slackgen.yaml view_closed), by callback_id.
	ExternalSelects []Interaction
	ClosedViews     []Interaction
	Interactivity   bool

	// RuntimeReplace is the replace target of the runtime module (a path
	// relative to the project), or empty to require RuntimeVersion.
	RuntimeReplace string
	RuntimeVersion string
	SlackGoVersion string
	GoVersion      string
}

// Route is a request path for one kind of Slack request.
type Route struct {
	Kind string // commands | events | interactivity | options
	Path string
}

// Command is a slash command.
type Command struct {
	Name        string // "/deploy-service"
	Ident       string // "DeployService"
	File        string // "deploy_service"
	Description string
	UsageHint   string
}

// Event is an Events API subscription.
type Event struct {
	Type   string // "app_mention", "message.channels"
	Ident  string // "AppMention", "MessageChannels"
	File   string // "app_mention", "message_channels"
	GoType string // slackevents type name ("AppMentionEvent"), empty when slack-go has none
	User   bool   // a user event rather than a bot event
}

// Shortcut is a global or message shortcut.
type Shortcut struct {
	CallbackID  string
	Ident       string
	File        string
	Name        string
	Description string
	Type        string // global | message
}

// Interaction is a block action or an external select (by action_id), or
// a view submission or close (by callback_id).
type Interaction struct {
	ID    string
	Ident string
	File  string
}

// defaultPath is where the runtime serves every kind of request without a
// route, as Bolt does.
const defaultPath = "/slack/events"

// runtimeHandledEvents are handled by the runtime itself (it deletes
// installations); they get no handler.
var runtimeHandledEvents = map[string]bool{"app_uninstalled": true, "tokens_revoked": true}

// newApp builds the template model from a manifest and a configuration.
func newApp(m *manifest.Manifest, cfg *Config) (*App, error) {
	a := &App{
		Name:           m.DisplayInformation.Name,
		Description:    m.DisplayInformation.Description,
		Module:         cfg.Module,
		Store:          cfg.Store,
		Mode:           cfg.Mode,
		Distribution:   cfg.Distribution,
		BotScopes:      sortedUnique(m.BotScopes()),
		UserScopes:     sortedUnique(m.UserScopes()),
		TokenRotation:  m.TokenRotation(),
		Interactivity:  m.InteractivityEnabled(),
		SlackGoVersion: "v0.35.0",
		GoVersion:      "1.26",
	}
	if a.Distribution == "" {
		a.Distribution = DistributionSingle
		if m.UsesOAuth() {
			a.Distribution = DistributionOAuth
		}
	}
	a.OAuth = a.Distribution == DistributionOAuth
	a.Socket = a.Mode == ModeSocket
	if a.OAuth {
		a.RedirectPath = "/slack/oauth_redirect"
		if urls := m.RedirectURLs(); len(urls) > 0 {
			if p := urlPath(urls[0]); p != "" {
				a.RedirectPath = p
			}
		}
	}

	var errs []string
	idents := map[string]string{}
	// Two names of one kind must not share a handler name or file name.
	claim := func(kind, ident, name string) {
		key := kind + "\x00" + fileName(ident)
		if prev, ok := idents[key]; ok {
			errs = append(errs, fmt.Sprintf("%s %q and %q both become the Go name %s (file %s): rename one of them", kind, prev, name, ident, fileName(ident)))
		}
		idents[key] = name
	}

	// routes collects the request paths of each kind; a URL without a path
	// means the default.
	routes := map[string]map[string]bool{}
	addRoute := func(kind, rawURL string) {
		p := urlPath(rawURL)
		if p == "" {
			p = defaultPath
		}
		if routes[kind] == nil {
			routes[kind] = map[string]bool{}
		}
		routes[kind][p] = true
	}
	for _, c := range m.SlashCommands() {
		ident := goIdent(c.Command)
		claim("command", ident, c.Command)
		a.Commands = append(a.Commands, Command{Name: c.Command, Ident: ident, File: fileName(ident), Description: c.Description, UsageHint: c.UsageHint})
		addRoute("commands", c.URL)
	}
	if m.EventsRequestURL() != "" {
		addRoute("events", m.EventsRequestURL())
	}
	if m.InteractivityRequestURL() != "" {
		addRoute("interactivity", m.InteractivityRequestURL())
	}
	if u := optionsURL(m); u != "" {
		addRoute("options", u)
	}
	for _, list := range []struct {
		names []string
		user  bool
	}{{m.BotEvents(), false}, {m.UserEvents(), true}} {
		for _, name := range list.names {
			if runtimeHandledEvents[name] || slices.ContainsFunc(a.Events, func(e Event) bool { return e.Type == name }) {
				continue
			}
			ident := goIdent(name)
			claim("event", ident, name)
			a.Events = append(a.Events, Event{Type: name, Ident: ident, File: fileName(ident), GoType: eventGoType(name), User: list.user})
		}
	}
	for _, s := range m.Shortcuts() {
		ident := goIdent(s.CallbackID)
		claim("shortcut", ident, s.CallbackID)
		a.Shortcuts = append(a.Shortcuts, Shortcut{CallbackID: s.CallbackID, Ident: ident, File: fileName(ident), Name: s.Name, Description: s.Description, Type: s.Type})
	}
	// interactions names the handlers of the ids of one slackgen.yaml list.
	interactions := func(kind string, ids []string) []Interaction {
		var out []Interaction
		for _, id := range ids {
			ident := goIdent(id)
			claim(kind, ident, id)
			out = append(out, Interaction{ID: id, Ident: ident, File: fileName(ident)})
		}
		return out
	}
	a.BlockActions = interactions("block action", cfg.BlockActions)
	a.ViewSubmissions = interactions("view submission", cfg.ViewSubmissions)
	a.ExternalSelects = interactions("options", cfg.Options)
	a.ClosedViews = interactions("view_closed", cfg.ViewClosed)
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	if !a.Interactivity && (len(a.Shortcuts) > 0 || a.HasInteractions()) {
		a.Interactivity = true
	}

	// A kind served only at the default path needs no route; otherwise
	// every path of the kind is routed (the default included, which the
	// runtime no longer serves for a routed kind).
	for kind, paths := range routes {
		if len(paths) == 1 && paths[defaultPath] {
			continue
		}
		for p := range paths {
			a.Routes = append(a.Routes, Route{Kind: kind, Path: p})
		}
	}
	slices.SortFunc(a.Routes, func(x, y Route) int { return strings.Compare(x.Kind+" "+x.Path, y.Kind+" "+y.Path) })
	slices.SortFunc(a.Commands, func(x, y Command) int { return strings.Compare(x.Name, y.Name) })
	slices.SortFunc(a.Events, func(x, y Event) int { return strings.Compare(x.Type, y.Type) })
	slices.SortFunc(a.Shortcuts, func(x, y Shortcut) int { return strings.Compare(x.CallbackID, y.CallbackID) })
	slices.SortFunc(a.BlockActions, func(x, y Interaction) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(a.ViewSubmissions, func(x, y Interaction) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(a.ExternalSelects, func(x, y Interaction) int { return strings.Compare(x.ID, y.ID) })
	slices.SortFunc(a.ClosedViews, func(x, y Interaction) int { return strings.Compare(x.ID, y.ID) })
	return a, nil
}

// HasInteractions reports whether slackgen.yaml declares any interaction
// handler: block actions, view submissions, options or view closes.
func (a *App) HasInteractions() bool {
	return len(a.BlockActions) > 0 || len(a.ViewSubmissions) > 0 || len(a.ExternalSelects) > 0 || len(a.ClosedViews) > 0
}

// HasEvents reports whether any event has a handler.
func (a *App) HasEvents() bool { return len(a.Events) > 0 }

// UsesSlackEvents reports whether generated code imports slackevents.
func (a *App) UsesSlackEvents() bool {
	return slices.ContainsFunc(a.Events, func(e Event) bool { return e.GoType != "" })
}

func sortedUnique(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// urlPath returns the path of a URL, or "" when it has none.
func urlPath(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" || u.Path == "/" {
		return ""
	}
	return u.Path
}

// goIdent turns a command, event or callback id into an exported Go
// identifier: "/deploy-service" → "DeployService", "message.channels" →
// "MessageChannels".
func goIdent(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	id := b.String()
	if id == "" || unicode.IsDigit(rune(id[0])) {
		id = "X" + id
	}
	return id
}

// fileName turns a Go identifier into a snake_case file name stem.
func fileName(ident string) string {
	var b strings.Builder
	rs := []rune(ident)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	// Templates append a kind suffix ("_command.go"), so a stem such as
	// "linux" or "test" never turns into a build constraint.
	return b.String()
}

// consistencyWarnings reports where slackgen.yaml and the manifest
// disagree in ways that build a project Slack cannot reach.
func consistencyWarnings(m *manifest.Manifest, a *App) []string {
	var w []string
	switch {
	case a.Socket && !m.SocketMode():
		w = append(w, fmt.Sprintf("%s: warning: mode is socket, but the manifest does not enable settings.socket_mode_enabled: Slack will not use Socket Mode", ConfigFile))
	case !a.Socket && m.SocketMode():
		w = append(w, fmt.Sprintf("%s: warning: mode is http, but the manifest enables settings.socket_mode_enabled: Slack sends nothing over HTTP (set mode: socket)", ConfigFile))
	}
	if a.OAuth && !m.UsesOAuth() {
		w = append(w, fmt.Sprintf("%s: warning: distribution is oauth, but the manifest has no oauth_config.redirect_urls: the install flow cannot complete", ConfigFile))
	}
	if !m.InteractivityEnabled() {
		var keys []string
		for _, list := range []struct {
			key   string
			items []Interaction
		}{{"block_actions", a.BlockActions}, {"view_submissions", a.ViewSubmissions}, {"options", a.ExternalSelects}, {"view_closed", a.ClosedViews}} {
			if len(list.items) > 0 {
				keys = append(keys, list.key)
			}
		}
		if len(keys) > 0 {
			fix := "set it to true, with a request_url"
			if a.Socket {
				fix = "set it to true"
			}
			w = append(w, fmt.Sprintf("%s: warning: the manifest does not enable settings.interactivity.is_enabled, so Slack sends none of the interactions of %s (%s)",
				ConfigFile, strings.Join(keys, ", "), fix))
		}
	}
	// Options loads go to their own URL; Socket Mode delivers them over the
	// socket like every other interaction.
	if len(a.ExternalSelects) > 0 && !a.Socket && optionsURL(m) == "" {
		ids := make([]string, len(a.ExternalSelects))
		for i, s := range a.ExternalSelects {
			ids[i] = s.ID
		}
		w = append(w, fmt.Sprintf("%s: warning: options lists %s, but the manifest has no settings.interactivity.message_menu_options_url: Slack cannot load the options of these external selects (set it to the app's URL, e.g. https://example.com%s)",
			ConfigFile, strings.Join(ids, ", "), defaultPath))
	}
	return w
}

// optionsURL returns settings.interactivity.message_menu_options_url.
func optionsURL(m *manifest.Manifest) string {
	if m.Settings == nil || m.Settings.Interactivity == nil {
		return ""
	}
	return m.Settings.Interactivity.MessageMenuOptionsURL
}
