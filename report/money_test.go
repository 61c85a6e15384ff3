package report

import (
	"math"
	"testing"
)

func TestCentsOf(t *testing.T) {
	tests := []struct {
		in   float64
		want Cents
	}{
		{0, 0},
		{10, 1000},
		{2.345, 235}, // the float is a hair below 2.345: rounding its text, not a*100
		{-2.345, -235},
		{1.005, 101},
		{0.005, 1},
		{-0.005, -1},
		{0.0049, 0},
		{0.1 + 0.2, 30}, // 0.30000000000000004
		{123456789.125, 12345678913},
		{99.994999, 9999},
		{1e15, 1e17},
		{1e17, 1e18 - 1}, // held at ±(10^16 - 0.01)
		{-1e300, -(1e18 - 1)},
		{math.NaN(), 0},
		{math.Inf(1), 0},
		{5e-324, 0},
	}
	for _, tt := range tests {
		if got := CentsOf(tt.in); got != tt.want {
			t.Errorf("CentsOf(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCentsString(t *testing.T) {
	tests := []struct {
		in   Cents
		want string
	}{
		{0, "0.00"}, {5, "0.05"}, {-5, "-0.05"}, {123450, "1234.50"}, {-100, "-1.00"},
		{math.MaxInt64, "92233720368547758.07"}, {math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Cents(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
	}
	if got := Cents(4433).Units(); got != 44.33 {
		t.Errorf("Units = %v, want 44.33", got)
	}
}

func TestCentsAddSaturates(t *testing.T) {
	tests := []struct{ a, b, want Cents }{
		{1, 2, 3},
		{math.MaxInt64, 1, math.MaxInt64},
		{math.MinInt64, -1, math.MinInt64},
		{math.MaxInt64, -1, math.MaxInt64 - 1},
	}
	for _, tt := range tests {
		if got := tt.a.add(tt.b); got != tt.want {
			t.Errorf("%d + %d = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
