//go:build !(linux && amd64)

package signature

import "time"

// wallClock returns the wall clock's Unix time as seconds and nanoseconds.
// (On linux/amd64 it reads the wall clock alone, for speed.)
func wallClock() (sec, nsec int64) { return unixParts(time.Now()) }
