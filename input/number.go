package input

import (
	"math"
	"strconv"
	"strings"
)

// maxSignificant is the most significant digits a plain number may have: Excel keeps 15, so
// a longer run of digits (an account or card number, a long id) would lose its tail if it
// were written as a number, and stays text.
const maxSignificant = 15

// plainNumber reports whether s is a plain decimal number as the input's typed columns and
// amounts understand it: an optional minus, digits, and an optional fraction of at least one
// digit after '.' (or after ',' when comma is true, as in a CSV delimited by ';'). No leading
// zero except a lone "0" before the point (so "007" and ids with leading zeros stay text), at
// most maxSignificant significant digits, no exponent, no thousands separators, no plus sign,
// no spaces. Spaces around the number are the caller's business (see numberText).
func plainNumber(s string, comma bool) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intDigits := i - start
	if intDigits == 0 || (intDigits > 1 && s[start] == '0') {
		return false
	}
	sig := intDigits
	if s[start] == '0' {
		sig = 0 // "0.0012": the zeros before the 1 do not count
	}
	if i < len(s) {
		if c := s[i]; c != '.' && (c != ',' || !comma) {
			return false
		}
		i++
		fracStart := i
		for i < len(s) && isDigit(s[i]) {
			if sig > 0 || s[i] != '0' {
				sig++
			}
			i++
		}
		if i == fracStart || i < len(s) {
			return false
		}
	}
	return sig <= maxSignificant
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// numberText trims the spaces and tabs around a cell and, when it is a plain number, returns
// it in the form strconv.ParseFloat reads (a decimal comma turned into a point) with ok true.
// An empty cell is "" with ok false.
func numberText(s string, comma bool) (string, bool) {
	s = trimID(s)
	if !plainNumber(s, comma) {
		return s, false
	}
	if comma {
		if i := strings.IndexByte(s, ','); i >= 0 {
			s = s[:i] + "." + s[i+1:]
		}
	}
	return s, true
}

// storedNumber reads a cell of a workbook as Excel stored it ("0.30000000000000004",
// "1.2345678901234568E+17", "1234.5"). It reports whether s is a number literal (digits with
// an optional minus, fraction and exponent) and its value.
func storedNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	d := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == d {
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		d = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == d {
			return 0, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == d {
			return 0, false
		}
	}
	if i < len(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// shownNumber renders a number the way Excel's General format shows it in a default-width
// column, for messages: 6 significant digits, an exponent when large ("1.23457E+17").
func shownNumber(v float64) string {
	return strconv.FormatFloat(v, 'G', 6, 64)
}

// storedAmount turns the stored value of a workbook cell into the text of a plain number
// when it is a number literal: rounded to the 15 digits Excel shows, without exponent
// ("0.30000000000000004" reads "0.3", "1E-3" reads "0.001"). Other text is returned as is.
func storedAmount(s string) string {
	t := trimID(s)
	v, ok := storedNumber(t)
	if !ok {
		return s
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', maxSignificant, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// excelExponent reports whether id reads like a number Excel turned into its scientific
// display ("1.23457E+17", "1E-05"): digits, an optional fraction, E and a signed exponent.
// Such an id lost digits before it reached the input.
func excelExponent(id string) (float64, bool) {
	e := strings.IndexAny(id, "eE")
	if e < 0 || e+1 >= len(id) || (id[e+1] != '+' && id[e+1] != '-') {
		return 0, false
	}
	return storedNumber(id)
}

// storedID reads the request id of a workbook cell from the value Excel stored. A number
// literal with a point or a signed exponent holding a whole number below 10^15 is its digits
// ("1.2345678E+7" and "12345678.0" read "12345678"); one with a fraction, or a larger one,
// is a number whose digits Excel may already have rounded: reason says so. Plain digits are
// kept as they are: the streaming reader does not tell a text cell from a number cell, and
// "0123" or a 16-digit id in a text cell must stay as typed.
func storedID(s string) (id, reason string) {
	id = trimID(s)
	if !strings.ContainsAny(id, ".eE") {
		return id, ""
	}
	if e := strings.IndexAny(id, "eE"); e >= 0 && (e+1 == len(id) || (id[e+1] != '+' && id[e+1] != '-')) {
		// Excel and the usual writers sign their exponents: "12e45" is a hex-like id in a
		// text cell, not a number.
		return id, ""
	}
	v, ok := storedNumber(id)
	if !ok {
		return id, ""
	}
	switch {
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', 0, 64), ""
	case v != math.Trunc(v):
		return id, "request id stored by Excel as a number with a fraction (" + shownNumber(v) + "): format the column as text"
	default:
		return id, roundedReason(v)
	}
}

// roundedReason is the reason of an id Excel stored or showed as a rounded number.
func roundedReason(v float64) string {
	return "request id stored by Excel as a rounded number (" + shownNumber(v) + "): format the column as text"
}
