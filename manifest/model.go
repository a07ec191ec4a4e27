package manifest

import "gopkg.in/yaml.v3"

// Manifest is a Slack app manifest: every field of Slack's manifest schema,
// versions 1 and 2 (the "_metadata.major_version"). Field order follows the
// schema and is the order Marshal writes.
//
// Sections that only Slack-hosted (Deno) apps use — functions, workflows,
// datastores, types, outgoing_domains, external_auth_providers and
// mcp_servers — are kept as raw YAML nodes: slackgen ignores them (Validate
// warns) but Marshal writes them back unchanged.
//
// A Manifest returned by Parse or Load also remembers where each value was
// in the source (see Pos), so diagnostics read "manifest.yaml:12:7: …".
type Manifest struct {
	Schema             string             `yaml:"$schema,omitempty"`
	Metadata           *Metadata          `yaml:"_metadata,omitempty"`
	DisplayInformation DisplayInformation `yaml:"display_information"`
	Features           *Features          `yaml:"features,omitempty"`
	OAuthConfig        *OAuthConfig       `yaml:"oauth_config,omitempty"`
	Settings           *Settings          `yaml:"settings,omitempty"`
	AppDirectory       *AppDirectory      `yaml:"app_directory,omitempty"`

	// Sections of Slack-hosted apps, kept verbatim.
	Functions             *yaml.Node `yaml:"functions,omitempty"`
	Workflows             *yaml.Node `yaml:"workflows,omitempty"`
	Datastores            *yaml.Node `yaml:"datastores,omitempty"`
	Types                 *yaml.Node `yaml:"types,omitempty"`
	OutgoingDomains       *yaml.Node `yaml:"outgoing_domains,omitempty"`
	ExternalAuthProviders *yaml.Node `yaml:"external_auth_providers,omitempty"`
	MCPServers            *yaml.Node `yaml:"mcp_servers,omitempty"`

	src *source // nil for a Manifest built in code
}

// Metadata is the "_metadata" section: which version of the manifest
// schema the file targets.
type Metadata struct {
	MajorVersion  int `yaml:"major_version,omitempty"`
	MinorVersion  int `yaml:"minor_version,omitempty"`
	SchemaVersion int `yaml:"schema_version,omitempty"`
	MinVersion    int `yaml:"min_version,omitempty"`
}

// DisplayInformation is how the app looks in Slack.
type DisplayInformation struct {
	Name            string `yaml:"name"`
	Description     string `yaml:"description,omitempty"`
	BackgroundColor string `yaml:"background_color,omitempty"`
	LongDescription string `yaml:"long_description,omitempty"`
}

// Features is the "features" section.
type Features struct {
	AppHome       *AppHome       `yaml:"app_home,omitempty"`
	BotUser       *BotUser       `yaml:"bot_user,omitempty"`
	Shortcuts     []Shortcut     `yaml:"shortcuts,omitempty"`
	SlashCommands []SlashCommand `yaml:"slash_commands,omitempty"`
	WorkflowSteps []WorkflowStep `yaml:"workflow_steps,omitempty"`
	UnfurlDomains []string       `yaml:"unfurl_domains,omitempty"`
	AssistantView *AssistantView `yaml:"assistant_view,omitempty"`
	AgentView     *AgentView     `yaml:"agent_view,omitempty"`
	// Functions is features.functions of schema version 1 (Slack-hosted apps).
	Functions *yaml.Node `yaml:"functions,omitempty"`
}

// AppHome configures the App Home tabs.
type AppHome struct {
	HomeTabEnabled             *bool `yaml:"home_tab_enabled,omitempty"`
	MessagesTabEnabled         *bool `yaml:"messages_tab_enabled,omitempty"`
	MessagesTabReadOnlyEnabled *bool `yaml:"messages_tab_read_only_enabled,omitempty"`
}

// BotUser configures the app's bot user.
type BotUser struct {
	DisplayName  string `yaml:"display_name"`
	AlwaysOnline *bool  `yaml:"always_online,omitempty"`
}

// Shortcut is a global or message shortcut.
type Shortcut struct {
	Name        string `yaml:"name"`
	Type        string `yaml:"type"` // "global" or "message"
	CallbackID  string `yaml:"callback_id"`
	Description string `yaml:"description"`
}

