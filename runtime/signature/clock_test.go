package signature

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestSystemClockWindow: without WithClock, Verify judges the timestamp by
// the system's wall clock: inside the window by two seconds it passes,
// outside by two it is stale, and so are far-off and huge timestamps.
func TestSystemClockWindow(t *testing.T) {
	v, err := New([]string{"secret"})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("token=x&team_id=T1")
	now := time.Now().Unix()
	w := int64(DefaultWindow / time.Second)
	for _, tc := range []struct {
		ts    int64
		stale bool
	}{
		{now, false}, {now - w + 2, false}, {now + w - 2, false},
		{now - w - 2, true}, {now + w + 2, true}, {0, true}, {math.MaxInt64, true},
	} {
		ts := strconv.FormatInt(tc.ts, 10)
		err := v.Verify(ts, Sign("secret", ts, body), body)
		if got := errors.Is(err, ErrStale); got != tc.stale || !tc.stale && err != nil {
			t.Errorf("timestamp now%+d: %v, want stale=%v", tc.ts-now, err, tc.stale)
		}
	}
}

// TestWallClockIsTimeNow: wallClock reads the clock time.Now reads.
func TestWallClockIsTimeNow(t *testing.T) {
	before := time.Now()
	sec, nsec := wallClock()
	after := time.Now()
	got := time.Unix(sec, nsec)
	if nsec < 0 || nsec >= 1e9 || got.Before(before.Truncate(time.Microsecond)) || got.After(after) {
		t.Fatalf("wallClock %v, time.Now between %v and %v", got, before, after)
	}
}

// TestOutsideMatchesSub: outside decides as time.Time's Sub does, for
// offsets near the window and far past it.
func TestOutsideMatchesSub(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	now := time.Unix(1763900000, 0)
	for i := range 100000 {
		window := time.Duration(1+rng.IntN(600)) * time.Second / time.Duration(1+rng.IntN(3))
		nsec := rng.Int64N(1e9)
		var ts int64
		switch i % 3 {
		case 0:
			ts = now.Unix() - int64(window/time.Second) + rng.Int64N(5) - 2
		case 1:
			ts = now.Unix() + int64(window/time.Second) + rng.Int64N(5) - 2
		default:
			ts = rng.Int64N(math.MaxInt64)
		}
		d := now.Add(time.Duration(nsec)).Sub(time.Unix(ts, 0))
		want := d > window || d < -window
		if got := outside(now.Unix()-ts, nsec, window); got != want {
			t.Fatalf("ts %d, nsec %d, window %v: outside %v, Sub says %v", ts, nsec, window, got, want)
		}
	}
}
