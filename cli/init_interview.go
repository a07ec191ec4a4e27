package cli

import (
	"fmt"
	"slices"
	"strings"
)

// Question IDs, and the flag that answers each. The interview skips a
// question whose flag was given; the non-interactive check names the flags of
// the questions it would have asked.
var questionFlags = []struct{ id, flag string }{
	{"name", "--name"},
	{"description", "--description"},
	{"module", "--module"},
	{"distribution", "--distribution"},
	{"redirect_urls", "--redirect-url"},
	{"mode", "--mode"},
	{"add_command", "--command"},
	{"command_name", "--command"},
	{"command_description", "--command"},
	{"command_usage_hint", "--command"},
	{"events", "--event"},
	{"interactivity", "--interactivity"},
	{"add_shortcut", "--shortcut"},
	{"shortcut_callback_id", "--shortcut"},
	{"shortcut_name", "--shortcut"},
	{"shortcut_type", "--shortcut"},
	{"block_actions", "--block-action"},
	{"view_submissions", "--view-submission"},
	{"options", "--options"},
	{"view_closed", "--view-closed"},
	{"bot_scopes", "--bot-scopes"},
	{"user_scopes", "--user-scopes"},
	{"store", "--store"},
}

// flagsFor returns the flags that answer the question IDs, in question order,
// each once.
func flagsFor(ids []string) []string {
	var flags []string
	for _, q := range questionFlags {
		if slices.Contains(ids, q.id) && !slices.Contains(flags, q.flag) {
			flags = append(flags, q.flag)
		}
	}
	return flags
}

// interview asks every question whose answer a does not hold yet. given
// reports whether the flag answering a question was set; fromManifest skips
// everything the manifest file already says. Catalogues come from cat.
type interview struct {
	p            prompter
	dir          string
	given        func(flag string) bool
	fromManifest bool
	cat          catalogue
}

func (iv *interview) run(a *initAnswers) error {
	if !iv.fromManifest {
		if err := iv.identity(a); err != nil {
			return err
		}
	}
	if !iv.given("--module") {
		m, err := iv.p.Input(inputQuestion{
			ID:       "module",
			Message:  "Go module path:",
			Help:     "The module path written to go.mod, usually where the code will live, e.g. github.com/acme/deploybot.",
			Default:  defaultModule(a.Name),
			Validate: validateModule,
		})
		if err != nil {
			return err
		}
		a.Module = m
	}
	if !iv.fromManifest {
		if err := iv.features(a); err != nil {
			return err
		}
	}
	if iv.fromManifest && a.Interactivity {
		if err := iv.interactions(a); err != nil {
			return err
		}
	}
	if !iv.given("--store") {
		s, err := iv.p.Select(selectQuestion{
			ID:      "store",
			Message: "Where should installations be stored?",
			Help:    "The installation store keeps each workspace's tokens. SQLite needs nothing else; PostgreSQL suits several replicas; file keeps JSON files in a directory. Change it later in slackgen.yaml.",
			Options: storeChoices,
			Default: "sqlite",
		})
		if err != nil {
			return err
		}
		a.Store = s
	}
	return nil
}

// identity asks for the name and description.
func (iv *interview) identity(a *initAnswers) error {
	if !iv.given("--name") {
		n, err := iv.p.Input(inputQuestion{
			ID:       "name",
			Message:  "App name:",
			Help:     "The name people see in Slack (display_information.name), at most 35 characters.",
			Default:  defaultName(iv.dir),
			Validate: validateName,
		})
		if err != nil {
			return err
		}
		a.Name = n
	}
	if !iv.given("--description") {
		d, err := iv.p.Input(inputQuestion{
			ID:       "description",
			Message:  "Short description:",
			Help:     "One line shown in Slack's app directory and app settings, at most 140 characters.",
			Default:  defaultDescription,
			Validate: validateDescription,
		})
		if err != nil {
			return err
		}
		a.Description = d
	}
	return nil
}

