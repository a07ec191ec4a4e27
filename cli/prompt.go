package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// prompter asks the user questions. It is the only thing init knows about
// prompting: survey (archived upstream) lives behind it in prompt_survey.go,
// and tests answer through the scripted implementation in prompt_script.go.
//
// Every question carries an ID (used by the scripted prompter and in error
// messages), a message, help shown on '?', a default and, for free text, a
// validator whose error message is shown to the user before asking again.
type prompter interface {
	Input(q inputQuestion) (string, error)
	Confirm(q confirmQuestion) (bool, error)
	Select(q selectQuestion) (string, error)
	MultiSelect(q multiSelectQuestion) ([]string, error)
}

// inputQuestion asks for a line of text.
type inputQuestion struct {
	ID       string
	Message  string
	Help     string
	Default  string
	Validate func(string) error // nil accepts anything
}

// confirmQuestion asks yes or no.
type confirmQuestion struct {
	ID      string
	Message string
	Help    string
	Default bool
}

// option is one choice of a Select or MultiSelect.
type option struct {
	Value       string
	Description string // shown next to the value, and matched by the filter
}

// selectQuestion asks for one of Options.
type selectQuestion struct {
	ID      string
	Message string
	Help    string
	Options []option
	Default string // one of Options' values
}

// multiSelectQuestion asks for any number of Options.
type multiSelectQuestion struct {
	ID      string
	Message string
	Help    string
	Options []option
	Default []string // values of Options selected at first
}

// errInterrupted is returned by a prompter when the user presses Ctrl-C.
var errInterrupted = errors.New("interrupted")

// optionValues returns the values of opts in order.
func optionValues(opts []option) []string {
	vs := make([]string, len(opts))
	for i, o := range opts {
		vs[i] = o.Value
	}
	return vs
}

// terminalFiles returns stdin and stdout as files when both are terminals,
// which is what survey needs: it hangs when stdout is not a terminal and fails
// at the end of input when stdin is not one.
func terminalFiles(stdin io.Reader, stdout io.Writer) (in, out *os.File, ok bool) {
	in, okIn := stdin.(*os.File)
	out, okOut := stdout.(*os.File)
	if !okIn || !okOut {
		return nil, nil, false
	}
	if !term.IsTerminal(int(in.Fd())) || !term.IsTerminal(int(out.Fd())) {
		return nil, nil, false
	}
	return in, out, true
}

// checkOption returns an error unless v is one of opts' values. The error
// lists the values when they are few.
func checkOption(v string, opts []option) error {
	for _, o := range opts {
		if o.Value == v {
			return nil
		}
	}
	if len(opts) > 8 {
		return fmt.Errorf("%q is not one of the %d choices", v, len(opts))
	}
	return fmt.Errorf("%q is not one of %v", v, optionValues(opts))
}
