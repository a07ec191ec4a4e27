package manifest

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// roundTripInputs are valid manifests of every shape the tests have.
func roundTripInputs(t *testing.T) map[string][]byte {
	t.Helper()
	in := map[string][]byte{"editBase.yaml": []byte(editBase), "base.yaml": []byte(base)}
	files, _ := filepath.Glob("testdata/validate/good.yaml")
	samples, _ := filepath.Glob(filepath.Join(referenceDir, "*.valid.json"))
	for _, f := range append(files, samples...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in[filepath.Base(f)] = data
	}
	return in
}

// TestRoundTrip: parse → Marshal (YAML and JSON) → parse gives the same
// model, and marshalling again gives the same bytes.
func TestRoundTrip(t *testing.T) {
	for name, data := range roundTripInputs(t) {
		for _, f := range []Format{YAML, JSON} {
			t.Run(name+"/"+f.String(), func(t *testing.T) {
				m1, err := Parse(name, data)
				if err != nil {
					t.Fatal(err)
				}
				out, err := m1.Marshal(f)
				if err != nil {
					t.Fatal(err)
				}
				m2, err := Parse("out."+f.String(), out)
				if err != nil {
					t.Fatalf("output doesn't parse: %v\n%s", err, out)
				}
				if m2.Format() != f {
					t.Errorf("output format = %v, want %v", m2.Format(), f)
				}
				assertSameModel(t, m1, m2)
				again, err := m2.Marshal(f)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out, again) {
					t.Errorf("second Marshal differs:\n%s\n---\n%s", out, again)
				}
				if ds := m2.Validate(); ds.HasErrors() {
					t.Errorf("exported manifest has errors:\n%s", ds.Error())
				}
			})
		}
	}
}

// assertSameModel compares the typed fields and the kept hosted sections.
func assertSameModel(t *testing.T, a, b *Manifest) {
	t.Helper()
	strip := func(m *Manifest) Manifest {
		c := *m.plain()
		c.Functions, c.Workflows, c.Datastores, c.Types, c.OutgoingDomains, c.ExternalAuthProviders, c.MCPServers = nil, nil, nil, nil, nil, nil, nil
		if c.Features != nil {
			f := *c.Features
			f.Functions = nil
			c.Features = &f
		}
		return c
	}
	if sa, sb := strip(a), strip(b); !reflect.DeepEqual(sa, sb) {
		t.Errorf("models differ:\n%+v\n%+v", sa, sb)
	}
	fa, errA := a.Marshal(YAML)
	fb, errB := b.Marshal(YAML)
	if errA != nil || errB != nil || !bytes.Equal(fa, fb) {
		t.Errorf("hosted sections differ:\n%s\n---\n%s", fa, fb)
	}
}

func TestHostedSectionsSurvive(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(referenceDir, "v2-manifest.valid.json"))
	if err != nil {
		t.Skipf("Slack's samples are not in %s: %v", referenceDir, err)
	}
	m, err := Parse("m.json", data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Marshal(JSON)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"time_off_request"`, `"function_id": "#/functions/review_approval"`, `"outgoing_domains": []`, `"types": {}`, `"id": "0"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("export lacks %s", want)
		}
	}
}

func TestWithBaseURL(t *testing.T) {
	m, err := Parse("m.yaml", mustRead(t, "testdata/validate/good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		base, events, redirect string
	}{
		{"https://abc.ngrok.app", "https://abc.ngrok.app/slack/events", "https://abc.ngrok.app/slack/oauth_redirect"},
		{"https://staging.example.com:8443/app/", "https://staging.example.com:8443/app/slack/events", "https://staging.example.com:8443/app/slack/oauth_redirect"},
		{"http://localhost:3000", "http://localhost:3000/slack/events", "http://localhost:3000/slack/oauth_redirect"},
	} {
		c, err := m.WithBaseURL(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.EventsRequestURL(); got != tt.events {
			t.Errorf("%s: events URL = %s, want %s", tt.base, got, tt.events)
		}
		if got := c.InteractivityRequestURL(); got != tt.events {
			t.Errorf("%s: interactivity URL = %s, want %s", tt.base, got, tt.events)
		}
		if got := c.SlashCommands()[0].URL; got != tt.events {
			t.Errorf("%s: command URL = %s, want %s", tt.base, got, tt.events)
		}
		if got := c.RedirectURLs()[0]; got != tt.redirect {
			t.Errorf("%s: redirect URL = %s, want %s", tt.base, got, tt.redirect)
		}
	}
	if m.EventsRequestURL() != "https://deploybot.example.com/slack/events" {
		t.Error("WithBaseURL changed the original")
	}
	for _, bad := range []string{"", "abc.ngrok.app", "ftp://x", "https://"} {
		if _, err := m.WithBaseURL(bad); err == nil {
			t.Errorf("WithBaseURL(%q) accepted", bad)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
