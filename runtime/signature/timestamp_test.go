package signature

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestParseTimestampMatchesParseInt: parseTimestamp accepts exactly the
// unsigned decimal strings of at most 19 digits that strconv.ParseInt
// accepts, with the same value.
func TestParseTimestampMatchesParseInt(t *testing.T) {
	cases := []string{"", "0", "1", "007", "1700000000", "9223372036854775807", "9223372036854775808",
		"9999999999999999999", "10000000000000000000", "+1", "-1", " 1", "1 ", "1a", "0x10", "١٢", "17000000000.5"}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789+-. a"
	for range 20000 {
		b := make([]byte, rng.IntN(22))
		for i := range b {
			if rng.IntN(10) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = '0' + byte(rng.IntN(10))
			}
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		got, ok := parseTimestamp(s)
		want, err := strconv.ParseInt(s, 10, 64)
		wantOK := err == nil && len(s) > 0 && len(s) <= maxTimestampLen && s[0] >= '0' && s[0] <= '9'
		if ok != wantOK || ok && got != want {
			t.Fatalf("parseTimestamp(%q) = %d, %v; want %d, %v", s, got, ok, want, wantOK)
		}
	}
}
