package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slackgen/slackgen/manifest"
	"github.com/slackgen/slackgen/templates"
)

// inputs is everything a run reads before rendering.
type inputs struct {
	manifestPath string
	manifest     *manifest.Manifest
	warnings     []string         // the manifest's warnings, file:line:col
	templates    []templateSource // sorted by path
	hash         string           // of slackgen.yaml's settings, the manifest's content and the overlay
}

// templateSource is one project template: its path in the project tree
// (with .tmpl and [kind] placeholders), the name used in error messages,
// and its text.
type templateSource struct {
	path string
	name string
	text string
}

func loadInputs(dir string, cfg *Config, validate bool) (*inputs, error) {
	in := &inputs{manifestPath: cfg.ManifestPath(dir)}
	data, err := os.ReadFile(in.manifestPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("manifest %s not found: create it (`slackgen init`) or set `manifest:` in %s", in.manifestPath, ConfigFile)
		}
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	if in.manifest, in.warnings, err = parseManifest(in.manifestPath, data, validate); err != nil {
		return nil, err
	}
	byPath := map[string]templateSource{}
	err = fs.WalkDir(templates.Project(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		text, err := fs.ReadFile(templates.Project(), p)
		if err != nil {
			return err
		}
		byPath[p] = templateSource{path: p, name: path.Join("templates/project", p), text: string(text)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading embedded templates: %w", err)
	}
	// The hash covers what rendering reads, not how the files spell it:
	// slackgen.yaml's settings and the manifest's content, each
	// serialized deterministically, so a comment, whitespace or key order
	// edit leaves it (and the lock) alone.
	cfgCanon, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encoding the settings of %s: %w", ConfigFile, err)
	}
	manifestCanon, err := in.manifest.Canonical()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.manifestPath, err)
	}
	h := sha256.New()
	writeField := func(name string, b []byte) {
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	writeField(ConfigFile, cfgCanon)
	writeField("manifest", manifestCanon)
	if cfg.Templates != "" {
		odir := cfg.Templates
		if !filepath.IsAbs(odir) {
			odir = filepath.Join(dir, filepath.FromSlash(odir))
		}
		var overlay []string
		err := filepath.WalkDir(odir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || editorJunk(d.Name()) {
				return err
			}
			rel, err := filepath.Rel(odir, p)
			if err != nil {
				return err
			}
			text, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			slash := filepath.ToSlash(rel)
			byPath[slash] = templateSource{path: slash, name: p, text: string(text)}
			overlay = append(overlay, slash)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading the template overlay %s (templates: in %s): %w", odir, ConfigFile, err)
		}
		sort.Strings(overlay)
		for _, p := range overlay {
			writeField("overlay/"+p, []byte(byPath[p].text))
		}
	}
	for _, t := range byPath {
		in.templates = append(in.templates, t)
	}
	sort.Slice(in.templates, func(i, j int) bool { return in.templates[i].path < in.templates[j].path })
	in.hash = "sha256:" + hex.EncodeToString(h.Sum(nil))
	return in, nil
}

// parseManifest parses and validates the manifest; errors are the
// manifest package's diagnostics (file:line:col), warnings are returned.
func parseManifest(name string, data []byte, validate bool) (*manifest.Manifest, []string, error) {
	m, err := manifest.Parse(name, data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w\nfix the manifest and rerun", err)
	}
	if !validate {
		return m, nil, nil
	}
	diags := m.Validate()
	if diags.HasErrors() {
		return nil, nil, fmt.Errorf("%w\nfix the manifest (`slackgen validate` lists every problem) and rerun", diags.Errors())
	}
	var warnings []string
	for _, d := range diags.Warnings() {
		warnings = append(warnings, d.String())
	}
	return m, warnings, nil
}

// setRuntime decides how the generated go.mod gets the runtime module.
func setRuntime(app *App, dir string, cfg *Config, version string) error {
	switch {
	case cfg.RuntimeDir != "":
		app.RuntimeReplace = filepath.ToSlash(cfg.RuntimeDir)
	case version != DevelVersion:
		app.RuntimeVersion = version
	default:
		if rt, ok := FindRuntimeDir(); ok {
			if rel, err := RelativePath(dir, rt); err == nil {
				app.RuntimeReplace = rel
				return nil
			}
			app.RuntimeReplace = filepath.ToSlash(rt)
			return nil
		}
		if !fileExists(filepath.Join(dir, "go.mod")) {
			return errors.New("this development build of slackgen cannot find its runtime module to reference from go.mod: " +
				"set `runtime_dir:` in slackgen.yaml to the runtime/ directory of a slackgen checkout, or use a released slackgen")
		}
	}
	return nil
}

// editorJunk reports whether name is an editor's or a tool's leftover
// (backup, swap, merge residue) rather than an overlay template.
func editorJunk(name string) bool {
	for _, suffix := range []string{"~", ".swp", ".swo", ".orig", ".rej"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return name == ".DS_Store" || strings.HasPrefix(name, ".#")
}
