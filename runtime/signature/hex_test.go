package signature

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

// decodeHexModel decodes s by encoding/hex: 64 digits, either case.
func decodeHexModel(s string) ([sha256.Size]byte, bool) {
	var out [sha256.Size]byte
	if len(s) != 2*sha256.Size {
		return out, false
	}
	lower := []byte(s)
	for i, c := range lower {
		if 'A' <= c && c <= 'F' {
			lower[i] = c + 'a' - 'A'
		}
	}
	_, err := hex.Decode(out[:], lower)
	return out, err == nil
}

// checkHex compares equalHex and validHex with the model for s and sum.
func checkHex(t *testing.T, sum *[sha256.Size]byte, s string) {
	t.Helper()
	want, ok := decodeHexModel(s)
	if got := validHex(s); got != ok {
		t.Fatalf("validHex(%q) = %v, want %v", s, got, ok)
	}
	if got, want := equalHex(sum, s), ok && want == *sum; got != want {
		t.Fatalf("equalHex(%x, %q) = %v, want %v", *sum, s, got, want)
	}
}

// TestEqualHex puts every byte value at every position of the digits that
// spell a MAC (every way one byte can spoil them, be the other case, or be
// another digit), then tries random MACs, spelt in random case, and random
// strings over the digits and their neighbours.
func TestEqualHex(t *testing.T) {
	base := "0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcdef0f9a"
	sum, _ := decodeHexModel(base)
	checkHex(t, &sum, base)
	for i := range base {
		for c := range 256 {
			s := []byte(base)
			s[i] = byte(c)
			checkHex(t, &sum, string(s))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		for i := range sum {
			sum[i] = byte(rng.Uint32())
		}
		s := []byte(hex.EncodeToString(sum[:]))
		for i := range s {
			if rng.IntN(2) == 0 {
				s[i] = strings.ToUpper(string(s[i]))[0]
			}
		}
		checkHex(t, &sum, string(s))
	}
	const alphabet = "0123456789abcdefABCDEF/:@G`g \x00\x10\x19\x7f\x80\xff"
	for range 20_000 {
		s := make([]byte, 2*sha256.Size)
		for i := range s {
			s[i] = alphabet[rng.IntN(len(alphabet))]
		}
		sum, _ = decodeHexModel(strings.Map(func(r rune) rune {
			if strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return r
			}
			return '0'
		}, string(s)))
		checkHex(t, &sum, string(s))
	}
}

func FuzzEqualHex(f *testing.F) {
	f.Add(strings.Repeat("0a", sha256.Size), []byte{})
	f.Fuzz(func(t *testing.T, s string, mac []byte) {
		if len(s) != 2*sha256.Size {
			return
		}
		sum, _ := decodeHexModel(s)
		if len(mac) == sha256.Size {
			copy(sum[:], mac)
		}
		checkHex(t, &sum, s)
	})
}