// SlashCommand is a slash command. URL is optional with Socket Mode.
type SlashCommand struct {
	Command      string `yaml:"command"`
	URL          string `yaml:"url,omitempty"`
	Description  string `yaml:"description"`
	UsageHint    string `yaml:"usage_hint,omitempty"`
	ShouldEscape *bool  `yaml:"should_escape,omitempty"`
}

// WorkflowStep is a (legacy) Workflow Builder step from app.
type WorkflowStep struct {
	Name       string `yaml:"name"`
	CallbackID string `yaml:"callback_id"`
}

// AssistantView configures the AI assistant container.
type AssistantView struct {
	AssistantDescription string            `yaml:"assistant_description"`
	SuggestedPrompts     []SuggestedPrompt `yaml:"suggested_prompts,omitempty"`
}

// AgentView configures the agent container.
type AgentView struct {
	AgentDescription string            `yaml:"agent_description,omitempty"`
	SuggestedPrompts []SuggestedPrompt `yaml:"suggested_prompts,omitempty"`
	Actions          []AgentAction     `yaml:"actions,omitempty"`
}

// SuggestedPrompt is a prompt offered in an assistant or agent view.
type SuggestedPrompt struct {
	Title   string `yaml:"title"`
	Message string `yaml:"message"`
}

// AgentAction is a quick action of the agent view.
type AgentAction struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
}

// OAuthConfig is the "oauth_config" section. RedirectURLs present means
// the app is installed with the OAuth v2 flow (distribution).
type OAuthConfig struct {
	RedirectURLs           []string `yaml:"redirect_urls,omitempty"`
	Scopes                 *Scopes  `yaml:"scopes,omitempty"`
	TokenManagementEnabled *bool    `yaml:"token_management_enabled,omitempty"`
	PKCEEnabled            *bool    `yaml:"pkce_enabled,omitempty"`
}

// Scopes lists the permission scopes requested at installation.
type Scopes struct {
	User         []string `yaml:"user,omitempty"`
	Bot          []string `yaml:"bot,omitempty"`
	UserOptional []string `yaml:"user_optional,omitempty"`
	BotOptional  []string `yaml:"bot_optional,omitempty"`
}

// Settings is the "settings" section.
type Settings struct {
	AllowedIPAddressRanges []string            `yaml:"allowed_ip_address_ranges,omitempty"`
	EventSubscriptions     *EventSubscriptions `yaml:"event_subscriptions,omitempty"`
	IncomingWebhooks       *IncomingWebhooks   `yaml:"incoming_webhooks,omitempty"`
	Interactivity          *Interactivity      `yaml:"interactivity,omitempty"`
	OrgDeployEnabled       *bool               `yaml:"org_deploy_enabled,omitempty"`
	SocketModeEnabled      *bool               `yaml:"socket_mode_enabled,omitempty"`
	IsHosted               *bool               `yaml:"is_hosted,omitempty"`
	TokenRotationEnabled   *bool               `yaml:"token_rotation_enabled,omitempty"`
	SIWSLinks              *SIWSLinks          `yaml:"siws_links,omitempty"`
	HermesAppType          string              `yaml:"hermes_app_type,omitempty"`
	FunctionRuntime        string              `yaml:"function_runtime,omitempty"`
	IsMCPEnabled           *bool               `yaml:"is_mcp_enabled,omitempty"`
}

// EventSubscriptions lists the Events API subscriptions.
type EventSubscriptions struct {
	RequestURL            string                 `yaml:"request_url,omitempty"`
	UserEvents            []string               `yaml:"user_events,omitempty"`
	BotEvents             []string               `yaml:"bot_events,omitempty"`
	MetadataSubscriptions []MetadataSubscription `yaml:"metadata_subscriptions,omitempty"`
}

// MetadataSubscription subscribes to message metadata events of an app.
type MetadataSubscription struct {
	AppID     string `yaml:"app_id"`
	EventType string `yaml:"event_type"`
}

// IncomingWebhooks enables incoming webhooks.
type IncomingWebhooks struct {
	IncomingWebhooksEnabled *bool `yaml:"incoming_webhooks_enabled,omitempty"`
}

// Interactivity configures block actions, shortcuts, modals and options.
type Interactivity struct {
	IsEnabled             bool   `yaml:"is_enabled"`
	RequestURL            string `yaml:"request_url,omitempty"`
	MessageMenuOptionsURL string `yaml:"message_menu_options_url,omitempty"`
}

// SIWSLinks configures Sign in with Slack links.
type SIWSLinks struct {
	InitiateURI string `yaml:"initiate_uri,omitempty"`
}

