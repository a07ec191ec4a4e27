package cli

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"
)

// initAnswers holds everything slackgen init asks for; flags fill it first,
// the interview fills the rest.
type initAnswers struct {
	Name         string
	Description  string
	Module       string
	Distribution string // distOAuth or distSingle
	RedirectURLs []string
	Mode         string // modeHTTP or modeSocket
	BotScopes    []string
	UserScopes   []string
	Commands     []commandAnswer
	Events       []string
	Shortcuts    []shortcutAnswer
	// Interactivity turns on interactivity (block actions, view submissions
	// and closes, options loads, shortcuts). Shortcuts and every interaction
	// handler force it on.
	Interactivity bool
	// BlockActions and ViewSubmissions are the action_ids and modal
	// callback_ids that get handlers (slackgen.yaml, not the manifest);
	// Options the action_ids of external selects whose options the app
	// serves, ViewClosed the modal callback_ids whose close it handles.
	BlockActions    []string
	ViewSubmissions []string
	Options         []string
	ViewClosed      []string
	Store           string // sqlite, postgres or file
}

// commandAnswer is one slash command.
type commandAnswer struct {
	Name        string // with the leading slash
	Description string
	UsageHint   string
}

// shortcutAnswer is one global or message shortcut.
type shortcutAnswer struct {
	CallbackID string
	Name       string
	Type       string // global or message
}

// Choices of the select questions.
const (
	distOAuth  = "oauth"
	distSingle = "single"
	modeHTTP   = "http"
	modeSocket = "socket"
)

var (
	storeChoices = []option{
		{"sqlite", "an SQLite file, no server needed (one replica)"},
		{"postgres", "PostgreSQL, for several replicas (DATABASE_URL)"},
		{"file", "one JSON file per installation in a directory"},
	}
	modeChoices = []option{
		{modeHTTP, "Slack sends requests to your public HTTPS URL"},
		{modeSocket, "Socket Mode: the app opens a WebSocket to Slack, no public URL"},
	}
	distributionChoices = []option{
		{distOAuth, "OAuth install flow: many workspaces install the app"},
		{distSingle, "a single workspace, with SLACK_BOT_TOKEN"},
	}
	shortcutTypeChoices = []option{
		{"global", "from the shortcuts menu and the search bar"},
		{"message", "from the ⋯ menu of a message"},
	}
)

// Defaults for answers nobody gave.
const (
	defaultRedirectURL = "https://example.com/slack/oauth_redirect"
	defaultRequestURL  = "https://example.com/slack/events"
	defaultDescription = "A Slack app built with slackgen"
	defaultBotScope    = "chat:write"
)

// Limits from Slack's manifest schema.
const (
	maxNameLen             = 35
	maxDescriptionLen      = 140
	maxCommandLen          = 32
	maxCommands            = 50
	maxCommandDescLen      = 2000
	maxUsageHintLen        = 1000
	maxShortcuts           = 10
	maxShortcutNameLen     = 24
	maxShortcutCallbackLen = 255
)

// defaultName derives an app name from the project directory.
func defaultName(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	name := filepath.Base(abs)
	if name == "." || name == string(filepath.Separator) || name == "" {
		name = "slackapp"
	}
	if utf8.RuneCountInString(name) > maxNameLen {
		name = string([]rune(name)[:maxNameLen])
	}
	return name
}

var nonModuleChars = regexp.MustCompile(`[^a-z0-9._~-]+`)

// defaultModule derives a Go module path from the app name:
// "Deploy Bot" becomes example.com/deploy-bot.
func defaultModule(name string) string {
	elem := strings.Trim(nonModuleChars.ReplaceAllString(strings.ToLower(name), "-"), "-.")
	if elem == "" {
		elem = "slackapp"
	}
	return "example.com/" + elem
}

func validateName(s string) error {
	switch n := utf8.RuneCountInString(s); {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("the app name is required")
	case n > maxNameLen:
		return fmt.Errorf("the app name has %d characters; Slack allows at most %d", n, maxNameLen)
	}
	return nil
}

func validateDescription(s string) error {
	if n := utf8.RuneCountInString(s); n > maxDescriptionLen {
		return fmt.Errorf("the description has %d characters; Slack allows at most %d", n, maxDescriptionLen)
	}
	return nil
}

var moduleElem = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// validateModule checks the shape of a Go module path: slash-separated
// elements of letters, digits and ._~- (the characters `go mod init`
// accepts), none empty, none starting or ending with a dot.
func validateModule(s string) error {
	if s == "" {
		return fmt.Errorf("the Go module path is required, e.g. github.com/you/app")
	}
	for elem := range strings.SplitSeq(s, "/") {
		if elem == "" {
			return fmt.Errorf("module path %q has an empty element; write it like github.com/you/app", s)
		}
		if !moduleElem.MatchString(elem) {
			return fmt.Errorf("module path %q: element %q may contain only letters, digits and . _ ~ -", s, elem)
		}
		if strings.HasPrefix(elem, ".") || strings.HasSuffix(elem, ".") {
			return fmt.Errorf("module path %q: element %q may not start or end with a dot", s, elem)
		}
	}
	return nil
}

// validateURL checks a redirect or request URL: https, or http for
// localhost and 127.0.0.1 (what Slack and the emulator accept). The host is
// compared whole, so http://localhost.example.com is refused.
func validateURL(s string) error {
	u, err := url.Parse(s)
	if err == nil && u.Host != "" && u.User == nil {
		switch h := u.Hostname(); {
		case u.Scheme == "https" && h != "":
			return nil
		case u.Scheme == "http" && (h == "localhost" || h == "127.0.0.1"):
			return nil
		}
	}
	return fmt.Errorf("%q is not an https:// URL (http:// is allowed only for localhost and 127.0.0.1)", s)
}

