package statestore

import (
	"fmt"
	"time"
)

// DefaultTTL is how long an issued state stays valid unless WithTTL says
// otherwise: long enough to read Slack's consent screen, short enough to
// limit replays.
const DefaultTTL = 10 * time.Minute

// Option configures any store in this package and its driver packages
// (sqlitestate, pgstate, redisstate).
type Option func(*Options)

// Options are the settings shared by every store. Drivers obtain them with
// NewOptions.
type Options struct {
	// TTL is the lifetime of an issued state.
	TTL time.Duration
	// Now is the clock, time.Now by default.
	Now func() time.Time
}

// WithTTL sets the lifetime of issued states (default DefaultTTL).
func WithTTL(d time.Duration) Option { return func(o *Options) { o.TTL = d } }

// WithClock replaces time.Now, for tests. Stores decide expiry with this
// clock, not the database's.
func WithClock(now func() time.Time) Option { return func(o *Options) { o.Now = now } }

// NewOptions applies opts over the defaults and validates the result. Store
// implementations outside this module can use it to accept the same options.
func NewOptions(opts ...Option) (Options, error) {
	o := Options{TTL: DefaultTTL, Now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.TTL <= 0 {
		return o, fmt.Errorf("statestore: WithTTL needs a positive duration, got %v", o.TTL)
	}
	if o.Now == nil {
		return o, fmt.Errorf("statestore: WithClock needs a non-nil function")
	}
	return o, nil
}

// MaxStateLen is the longest state any store in this module issues or
// accepts; longer input is refused with ErrInvalid before any lookup.
const MaxStateLen = 128

// WellFormed reports whether state could have been issued by a store of this
// module: 1 to MaxStateLen characters from the URL-safe set [A-Za-z0-9-_.~].
// Server-side stores call it before querying, so garbage never reaches the
// database.
func WellFormed(state string) bool {
	if len(state) == 0 || len(state) > MaxStateLen {
		return false
	}
	for i := 0; i < len(state); i++ {
		c := state[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}
