package e2e

import (
	"context"
	"net"
	"strings"
	"testing"
)

// An Installer's errors name the URL without its query: codes and states
// stay out of logs, also when the connection fails.
func TestInstallerErrorsRedactQuery(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: the request fails to connect
	in := NewInstaller()
	_, _, err = in.get(context.Background(), "http://"+addr+"/slack/oauth_redirect?code=code-secret&state=state-secret")
	if err == nil {
		t.Fatal("a request to a closed port succeeded")
	}
	if msg := err.Error(); strings.Contains(msg, "secret") || !strings.Contains(msg, "/slack/oauth_redirect") {
		t.Errorf("error %q shows the query, or not the path", msg)
	}
}