// validateURLList checks a comma-separated list of URLs, at least one.
func validateURLList(s string) error {
	urls := splitCommaList(s)
	if len(urls) == 0 {
		return fmt.Errorf("give at least one redirect URL, e.g. %s", defaultRedirectURL)
	}
	for _, u := range urls {
		if err := validateURL(u); err != nil {
			return err
		}
	}
	return nil
}

var commandName = regexp.MustCompile(`^/[a-z0-9_-]+$`)

func validateCommandName(s string) error {
	switch {
	case !strings.HasPrefix(s, "/"):
		return fmt.Errorf("command %q must start with a slash, e.g. /%s", s, s)
	case len(s) < 2 || len(s) > maxCommandLen:
		return fmt.Errorf("command %q must have 2 to %d characters, the slash included", s, maxCommandLen)
	case !commandName.MatchString(s):
		return fmt.Errorf("command %q may contain only lowercase letters, digits, - and _ after the slash", s)
	}
	return nil
}

func validateCommandDescription(s string) error {
	switch n := utf8.RuneCountInString(s); {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("a slash command needs a description")
	case n > maxCommandDescLen:
		return fmt.Errorf("the description has %d characters; Slack allows at most %d", n, maxCommandDescLen)
	}
	return nil
}

func validateUsageHint(s string) error {
	if n := utf8.RuneCountInString(s); n > maxUsageHintLen {
		return fmt.Errorf("the usage hint has %d characters; Slack allows at most %d", n, maxUsageHintLen)
	}
	return nil
}

var callbackID = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// validateCallbackID checks a shortcut or modal callback_id or a block
// action_id.
func validateCallbackID(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("an id is required, e.g. open_ticket")
	case len(s) > maxShortcutCallbackLen:
		return fmt.Errorf("id %q is longer than %d characters", s, maxShortcutCallbackLen)
	case !callbackID.MatchString(s):
		return fmt.Errorf("id %q may contain only letters, digits, _ . and -", s)
	}
	return nil
}

// validateIDList checks a comma-separated list of action_ids or
// callback_ids; empty is fine.
func validateIDList(s string) error {
	seen := map[string]bool{}
	for _, id := range splitCommaList(s) {
		if err := validateCallbackID(id); err != nil {
			return err
		}
		if seen[id] {
			return fmt.Errorf("%s is listed twice", id)
		}
		seen[id] = true
	}
	return nil
}

// humanize turns a callback_id into a shortcut name: open_ticket becomes
// "Open ticket", cut to Slack's 24 characters.
func humanize(id string) string {
	s := strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ", ".", " ").Replace(id))
	if s == "" {
		return ""
	}
	r := []rune(s)
	if len(r) > maxShortcutNameLen {
		r = []rune(strings.TrimSpace(string(r[:maxShortcutNameLen])))
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

func validateShortcutName(s string) error {
	switch n := utf8.RuneCountInString(s); {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("a shortcut needs a name, e.g. \"Open a ticket\"")
	case n > maxShortcutNameLen:
		return fmt.Errorf("shortcut name %q has %d characters; Slack allows at most %d", s, n, maxShortcutNameLen)
	}
	return nil
}

// parseCommandFlag parses --command "/name:description[:usage hint]". The
// usage hint may itself contain colons; the description may not.
func parseCommandFlag(s string) (commandAnswer, error) {
	const syntax = `write it as "/name:description[:usage hint]", e.g. --command "/deploy:Deploy a service:[service] [env]"`
	parts := strings.SplitN(s, ":", 3)
	c := commandAnswer{Name: strings.TrimSpace(parts[0])}
	if err := validateCommandName(c.Name); err != nil {
		return c, fmt.Errorf("--command %q: %w; %s", s, err, syntax)
	}
	if len(parts) < 2 {
		return c, fmt.Errorf("--command %q: a slash command needs a description; %s", s, syntax)
	}
	c.Description = strings.TrimSpace(parts[1])
	if err := validateCommandDescription(c.Description); err != nil {
		return c, fmt.Errorf("--command %q: %w; %s", s, err, syntax)
	}
	if len(parts) == 3 {
		c.UsageHint = strings.TrimSpace(parts[2])
		if err := validateUsageHint(c.UsageHint); err != nil {
			return c, fmt.Errorf("--command %q: %w", s, err)
		}
	}
	return c, nil
}

// parseShortcutFlag parses --shortcut "callback_id:name[:global|message]".
func parseShortcutFlag(s string) (shortcutAnswer, error) {
	const syntax = `write it as "callback_id:name[:global|message]", e.g. --shortcut "open_ticket:Open a ticket"`
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return shortcutAnswer{}, fmt.Errorf("--shortcut %q: %s", s, syntax)
	}
	sc := shortcutAnswer{CallbackID: strings.TrimSpace(parts[0]), Name: strings.TrimSpace(parts[1]), Type: "global"}
	if len(parts) == 3 {
		sc.Type = strings.TrimSpace(parts[2])
	}
	if err := validateCallbackID(sc.CallbackID); err != nil {
		return sc, fmt.Errorf("--shortcut %q: %w; %s", s, err, syntax)
	}
	if err := validateShortcutName(sc.Name); err != nil {
		return sc, fmt.Errorf("--shortcut %q: %w; %s", s, err, syntax)
	}
	if err := checkOption(sc.Type, shortcutTypeChoices); err != nil {
		return sc, fmt.Errorf("--shortcut %q: the type %w; %s", s, err, syntax)
	}
	return sc, nil
}

// splitCommaList splits a comma-separated list, trimming blanks and dropping
// empty items.
func splitCommaList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
