package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseStatus(t *testing.T) {
	data := []byte("Name:\tapp\nVmPeak:\t  900000 kB\nVmHWM:\t   12000 kB\nVmRSS:\t   10000 kB\nThreads:\t5\n")
	rss, hwm, err := parseStatus(data)
	if err != nil {
		t.Fatal(err)
	}
	if rss != 10000*1024 || hwm != 12000*1024 {
		t.Errorf("rss, hwm = %d, %d", rss, hwm)
	}
	if _, _, err := parseStatus([]byte("Name:\tx\n")); err == nil {
		t.Error("want an error without VmRSS")
	}
}

func TestParseStatusSelf(t *testing.T) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc:", err)
	}
	rss, hwm, err := parseStatus(data)
	if err != nil || rss <= 0 || hwm < rss {
		t.Errorf("parseStatus(/proc/self/status) = %d, %d, %v", rss, hwm, err)
	}
}

func TestParseStatCPU(t *testing.T) {
	line := []byte("4242 (my app (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 7 0 1000 1000000 2000 18446744073709551615\n")
	got, err := parseStatCPU(line)
	if err != nil {
		t.Fatal(err)
	}
	if got != 3*time.Second {
		t.Errorf("parseStatCPU = %v, want 3s (300 ticks)", got)
	}
	if _, err := parseStatCPU([]byte("garbage")); err == nil {
		t.Error("want an error for a malformed line")
	}
}

func TestLogStatsCountsLevelsAndRetriesDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	log := `{"time":"t","level":"INFO","msg":"listening"}
{"time":"t","level":"INFO","msg":"dropped a retried event already accepted","event_id":"Ev1"}
{"time":"t","level":"WARN","msg":"worker pool full"}
{"time":"t","level":"WARN","msg":"event de-duplication is forgetting event ids before their TTL…","kept_for":"1s"}
not json at all
`
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &server{logPath: path}
	lines, levels, samples, err := s.logStats()
	if err != nil {
		t.Fatal(err)
	}
	if lines != 5 || levels["INFO"] != 2 || levels["WARN"] != 1 || levels["other"] != 1 || levels[droppedRetry] != 1 || levels[dedupeWindow] != 1 {
		t.Errorf("lines %d, levels %v", lines, levels)
	}
	if len(samples) != 2 {
		t.Errorf("samples %q: want the warning and the unparsed line", samples)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Errorf("the log was not emptied: %v %v", fi, err)
	}
}
