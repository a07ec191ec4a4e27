package signature_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/signature"
)

// BenchmarkVerify measures a full verification of a typical ~300-byte slash
// command body, as a server does it: on the system clock, with a request
// signed now; compare it with BenchmarkFloorHMAC.
func BenchmarkVerify(b *testing.B) {
	v := mustNew(b, []string{docSecret})
	body := []byte(docBody)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := signature.Sign(docSecret, ts, body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(ts, sig, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyRotation has two secrets configured and matches the second.
func BenchmarkVerifyRotation(b *testing.B) {
	v := mustNew(b, []string{"a-newer-signing-secret", docSecret}, at(docTime))
	body := []byte(docBody)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(docTimestamp, docSignature, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorHMAC is the floor: a pooled bare crypto/hmac over the same
// bytes and a constant-time comparison, nothing else.
func BenchmarkFloorHMAC(b *testing.B) {
	pool := sync.Pool{New: func() any { return hmac.New(sha256.New, []byte(docSecret)) }}
	pre := []byte("v0:" + docTimestamp + ":")
	body := []byte(docBody)
	want := make([]byte, sha256.Size)
	var sum [sha256.Size]byte
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		h := pool.Get().(hash.Hash)
		h.Reset()
		h.Write(pre)
		h.Write(body)
		hmac.Equal(h.Sum(sum[:0]), want)
		pool.Put(h)
	}
}
