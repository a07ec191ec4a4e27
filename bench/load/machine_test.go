package main

import "testing"

func TestParseCPUInfo(t *testing.T) {
	data := []byte("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n")
	n, model := parseCPUInfo(data)
	if n != 2 || model != "AMD EPYC 7B13" {
		t.Errorf("parseCPUInfo = %d, %q", n, model)
	}
}

func TestParseMemTotal(t *testing.T) {
	if got := parseMemTotal([]byte("MemTotal:       24684000 kB\nMemFree: 1 kB\n")); got != 24684000*1024 {
		t.Errorf("parseMemTotal = %d", got)
	}
	if got := parseMemTotal([]byte("nothing\n")); got != 0 {
		t.Errorf("parseMemTotal without MemTotal = %d", got)
	}
}