// AppDirectory is what the Slack Marketplace shows.
type AppDirectory struct {
	AppDirectoryCategories  []string `yaml:"app_directory_categories,omitempty"`
	UseDirectInstall        *bool    `yaml:"use_direct_install,omitempty"`
	DirectInstallURL        string   `yaml:"direct_install_url,omitempty"`
	InstallationLandingPage string   `yaml:"installation_landing_page"`
	PrivacyPolicyURL        string   `yaml:"privacy_policy_url"`
	SupportURL              string   `yaml:"support_url"`
	SupportEmail            string   `yaml:"support_email"`
	SupportedLanguages      []string `yaml:"supported_languages"`
	Pricing                 string   `yaml:"pricing"`
}

// MajorVersion is the manifest schema's major version: 1 unless
// _metadata.major_version says 2.
func (m *Manifest) MajorVersion() int {
	if m.Metadata != nil && m.Metadata.MajorVersion == 2 {
		return 2
	}
	return 1
}

// BotScopes returns the bot scopes, required and optional.
func (m *Manifest) BotScopes() []string {
	if m.OAuthConfig == nil || m.OAuthConfig.Scopes == nil {
		return nil
	}
	s := m.OAuthConfig.Scopes
	return append(append([]string(nil), s.Bot...), s.BotOptional...)
}

// UserScopes returns the user scopes, required and optional.
func (m *Manifest) UserScopes() []string {
	if m.OAuthConfig == nil || m.OAuthConfig.Scopes == nil {
		return nil
	}
	s := m.OAuthConfig.Scopes
	return append(append([]string(nil), s.User...), s.UserOptional...)
}

// SlashCommands returns the slash commands (nil when there are none).
func (m *Manifest) SlashCommands() []SlashCommand {
	if m.Features == nil {
		return nil
	}
	return m.Features.SlashCommands
}

// Shortcuts returns the shortcuts (nil when there are none).
func (m *Manifest) Shortcuts() []Shortcut {
	if m.Features == nil {
		return nil
	}
	return m.Features.Shortcuts
}

// BotEvents returns the bot event subscriptions.
func (m *Manifest) BotEvents() []string {
	if m.Settings == nil || m.Settings.EventSubscriptions == nil {
		return nil
	}
	return m.Settings.EventSubscriptions.BotEvents
}

// UserEvents returns the user event subscriptions.
func (m *Manifest) UserEvents() []string {
	if m.Settings == nil || m.Settings.EventSubscriptions == nil {
		return nil
	}
	return m.Settings.EventSubscriptions.UserEvents
}

// RedirectURLs returns the OAuth redirect URLs.
func (m *Manifest) RedirectURLs() []string {
	if m.OAuthConfig == nil {
		return nil
	}
	return m.OAuthConfig.RedirectURLs
}

// UsesOAuth reports whether the app is installed with the OAuth v2 flow,
// that is whether it lists redirect URLs.
func (m *Manifest) UsesOAuth() bool { return len(m.RedirectURLs()) > 0 }

// SocketMode reports whether settings.socket_mode_enabled is true.
func (m *Manifest) SocketMode() bool {
	return m.Settings != nil && isTrue(m.Settings.SocketModeEnabled)
}

// TokenRotation reports whether settings.token_rotation_enabled is true.
func (m *Manifest) TokenRotation() bool {
	return m.Settings != nil && isTrue(m.Settings.TokenRotationEnabled)
}

// InteractivityEnabled reports whether settings.interactivity.is_enabled is true.
func (m *Manifest) InteractivityEnabled() bool {
	return m.Settings != nil && m.Settings.Interactivity != nil && m.Settings.Interactivity.IsEnabled
}

// EventsRequestURL returns settings.event_subscriptions.request_url.
func (m *Manifest) EventsRequestURL() string {
	if m.Settings == nil || m.Settings.EventSubscriptions == nil {
		return ""
	}
	return m.Settings.EventSubscriptions.RequestURL
}

// InteractivityRequestURL returns settings.interactivity.request_url.
func (m *Manifest) InteractivityRequestURL() string {
	if m.Settings == nil || m.Settings.Interactivity == nil {
		return ""
	}
	return m.Settings.Interactivity.RequestURL
}

func isTrue(b *bool) bool { return b != nil && *b }

// Bool returns a pointer to b, for the optional boolean fields.
func Bool(b bool) *bool { return &b }
