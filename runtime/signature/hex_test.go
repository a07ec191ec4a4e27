package signature

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

// decodeHexModel is decodeHex by encoding/hex: 64 digits, either case.
func decodeHexModel(s string) ([sha256.Size]byte, bool) {
	var out [sha256.Size]byte
	lower := []byte(s[:2*sha256.Size])
	for i, c := range lower {
		if 'A' <= c && c <= 'F' {
			lower[i] = c + 'a' - 'A'
		}
	}
	_, err := hex.Decode(out[:], lower)
	return out, err == nil
}

func checkDecodeHex(t *testing.T, s string) {
	t.Helper()
	var got [sha256.Size]byte
	ok := decodeHex(&got, s)
	want, wantOK := decodeHexModel(s)
	if ok != wantOK || ok && got != want {
		t.Fatalf("decodeHex(%q) = %x, %v; want %x, %v", s, got, ok, want, wantOK)
	}
}

// TestDecodeHex puts every byte value at every position of valid digits
// (every way one byte can spoil them, or be a digit of either case), then
// tries random strings over the digits' neighbours.
func TestDecodeHex(t *testing.T) {
	base := []byte("0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcdef0f9a")
	checkDecodeHex(t, string(base))
	for i := range base {
		for c := range 256 {
			s := append([]byte(nil), base...)
			s[i] = byte(c)
			checkDecodeHex(t, string(s))
		}
	}
	const alphabet = "0123456789abcdefABCDEF/:@G`g \x00\x7f\x80\xff"
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		s := make([]byte, 2*sha256.Size)
		for i := range s {
			s[i] = alphabet[rng.IntN(len(alphabet))]
		}
		checkDecodeHex(t, string(s))
	}
}

func FuzzDecodeHex(f *testing.F) {
	f.Add(strings.Repeat("0a", sha256.Size))
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) < 2*sha256.Size {
			return
		}
		checkDecodeHex(t, s)
	})
}