// features asks how the app is installed and served, and what it does.
func (iv *interview) features(a *initAnswers) error {
	if !iv.given("--distribution") && !iv.given("--redirect-url") {
		d, err := iv.p.Select(selectQuestion{
			ID:      "distribution",
			Message: "How will workspaces install the app?",
			Help:    "oauth: an \"Add to Slack\" page and the OAuth v2 flow store a token per workspace (and subscribe to app_uninstalled and tokens_revoked to delete them). single: one workspace, the bot token comes from SLACK_BOT_TOKEN.",
			Options: distributionChoices,
			Default: distOAuth,
		})
		if err != nil {
			return err
		}
		a.Distribution = d
	}
	if a.Distribution == distOAuth && !iv.given("--redirect-url") {
		u, err := iv.p.Input(inputQuestion{
			ID:       "redirect_urls",
			Message:  "OAuth redirect URL(s), comma-separated:",
			Help:     "Where Slack sends the browser back after an install. Its path becomes the app's callback route. Use your public https URL; http is allowed for localhost.",
			Default:  defaultRedirectURL,
			Validate: validateURLList,
		})
		if err != nil {
			return err
		}
		a.RedirectURLs = splitCommaList(u)
	}
	if !iv.given("--mode") {
		m, err := iv.p.Select(selectQuestion{
			ID:      "mode",
			Message: "How does Slack reach the app?",
			Help:    "http: Slack posts to https://<your host>/slack/events. socket: the app connects to Slack with an app-level token (SLACK_APP_TOKEN); handy behind a firewall.",
			Options: modeChoices,
			Default: modeHTTP,
		})
		if err != nil {
			return err
		}
		a.Mode = m
	}
	if !iv.given("--command") {
		if err := iv.commands(a); err != nil {
			return err
		}
	}
	if !iv.given("--event") {
		evs, err := iv.p.MultiSelect(multiSelectQuestion{
			ID:      "events",
			Message: "Bot events to subscribe to:",
			Help:    "Type to filter, space to select, enter to accept. Each event's scope is added for you. With OAuth distribution app_uninstalled and tokens_revoked are always added.",
			Options: iv.cat.events,
		})
		if err != nil {
			return err
		}
		a.Events = evs
	}
	if !iv.given("--interactivity") && !interactivityImplied(iv.given) {
		on, err := iv.p.Confirm(confirmQuestion{
			ID:      "interactivity",
			Message: "Enable interactivity (buttons, modals, shortcuts)?",
			Help:    "Interactivity delivers block actions, view submissions and closes, options loads of external selects and shortcuts to the app.",
			Default: false,
		})
		if err != nil {
			return err
		}
		a.Interactivity = on
	}
	if a.Interactivity && !iv.given("--shortcut") {
		if err := iv.shortcuts(a); err != nil {
			return err
		}
	}
	if a.Interactivity {
		if err := iv.interactions(a); err != nil {
			return err
		}
	}
	if !iv.given("--bot-scopes") {
		scopes, err := iv.p.MultiSelect(multiSelectQuestion{
			ID:      "bot_scopes",
			Message: "Bot scopes:",
			Help:    "Type to filter (by name or description), space to select, enter to accept. Scopes your commands and events need are selected already and added in any case.",
			Options: iv.cat.botScopes,
			Default: impliedBotScopes(a, iv.cat, []string{defaultBotScope}),
		})
		if err != nil {
			return err
		}
		a.BotScopes = scopes
	}
	if !iv.given("--user-scopes") {
		scopes, err := iv.p.MultiSelect(multiSelectQuestion{
			ID:      "user_scopes",
			Message: "User scopes (usually none):",
			Help:    "Scopes that act on behalf of the installing user. Select openid, email and profile for Sign in with Slack.",
			Options: iv.cat.userScopes,
		})
		if err != nil {
			return err
		}
		a.UserScopes = scopes
	}
	return nil
}

// commands asks for slash commands in a loop.
func (iv *interview) commands(a *initAnswers) error {
	for len(a.Commands) < maxCommands {
		msg := "Add a slash command?"
		if len(a.Commands) > 0 {
			msg = "Add another slash command?"
		}
		more, err := iv.p.Confirm(confirmQuestion{
			ID:      "add_command",
			Message: msg,
			Help:    "Slash commands like /deploy run a handler in the app. Each one gets a handler stub you fill in.",
		})
		if err != nil || !more {
			return err
		}
		name, err := iv.p.Input(inputQuestion{
			ID:      "command_name",
			Message: "Command:",
			Help:    "Starts with a slash; lowercase letters, digits, - and _; at most 32 characters.",
			Default: suggestCommand(a),
			Validate: func(s string) error {
				if err := validateCommandName(s); err != nil {
					return err
				}
				if slices.ContainsFunc(a.Commands, func(c commandAnswer) bool { return c.Name == s }) {
					return fmt.Errorf("%s is already added; pick another name", s)
				}
				return nil
			},
		})
		if err != nil {
			return err
		}
		desc, err := iv.p.Input(inputQuestion{
			ID:       "command_description",
			Message:  "Description of " + name + ":",
			Help:     "Shown in Slack's command autocomplete.",
			Default:  "Run " + name,
			Validate: validateCommandDescription,
		})
		if err != nil {
			return err
		}
		hint, err := iv.p.Input(inputQuestion{
			ID:       "command_usage_hint",
			Message:  "Usage hint (optional):",
			Help:     "Shown after the command in autocomplete, e.g. [service] [environment]. Leave empty for none.",
			Validate: validateUsageHint,
		})
		if err != nil {
			return err
		}
		a.Commands = append(a.Commands, commandAnswer{Name: name, Description: desc, UsageHint: hint})
	}
	return nil
}

// suggestCommand proposes /<app name> for the first command.
func suggestCommand(a *initAnswers) string {
	if len(a.Commands) > 0 {
		return ""
	}
	s := strings.Trim(nonModuleChars.ReplaceAllString(strings.ToLower(a.Name), "-"), "-.~")
	s = strings.NewReplacer(".", "-", "~", "-").Replace(s)
	if s == "" || len(s) > maxCommandLen-1 {
		return ""
	}
	return "/" + s
}

