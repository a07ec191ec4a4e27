package slacktest

import (
	"encoding/json"
	"io"
	"testing"
)

func decode(t *testing.T, r io.Reader) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.NewDecoder(r).Decode(&out); err != nil {
		t.Fatalf("decoding JSON: %v", err)
	}
	return out
}
