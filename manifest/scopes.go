package manifest

import (
	"slices"
	"strings"
)

// TokenKind says which tokens a scope can be granted to.
type TokenKind uint8

// Token kinds; a scope may allow both.
const (
	BotToken  TokenKind = 1 << iota // listed in oauth_config.scopes.bot
	UserToken                       // listed in oauth_config.scopes.user
)

// Scope describes a Slack OAuth permission scope.
type Scope struct {
	Name        string
	Description string    // one line, for prompts
	Tokens      TokenKind // BotToken, UserToken or both
}

// Bot reports whether bots can be granted the scope.
func (s Scope) Bot() bool { return s.Tokens&BotToken != 0 }

// User reports whether users can be granted the scope.
func (s Scope) User() bool { return s.Tokens&UserToken != 0 }

const (
	bot  = BotToken
	user = UserToken
	both = BotToken | UserToken
)

// scopes is Slack's public list of OAuth scopes for apps (granular bot and
// user scopes; app-level token scopes such as connections:write are not
// requested in a manifest). Sorted by name.
var scopes = []Scope{
	{"admin", "Administer a workspace (legacy, Enterprise)", user},
	{"admin.analytics:read", "Access analytics data about the organization", user},
	{"admin.app_activities:read", "View logs of activities from apps in the organization", user},
	{"admin.apps:read", "View apps and app requests in a workspace", user},
	{"admin.apps:write", "Manage apps in a workspace", user},
	{"admin.barriers:read", "Read information barriers in the organization", user},
	{"admin.barriers:write", "Manage information barriers in the organization", user},
	{"admin.calls:read", "View information about ongoing and past calls", user},
	{"admin.calls:write", "Manage ongoing calls", user},
	{"admin.chat:read", "View chat settings in the organization", user},
	{"admin.chat:write", "Manage chat settings in the organization", user},
	{"admin.conversations:manage_objects", "Manage objects in conversations across the organization", user},
	{"admin.conversations:read", "View the channel's member list, topic, purpose and channel name", user},
	{"admin.conversations:write", "Start conversations, manage their settings and members", user},
	{"admin.invites:read", "Gain information about invite requests in a Grid organization", user},
	{"admin.invites:write", "Approve or deny invite requests in a Grid organization", user},
	{"admin.roles:read", "List role assignments for the workspace", user},
	{"admin.roles:write", "Add and remove role assignments", user},
	{"admin.teams:read", "Access information about a workspace", user},
	{"admin.teams:write", "Make changes to a workspace", user},
	{"admin.usergroups:read", "Access information about user groups", user},
	{"admin.usergroups:write", "Make changes to your usergroups", user},
	{"admin.users:read", "Access a workspace's profile information", user},
	{"admin.users:write", "Modify account information", user},
	{"admin.workflows:read", "View all workflows in a workspace", user},
	{"admin.workflows:write", "Manage workflows in a workspace", user},
	{"app_mentions:read", "View messages that directly mention @your_app in conversations the app is in", bot},
	{"assistant:write", "Allow the app to act as an AI assistant (assistant threads)", bot},
	{"auditlogs:read", "View events from all workspaces, channels and users (Enterprise)", user},
	{"bookmarks:read", "List bookmarks", both},
	{"bookmarks:write", "Create, edit and remove bookmarks", both},
	{"calls:read", "View information about ongoing and past calls", both},
	{"calls:write", "Start and manage calls in a workspace", both},
	{"canvases:read", "View canvases", both},
	{"canvases:write", "Create, edit and remove canvases", both},
	{"channels:history", "View messages and other content in public channels the app is in", both},
	{"channels:join", "Join public channels in a workspace", bot},
	{"channels:manage", "Manage public channels the app is in and create new ones", both},
	{"channels:read", "View basic information about public channels in a workspace", both},
	{"channels:write", "Manage a user's public channels and create new ones on a user's behalf", user},
	{"channels:write.invites", "Invite members to public channels", both},
	{"channels:write.topic", "Set the description of public channels", both},
	{"chat:write", "Send messages as the app (or as the user with a user token)", both},
	{"chat:write.customize", "Send messages as the app with a customized username and avatar", bot},
	{"chat:write.public", "Send messages to channels the app isn't a member of", bot},
	{"commands", "Add shortcuts and/or slash commands that people can use", bot},
	{"conversations.connect:manage", "Manage Slack Connect channels", bot},
	{"conversations.connect:read", "Receive Slack Connect invite events sent to the channels the app is in", bot},
	{"conversations.connect:write", "Create Slack Connect invitations for channels the app is in, and accept invitations sent to the app", bot},
	{"datastore:read", "View data from the app's datastores (Slack-hosted apps)", bot},
	{"datastore:write", "Store data in the app's datastores (Slack-hosted apps)", bot},
	{"dnd:read", "View Do Not Disturb settings for people in a workspace", both},
	{"dnd:write", "Edit a user's Do Not Disturb settings", user},
	{"email", "View a user's email address (Sign in with Slack, OpenID Connect)", user},
	{"emoji:read", "View custom emoji in a workspace", both},
	{"files:read", "View files shared in channels and conversations the app has been added to", both},
	{"files:write", "Upload, edit and delete files as the app", both},
	{"groups:history", "View messages and other content in private channels the app has been added to", both},
	{"groups:read", "View basic information about private channels the app has been added to", both},
	{"groups:write", "Manage private channels the app has been added to and create new ones", both},
	{"groups:write.invites", "Invite members to private channels", both},
	{"groups:write.topic", "Set the description of private channels", both},
	{"identify", "View information about a user's identity (legacy)", user},
	{"identity.avatar", "View a user's Slack avatar (legacy Sign in with Slack)", user},
	{"identity.basic", "View information about a user's identity (legacy Sign in with Slack)", user},
	{"identity.email", "View a user's email address (legacy Sign in with Slack)", user},
	{"identity.team", "View a user's Slack workspace name (legacy Sign in with Slack)", user},
	{"im:history", "View messages and other content in direct messages the app has been added to", both},
	{"im:read", "View basic information about direct messages the app has been added to", both},
	{"im:write", "Start direct messages with people", both},
	{"im:write.topic", "Set the description in direct messages", both},
	{"incoming-webhook", "Create one-way webhooks to post messages to a specific channel", bot},
	{"links.embed:write", "Embed video player URLs in messages and app surfaces", both},
	{"links:read", "View URLs in messages", both},
	{"links:write", "Show previews of URLs in messages (unfurls)", both},
	{"lists:read", "View lists", both},
	{"lists:write", "Create, edit and remove lists", both},
	{"metadata.message:read", "Allow the app to read message metadata in channels it has access to", both},
	{"mpim:history", "View messages and other content in group direct messages the app has been added to", both},
	{"mpim:read", "View basic information about group direct messages the app has been added to", both},
	{"mpim:write", "Start group direct messages with people", both},
	{"mpim:write.topic", "Set the description in group direct messages", both},
	{"openid", "View information about a user's identity (Sign in with Slack, OpenID Connect)", user},
	{"pins:read", "View pinned content in channels and conversations the app has been added to", both},
	{"pins:write", "Add and remove pinned messages and files", both},
	{"profile", "View a user's Slack avatar and workspace info (Sign in with Slack, OpenID Connect)", user},
	{"reactions:read", "View emoji reactions and their associated content", both},
	{"reactions:write", "Add and edit emoji reactions", both},
	{"reminders:read", "View reminders created by the app (or the user)", both},
	{"reminders:write", "Add, remove, or mark reminders as complete", both},
	{"remote_files:read", "View remote files added by the app in a workspace", bot},
	{"remote_files:share", "Share remote files on a user's behalf", bot},
	{"remote_files:write", "Add, edit, and delete remote files on a user's behalf", bot},
	{"search:read", "Search a workspace's content", user},
	{"search:read.files", "Search a workspace's files", user},
	{"search:read.im", "Search a user's direct messages", user},
	{"search:read.mpim", "Search a user's group direct messages", user},
	{"search:read.private", "Search a user's private channels", user},
	{"search:read.public", "Search a workspace's public channels", user},
	{"search:read.users", "Search a workspace's users", user},
	{"stars:read", "View messages and files a user has saved", user},
	{"stars:write", "Add or remove saved items for a user", user},
	{"team.billing:read", "View the billing plan of workspaces the app is installed in", both},
	{"team.preferences:read", "View the preferences of workspaces the app is installed in", both},
	{"team:read", "View the name, email domain, and icon of workspaces the app is in", both},
	{"tokens.basic", "Execute methods without needing a scope", user},
	{"triggers:read", "Read new Platform triggers (Slack-hosted apps)", bot},
	{"triggers:write", "Create new Platform triggers (Slack-hosted apps)", bot},
	{"usergroups:read", "View user groups in a workspace", both},
	{"usergroups:write", "Create and manage user groups", both},
	{"users.profile:read", "View profile details about people in a workspace", both},
	{"users.profile:write", "Edit a user's profile information and status", user},
	{"users:read", "View people in a workspace", both},
	{"users:read.email", "View email addresses of people in a workspace", both},
	{"users:write", "Set presence for the app (or the user)", both},
	{"workflow.steps:execute", "Add steps that people can use in Workflow Builder (legacy)", bot},
}

