package signature

import (
	"syscall"
	"time"
)

// wallClock returns the wall clock's Unix time as seconds and nanoseconds,
// through the vDSO's gettimeofday: the one clock read Verify needs, where
// time.Now reads the monotonic clock too.
func wallClock() (sec, nsec int64) {
	var tv syscall.Timeval
	if syscall.Gettimeofday(&tv) != nil {
		return unixParts(time.Now())
	}
	return tv.Sec, tv.Usec * 1000
}
