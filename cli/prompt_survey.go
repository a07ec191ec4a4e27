package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
)

// surveyPrompter asks questions on a terminal with survey. Only construct it
// after terminalFiles confirmed that both ends are terminals.
type surveyPrompter struct {
	in      *os.File
	out     *os.File
	errOut  io.Writer
	pageLen int
}

func newSurveyPrompter(in, out *os.File, errOut io.Writer) *surveyPrompter {
	return &surveyPrompter{in: in, out: out, errOut: errOut, pageLen: 12}
}

func (p *surveyPrompter) opts(extra ...survey.AskOpt) []survey.AskOpt {
	return append([]survey.AskOpt{survey.WithStdio(p.in, p.out, p.errOut)}, extra...)
}

// surveyErr turns survey's interrupt into errInterrupted and names the
// question in any other error.
func surveyErr(id string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, terminal.InterruptErr) {
		return errInterrupted
	}
	return fmt.Errorf("asking %s: %w", id, err)
}

func (p *surveyPrompter) Input(q inputQuestion) (string, error) {
	var ans string
	var extra []survey.AskOpt
	if q.Validate != nil {
		extra = append(extra, survey.WithValidator(func(v any) error {
			s, _ := v.(string)
			return q.Validate(strings.TrimSpace(s))
		}))
	}
	err := survey.AskOne(&survey.Input{Message: q.Message, Help: q.Help, Default: q.Default}, &ans, p.opts(extra...)...)
	return strings.TrimSpace(ans), surveyErr(q.ID, err)
}

func (p *surveyPrompter) Confirm(q confirmQuestion) (bool, error) {
	var ans bool
	err := survey.AskOne(&survey.Confirm{Message: q.Message, Help: q.Help, Default: q.Default}, &ans, p.opts()...)
	return ans, surveyErr(q.ID, err)
}

func (p *surveyPrompter) Select(q selectQuestion) (string, error) {
	var ans string
	s := &survey.Select{
		Message:     q.Message,
		Help:        q.Help,
		Options:     optionValues(q.Options),
		Description: describe(q.Options),
		Filter:      filterOptions(q.Options),
		PageSize:    p.pageLen,
	}
	if q.Default != "" {
		s.Default = q.Default
	}
	err := survey.AskOne(s, &ans, p.opts()...)
	return ans, surveyErr(q.ID, err)
}

func (p *surveyPrompter) MultiSelect(q multiSelectQuestion) ([]string, error) {
	var ans []string
	m := &survey.MultiSelect{
		Message:     q.Message,
		Help:        q.Help,
		Options:     optionValues(q.Options),
		Description: describe(q.Options),
		Filter:      filterOptions(q.Options),
		PageSize:    p.pageLen,
	}
	if len(q.Default) > 0 {
		m.Default = q.Default
	}
	err := survey.AskOne(m, &ans, p.opts(survey.WithKeepFilter(false))...)
	return ans, surveyErr(q.ID, err)
}

// describe shows each option's description next to its value.
func describe(opts []option) func(string, int) string {
	return func(_ string, i int) string {
		if i < 0 || i >= len(opts) {
			return ""
		}
		return opts[i].Description
	}
}

// filterOptions keeps the options whose value or description contains the
// typed filter, ignoring case, so "react" finds reactions:read and
// "history" finds every *:history scope.
func filterOptions(opts []option) func(filter, value string, index int) bool {
	return func(filter, value string, i int) bool {
		f := strings.ToLower(filter)
		if strings.Contains(strings.ToLower(value), f) {
			return true
		}
		return i >= 0 && i < len(opts) && strings.Contains(strings.ToLower(opts[i].Description), f)
	}
}
