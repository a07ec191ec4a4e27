package slackapp_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

// TestServeGracefulShutdown serves on 127.0.0.1, cancels while an event
// handler runs, and checks that Serve waits for it before returning.
func TestServeGracefulShutdown(t *testing.T) {
	f := newFixture(t, nil)
	started := make(chan struct{})
	var finished atomic.Bool
	f.app.Event("app_mention", func(*slackapp.Context, *slackapp.Event) error {
		close(started)
		time.Sleep(200 * time.Millisecond)
		finished.Store(true)
		return nil
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- f.app.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok" {
		t.Fatalf("healthz %d %q", resp.StatusCode, b)
	}

	req := slackapptest.EventRequest(secret, slackapptest.EventBody("T1", "Ev1", map[string]any{"type": "app_mention"}))
	req.URL.Scheme, req.URL.Host, req.RequestURI = "http", ln.Addr().String(), ""
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("event: status %d", resp.StatusCode)
	}
	<-started
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if !finished.Load() {
		t.Fatal("Serve returned before the running handler finished")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("the server still answers after shutdown")
	}
	if !strings.Contains(f.logs.String(), "shutting down") {
		t.Fatal("shutdown not logged")
	}
}

func TestServeShutdownTimeout(t *testing.T) {
	f := newFixture(t, func(c *slackapp.Config) { c.ShutdownTimeout = 50 * time.Millisecond })
	release := make(chan struct{})
	started := make(chan struct{})
	f.app.Event("app_mention", func(*slackapp.Context, *slackapp.Event) error {
		close(started)
		<-release
		return nil
	})
	defer close(release)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- f.app.Serve(ctx, ln) }()
	req := slackapptest.EventRequest(secret, slackapptest.EventBody("T1", "Ev1", map[string]any{"type": "app_mention"}))
	req.URL.Scheme, req.URL.Host, req.RequestURI = "http", ln.Addr().String(), ""
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	<-started
	cancel()
	select {
	case err := <-served:
		if err == nil || !strings.Contains(err.Error(), "handlers still running") {
			t.Fatalf("Serve: %v, want a drain timeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not give up at the shutdown timeout")
	}
}
