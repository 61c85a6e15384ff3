package report

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxMillis is the largest millisecond count that still fits a time.Duration.
const maxMillis = math.MaxInt64 / int64(time.Millisecond)

// ParseDuration reads a raw journey.duration value. The API has sent it both as text
// ("00h 00m 32s", hours may pass 23) and as integer milliseconds (21000), so both are taken,
// along with the forms a careful reader would expect from the same vendor:
//
//   - a JSON string with h/m/s components in descending order or not, with or without
//     spaces, in any case: "00h 00m 32s", "26h 03m 10s", "1h 2m", "32s", "1.5s", "250ms";
//     the long words hr, hour(s), min, minute(s), sec, second(s) are accepted too;
//   - a JSON string h:mm:ss ("00:01:14", minutes and seconds below 60);
//   - a JSON number or numeric string: milliseconds ("21000" and 21000 are 21s).
//
// It reports false for an absent or null value, anything unreadable, a negative duration
// and one too long for a time.Duration; the caller then falls back to the stop times.
func ParseDuration(raw []byte) (time.Duration, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false
	}
	if raw[0] == '"' {
		if s, ok := plainJSONString(raw); ok {
			return parseDurationText(s) // the common case, without encoding/json
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false
		}
		return parseDurationText(s)
	}
	return parseMillis(string(raw))
}

// plainJSONString returns the text of a JSON string made of printable ASCII without escapes,
// which is the text between its quotes; any other value reports false.
func plainJSONString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	for _, c := range raw[1 : len(raw)-1] {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return "", false
		}
	}
	return string(raw[1 : len(raw)-1]), true
}

// parseDurationText reads the text forms of ParseDuration.
func parseDurationText(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return 0, false
	case isDigit(s[0]) && strings.IndexFunc(s, func(r rune) bool { return !isNumberRune(r) }) < 0:
		return parseMillis(s)
	case strings.Contains(s, ":"):
		return parseClock(s)
	}
	return parseUnits(s)
}

// parseMillis reads a non-negative decimal number of milliseconds ("21000", "21000.5",
// "2.1e4"). A sign is refused: a negative duration is as wrong as an unreadable one.
func parseMillis(s string) (time.Duration, bool) {
	if s == "" || !isDigit(s[0]) {
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > maxMillis {
			return 0, false
		}
		return time.Duration(n) * time.Millisecond, true
	}
	if strings.IndexFunc(s, func(r rune) bool { return !isNumberRune(r) }) >= 0 {
		return 0, false // keep ParseFloat away from "inf", "0x1p3" and friends
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f >= float64(maxMillis) {
		return 0, false
	}
	return time.Duration(math.Round(f * float64(time.Millisecond))), true
}

// parseClock reads h:mm:ss, each part possibly padded with spaces, seconds possibly with a
// fraction.
func parseClock(s string) (time.Duration, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, false
	}
	h, m, sec := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1]), strings.TrimSpace(parts[2])
	if !allDigits(h) || !allDigits(m) || !isDecimal(sec) {
		return 0, false
	}
	if mv, err := strconv.Atoi(m); err != nil || mv >= 60 {
		return 0, false
	}
	if sv, err := strconv.ParseFloat(sec, 64); err != nil || sv >= 60 {
		return 0, false
	}
	d, err := time.ParseDuration(h + "h" + m + "m" + sec + "s")
	if err != nil || d < 0 {
		return 0, false
	}
	return d, true
}

// units maps the unit words accepted in duration text to time.ParseDuration's units.
var units = map[string]string{
	"h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
	"m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
	"s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
	"ms": "ms",
}

// parseUnits reads a sequence of number+unit components ("00h 00m 32s", "1h2m"), spaces
// allowed between a number and its unit and between components.
func parseUnits(s string) (time.Duration, bool) {
	var total time.Duration
	n := 0
	for i := 0; ; n++ {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i == len(s) {
			break
		}
		start := i
		for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
			i++
		}
		num := s[start:i]
		if !isDecimal(num) {
			return 0, false
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
		start = i
		for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
			i++
		}
		unit, ok := units[s[start:i]]
		if !ok {
			return 0, false
		}
		d, err := time.ParseDuration(num + unit)
		if err != nil || d < 0 || total > math.MaxInt64-d {
			return 0, false
		}
		total += d
	}
	if n == 0 {
		return 0, false
	}
	return total, true
}

// stopLayouts are the stop timestamp forms ParseStopTime tries, most likely first. Go's
// parser takes a fractional second after the seconds even when a layout shows none.
var stopLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	time.RFC3339,
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05 -0700",
}

// ParseStopTime reads a journey stop timestamp. The API sends "2024-08-19 20:56:25.223174"
// with no zone, which is taken as UTC; the same with a "T", without the fraction, or RFC 3339
// with a zone (converted to UTC) is accepted too. It reports false for anything else.
func ParseStopTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < len("2006-01-02 15:04:05") || len(s) > 64 {
		return time.Time{}, false
	}
	for _, layout := range stopLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			// A stop dated 0001 or 9999 is a placeholder, not a time: it would turn the
			// duration statistics into nonsense, so it counts as unreadable.
			if y := t.Year(); y < minStopYear || y > maxStopYear {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// The years a journey stop can plausibly carry.
const minStopYear, maxStopYear = 2000, 2199

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isNumberRune reports whether r may appear in a plain decimal number with an exponent.
func isNumberRune(r rune) bool {
	return (r >= '0' && r <= '9') || r == '.' || r == 'e' || r == 'E' || r == '+' || r == '-'
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// isDecimal reports whether s is digits with at most one inner or trailing fraction ("14",
// "14.5"), the shape time.ParseDuration takes.
func isDecimal(s string) bool {
	whole, frac, found := strings.Cut(s, ".")
	if !allDigits(whole) {
		return false
	}
	return !found || frac == "" || allDigits(frac)
}
