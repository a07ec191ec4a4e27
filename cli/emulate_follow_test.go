package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/slacktest"
)

// TestFollowMessagesPastTheCap: an emulator that keeps only its newest
// messages (slacktest's cap) answers lists of the same length; what the app
// posts after the send must still be printed.
func TestFollowMessagesPastTheCap(t *testing.T) {
	const capped = 50
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var msgs []slacktest.Message
	for i := range capped {
		msgs = append(msgs, slacktest.Message{Time: t0.Add(time.Duration(i) * time.Second), From: "app", Via: "chat.postMessage", Text: fmt.Sprintf("old %d", i)})
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		_ = json.NewEncoder(w).Encode(msgs)
	}))
	defer srv.Close()
	seen := len(msgs)
	// The app posts twice after the send; the oldest two are forgotten.
	mu.Lock()
	msgs = append(msgs[2:],
		slacktest.Message{Time: t0.Add(time.Hour), From: "app", Via: "chat.postMessage", Channel: "C1", Text: "new one"},
		slacktest.Message{Time: t0.Add(time.Hour + time.Second), From: "app", Via: "response_url", Channel: "C1", Text: "new two"})
	mu.Unlock()
	var out bytes.Buffer
	e := &env{stdout: &out, stderr: &out}
	if err := followMessages(context.Background(), e, srv.Client(), srv.URL, seen, &msgs[capped-3], 250*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "new one") || !strings.Contains(got, "new two") || strings.Contains(got, "old") {
		t.Errorf("followed output:\n%s\nwant the two new messages only", got)
	}
}
