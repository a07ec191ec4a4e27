package signature_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/signature"
)

func TestMiddleware(t *testing.T) {
	const oldSecret = "the-old-signing-secret-before-rotation"
	now := time.Unix(1700000000, 0)
	ts := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	body := "command=%2Fdeploy&text=prod&team_id=T1"
	tests := []struct {
		name       string
		ts, sig    string
		body       string
		wantStatus int
		wantBody   string
	}{
		{name: "good", ts: ts(0), sig: signature.Sign(docSecret, ts(0), []byte(body)), body: body, wantStatus: http.StatusOK},
		{name: "second secret", ts: ts(0), sig: signature.Sign(oldSecret, ts(0), []byte(body)), body: body, wantStatus: http.StatusOK},
		{name: "empty body", ts: ts(0), sig: signature.Sign(docSecret, ts(0), nil), body: "", wantStatus: http.StatusOK},
		{name: "bad MAC", ts: ts(0), sig: signature.Sign("not-the-secret", ts(0), []byte(body)), body: body, wantStatus: http.StatusUnauthorized, wantBody: signature.UnauthorizedBody},
		{name: "tampered body", ts: ts(0), sig: signature.Sign(docSecret, ts(0), []byte(body)), body: body + "x", wantStatus: http.StatusUnauthorized, wantBody: signature.UnauthorizedBody},
		{name: "stale past", ts: ts(-6 * time.Minute), sig: signature.Sign(docSecret, ts(-6*time.Minute), []byte(body)), body: body, wantStatus: http.StatusUnauthorized, wantBody: signature.UnauthorizedBody},
		{name: "stale future", ts: ts(6 * time.Minute), sig: signature.Sign(docSecret, ts(6*time.Minute), []byte(body)), body: body, wantStatus: http.StatusUnauthorized, wantBody: signature.UnauthorizedBody},
		{name: "missing timestamp", sig: signature.Sign(docSecret, ts(0), []byte(body)), body: body, wantStatus: http.StatusUnauthorized, wantBody: signature.UnauthorizedBody},
		{name: "missing signature", ts: ts(0), body: body, wantStatus: http.StatusUnauthorized, wantBody: signature.UnauthorizedBody},
		{name: "too large", ts: ts(0), sig: signature.Sign(docSecret, ts(0), []byte(strings.Repeat("a", 65))), body: strings.Repeat("a", 65), wantStatus: http.StatusRequestEntityTooLarge, wantBody: signature.TooLargeBody},
		{name: "exactly the limit", ts: ts(0), sig: signature.Sign(docSecret, ts(0), []byte(strings.Repeat("a", 64))), body: strings.Repeat("a", 64), wantStatus: http.StatusOK},
	}
	v := mustNew(t, []string{docSecret, oldSecret}, at(now), signature.WithMaxBody(64))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []byte
			var called bool
			h := v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
				var err error
				if got, err = io.ReadAll(r.Body); err != nil {
					t.Errorf("reading the verified body: %v", err)
				}
				if r.ContentLength != int64(len(got)) {
					t.Errorf("ContentLength = %d, want %d", r.ContentLength, len(got))
				}
				w.WriteHeader(http.StatusOK)
			}))
			req := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.ts != "" {
				req.Header.Set(signature.HeaderTimestamp, tt.ts)
			}
			if tt.sig != "" {
				req.Header.Set(signature.HeaderSignature, tt.sig)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusOK {
				if called {
					t.Fatal("next handler called for a refused request")
				}
				if rec.Body.String() != tt.wantBody {
					t.Fatalf("body = %q, want %q", rec.Body.String(), tt.wantBody)
				}
				return
			}
			if !called {
				t.Fatal("next handler not called")
			}
			if string(got) != tt.body {
				t.Fatalf("next handler read %q, want %q unchanged", got, tt.body)
			}
		})
	}
}

// A form body must still parse after the middleware consumed and restored it.
func TestMiddlewareFormParsesAfterVerification(t *testing.T) {
	now := time.Unix(1700000000, 0)
	v := mustNew(t, []string{docSecret}, at(now))
	body := "command=%2Fdeploy&text=to+prod"
	ts := strconv.FormatInt(now.Unix(), 10)
	srv := httptest.NewServer(v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.FormValue("command")+"|"+r.FormValue("text"))
	})))
	defer srv.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderSignature, signature.Sign(docSecret, ts, []byte(body)))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(got) != "/deploy|to prod" {
		t.Fatalf("got %d %q, want 200 %q", resp.StatusCode, got, "/deploy|to prod")
	}
}

// A declared Content-Length above the limit is refused without reading.
func TestReadAndVerifyDeclaredLengthTooLarge(t *testing.T) {
	v := mustNew(t, []string{docSecret}, signature.WithMaxBody(10))
	r := httptest.NewRequest(http.MethodPost, "/", io.NopCloser(failingReader{t}))
	r.ContentLength = 11
	r.Header.Set(signature.HeaderTimestamp, "1")
	r.Header.Set(signature.HeaderSignature, "v0=00")
	if _, err := v.ReadAndVerify(r); err != signature.ErrTooLarge {
		t.Fatalf("ReadAndVerify = %v, want ErrTooLarge", err)
	}
}

// Without signing headers, the body is not read at all.
func TestReadAndVerifyMissingHeadersDoesNotRead(t *testing.T) {
	v := mustNew(t, []string{docSecret})
	r := httptest.NewRequest(http.MethodPost, "/", io.NopCloser(failingReader{t}))
	if _, err := v.ReadAndVerify(r); err != signature.ErrMissingHeaders {
		t.Fatalf("ReadAndVerify = %v, want ErrMissingHeaders", err)
	}
}

func TestReadAndVerifyReturnsBody(t *testing.T) {
	v := mustNew(t, []string{docSecret}, at(docTime))
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewBufferString(docBody))
	r.Header.Set(signature.HeaderTimestamp, docTimestamp)
	r.Header.Set(signature.HeaderSignature, docSignature)
	got, err := v.ReadAndVerify(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != docBody {
		t.Fatalf("body = %q, want the request body unchanged", got)
	}
}

type failingReader struct{ t *testing.T }

func (f failingReader) Read([]byte) (int, error) {
	f.t.Error("body read although the request should be refused first")
	return 0, io.ErrUnexpectedEOF
}
