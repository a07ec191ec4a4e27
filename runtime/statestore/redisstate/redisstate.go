// Package redisstate is a statestore.Store kept in Redis, with go-redis v9.
//
// Issue stores each state under its own key with SET … NX and an expiry, and
// Consume takes it with GETDEL, a single atomic command, so of any number of
// concurrent consumers on any number of replicas exactly one gets it: states
// are strictly single-use across replicas. Redis expires the keys by itself.
//
// The value of a key is the state's expiry (Unix milliseconds, by the app's
// clock) and the key lives for the TTL plus a grace period (ExpiredGrace), so
// a state consumed shortly after it expired is reported as
// statestore.ErrExpired rather than unknown.
package redisstate

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/slackgen/slackgen/runtime/statestore"
)

// DefaultPrefix is the key prefix used when New is given an empty one.
const DefaultPrefix = "slackgen:oauth_state:"

// ExpiredGrace is how long past its expiry Redis keeps a state, so that
// Consume can tell "expired" from "unknown".
const ExpiredGrace = time.Minute

// Store is a Redis-backed state store. It is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
	prefix string
	opts   statestore.Options
	owned  bool // Open created client, so Close closes it
}

var _ statestore.Store = (*Store)(nil)

// New returns a store on client (a *redis.Client, *redis.ClusterClient or
// *redis.Ring) whose keys start with prefix (DefaultPrefix when empty). Give
// each app sharing a Redis its own prefix. Close does not close client.
func New(client redis.UniversalClient, prefix string, opts ...statestore.Option) (*Store, error) {
	o, err := statestore.NewOptions(opts...)
	if err != nil {
		return nil, err
	}
	if client == nil {
		return nil, errors.New("redisstate: nil Redis client")
	}
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{client: client, prefix: prefix, opts: o}, nil
}

// Open connects to the Redis at url (redis://[user:password@]host:port/db or
// rediss:// for TLS, typically REDIS_URL), checks it answers, and returns a
// store on it. Close closes the client.
func Open(ctx context.Context, url, prefix string, opts ...statestore.Option) (*Store, error) {
	ropts, err := redis.ParseURL(url)
	if err != nil {
		return nil, errors.New("redisstate: invalid Redis URL (check REDIS_URL; want redis://host:port/db)")
	}
	client := redis.NewClient(ropts)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, fmt.Errorf("redisstate: Redis at %s does not answer: %w", ropts.Addr, err)
	}
	s, err := New(client, prefix, opts...)
	if err != nil {
		client.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// Close closes the client if Open created it.
func (s *Store) Close() error {
	if s.owned {
		return s.client.Close()
	}
	return nil
}

// Issue stores and returns a new state (26 base32 characters, 130 bits from
// crypto/rand).
func (s *Store) Issue(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	state := rand.Text()
	exp := s.opts.Now().Add(s.opts.TTL).UnixMilli()
	ok, err := s.client.SetNX(ctx, s.prefix+state, exp, s.opts.TTL+ExpiredGrace).Result()
	if err != nil {
		return "", fmt.Errorf("redisstate: storing state: %w", err)
	}
	if !ok {
		return "", errors.New("redisstate: a fresh random state already exists in Redis; check that the key prefix is not shared with other data")
	}
	return state, nil
}

// Consume takes state out of Redis and reports whether it was valid.
func (s *Store) Consume(ctx context.Context, state string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !statestore.WellFormed(state) {
		return statestore.ErrInvalid
	}
	v, err := s.client.GetDel(ctx, s.prefix+state).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return statestore.ErrInvalid
	case err != nil:
		return fmt.Errorf("redisstate: consuming state: %w", err)
	}
	exp, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return statestore.ErrInvalid // not a value this store wrote
	}
	if !s.opts.Now().Before(time.UnixMilli(exp)) {
		return statestore.ErrExpired
	}
	return nil
}
