package slackapp

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Test and benchmark helpers around parseEnvelopeInto.

// parseEnvelope is parseEnvelopeInto into fresh structs.
func parseEnvelope(body []byte) (*envelope, *Event, error) {
	p := &struct {
		env envelope
		ev  Event
	}{}
	isEvent, err := parseEnvelopeInto(body, &p.env, &p.ev)
	if err != nil || !isEvent {
		return &p.env, nil, err
	}
	return &p.env, &p.ev, nil
}

// parseEnvelopeStd is parseEnvelope with encoding/json only: the reference
// for the fast path's tests and benchmarks.
func parseEnvelopeStd(body []byte) (*envelope, *Event, error) {
	env := &envelope{}
	if err := json.Unmarshal(body, env); err != nil {
		return nil, nil, fmt.Errorf("slackapp: malformed Events API body: %w", err)
	}
	if env.Type != "event_callback" {
		return env, nil, nil
	}
	var head innerHead
	if len(env.Event) == 0 {
		return nil, nil, errors.New("slackapp: malformed Events API body: event_callback without an event")
	}
	if err := json.Unmarshal(env.Event, &head); err != nil {
		return nil, nil, fmt.Errorf("slackapp: malformed Events API event: %w", err)
	}
	ev := &Event{}
	fillEvent(ev, env, &head)
	return env, ev, nil
}
