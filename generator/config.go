package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/slackgen/slackgen/internal/atomicfile"
)

// ConfigFile is the name of a project's slackgen configuration file.
const ConfigFile = "slackgen.yaml"

// Installation store backends a generated project can use.
const (
	StoreSQLite   = "sqlite"
	StorePostgres = "postgres"
	StoreFile     = "file"
)

// Transport modes of a generated app.
const (
	ModeHTTP   = "http"
	ModeSocket = "socket"
)

// Distribution kinds of a generated app.
const (
	DistributionOAuth  = "oauth"  // installable in many workspaces (OAuth v2 install flow)
	DistributionSingle = "single" // one workspace, SLACK_BOT_TOKEN
)

// Config is slackgen.yaml: what slackgen needs beyond the Slack app manifest.
//
//	module: example.com/myapp
//	store: sqlite          # sqlite | postgres | file
//	mode: http             # http | socket
//	distribution: oauth    # oauth | single (default: oauth when the manifest has redirect URLs)
//	templates: ./templates # optional overlay of project templates
//	runtime_dir: ../slackgen/runtime   # optional: replace the runtime module with a local copy
//	block_actions: [approve_button]    # action_ids of block actions to scaffold handlers for
//	view_submissions: [deploy_modal]   # callback_ids of modal submissions to scaffold handlers for
//	options: [pick_service]            # action_ids of external selects whose option lists the app serves
//	view_closed: [deploy_modal]        # callback_ids of modals whose close (notify_on_close) to handle
type Config struct {
	// Module is the Go module path of the generated project.
	Module string `yaml:"module"`
	// Manifest is the manifest file, relative to the project directory.
	// Empty means manifest.yaml, or manifest.json when only that exists.
	Manifest string `yaml:"manifest,omitempty"`
	// Store is the installation store backend: sqlite, postgres or file.
	Store string `yaml:"store"`
	// Mode is how Slack reaches the app: http (request URLs) or socket
	// (Socket Mode).
	Mode string `yaml:"mode"`
	// Distribution is oauth (install flow, many workspaces) or single (one
	// workspace with SLACK_BOT_TOKEN). Empty means oauth when the manifest
	// lists redirect URLs, single otherwise.
	Distribution string `yaml:"distribution,omitempty"`
	// Templates is a directory whose files override or add to the embedded
	// project templates, by path. Relative to the project directory.
	// Editor leftovers (*~, *.swp, *.orig, *.rej, .#*) are ignored.
	Templates string `yaml:"templates,omitempty"`
	// RuntimeDir, when set, makes the generated go.mod replace the runtime
	// module with this directory (relative to the project directory).
	RuntimeDir string `yaml:"runtime_dir,omitempty"`
	// BlockActions lists block action_ids that get a handler.
	BlockActions []string `yaml:"block_actions,omitempty"`
	// ViewSubmissions lists modal callback_ids that get a submission handler.
	ViewSubmissions []string `yaml:"view_submissions,omitempty"`
	// Options lists the action_ids of external selects whose options the
	// app serves (options loads, sent to the manifest's
	// settings.interactivity.message_menu_options_url).
	Options []string `yaml:"options,omitempty"`
	// ViewClosed lists modal callback_ids whose close the app handles;
	// Slack sends view_closed only for views opened with notify_on_close.
	// A callback_id may also be in ViewSubmissions.
	ViewClosed []string `yaml:"view_closed,omitempty"`
}

// DefaultConfig returns the configuration `slackgen init` starts from.
func DefaultConfig(module string) *Config {
	return &Config{Module: module, Store: StoreSQLite, Mode: ModeHTTP}
}

// LoadConfig reads and validates a slackgen.yaml.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s not found: run `slackgen init` to create a project, or pass --dir: %w", path, err)
		}
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return ParseConfig(path, data)
}

// ParseConfig decodes and validates slackgen.yaml content; name is used in
// error messages.
func ParseConfig(name string, data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &c, nil
}

