package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/slacktest"
)

// TestSendTimeoutIsNotResent sends a command to an app slower than
// --timeout, with --wait long enough for several more attempts: the command
// reaches the app exactly once, and the timeout is reported as such.
func TestSendTimeoutIsNotResent(t *testing.T) {
	var deliveries atomic.Int32
	arrived := make(chan struct{}, 100)
	release := make(chan struct{})
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deliveries.Add(1)
		arrived <- struct{}{}
		<-release // slower than the CLI's --timeout
		w.WriteHeader(http.StatusOK)
	}))
	defer app.Close()
	emu, err := slacktest.New(slacktest.AppConfig{RequestURL: app.URL + "/slack/events"}, slacktest.WithAppTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}

	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := Run([]string{"emulate", "send", "command", "/slow", "--emulator", emu.URL(), "--timeout", "300ms", "--wait", "3s"},
		strings.NewReader(""), &stdout, &stderr)
	took := time.Since(start)
	close(release)
	emu.Close() // waits for the deliveries in flight
	if n := deliveries.Load(); n != 1 {
		t.Errorf("the app got the command %d times, want once", n)
	}
	if code != ExitFail || !strings.Contains(stderr.String(), "no answer within 300ms") || !strings.Contains(stderr.String(), "not sent again") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if took > 2*time.Second {
		t.Errorf("send took %s: it kept trying after the timeout", took)
	}
}
