// Package statestore issues and consumes the OAuth "state" parameter that
// binds an install (or Sign in with Slack) flow to the browser that started
// it.
//
// The default, Signed, is stateless: the state is an HMAC-signed token with an
// expiry and a random nonce, so it needs no database and works across
// replicas. Memory, SQLite (sqlitestate), PostgreSQL (pgstate) and Redis
// (redisstate) stores keep issued states server-side and make consumption
// strictly single-use across replicas.
//
// Whatever the store, the OAuth flow also binds the state to the browser that
// started the install: it sets the state in an HttpOnly cookie when it issues
// it and refuses a callback whose state does not match that cookie. With
// Signed, that binding plus Signed's in-process replay memory is the whole
// protection; the server-side stores add strict single use across replicas.
//
//	store, err := statestore.NewSigned([]byte(os.Getenv("SLACK_STATE_SECRET")))
//	...
//	state, err := store.Issue(ctx)          // install page: URL + cookie
//	err = store.Consume(ctx, callbackState) // callback: nil, ErrInvalid or ErrExpired
//
// Every store accepts WithTTL (default DefaultTTL, 10 minutes) and WithClock.
// Package statetest checks any Store implementation against this contract.
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
