//go:build race

package slackapp

const raceEnabled = true
