package cli

import (
	"testing"
	"time"
)

// TestDatePlaceholders: {month} is the night's month and {lastmonth} the one before, across
// a year's end and from a month's last day (which AddDate alone would carry into the wrong
// month).
func TestDatePlaceholders(t *testing.T) {
	for _, tc := range []struct{ night, want string }{
		{"2026-12-06", "2026-12-06 2026-12-05 2026-12 2026-11"},
		{"2026-01-01", "2026-01-01 2025-12-31 2026-01 2025-12"},
		{"2026-03-31", "2026-03-31 2026-03-30 2026-03 2026-02"},
	} {
		now, _ := time.Parse(time.DateOnly, tc.night)
		if got := dateReplacer(now).Replace("{date} {yesterday} {month} {lastmonth}"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.night, got, tc.want)
		}
	}
}
