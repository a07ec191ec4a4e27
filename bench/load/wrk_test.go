package main

import "testing"

func TestParseWrk(t *testing.T) {
	out := []byte("Running 10s test @ http://127.0.0.1:1/slack/events\n  1 threads and 32 connections\n" +
		"BENCH requests=200000 duration_us=10000000 errors=0 non2xx=3 p50_us=1500 p99_us=4200\n")
	got, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	want := wrkResult{Requests: 200000, DurationUS: 10_000_000, Non2xx: 3, P50US: 1500, P99US: 4200}
	if got != want {
		t.Errorf("parseWrk = %+v, want %+v", got, want)
	}
	if got.RPS() != 20000 {
		t.Errorf("RPS = %v", got.RPS())
	}
	for _, bad := range []string{"no summary\n", "BENCH requests=1 duration_us=x errors=0 non2xx=0 p50_us=1 p99_us=1\n", "BENCH requests=1\n"} {
		if _, err := parseWrk([]byte(bad)); err == nil {
			t.Errorf("parseWrk(%q): want an error", bad)
		}
	}
}