// Validate checks every field and reports all problems at once.
// maxInteractionIDLen is Slack's limit on an action_id or callback_id.
const maxInteractionIDLen = 255

func (c *Config) Validate() error {
	var errs []error
	if c.Module == "" {
		errs = append(errs, errors.New("module is required (the Go module path, e.g. example.com/myapp)"))
	} else if strings.ContainsAny(c.Module, " \t\"'`\\") || strings.HasPrefix(c.Module, "/") || strings.HasSuffix(c.Module, "/") {
		errs = append(errs, fmt.Errorf("module %q is not a valid Go module path (e.g. example.com/myapp)", c.Module))
	}
	switch c.Store {
	case StoreSQLite, StorePostgres, StoreFile:
	default:
		errs = append(errs, fmt.Errorf("store %q is not one of sqlite, postgres, file", c.Store))
	}
	switch c.Mode {
	case ModeHTTP, ModeSocket:
	default:
		errs = append(errs, fmt.Errorf("mode %q is not one of http, socket", c.Mode))
	}
	switch c.Distribution {
	case "", DistributionOAuth, DistributionSingle:
	default:
		errs = append(errs, fmt.Errorf("distribution %q is not one of oauth, single", c.Distribution))
	}
	for _, list := range []struct {
		key string
		ids []string
	}{
		{"block_actions", c.BlockActions},
		{"view_submissions", c.ViewSubmissions},
		{"options", c.Options},
		{"view_closed", c.ViewClosed},
	} {
		seen := map[string]bool{}
		files := map[string]string{} // handler file name → the id that claimed it
		for _, id := range list.ids {
			switch {
			case id == "":
				errs = append(errs, fmt.Errorf("%s: an id is empty", list.key))
			case len(id) > maxInteractionIDLen:
				errs = append(errs, fmt.Errorf("%s: %q is %d bytes long; Slack allows at most %d", list.key, id, len(id), maxInteractionIDLen))
			case strings.IndexFunc(id, unicode.IsControl) >= 0 || strings.TrimSpace(id) != id:
				// It would be pasted into comments and file names.
				errs = append(errs, fmt.Errorf("%s: %q has a control character or surrounding blanks; use the id exactly as the app's blocks or views set it", list.key, id))
			case seen[id]:
				errs = append(errs, fmt.Errorf("%s: %q is listed twice", list.key, id))
			default:
				// Two ids of one list must not share a handler.
				ident := goIdent(id)
				if prev, ok := files[fileName(ident)]; ok {
					errs = append(errs, fmt.Errorf("%s: %q and %q both become the Go name %s (file %s): rename one of them",
						list.key, prev, id, ident, fileName(ident)))
				}
				files[fileName(ident)] = id
			}
			seen[id] = true
		}
	}
	return errors.Join(errs...)
}

// Marshal encodes the configuration as YAML.
func (c *Config) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Save validates c and writes it to path atomically.
func (c *Config) Save(path string) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("not saving %s: %w", path, err)
	}
	data, err := c.Marshal()
	if err != nil {
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteKeepMode(path, data, 0o644)
}

// ManifestPath returns the manifest file of the project in dir.
func (c *Config) ManifestPath(dir string) string {
	if c.Manifest != "" {
		return filepath.Join(dir, c.Manifest)
	}
	yamlPath := filepath.Join(dir, "manifest.yaml")
	if _, err := os.Stat(yamlPath); err != nil {
		if jsonPath := filepath.Join(dir, "manifest.json"); fileExists(jsonPath) {
			return jsonPath
		}
	}
	return yamlPath
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// setConfigKey returns slackgen.yaml content with key set to value,
// keeping the file's comments and the order of its keys (it edits the YAML
// node tree rather than re-encoding a Config).
func setConfigKey(data []byte, key, value string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("the top level is not a mapping")
	}
	found := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key {
			root.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Value: value, LineComment: root.Content[i+1].LineComment}
			found = true
		}
	}
	if !found {
		root.Content = append(root.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Value: key},
			&yaml.Node{Kind: yaml.ScalarNode, Value: value})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
