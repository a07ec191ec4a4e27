package statestore

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"sync"
	"time"
)

// MinSecretLen is the shortest secret NewSigned accepts, in bytes.
const MinSecretLen = 32

// Signed is a stateless state store: a state is an HMAC-SHA256-signed token
// carrying a 128-bit random nonce and its expiry, so it needs no database and
// any replica sharing the secret can check it.
//
// A signature alone cannot make a state single-use. Signed therefore also
// remembers, in memory and until they expire, the nonces it has consumed, so a
// replay against the same process fails; a replay against another replica is
// stopped by the browser binding instead: the OAuth flow sets the state in an
// HttpOnly cookie when it issues it and requires the callback's state to
// match that cookie, so a state captured from a URL is useless in another
// browser. Apps that need strict single use across replicas use a
// server-side store (pgstate, redisstate).
//
// The replay memory is bounded (DefaultMaxOutstanding nonces, a few MiB) and
// expired nonces are purged from it. When more unexpired nonces are consumed
// than it holds, it forgets the oldest consumed ones first: refusing every
// install instead would let anyone who can complete DefaultMaxOutstanding
// flows within one TTL lock out everybody, while a forgotten nonce is still
// bound to its browser by the cookie.
type Signed struct {
	key  []byte // derived from the secret, never the secret itself
	opts Options
	max  int

	mu        sync.Mutex
	consumed  map[[nonceLen]byte]time.Time // nonce → expiry
	order     [][nonceLen]byte             // ring of consumed nonces, oldest at next once full
	next      int
	nextPurge time.Time
}

var _ Store = (*Signed)(nil)

const (
	signedVersion = 1
	nonceLen      = 16
	// token: version | nonce | expiry (Unix ms, big endian) | MAC
	payloadLen = 1 + nonceLen + 8
	tokenLen   = payloadLen + sha256.Size
	purgeEvery = time.Minute
)

// NewSigned returns a Signed store keyed with secret, typically the
// SLACK_STATE_SECRET environment variable. The secret must be at least
// MinSecretLen bytes; generate one with `openssl rand -hex 32`. Every replica
// must share it; changing it invalidates the states in flight (at most one
// TTL's worth of installs).
func NewSigned(secret []byte, opts ...Option) (*Signed, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("statestore: SLACK_STATE_SECRET must be at least %d bytes, got %d; generate one with `openssl rand -hex 32`", MinSecretLen, len(secret))
	}
	o, err := NewOptions(opts...)
	if err != nil {
		return nil, err
	}
	// Derive a dedicated key, so the secret is never used directly as an
	// HMAC key for anything else this package signs.
	kdf := hmac.New(sha256.New, secret)
	kdf.Write([]byte("slackgen statestore.Signed v1"))
	return &Signed{
		key:      kdf.Sum(nil),
		opts:     o,
		max:      DefaultMaxOutstanding,
		consumed: make(map[[nonceLen]byte]time.Time),
	}, nil
}

// Issue returns a new signed state: 76 URL-safe base64 characters.
func (s *Signed) Issue(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var tok [tokenLen]byte
	tok[0] = signedVersion
	if _, err := rand.Read(tok[1 : 1+nonceLen]); err != nil {
		return "", fmt.Errorf("statestore: reading random nonce: %w", err)
	}
	exp := s.opts.Now().Add(s.opts.TTL).UnixMilli()
	binary.BigEndian.PutUint64(tok[1+nonceLen:payloadLen], uint64(exp))
	copy(tok[payloadLen:], s.mac(nil, tok[:payloadLen]))
	return base64.RawURLEncoding.EncodeToString(tok[:]), nil
}

// Consume checks the signature (in constant time) and the expiry of state,
// then records its nonce so the same process refuses it a second time.
func (s *Signed) Consume(ctx context.Context, state string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var tok [tokenLen]byte
	if base64.RawURLEncoding.DecodedLen(len(state)) != tokenLen {
		return ErrInvalid
	}
	if n, err := base64.RawURLEncoding.Decode(tok[:], []byte(state)); err != nil || n != tokenLen {
		return ErrInvalid
	}
	var sum [sha256.Size]byte
	if !hmac.Equal(s.mac(sum[:0], tok[:payloadLen]), tok[payloadLen:]) || tok[0] != signedVersion {
		return ErrInvalid
	}
	exp := time.UnixMilli(int64(binary.BigEndian.Uint64(tok[1+nonceLen : payloadLen])))
	now := s.opts.Now()
	if !now.Before(exp) {
		return ErrExpired
	}
	nonce := [nonceLen]byte(tok[1 : 1+nonceLen])

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, used := s.consumed[nonce]; used {
		return ErrInvalid
	}
	if now.After(s.nextPurge) {
		s.purgeLocked(now)
	}
	s.rememberLocked(nonce, exp)
	return nil
}

// rememberLocked records nonce until exp, forgetting the oldest consumed
// nonce when the memory is full. A forgotten nonce may already have been
// purged; it can never be consumed again after its expiry, so deleting it
// from the map never removes a newer entry.
func (s *Signed) rememberLocked(nonce [nonceLen]byte, exp time.Time) {
	if len(s.order) < s.max {
		s.order = append(s.order, nonce)
	} else {
		delete(s.consumed, s.order[s.next])
		s.order[s.next] = nonce
		s.next = (s.next + 1) % s.max
	}
	s.consumed[nonce] = exp
}

func (s *Signed) mac(dst, payload []byte) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write(payload)
	return h.Sum(dst)
}

func (s *Signed) purgeLocked(now time.Time) {
	for n, exp := range s.consumed {
		if !now.Before(exp) {
			delete(s.consumed, n)
		}
	}
	s.nextPurge = now.Add(purgeEvery)
}
