package signature_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/slackgen/slackgen/runtime/signature"
)

// Verify a request by hand, with Slack's documented example.
func ExampleVerifier_Verify() {
	v, err := signature.New([]string{"8f742231b10e8888abcd99yyyzzz85a5"},
		// A fixed clock, so the 2018 example is not stale.
		signature.WithClock(func() time.Time { return time.Unix(1531420618, 0) }))
	if err != nil {
		panic(err)
	}
	body := []byte("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
	err = v.Verify("1531420618", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", body)
	fmt.Println(err)
	err = v.Verify("1531420618", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", append(body, '!'))
	fmt.Println(errors.Is(err, signature.ErrMismatch))
	// Output:
	// <nil>
	// true
}

// Put the middleware in front of the handlers that receive Slack traffic;
// they see the verified body unchanged.
func ExampleVerifier_Middleware() {
	v, err := signature.New([]string{"current-secret", "previous-secret"})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /slack/commands", v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "running %s", r.FormValue("command"))
	})))

	body := "command=%2Fdeploy"
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	for _, secret := range []string{"previous-secret", "wrong-secret"} {
		req := httptest.NewRequest("POST", "/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(signature.HeaderTimestamp, ts)
		req.Header.Set(signature.HeaderSignature, signature.Sign(secret, ts, []byte(body)))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		out, _ := io.ReadAll(rec.Body)
		fmt.Printf("%d %s\n", rec.Code, strings.TrimSpace(string(out)))
	}
	// Output:
	// 200 running /deploy
	// 401 invalid request signature
}

// Sign produces the header Slack would send; the emulator uses it.
func ExampleSign() {
	fmt.Println(signature.Sign("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", []byte("hello")))
	// Output:
	// v0=e8beca64fdd1a137bebe4f274bd47abcbee4e63c101f4bc8461b7e9398109030
}

// In a handler that needs the raw body itself (for example to route on its
// Content-Type before parsing), call ReadAndVerify instead of the middleware.
func ExampleVerifier_ReadAndVerify() {
	v, err := signature.New([]string{"current-secret"})
	if err != nil {
		panic(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := v.ReadAndVerify(r)
		switch {
		case errors.Is(err, signature.ErrTooLarge):
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "verified %d bytes", len(body))
	})

	body := `{"type":"url_verification","challenge":"abc"}`
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req := httptest.NewRequest("POST", "/slack/events", strings.NewReader(body))
	req.Header.Set(signature.HeaderTimestamp, ts)
	req.Header.Set(signature.HeaderSignature, signature.Sign("current-secret", ts, []byte(body)))
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// 200 verified 45 bytes
}
