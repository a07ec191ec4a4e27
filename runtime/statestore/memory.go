package statestore

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"
)

// DefaultMaxOutstanding bounds how many unconsumed, unexpired states a
// Memory store holds, so that a client hammering the install page cannot
// exhaust memory.
const DefaultMaxOutstanding = 1 << 16

// Memory keeps issued states in process memory. It is strictly single-use,
// but only within one process: use it for tests, development and
// single-replica apps. It is safe for concurrent use.
type Memory struct {
	opts Options
	max  int

	mu     sync.Mutex
	states map[string]time.Time // state → expiry
	// minExp is a lower bound of the expiries in states (exact after a
	// purge): before it nothing can have expired, so a full store need not
	// be scanned.
	minExp time.Time
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-memory store holding at most
// DefaultMaxOutstanding states.
func NewMemory(opts ...Option) (*Memory, error) {
	o, err := NewOptions(opts...)
	if err != nil {
		return nil, err
	}
	return &Memory{opts: o, max: DefaultMaxOutstanding, states: make(map[string]time.Time)}, nil
}

// Issue returns a new state (26 base32 characters, 130 bits from
// crypto/rand). When the store is full even after dropping expired states it
// returns an error and issues nothing.
func (m *Memory) Issue(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	state := rand.Text()
	now := m.opts.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.states) >= m.max {
		if !now.Before(m.minExp) {
			m.purgeLocked(now)
		}
		if len(m.states) >= m.max {
			return "", fmt.Errorf("statestore: memory store full (%d outstanding states); use a database-backed store or a shorter TTL", m.max)
		}
	}
	exp := now.Add(m.opts.TTL)
	if len(m.states) == 0 || exp.Before(m.minExp) {
		m.minExp = exp
	}
	m.states[state] = exp
	return state, nil
}

// Consume removes state and reports whether it was valid.
func (m *Memory) Consume(ctx context.Context, state string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !WellFormed(state) {
		return ErrInvalid
	}
	m.mu.Lock()
	exp, ok := m.states[state]
	delete(m.states, state)
	m.mu.Unlock()
	switch {
	case !ok:
		return ErrInvalid
	case !m.opts.Now().Before(exp):
		return ErrExpired
	}
	return nil
}

// purgeLocked drops the expired states and sets minExp to the earliest
// expiry left.
func (m *Memory) purgeLocked(now time.Time) {
	var earliest time.Time
	for s, exp := range m.states {
		switch {
		case !now.Before(exp):
			delete(m.states, s)
		case earliest.IsZero() || exp.Before(earliest):
			earliest = exp
		}
	}
	m.minExp = earliest
}
