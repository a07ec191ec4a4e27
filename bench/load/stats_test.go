package main

import (
	"strconv"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		in   []float64
		want spread
	}{
		{nil, spread{}},
		{[]float64{5}, spread{5, 5, 5, 1}},
		{[]float64{3, 1, 2}, spread{2, 1, 3, 3}},
		{[]float64{4, 1, 3, 2}, spread{2.5, 1, 4, 4}},
	}
	for _, tt := range tests {
		if got := summarize(tt.in); got != tt.want {
			t.Errorf("summarize(%v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestSpreadFormat(t *testing.T) {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }
	tests := []struct {
		s    spread
		want string
	}{
		{spread{}, "—"},
		{spread{7, 7, 7, 3}, "7"},
		{spread{2, 1, 3, 3}, "2 (1–3)"},
	}
	for _, tt := range tests {
		if got := tt.s.format(f); got != tt.want {
			t.Errorf("%+v.format = %q, want %q", tt.s, got, tt.want)
		}
	}
}
