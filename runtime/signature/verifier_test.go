package signature_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/signature"
)

// The worked example from Slack's documentation ("Verifying requests from
// Slack", docs.slack.dev/authentication/verifying-requests-from-slack).
const (
	docSecret    = "8f742231b10e8888abcd99yyyzzz85a5"
	docTimestamp = "1531420618"
	docBody      = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
	docSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
)

var docTime = time.Unix(1531420618, 0)

func at(t time.Time) signature.Option { return signature.WithClock(func() time.Time { return t }) }

func mustNew(t testing.TB, secrets []string, opts ...signature.Option) *signature.Verifier {
	t.Helper()
	v, err := signature.New(secrets, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSignDocumentationVector(t *testing.T) {
	if got := signature.Sign(docSecret, docTimestamp, []byte(docBody)); got != docSignature {
		t.Fatalf("Sign = %s, want %s", got, docSignature)
	}
}

func TestVerify(t *testing.T) {
	const other = "a-previous-signing-secret-0000000"
	upper := "v0=" + strings.ToUpper(docSignature[3:])
	flipped := docSignature[:len(docSignature)-1] + "a"
	tests := []struct {
		name      string
		secrets   []string
		now       time.Time
		ts, sig   string
		body      string
		wantErr   error
		wantValid bool
	}{
		{name: "documentation vector", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: docSignature, body: docBody, wantValid: true},
		{name: "uppercase hex", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: upper, body: docBody, wantValid: true},
		{name: "second secret of a rotation", secrets: []string{other, docSecret}, now: docTime, ts: docTimestamp, sig: docSignature, body: docBody, wantValid: true},
		{name: "first secret of a rotation", secrets: []string{docSecret, other}, now: docTime, ts: docTimestamp, sig: docSignature, body: docBody, wantValid: true},
		{name: "just inside the past window", secrets: []string{docSecret}, now: docTime.Add(5 * time.Minute), ts: docTimestamp, sig: docSignature, body: docBody, wantValid: true},
		{name: "just inside the future window", secrets: []string{docSecret}, now: docTime.Add(-5 * time.Minute), ts: docTimestamp, sig: docSignature, body: docBody, wantValid: true},
		{name: "stale past", secrets: []string{docSecret}, now: docTime.Add(5*time.Minute + time.Second), ts: docTimestamp, sig: docSignature, body: docBody, wantErr: signature.ErrStale},
		{name: "stale future", secrets: []string{docSecret}, now: docTime.Add(-5*time.Minute - time.Second), ts: docTimestamp, sig: docSignature, body: docBody, wantErr: signature.ErrStale},
		{name: "wrong secret", secrets: []string{other}, now: docTime, ts: docTimestamp, sig: docSignature, body: docBody, wantErr: signature.ErrMismatch},
		{name: "tampered body", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: docSignature, body: docBody + "&x=1", wantErr: signature.ErrMismatch},
		{name: "tampered timestamp", secrets: []string{docSecret}, now: docTime, ts: "1531420619", sig: docSignature, body: docBody, wantErr: signature.ErrMismatch},
		{name: "one bit off", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: flipped, body: docBody, wantErr: signature.ErrMismatch},
		{name: "missing timestamp", secrets: []string{docSecret}, now: docTime, ts: "", sig: docSignature, body: docBody, wantErr: signature.ErrMissingHeaders},
		{name: "missing signature", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: "", body: docBody, wantErr: signature.ErrMissingHeaders},
		{name: "signed timestamp", secrets: []string{docSecret}, now: docTime, ts: "+1531420618", sig: docSignature, body: docBody, wantErr: signature.ErrMalformed},
		{name: "negative timestamp", secrets: []string{docSecret}, now: docTime, ts: "-1", sig: docSignature, body: docBody, wantErr: signature.ErrMalformed},
		{name: "non-numeric timestamp", secrets: []string{docSecret}, now: docTime, ts: "15314x0618", sig: docSignature, body: docBody, wantErr: signature.ErrMalformed},
		{name: "overflowing timestamp", secrets: []string{docSecret}, now: docTime, ts: "9999999999999999999", sig: docSignature, body: docBody, wantErr: signature.ErrMalformed},
		{name: "huge timestamp", secrets: []string{docSecret}, now: docTime, ts: strings.Repeat("1", 40), sig: docSignature, body: docBody, wantErr: signature.ErrMalformed},
		{name: "far-future timestamp", secrets: []string{docSecret}, now: docTime, ts: "9223372036854775807", sig: docSignature, body: docBody, wantErr: signature.ErrStale},
		{name: "other version", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: "v1=" + docSignature[3:], body: docBody, wantErr: signature.ErrMalformed},
		{name: "short signature", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: docSignature[:60], body: docBody, wantErr: signature.ErrMalformed},
		{name: "non-hex signature", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: docSignature[:10] + "zz" + docSignature[12:], body: docBody, wantErr: signature.ErrMalformed},
		{name: "non-hex signature, stale too", secrets: []string{docSecret}, now: docTime.Add(time.Hour), ts: docTimestamp, sig: docSignature[:10] + "zz" + docSignature[12:], body: docBody, wantErr: signature.ErrMalformed},
		// A control byte 0x10-0x19 is a digit with bit 0x20 cleared, as an
		// upper-case letter is a lower-case one: it must not pass for it.
		{name: "control byte for a digit", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: strings.Replace(docSignature, "2", "\x12", 1), body: docBody, wantErr: signature.ErrMalformed},
		{name: "uppercase hex, stale", secrets: []string{docSecret}, now: docTime.Add(time.Hour), ts: docTimestamp, sig: upper, body: docBody, wantErr: signature.ErrStale},
		{name: "uppercase hex, wrong secret", secrets: []string{other}, now: docTime, ts: docTimestamp, sig: upper, body: docBody, wantErr: signature.ErrMismatch},
		{name: "mixed-case hex", secrets: []string{docSecret}, now: docTime, ts: docTimestamp, sig: docSignature[:20] + strings.ToUpper(docSignature[20:40]) + docSignature[40:], body: docBody, wantValid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustNew(t, tt.secrets, at(tt.now))
			err := v.Verify(tt.ts, tt.sig, []byte(tt.body))
			if tt.wantValid {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestWindowOption(t *testing.T) {
	v := mustNew(t, []string{docSecret}, at(docTime.Add(time.Minute+time.Second)), signature.WithWindow(time.Minute))
	if err := v.Verify(docTimestamp, docSignature, []byte(docBody)); !errors.Is(err, signature.ErrStale) {
		t.Fatalf("Verify = %v, want ErrStale", err)
	}
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		opts    []signature.Option
	}{
		{name: "no secret", secrets: nil},
		{name: "empty secret", secrets: []string{""}},
		{name: "empty second secret", secrets: []string{docSecret, ""}},
		{name: "zero window", secrets: []string{docSecret}, opts: []signature.Option{signature.WithWindow(0)}},
		{name: "negative max body", secrets: []string{docSecret}, opts: []signature.Option{signature.WithMaxBody(-1)}},
		{name: "nil clock", secrets: []string{docSecret}, opts: []signature.Option{signature.WithClock(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := signature.New(tt.secrets, tt.opts...)
			if err == nil || v != nil {
				t.Fatalf("New = %v, %v; want an error", v, err)
			}
		})
	}
}

// Errors must never carry the computed MAC (nor the one sent).
func TestErrorsDoNotLeakMAC(t *testing.T) {
	v := mustNew(t, []string{docSecret}, at(docTime))
	wrong := "v0=" + strings.Repeat("0", 64)
	err := v.Verify(docTimestamp, wrong, []byte(docBody))
	if err == nil {
		t.Fatal("Verify accepted a wrong MAC")
	}
	for _, secretish := range []string{docSignature[3:], docSignature[3:20], docSecret, wrong[3:]} {
		if strings.Contains(err.Error(), secretish) {
			t.Fatalf("error %q contains %q", err, secretish)
		}
	}
}

func TestVerifyConcurrent(t *testing.T) {
	v := mustNew(t, []string{"other-secret", docSecret}, at(docTime))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				body := []byte(docBody)
				sig := docSignature
				if (i+j)%2 == 1 {
					body = append(body, '!')
				}
				err := v.Verify(docTimestamp, sig, body)
				if (i+j)%2 == 0 && err != nil || (i+j)%2 == 1 && err == nil {
					t.Errorf("goroutine %d iteration %d: Verify = %v", i, j, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestVerifyAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items; allocations are checked without -race")
	}
	v := mustNew(t, []string{docSecret}, at(docTime))
	body := []byte(docBody)
	v.Verify(docTimestamp, docSignature, body) // warm the pool
	allocs := testing.AllocsPerRun(100, func() {
		if err := v.Verify(docTimestamp, docSignature, body); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Verify allocates %v times per call, want 0", allocs)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(docTimestamp, docSignature, []byte(docBody))
	f.Add(docTimestamp, "v0="+strings.Repeat("0", 64), []byte(docBody))
	f.Add("1531420600", docSignature, []byte(""))
	f.Add("", "", []byte(nil))
	f.Add("-0", "v0=", []byte("x"))
	v := mustNew(f, []string{docSecret}, at(docTime))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		// The genuine signature of any body is never a mismatch.
		if err := v.Verify(ts, signature.Sign(docSecret, ts, body), body); errors.Is(err, signature.ErrMismatch) {
			t.Fatalf("Verify refused the genuine signature for ts %q", ts)
		}
		err := v.Verify(ts, sig, body)
		if err != nil {
			return
		}
		// Accepted: the MAC must be the genuine one.
		mac := hmac.New(sha256.New, []byte(docSecret))
		mac.Write([]byte("v0:" + ts + ":"))
		mac.Write(body)
		if !strings.EqualFold(sig, "v0="+hex.EncodeToString(mac.Sum(nil))) {
			t.Fatalf("Verify accepted a wrong signature %q for ts %q", sig, ts)
		}
	})
}
