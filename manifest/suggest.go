package manifest

import "strings"

// closest returns the candidate nearest to s by edit distance, or "" when
// none is within a third of the longer string (at least 2 edits allowed).
func closest(s string, candidates []string) string {
	best, bestD := "", -1
	lower := strings.ToLower(s)
	for _, c := range candidates {
		d := levenshtein(lower, c)
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, max(len(s), len(best))/3)
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// levenshtein is the edit distance between a and b, in bytes (scope and
// event names are ASCII).
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
