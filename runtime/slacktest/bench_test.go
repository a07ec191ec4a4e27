package slacktest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slackgen/slackgen/runtime/signature"
)

// BenchmarkChatPostMessage measures one chat.postMessage through slack-go:
// HTTP, token check, capture.
func BenchmarkChatPostMessage(b *testing.B) {
	srv := NewServer(b, testConfig())
	inst, err := srv.Install("T0001")
	if err != nil {
		b.Fatal(err)
	}
	api := slack.New(inst.BotToken, slack.OptionAPIURL(srv.APIURL()))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hello", false)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSendCommand measures one signed slash command to an app that
// verifies it with runtime/signature and answers with text.
func BenchmarkSendCommand(b *testing.B) {
	var srv *Server
	var v *signature.Verifier
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.ReadAndVerify(r); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer app.Close()
	cfg := testConfig()
	cfg.RequestURL = app.URL
	srv = NewServer(b, cfg)
	var err error
	if v, err = signature.New([]string{srv.App().SigningSecret}); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		reply, err := srv.SendCommand(ctx, "T0001", "/hello", "hi")
		if err != nil || !reply.OK() {
			b.Fatalf("%+v %v", reply, err)
		}
	}
}
