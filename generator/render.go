package generator

import (
	"bytes"
	"fmt"
	"go/format"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"golang.org/x/sync/errgroup"
)

// renderedFile is one output file.
type renderedFile struct {
	path    string
	class   Class
	content []byte
}

// TemplateData is what a template executes with: the App, and for a
// per-item template (a path with a [command], [event], [shortcut],
// [action], [view], [select] or [closed] placeholder) the item it renders.
// [select] is an external select of slackgen.yaml's options, [closed] a
// modal of its view_closed.
type TemplateData struct {
	*App
	Command  Command
	Event    Event
	Shortcut Shortcut
	Action   Interaction
	View     Interaction
	Select   Interaction
	Closed   Interaction
}

var placeholder = regexp.MustCompile(`\[(command|event|shortcut|action|view|select|closed)\]`)

// funcs is sprig's hermetic function map (no clock, no randomness, no
// environment) plus helpers for Go source.
func funcs() template.FuncMap {
	fm := sprig.HermeticTxtFuncMap()
	fm["goString"] = strconv.Quote
	fm["goStrings"] = func(ss []string) string {
		if len(ss) == 0 {
			return "nil"
		}
		q := make([]string, len(ss))
		for i, s := range ss {
			q[i] = strconv.Quote(s)
		}
		return "[]string{" + strings.Join(q, ", ") + "}"
	}
	fm["comment"] = func(s string) string { // a one-line Go comment body
		return strings.Join(strings.Fields(s), " ")
	}
	fm["sentence"] = func(s string) string { // one line, ending with a period
		s = strings.Join(strings.Fields(s), " ")
		if s != "" && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") {
			s += "."
		}
		return s
	}
	return fm
}

// render executes every template. Output paths drop the .tmpl suffix;
// Go files are gofmt'ed (in parallel: formatting is most of a run's CPU);
// a file whose output is empty (only whitespace) is not produced; a file
// is generated when its first line is GeneratedHeader (or its "# " form),
// scaffolded otherwise.
func render(sources []templateSource, app *App) ([]renderedFile, error) {
	fm := funcs()
	type output struct {
		renderedFile
		template string
	}
	var out []output
	seen := map[string]string{}
	for _, src := range sources {
		t, err := template.New(src.name).Option("missingkey=error").Funcs(fm).Parse(src.text)
		if err != nil {
			return nil, fmt.Errorf("parsing template: %w", err)
		}
		outPath := strings.TrimSuffix(src.path, ".tmpl")
		for _, item := range expand(app, outPath) {
			var buf bytes.Buffer
			if err := t.Execute(&buf, item.data); err != nil {
				return nil, fmt.Errorf("rendering %s: %w", item.path, err)
			}
			if len(bytes.TrimSpace(buf.Bytes())) == 0 {
				continue
			}
			if prev, dup := seen[item.path]; dup {
				return nil, fmt.Errorf("templates %s and %s both produce %s: rename one", prev, src.name, item.path)
			}
			seen[item.path] = src.name
			out = append(out, output{renderedFile{path: item.path, content: buf.Bytes()}, src.name})
		}
	}

	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range out {
		if !strings.HasSuffix(out[i].path, ".go") {
			continue
		}
		g.Go(func() error {
			formatted, err := format.Source(out[i].content)
			if err != nil {
				return fmt.Errorf("template %s produced invalid Go for %s: %w\n%s", out[i].template, out[i].path, err, numbered(out[i].content))
			}
			out[i].content = formatted
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}

	files := make([]renderedFile, len(out))
	for i, o := range out {
		o.class = Scaffolded
		for _, h := range generatedHeaders {
			if bytes.HasPrefix(o.content, []byte(h+"\n")) {
				o.class = Generated
			}
		}
		files[i] = o.renderedFile
	}
	return files, nil
}

type expanded struct {
	path string
	data TemplateData
}

// expand returns one output per item for a path with a placeholder, and
// the path itself otherwise.
func expand(app *App, p string) []expanded {
	m := placeholder.FindStringSubmatch(p)
	if m == nil {
		return []expanded{{path: p, data: TemplateData{App: app}}}
	}
	var out []expanded
	sub := func(file string) string { return strings.ReplaceAll(p, m[0], file) }
	switch m[1] {
	case "command":
		for _, c := range app.Commands {
			out = append(out, expanded{sub(c.File), TemplateData{App: app, Command: c}})
		}
	case "event":
		for _, e := range app.Events {
			out = append(out, expanded{sub(e.File), TemplateData{App: app, Event: e}})
		}
	case "shortcut":
		for _, s := range app.Shortcuts {
			out = append(out, expanded{sub(s.File), TemplateData{App: app, Shortcut: s}})
		}
	case "action":
		out = perInteraction(app, app.BlockActions, sub, func(d *TemplateData, it Interaction) { d.Action = it })
	case "view":
		out = perInteraction(app, app.ViewSubmissions, sub, func(d *TemplateData, it Interaction) { d.View = it })
	case "select":
		out = perInteraction(app, app.ExternalSelects, sub, func(d *TemplateData, it Interaction) { d.Select = it })
	case "closed":
		out = perInteraction(app, app.ClosedViews, sub, func(d *TemplateData, it Interaction) { d.Closed = it })
	}
	return out
}

// perInteraction is expand's output for a placeholder of one kind of
// interaction: a file per item, named by sub, with set placing the item in
// the template data.
func perInteraction(app *App, items []Interaction, sub func(string) string, set func(*TemplateData, Interaction)) []expanded {
	var out []expanded
	for _, it := range items {
		d := TemplateData{App: app}
		set(&d, it)
		out = append(out, expanded{sub(it.File), d})
	}
	return out
}

// numbered returns src with line numbers, to find a gofmt error's line.
func numbered(src []byte) string {
	var b strings.Builder
	for i, line := range strings.Split(string(src), "\n") {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, line)
	}
	return b.String()
}
