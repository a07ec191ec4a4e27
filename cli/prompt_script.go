package cli

import (
	"fmt"
	"slices"
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

// next pops the next answer for id; ok is false when none is queued.
func (p *scriptedPrompter) next(id string) (any, bool) {
	p.asked = append(p.asked, id)
	q := p.answers[id]
	if len(q) == 0 {
		return nil, false
	}
	p.answers[id] = q[1:]
	return q[0], true
}

func (p *scriptedPrompter) Input(q inputQuestion) (string, error) {
	a, ok := p.next(q.ID)
	if !ok {
		a = q.Default
	}
	s, isString := a.(string)
	if !isString {
		return "", fmt.Errorf("script answers %s with %T, want string", q.ID, a)
	}
	if q.Validate != nil {
		if err := q.Validate(s); err != nil {
			return "", fmt.Errorf("%s: %w", q.ID, err)
		}
	}
	return s, nil
}

func (p *scriptedPrompter) Confirm(q confirmQuestion) (bool, error) {
	a, ok := p.next(q.ID)
	if !ok {
		return q.Default, nil
	}
	b, isBool := a.(bool)
	if !isBool {
		return false, fmt.Errorf("script answers %s with %T, want bool", q.ID, a)
	}
	return b, nil
}

func (p *scriptedPrompter) Select(q selectQuestion) (string, error) {
	a, ok := p.next(q.ID)
	if !ok {
		a = q.Default
	}
	s, isString := a.(string)
	if !isString {
		return "", fmt.Errorf("script answers %s with %T, want string", q.ID, a)
	}
	if err := checkOption(s, q.Options); err != nil {
		return "", fmt.Errorf("%s: %w", q.ID, err)
	}
	return s, nil
}

func (p *scriptedPrompter) MultiSelect(q multiSelectQuestion) ([]string, error) {
	a, ok := p.next(q.ID)
	if !ok {
		return slices.Clone(q.Default), nil
	}
	vs, isSlice := a.([]string)
	if !isSlice {
		return nil, fmt.Errorf("script answers %s with %T, want []string", q.ID, a)
	}
	for _, v := range vs {
		if err := checkOption(v, q.Options); err != nil {
			return nil, fmt.Errorf("%s: %w", q.ID, err)
		}
	}
	return vs, nil
}
