// Package statestore issues and consumes the OAuth "state" parameter that
// binds an install (or Sign in with Slack) flow to the browser that started
// it.
//
// The default, Signed, is stateless: the state is an HMAC-signed token with an
// expiry and a random nonce, so it needs no database and works across
// replicas. Memory, SQLite (sqlitestate), PostgreSQL (pgstate) and Redis
// (redisstate) stores keep issued states server-side and make consumption
// strictly single-use across replicas.
package statestore

import (
	"context"
	"errors"
)

// Errors returned by Consume.
var (
	// ErrInvalid: the state is unknown, malformed, already consumed, or its
	// signature does not verify.
	ErrInvalid = errors.New("statestore: invalid or already used state")
	// ErrExpired: the state was genuine but is older than its lifetime.
	ErrExpired = errors.New("statestore: state expired")
)

// Store issues states and consumes them once.
type Store interface {
	// Issue returns a fresh state with at least 128 bits from crypto/rand.
	Issue(ctx context.Context) (string, error)
	// Consume checks state and marks it used, atomically: of two concurrent
	// calls with one state at most one succeeds. It returns ErrInvalid or
	// ErrExpired (possibly wrapped) when the state must be refused.
	Consume(ctx context.Context, state string) error
}
