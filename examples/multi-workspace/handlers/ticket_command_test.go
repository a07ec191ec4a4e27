package handlers

import (
	"strings"
	"testing"

	"github.com/slackgen/slackgen/runtime/slackapp"
	"github.com/slackgen/slackgen/runtime/slackapp/slackapptest"
)

func TestHandleTicketCommand(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{text: "", want: "Hello, <@U0TEST>!"},
		{text: "world", want: "You said: world"},
	}
	for _, tt := range tests {
		c, _ := slackapptest.NewContext(t)
		h := &Handlers{}
		resp, err := h.HandleTicketCommand(c, &slackapp.Command{Command: "/ticket", Text: tt.text, UserID: "U0TEST", TeamID: "T0TEST"})
		if err != nil {
			t.Fatalf("text %q: %v", tt.text, err)
		}
		if resp == nil || !strings.Contains(resp.Text, tt.want) {
			t.Errorf("text %q: reply %+v, want text containing %q", tt.text, resp, tt.want)
		}
	}
}
