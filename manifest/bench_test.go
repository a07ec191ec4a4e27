package manifest

import (
	"os"
	"testing"
)

func BenchmarkCheck(b *testing.B) {
	data, err := os.ReadFile("testdata/validate/good.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ds := Check("good.yaml", data); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}

func BenchmarkAddCommand(b *testing.B) {
	data, err := os.ReadFile("testdata/validate/good.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ed, err := NewEditor("good.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ed.AddCommand(SlashCommand{Command: "/bench", URL: "https://x.example.com/slack/events", Description: "d"}); err != nil {
			b.Fatal(err)
		}
	}
}
