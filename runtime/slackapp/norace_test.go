//go:build !race

package slackapp

// raceEnabled: the race detector adds allocations, so allocation counts
// are only checked without it.
const raceEnabled = false
