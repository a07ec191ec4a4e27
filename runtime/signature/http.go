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
	body, err := readBody(r.Body, r.ContentLength, v.maxBody)
	if err != nil {
		return nil, err
	}
	if err := v.Verify(ts, sig, body); err != nil {
		return nil, err
	}
	return body, nil
}

// readBody reads body, of declared length n (-1: unknown), up to max bytes.
// With a declared length it reads into one buffer of that size — one
// allocation, no copying as a buffer grows — and then checks that the body
// really ends there.
func readBody(body io.Reader, n, max int64) ([]byte, error) {
	if n > max {
		return nil, ErrTooLarge
	}
	var b []byte
	if n >= 0 {
		b = make([]byte, n, n+1)
		if _, err := io.ReadFull(body, b); err != nil {
			return nil, fmt.Errorf("signature: reading request body (%d bytes declared): %w", n, err)
		}
		// net/http ends a body at its Content-Length; another reader may not.
		more, err := body.Read(b[n : n+1])
		switch {
		case more == 0 && err == io.EOF:
			return b, nil
		case more == 0 && err != nil:
			return nil, fmt.Errorf("signature: reading request body: %w", err)
		}
		b = b[:n+int64(more)]
	}
	// Unknown length, or more than declared: read the rest, still bounded.
	rest, err := io.ReadAll(io.LimitReader(body, max+1-int64(len(b))))
	if err != nil {
		return nil, fmt.Errorf("signature: reading request body: %w", err)
	}
	if b == nil {
		b = rest
	} else {
		b = append(b, rest...)
	}
	if int64(len(b)) > max {
		return nil, ErrTooLarge
	}
	return b, nil
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
