package cli

import (
	"fmt"
	"slices"
	"strings"
)

// scriptedPrompter answers questions from a script, for tests. Answers are
// queued per question ID (a loop asks the same ID again and takes the next
// answer); a question without a queued answer takes its default. Answers go
// through the same checks a terminal user's would: Validate for inputs, and
// membership in Options for selections, so a test can script a bad answer and
// see the error.
type scriptedPrompter struct {
	answers map[string][]any
	asked   []string // IDs in the order asked
}

func newScriptedPrompter(answers map[string][]any) *scriptedPrompter {
	if answers == nil {
		answers = map[string][]any{}
	}
	return &scriptedPrompter{answers: answers}
}

// answer records that id was asked and pops its next queued answer, or
// returns def when none is queued. A queued answer of another type than T
// is an error naming the question.
func answer[T any](p *scriptedPrompter, id string, def T) (T, error) {
	p.asked = append(p.asked, id)
	q := p.answers[id]
	if len(q) == 0 {
		return def, nil
	}
	p.answers[id] = q[1:]
	v, ok := q[0].(T)
	if !ok {
		return v, fmt.Errorf("script answers %s with %T, want %T", id, q[0], v)
	}
	return v, nil
}

func (p *scriptedPrompter) Input(q inputQuestion) (string, error) {
	s, err := answer(p, q.ID, q.Default)
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s) // as the survey prompter does
	if q.Validate != nil {
		if err := q.Validate(s); err != nil {
			return "", fmt.Errorf("%s: %w", q.ID, err)
		}
	}
	return s, nil
}

func (p *scriptedPrompter) Confirm(q confirmQuestion) (bool, error) {
	return answer(p, q.ID, q.Default)
}

func (p *scriptedPrompter) Select(q selectQuestion) (string, error) {
	s, err := answer(p, q.ID, q.Default)
	if err != nil {
		return "", err
	}
	if err := checkOption(s, q.Options); err != nil {
		return "", fmt.Errorf("%s: %w", q.ID, err)
	}
	return s, nil
}

// MultiSelect checks every value, scripted or default, against q.Options.
func (p *scriptedPrompter) MultiSelect(q multiSelectQuestion) ([]string, error) {
	vs, err := answer(p, q.ID, slices.Clone(q.Default))
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if err := checkOption(v, q.Options); err != nil {
			return nil, fmt.Errorf("%s: %w", q.ID, err)
		}
	}
	return vs, nil
}
