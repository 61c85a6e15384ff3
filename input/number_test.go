package input

import (
	"strconv"
	"testing"
)

func TestPlainNumber(t *testing.T) {
	tests := []struct {
		in    string
		point bool // a number with '.' only
		comma bool // a number when a decimal comma is allowed
	}{
		{"0", true, true},
		{"7", true, true},
		{"-7", true, true},
		{"-0", true, true},
		{"12345", true, true},
		{"0.5", true, true},
		{"-0.5", true, true},
		{"12.50", true, true},
		{"0.000123", true, true},
		{"123456789012345", true, true},      // 15 digits
		{"1234567890123456", false, false},   // 16
		{"12345678901234.5", true, true},     // 15 significant
		{"1234567890123.456", false, false},  // 16 significant
		{"0.000000000000000001", true, true}, // leading zeros of a fraction do not count
		{"0.1234567890123456", false, false}, // 16 significant
		{"1,5", false, true},
		{"-0,25", false, true},
		{"1,50", false, true},
		{"007", false, false},
		{"00", false, false},
		{"00.5", false, false},
		{"-007", false, false},
		{"", false, false},
		{"-", false, false},
		{".5", false, false},
		{"5.", false, false},
		{"5,", false, false},
		{"+5", false, false},
		{"1e5", false, false},
		{"1E+05", false, false},
		{"1,000", false, true}, // with ';' a decimal comma: 1.000
		{"1,000.50", false, false},
		{"1.000,50", false, false},
		{"1 000", false, false},
		{" 1", false, false},
		{"1 ", false, false},
		{"1.2.3", false, false},
		{"0x1F", false, false},
		{"Inf", false, false},
		{"NaN", false, false},
		{"١٢", false, false}, // other digits
		{"$5", false, false},
		{"5%", false, false},
		{"--5", false, false},
	}
	for _, tt := range tests {
		if got := plainNumber(tt.in, false); got != tt.point {
			t.Errorf("plainNumber(%q, false) = %v, want %v", tt.in, got, tt.point)
		}
		if got := plainNumber(tt.in, true); got != tt.comma {
			t.Errorf("plainNumber(%q, true) = %v, want %v", tt.in, got, tt.comma)
		}
		for _, comma := range []bool{false, true} {
			if text, ok := numberText(tt.in, comma); ok {
				if _, err := strconv.ParseFloat(text, 64); err != nil {
					t.Errorf("numberText(%q, %v) = %q: %v", tt.in, comma, text, err)
				}
			}
		}
	}
}

func TestNumberText(t *testing.T) {
	tests := []struct {
		in    string
		comma bool
		want  string
		ok    bool
	}{
		{"12", false, "12", true},
		{" 12\t", false, "12", true},
		{"1,5", true, "1.5", true},
		{" -0,25 ", true, "-0.25", true},
		{"1.5", true, "1.5", true},
		{"1,5", false, "1,5", false},
		{"", false, "", false},
		{"  ", false, "", false},
		{"abc", false, "abc", false},
	}
	for _, tt := range tests {
		if got, ok := numberText(tt.in, tt.comma); got != tt.want || ok != tt.ok {
			t.Errorf("numberText(%q, %v) = %q, %v; want %q, %v", tt.in, tt.comma, got, ok, tt.want, tt.ok)
		}
	}
}

func TestStoredID(t *testing.T) {
	tests := []struct{ in, id, reason string }{
		{"abc", "abc", ""},
		{" abc ", "abc", ""},
		{"12345678", "12345678", ""},
		{"007", "007", ""},
		{"123456789012345678", "123456789012345678", ""}, // text, or a number: cannot tell
		{"1.2345678E+7", "12345678", ""},
		{"1.2345678e+7", "12345678", ""},
		{"1.2345678e7", "1.2345678e7", ""}, // unsigned exponent: a text id
		{"12e45", "12e45", ""},
		{"12345678.0", "12345678", ""},
		{"-5.0", "-5", ""},
		{"999999999999999", "999999999999999", ""},
		{"9.99999999999999E+14", "999999999999999", ""},
		{"1E+15", "1E+15", "request id stored by Excel as a rounded number (1E+15): format the column as text"},
		{"1.23456789012345E+17", "1.23456789012345E+17", "request id stored by Excel as a rounded number (1.23457E+17): format the column as text"},
		{"1234567890123456.0", "1234567890123456.0", "request id stored by Excel as a rounded number (1.23457E+15): format the column as text"},
		{"123.5", "123.5", "request id stored by Excel as a number with a fraction (123.5): format the column as text"},
		{"1.5E-3", "1.5E-3", "request id stored by Excel as a number with a fraction (0.0015): format the column as text"},
		{"v1.5", "v1.5", ""},
		{"1.2.3", "1.2.3", ""},
		{"1e", "1e", ""},
		{"e5", "e5", ""},
		{"1E+400", "1E+400", ""}, // not a number Excel can hold: left to checkID ('+')
	}
	for _, tt := range tests {
		id, reason := storedID(tt.in)
		if id != tt.id || reason != tt.reason {
			t.Errorf("storedID(%q) = %q, %q; want %q, %q", tt.in, id, reason, tt.id, tt.reason)
		}
	}
}

func TestExcelExponent(t *testing.T) {
	for _, s := range []string{"1.23457E+17", "1E+15", "-2.5e-07", "1.2E-05"} {
		if _, ok := excelExponent(s); !ok {
			t.Errorf("excelExponent(%q) = false, want true", s)
		}
	}
	// Hex-like ids and ids that merely hold an E stay ids.
	for _, s := range []string{"1e5", "12E45", "abcE+1", "1E+", "E+5", "1.E+5", "19fe3b9e-384e-41d1", "1e-5x"} {
		if _, ok := excelExponent(s); ok {
			t.Errorf("excelExponent(%q) = true, want false", s)
		}
	}
}

func TestStoredAmount(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.5", "1.5"},
		{"0.30000000000000004", "0.3"},
		{"1E-3", "0.001"},
		{"1234.5", "1234.5"},
		{"-2", "-2"},
		{"1E+20", "100000000000000000000"},
		{"12 EUR", "12 EUR"},
		{"", ""},
		{"1,5", "1,5"},
	}
	for _, tt := range tests {
		if got := storedAmount(tt.in); got != tt.want {
			t.Errorf("storedAmount(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