// shortcuts asks for shortcuts in a loop.
func (iv *interview) shortcuts(a *initAnswers) error {
	for len(a.Shortcuts) < maxShortcuts {
		msg := "Add a shortcut?"
		if len(a.Shortcuts) > 0 {
			msg = "Add another shortcut?"
		}
		more, err := iv.p.Confirm(confirmQuestion{
			ID:      "add_shortcut",
			Message: msg,
			Help:    "Shortcuts start a flow from Slack's shortcuts menu (global) or a message's ⋯ menu (message).",
		})
		if err != nil || !more {
			return err
		}
		id, err := iv.p.Input(inputQuestion{
			ID:      "shortcut_callback_id",
			Message: "Shortcut callback_id:",
			Help:    "The id Slack sends with the shortcut; the handler is registered for it. Letters, digits, _ . -",
			Default: fmt.Sprintf("shortcut_%d", len(a.Shortcuts)+1),
			Validate: func(s string) error {
				if err := validateCallbackID(s); err != nil {
					return err
				}
				if slices.ContainsFunc(a.Shortcuts, func(sc shortcutAnswer) bool { return sc.CallbackID == s }) {
					return fmt.Errorf("callback_id %s is already used; pick another", s)
				}
				return nil
			},
		})
		if err != nil {
			return err
		}
		name, err := iv.p.Input(inputQuestion{
			ID:       "shortcut_name",
			Message:  "Shortcut name:",
			Help:     "What people see in the menu, at most 24 characters.",
			Default:  humanize(id),
			Validate: validateShortcutName,
		})
		if err != nil {
			return err
		}
		typ, err := iv.p.Select(selectQuestion{
			ID:      "shortcut_type",
			Message: "Shortcut type:",
			Help:    "global: from the shortcuts menu and search, with no message context. message: from a message's ⋯ menu, with the message.",
			Options: shortcutTypeChoices,
			Default: "global",
		})
		if err != nil {
			return err
		}
		a.Shortcuts = append(a.Shortcuts, shortcutAnswer{CallbackID: id, Name: name, Type: typ})
	}
	return nil
}

// interactions asks which block actions and modal submissions get handlers.
func (iv *interview) interactions(a *initAnswers) error {
	if !iv.given("--block-action") {
		ids, err := iv.p.Input(inputQuestion{
			ID:       "block_actions",
			Message:  "Block action_ids to handle, comma-separated (optional):",
			Help:     "Each action_id of a button, select or other block element gets a handler stub. Add more later in slackgen.yaml (block_actions).",
			Validate: validateIDList,
		})
		if err != nil {
			return err
		}
		a.BlockActions = splitCommaList(ids)
	}
	if !iv.given("--view-submission") {
		ids, err := iv.p.Input(inputQuestion{
			ID:       "view_submissions",
			Message:  "Modal callback_ids whose submissions to handle, comma-separated (optional):",
			Help:     "Each modal (view) callback_id gets a submission handler stub. Add more later in slackgen.yaml (view_submissions).",
			Validate: validateIDList,
		})
		if err != nil {
			return err
		}
		a.ViewSubmissions = splitCommaList(ids)
	}
	if !iv.given("--options") {
		ids, err := iv.p.Input(inputQuestion{
			ID:       "options",
			Message:  "External select action_ids whose options the app serves, comma-separated (optional):",
			Help:     "Each action_id of an external_select (or multi_external_select) gets an options handler stub that returns the list to show. Add more later in slackgen.yaml (options).",
			Validate: validateIDList,
		})
		if err != nil {
			return err
		}
		a.Options = splitCommaList(ids)
	}
	if !iv.given("--view-closed") {
		ids, err := iv.p.Input(inputQuestion{
			ID:       "view_closed",
			Message:  "Modal callback_ids whose close to handle, comma-separated (optional):",
			Help:     "Each modal (view) callback_id gets a view_closed handler stub; Slack sends the close only for modals opened with notify_on_close. Add more later in slackgen.yaml (view_closed).",
			Validate: validateIDList,
		})
		if err != nil {
			return err
		}
		a.ViewClosed = splitCommaList(ids)
	}
	return nil
}

// interactionFlags are the init flags that scaffold interaction handlers
// (slackgen.yaml, not the manifest); each needs interactivity.
var interactionFlags = []string{"--block-action", "--view-submission", "--options", "--view-closed"}

// interactivityImplied reports whether flags that need interactivity were
// given.
func interactivityImplied(given func(string) bool) bool {
	return given("--shortcut") || len(givenInteractionFlags(given)) > 0
}

// givenInteractionFlags returns the interaction flags that were given, in
// interactionFlags order.
func givenInteractionFlags(given func(string) bool) []string {
	var out []string
	for _, f := range interactionFlags {
		if given(f) {
			out = append(out, f)
		}
	}
	return out
}

// needFlags writes flags as the subject of "need": "--a needs", "--a and
// --b need", "--a, --b and --c need".
func needFlags(flags []string) string {
	if len(flags) < 2 {
		return strings.Join(flags, "") + " needs"
	}
	return strings.Join(flags[:len(flags)-1], ", ") + " and " + flags[len(flags)-1] + " need"
}
