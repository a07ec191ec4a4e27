package main

import (
	"fmt"
	"slices"
)

// spread summarizes repeated measurements of one quantity: the median and
// the range.
type spread struct {
	Median, Min, Max float64
	N                int
}

// summarize returns the spread of xs (zero when xs is empty). The median of
// an even count is the mean of the two middle values.
func summarize(xs []float64) spread {
	if len(xs) == 0 {
		return spread{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return spread{Median: m, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// format renders the spread as "median (min–max)" with f formatting each
// value; a single measurement is just the value.
func (s spread) format(f func(float64) string) string {
	if s.N == 0 {
		return "—"
	}
	if s.N == 1 || s.Min == s.Max {
		return f(s.Median)
	}
	return fmt.Sprintf("%s (%s–%s)", f(s.Median), f(s.Min), f(s.Max))
}

// ratio is a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
