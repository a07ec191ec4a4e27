package redisstate_test

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/slackgen/slackgen/runtime/statestore"
	"github.com/slackgen/slackgen/runtime/statestore/redisstate"
	"github.com/slackgen/slackgen/runtime/statestore/statetest"
)

const envURL = "SLACKGEN_TEST_REDIS_URL"

func testURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv(envURL)
	if url == "" {
		t.Skip(envURL + " is not set; skipping the Redis state store tests (make test sets it via .ci/run)")
	}
	return url
}

// client returns a Redis client and a random key prefix whose keys are
// deleted when the test ends.
func client(t *testing.T) (*redis.Client, string) {
	t.Helper()
	opts, err := redis.ParseURL(testURL(t))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	prefix := "slackgen-test:" + rand.Text() + ":"
	t.Cleanup(func() {
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var cursor uint64
		for range 1000 { // bounded: a test writes far fewer keys
			keys, next, err := c.Scan(ctx, cursor, prefix+"*", 1000).Result()
			if err != nil {
				t.Errorf("cleaning up %s*: %v", prefix, err)
				return
			}
			if len(keys) > 0 {
				c.Del(ctx, keys...)
			}
			if cursor = next; cursor == 0 {
				return
			}
		}
	})
	return c, prefix
}

func newStore(t *testing.T, opts ...statestore.Option) (*redisstate.Store, *redis.Client, string) {
	t.Helper()
	c, prefix := client(t)
	s, err := redisstate.New(c, prefix, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s, c, prefix
}

func TestConformance(t *testing.T) {
	testURL(t)
	statetest.Run(t, func(t *testing.T, opts ...statestore.Option) statestore.Store {
		s, _, _ := newStore(t, opts...)
		return s
	})
}

// Keys carry the prefix and an expiry, and are gone once consumed.
func TestKeysExpireAndAreDeleted(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t, statestore.WithTTL(2*time.Minute))
	state, err := s.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ttl, err := c.PTTL(ctx, prefix+state).Result()
	if err != nil {
		t.Fatal(err)
	}
	if max := 2*time.Minute + redisstate.ExpiredGrace; ttl <= 2*time.Minute-5*time.Second || ttl > max {
		t.Fatalf("key TTL = %v, want about %v", ttl, max)
	}
	if err := s.Consume(ctx, state); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Exists(ctx, prefix+state).Result(); err != nil || n != 0 {
		t.Fatalf("key still exists after Consume (%d, %v)", n, err)
	}
}

// Redis's own expiry removes a key; consuming it then is ErrInvalid.
func TestRedisExpiry(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t)
	state, err := s.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PExpire(ctx, prefix+state, time.Millisecond).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if n, _ := c.Exists(ctx, prefix+state).Result(); n == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := s.Consume(ctx, state); !errors.Is(err, statestore.ErrInvalid) {
		t.Fatalf("Consume after Redis expired the key = %v, want ErrInvalid", err)
	}
}

// A key under the prefix that this store did not write is refused.
func TestForeignValueIsInvalid(t *testing.T) {
	ctx := context.Background()
	s, c, prefix := newStore(t)
	const state = "QZ7K2M4T6V8X0B2D4F6H8J0L2N"
	if err := c.Set(ctx, prefix+state, "not a time", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Consume(ctx, state); !errors.Is(err, statestore.ErrInvalid) {
		t.Fatalf("Consume = %v, want ErrInvalid", err)
	}
}

func TestOpen(t *testing.T) {
	url := testURL(t)
	ctx := context.Background()
	_, prefix := client(t) // for the cleanup of prefix
	s, err := redisstate.Open(ctx, url, prefix)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	state, err := s.Issue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Consume(ctx, state); err != nil {
		t.Fatal(err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := redisstate.Open(ctx, "redis://:hunter2@127.0.0.1:1/0", ""); err == nil {
		t.Error("Open succeeded against a closed port")
	} else if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %v", err)
	}
	if _, err := redisstate.Open(ctx, "http://:hunter2@example/", ""); err == nil {
		t.Error("Open accepted a non-Redis URL")
	} else if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks the password: %v", err)
	}
	if _, err := redisstate.New(nil, ""); err == nil {
		t.Error("New accepted a nil client")
	}
}
