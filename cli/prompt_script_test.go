package cli

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestScriptedPrompter(t *testing.T) {
	notEmpty := func(s string) error {
		if s == "" {
			return errors.New("must not be empty")
		}
		return nil
	}
	opts := []option{{Value: "http"}, {Value: "socket"}}
	p := newScriptedPrompter(map[string][]any{
		"name":   {" first ", "second", 42, ""},
		"ok":     {"yes"},
		"mode":   {"socket", "ftp"},
		"events": {[]string{"http"}, "http"},
	})
	steps := []struct {
		ask     func() (any, error)
		want    any
		wantErr string
	}{
		{func() (any, error) { return p.Input(inputQuestion{ID: "name", Validate: notEmpty}) }, "first", ""},
		{func() (any, error) { return p.Input(inputQuestion{ID: "name", Validate: notEmpty}) }, "second", ""},
		{func() (any, error) { return p.Input(inputQuestion{ID: "name"}) }, nil, "script answers name with int, want string"},
		{func() (any, error) { return p.Input(inputQuestion{ID: "name", Validate: notEmpty}) }, nil, "name: must not be empty"},
		{func() (any, error) { return p.Input(inputQuestion{ID: "name", Default: "dflt"}) }, "dflt", ""},
		{func() (any, error) { return p.Confirm(confirmQuestion{ID: "ok", Default: true}) }, nil, "script answers ok with string, want bool"},
		{func() (any, error) { return p.Confirm(confirmQuestion{ID: "ok", Default: true}) }, true, ""},
		{func() (any, error) { return p.Select(selectQuestion{ID: "mode", Options: opts, Default: "http"}) }, "socket", ""},
		{func() (any, error) { return p.Select(selectQuestion{ID: "mode", Options: opts}) }, nil, `mode: "ftp" is not one of [http socket]`},
		{func() (any, error) { return p.Select(selectQuestion{ID: "mode", Options: opts, Default: "http"}) }, "http", ""},
		{func() (any, error) { return p.MultiSelect(multiSelectQuestion{ID: "events", Options: opts}) }, []string{"http"}, ""},
		{func() (any, error) { return p.MultiSelect(multiSelectQuestion{ID: "events", Options: opts}) }, nil, "script answers events with string, want []string"},
		{func() (any, error) {
			return p.MultiSelect(multiSelectQuestion{ID: "events", Options: opts, Default: []string{"socket"}})
		}, []string{"socket"}, ""},
	}
	for i, s := range steps {
		got, err := s.ask()
		switch {
		case s.wantErr != "" && (err == nil || !strings.Contains(err.Error(), s.wantErr)):
			t.Errorf("step %d: error %v, want %q", i, err, s.wantErr)
		case s.wantErr == "" && err != nil:
			t.Errorf("step %d: %v", i, err)
		case s.wantErr == "":
			if g, ok := got.([]string); ok {
				if !slices.Equal(g, s.want.([]string)) {
					t.Errorf("step %d: got %q, want %q", i, g, s.want)
				}
			} else if got != s.want {
				t.Errorf("step %d: got %v, want %v", i, got, s.want)
			}
		}
	}
	want := []string{"name", "name", "name", "name", "name", "ok", "ok", "mode", "mode", "mode", "events", "events", "events"}
	if !slices.Equal(p.asked, want) {
		t.Errorf("asked %q, want %q", p.asked, want)
	}
}
