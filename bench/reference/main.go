// Command reference is the load test's yardstick: a Slack request endpoint
// that does only the physical minimum — net/http, v0 HMAC-SHA256 signature
// verification with the 5-minute window (crypto/hmac), url.ParseQuery for
// form bodies, and an empty 200 ack. `make bench` drives it and the generated
// example app with the same signed traffic and reports app / reference.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3001", "listen address")
	flag.Parse()
	secret := []byte(os.Getenv("SLACK_SIGNING_SECRET"))
	if len(secret) == 0 {
		log.Fatal("reference: set SLACK_SIGNING_SECRET")
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		ts := r.Header.Get("X-Slack-Request-Timestamp")
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
			http.Error(w, "stale", http.StatusUnauthorized)
			return
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte("v0:" + ts + ":"))
		mac.Write(body)
		want := "v0=" + hex.EncodeToString(mac.Sum(nil))
		if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Slack-Signature"))) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			if _, err := url.ParseQuery(string(body)); err != nil {
				http.Error(w, "bad form", http.StatusBadRequest)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
