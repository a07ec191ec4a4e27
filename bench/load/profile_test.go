package main

import "testing"

func TestParsePprofTop(t *testing.T) {
	out := []byte(`File: slackapp.test
Type: cpu
Showing nodes accounting for 2.50s, 83.33% of 3s total
      flat  flat%   sum%        cum   cum%
     1.20s 40.00% 40.00%      1.20s 40.00%  crypto/sha256.block
     0.30s 10.00% 50.00%      2.10s 70.00%  github.com/slackgen/slackgen/runtime/slackapp.(*endpoint).ServeHTTP
         0     0% 50.00%      0.90s 30.00%  runtime.mallocgc (inline)
`)
	rows := parsePprofTop(out)
	if len(rows) != 3 {
		t.Fatalf("rows = %+v", rows)
	}
	if rows[0] != (profileLine{40, 40, "crypto/sha256.block"}) {
		t.Errorf("row 0 = %+v", rows[0])
	}
	if rows[1].Func != "github.com/slackgen/slackgen/runtime/slackapp.(*endpoint).ServeHTTP" || rows[1].CumPct != 70 {
		t.Errorf("row 1 = %+v", rows[1])
	}
	if rows[2].Func != "runtime.mallocgc (inline)" || rows[2].FlatPct != 0 {
		t.Errorf("row 2 = %+v", rows[2])
	}
}
