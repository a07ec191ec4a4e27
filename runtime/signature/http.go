package signature

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// ReadAndVerify reads r.Body once, at most the configured limit (WithMaxBody),
// verifies it against r's signing headers and returns it unchanged. It closes
// r.Body. It returns ErrTooLarge when the body exceeds the limit, or one of
// Verify's errors. It checks the headers before reading, so a request without
// them costs no read.
//
// ReadAndVerify leaves r.Body consumed; Middleware restores it.
func (v *Verifier) ReadAndVerify(r *http.Request) ([]byte, error) {
	ts, sig := r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature)
	if ts == "" || sig == "" {
		return nil, ErrMissingHeaders
	}
	if r.ContentLength > v.maxBody {
		return nil, ErrTooLarge
	}
	if r.Body == nil || r.Body == http.NoBody {
		if err := v.Verify(ts, sig, nil); err != nil {
			return nil, err
		}
		return []byte{}, nil
	}
	defer r.Body.Close()
	body, err := io.ReadAll(io.LimitReader(r.Body, v.maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("signature: reading request body: %w", err)
	}
	if int64(len(body)) > v.maxBody {
		return nil, ErrTooLarge
	}
	if err := v.Verify(ts, sig, body); err != nil {
		return nil, err
	}
	return body, nil
}

// Body texts of the middleware's refusals. They are fixed: they never depend
// on the request or say which check failed.
const (
	UnauthorizedBody = "invalid request signature\n"
	TooLargeBody     = "request body too large\n"
)

// Middleware verifies every request before calling next. It answers
// 401 Unauthorized with UnauthorizedBody when verification fails and
// 413 Request Entity Too Large with TooLargeBody when the body exceeds the
// limit. Otherwise next sees r.Body (and r.GetBody) replaced by the verified
// bytes, unchanged, and r.ContentLength set to their length.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := v.ReadAndVerify(r)
		switch {
		case errors.Is(err, ErrTooLarge):
			refuse(w, http.StatusRequestEntityTooLarge, TooLargeBody)
			return
		case err != nil:
			refuse(w, http.StatusUnauthorized, UnauthorizedBody)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

func refuse(w http.ResponseWriter, code int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	io.WriteString(w, body)
}
