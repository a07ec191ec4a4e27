package slacktest

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"
)

// randSource generates credentials and tokens: from crypto/rand, or from a
// seeded ChaCha8 stream when the server was given WithSeed.
type randSource struct {
	mu  sync.Mutex
	rng *rand.ChaCha8 // nil: crypto/rand
}

func newRandSource(seed *uint64) *randSource {
	if seed == nil {
		return &randSource{}
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], *seed)
	copy(key[8:], "slackgen slacktest seed")
	return &randSource{rng: rand.NewChaCha8(key)}
}

func (r *randSource) read(b []byte) {
	if r.rng == nil {
		_, _ = crand.Read(b) // never fails (crypto/rand panics on an unusable source)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, _ = r.rng.Read(b)
}

// hex returns n random bytes, hex-encoded.
func (r *randSource) hex(n int) string {
	b := make([]byte, n)
	r.read(b)
	return hex.EncodeToString(b)
}

func (r *randSource) from(alphabet string, n int) string {
	b := make([]byte, n)
	r.read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// alnum returns n random letters and digits.
func (r *randSource) alnum(n int) string {
	return r.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n)
}

// digits returns n random decimal digits, the first not 0.
func (r *randSource) digits(n int) string {
	return r.from("123456789", 1) + r.from("0123456789", n-1)
}
