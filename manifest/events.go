package manifest

import (
	"slices"
	"strings"
)

// Event describes an Events API event type that a manifest can subscribe
// to (settings.event_subscriptions.bot_events or user_events).
type Event struct {
	Name        string   // as written in the manifest, e.g. "message.channels"
	Description string   // one line, for prompts
	Scopes      []string // the subscription needs one of these (none: no scope needed)
	// GoType is the slack-go slackevents type the inner event decodes to,
	// e.g. "AppMentionEvent" ("" when slack-go has none).
	GoType string
}

// EventType returns the inner event's "type" field: the manifest name up
// to the first dot ("message.channels" → "message").
func (e Event) EventType() string {
	t, _, _ := strings.Cut(e.Name, ".")
	return t
}

// events is the catalogue of Events API types, sorted by name.
var events = []Event{
	{"app_deleted", "An app was deleted from an organization", nil, "AppDeletedEvent"},
	{"app_home_opened", "A user clicked into the app's App Home", nil, "AppHomeOpenedEvent"},
	{"app_installed", "An app was installed in an organization", nil, "AppInstalledEvent"},
	{"app_mention", "The app was mentioned in a conversation", []string{"app_mentions:read"}, "AppMentionEvent"},
	{"app_rate_limited", "The app's event deliveries are being rate limited", nil, ""},
	{"app_requested", "A user requested an install of the app in an organization", []string{"admin.apps:read"}, "AppRequestedEvent"},
	{"app_uninstalled", "The app was uninstalled", nil, "AppUninstalledEvent"},
	{"app_uninstalled_team", "The app was uninstalled from a workspace of an organization", nil, "AppUninstalledTeamEvent"},
	{"assistant_thread_context_changed", "The context of an assistant thread changed", []string{"assistant:write"}, "AssistantThreadContextChangedEvent"},
	{"assistant_thread_started", "A user started an assistant thread", []string{"assistant:write"}, "AssistantThreadStartedEvent"},
	{"call_rejected", "A call was rejected", []string{"calls:read"}, "CallRejectedEvent"},
	{"channel_archive", "A channel was archived", []string{"channels:read"}, "ChannelArchiveEvent"},
	{"channel_created", "A channel was created", []string{"channels:read"}, "ChannelCreatedEvent"},
	{"channel_deleted", "A channel was deleted", []string{"channels:read"}, "ChannelDeletedEvent"},
	{"channel_history_changed", "Bulk updates were made to a channel's history", []string{"channels:history"}, "ChannelHistoryChangedEvent"},
	{"channel_id_changed", "A channel's ID changed", []string{"channels:read"}, "ChannelIDChangedEvent"},
	{"channel_left", "The app left a channel", []string{"channels:read"}, "ChannelLeftEvent"},
	{"channel_rename", "A channel was renamed", []string{"channels:read"}, "ChannelRenameEvent"},
	{"channel_shared", "A channel was shared with an external workspace", []string{"channels:read", "groups:read"}, "ChannelSharedEvent"},
	{"channel_unarchive", "A channel was unarchived", []string{"channels:read"}, "ChannelUnarchiveEvent"},
	{"channel_unshared", "A channel was unshared with an external workspace", []string{"channels:read", "groups:read"}, "ChannelUnsharedEvent"},
	{"dnd_updated", "Do not Disturb settings changed for the current user", []string{"dnd:read"}, "DndUpdatedEvent"},
	{"dnd_updated_user", "Do not Disturb settings changed for a member", []string{"dnd:read"}, "DndUpdatedUserEvent"},
	{"email_domain_changed", "The workspace email domain changed", []string{"team:read"}, "EmailDomainChangedEvent"},
	{"emoji_changed", "A custom emoji was added or changed", []string{"emoji:read"}, "EmojiChangedEvent"},
	{"file_change", "A file was changed", []string{"files:read"}, "FileChangeEvent"},
	{"file_created", "A file was created", []string{"files:read"}, "FileCreatedEvent"},
	{"file_deleted", "A file was deleted", []string{"files:read"}, "FileDeletedEvent"},
	{"file_public", "A file was made public", []string{"files:read"}, "FilePublicEvent"},
	{"file_shared", "A file was shared", []string{"files:read"}, "FileSharedEvent"},
	{"file_unshared", "A file was unshared", []string{"files:read"}, "FileUnsharedEvent"},
	{"function_executed", "A custom step of the app was invoked in a workflow", nil, "FunctionExecutedEvent"},
	{"grid_migration_finished", "An enterprise grid migration finished on this workspace", nil, "GridMigrationFinishedEvent"},
	{"grid_migration_started", "An enterprise grid migration started on this workspace", nil, "GridMigrationStartedEvent"},
	{"group_archive", "A private channel was archived", []string{"groups:read"}, "GroupArchiveEvent"},
	{"group_close", "A private channel was closed", []string{"groups:read"}, "GroupCloseEvent"},
	{"group_deleted", "A private channel was deleted", []string{"groups:read"}, "GroupDeletedEvent"},
	{"group_history_changed", "Bulk updates were made to a private channel's history", []string{"groups:history"}, "GroupHistoryChangedEvent"},
	{"group_left", "The app left a private channel", []string{"groups:read"}, "GroupLeftEvent"},
	{"group_open", "A private channel was opened", []string{"groups:read"}, "GroupOpenEvent"},
	{"group_rename", "A private channel was renamed", []string{"groups:read"}, "GroupRenameEvent"},
	{"group_unarchive", "A private channel was unarchived", []string{"groups:read"}, "GroupUnarchiveEvent"},
	{"im_close", "A direct message was closed", []string{"im:read"}, "ImCloseEvent"},
	{"im_created", "A direct message was created", []string{"im:read"}, "ImCreatedEvent"},
	{"im_history_changed", "Bulk updates were made to a direct message's history", []string{"im:history"}, "ImHistoryChangedEvent"},
	{"im_open", "A direct message was opened", []string{"im:read"}, "ImOpenEvent"},
	{"invite_requested", "A user requested an invite", []string{"admin.invites:read"}, "InviteRequestedEvent"},
	{"link_shared", "A message containing a known (unfurl domain) link was sent", []string{"links:read"}, "LinkSharedEvent"},
	{"member_joined_channel", "A user joined a channel", []string{"channels:read", "groups:read"}, "MemberJoinedChannelEvent"},
	{"member_left_channel", "A user left a channel", []string{"channels:read", "groups:read"}, "MemberLeftChannelEvent"},
	{"message.app_home", "A user sent a message to the app's Messages tab", []string{"im:history"}, "MessageEvent"},
	{"message.channels", "A message was posted to a public channel", []string{"channels:history"}, "MessageEvent"},
	{"message.groups", "A message was posted to a private channel", []string{"groups:history"}, "MessageEvent"},
	{"message.im", "A message was posted in a direct message", []string{"im:history"}, "MessageEvent"},
	{"message.mpim", "A message was posted in a group direct message", []string{"mpim:history"}, "MessageEvent"},
	{"message_metadata_deleted", "Message metadata was deleted", []string{"metadata.message:read"}, "MessageMetadataDeletedEvent"},
	{"message_metadata_posted", "Message metadata was posted", []string{"metadata.message:read"}, "MessageMetadataPostedEvent"},
	{"message_metadata_updated", "Message metadata was updated", []string{"metadata.message:read"}, "MessageMetadataUpdatedEvent"},
	{"pin_added", "A pin was added to a channel", []string{"pins:read"}, "PinAddedEvent"},
	{"pin_removed", "A pin was removed from a channel", []string{"pins:read"}, "PinRemovedEvent"},
	{"reaction_added", "A member added an emoji reaction to an item", []string{"reactions:read"}, "ReactionAddedEvent"},
	{"reaction_removed", "A member removed an emoji reaction", []string{"reactions:read"}, "ReactionRemovedEvent"},
	{"shared_channel_invite_accepted", "A Slack Connect invitation was accepted", []string{"conversations.connect:read", "conversations.connect:manage"}, "SharedChannelInviteAcceptedEvent"},
	{"shared_channel_invite_approved", "A Slack Connect invitation was approved", []string{"conversations.connect:read", "conversations.connect:manage"}, "SharedChannelInviteApprovedEvent"},
	{"shared_channel_invite_declined", "A Slack Connect invitation was declined", []string{"conversations.connect:read", "conversations.connect:manage"}, "SharedChannelInviteDeclinedEvent"},
	{"shared_channel_invite_received", "The app received a Slack Connect invitation", []string{"conversations.connect:read", "conversations.connect:manage"}, "SharedChannelInviteReceivedEvent"},
	{"shared_channel_invite_requested", "A Slack Connect invitation was requested", []string{"conversations.connect:manage"}, "SharedChannelInviteRequestedEvent"},
	{"star_added", "A member saved an item for later", []string{"stars:read"}, "StarAddedEvent"},
	{"star_removed", "A member removed a saved item", []string{"stars:read"}, "StarRemovedEvent"},
	{"subteam_created", "A user group was created", []string{"usergroups:read"}, "SubteamCreatedEvent"},
	{"subteam_members_changed", "The membership of a user group changed", []string{"usergroups:read"}, "SubteamMembersChangedEvent"},
	{"subteam_self_added", "The app was added to a user group", []string{"usergroups:read"}, "SubteamSelfAddedEvent"},
	{"subteam_self_removed", "The app was removed from a user group", []string{"usergroups:read"}, "SubteamSelfRemovedEvent"},
	{"subteam_updated", "A user group was updated", []string{"usergroups:read"}, "SubteamUpdatedEvent"},
	{"team_access_granted", "Access to a set of teams was granted to the org-wide app", nil, "TeamAccessGrantedEvent"},
	{"team_access_revoked", "Access to a set of teams was revoked from the org-wide app", nil, "TeamAccessRevokedEvent"},
	{"team_domain_change", "The workspace domain changed", []string{"team:read"}, "TeamDomainChangeEvent"},
	{"team_join", "A new member joined the workspace", []string{"users:read"}, "TeamJoinEvent"},
	{"team_rename", "The workspace name changed", []string{"team:read"}, "TeamRenameEvent"},
	{"tokens_revoked", "API tokens of the app were revoked", nil, "TokensRevokedEvent"},
	{"user_change", "A member's data changed", []string{"users:read"}, "UserChangeEvent"},
	{"user_huddle_changed", "A user's huddle status changed", []string{"users:read"}, "UserHuddleChangedEvent"},
	{"user_profile_changed", "A user's profile data changed", []string{"users:read"}, "UserProfileChangedEvent"},
	{"user_status_changed", "A user's status changed", []string{"users:read"}, "UserStatusChangedEvent"},
	{"workflow_deleted", "A workflow using the app's legacy steps was deleted", []string{"workflow.steps:execute"}, ""},
	{"workflow_published", "A workflow using the app's legacy steps was published", []string{"workflow.steps:execute"}, ""},
	{"workflow_step_deleted", "A legacy workflow step of the app was removed from a workflow", []string{"workflow.steps:execute"}, ""},
	{"workflow_step_execute", "A legacy workflow step of the app was executed", []string{"workflow.steps:execute"}, ""},
	{"workflow_unpublished", "A workflow using the app's legacy steps was unpublished", []string{"workflow.steps:execute"}, ""},
}

// AllEvents returns the Events API catalogue, sorted by name. The slice is a copy.
func AllEvents() []Event { return slices.Clone(events) }

// LookupEvent returns the catalogue entry of the manifest event name.
func LookupEvent(name string) (Event, bool) {
	i, ok := slices.BinarySearchFunc(events, name, func(e Event, n string) int { return strings.Compare(e.Name, n) })
	if !ok {
		return Event{}, false
	}
	return events[i], true
}

// SuggestEvent returns the known event closest to name for a "did you
// mean" hint, or "".
func SuggestEvent(name string) string {
	names := make([]string, len(events))
	for i, e := range events {
		names[i] = e.Name
	}
	return closest(name, names)
}