// AllScopes returns Slack's OAuth scopes, sorted by name. The slice is a copy.
func AllScopes() []Scope { return slices.Clone(scopes) }

// BotScopes returns the scopes a bot token can be granted, sorted by name.
func BotScopes() []Scope { return filterScopes(BotToken) }

// UserScopes returns the scopes a user token can be granted, sorted by name.
func UserScopes() []Scope { return filterScopes(UserToken) }

func filterScopes(k TokenKind) []Scope {
	var out []Scope
	for _, s := range scopes {
		if s.Tokens&k != 0 {
			out = append(out, s)
		}
	}
	return out
}

// LookupScope returns the catalogue entry of name.
func LookupScope(name string) (Scope, bool) {
	i, ok := slices.BinarySearchFunc(scopes, name, func(s Scope, n string) int { return strings.Compare(s.Name, n) })
	if !ok {
		return Scope{}, false
	}
	return scopes[i], true
}

// SuggestScope returns the known scope closest to name for a "did you
// mean" hint, or "" when none is close. Only scopes of kind k are offered.
func SuggestScope(name string, k TokenKind) string {
	names := make([]string, 0, len(scopes))
	for _, s := range scopes {
		if s.Tokens&k != 0 {
			names = append(names, s.Name)
		}
	}
	return closest(name, names)
}
