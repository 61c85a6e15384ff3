package sim

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var idChars = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

func TestIDRoundTrip(t *testing.T) {
	for _, c := range Cases() {
		for _, n := range []int{0, 1, 42, 999999, 1234567} {
			id := ID(c, n)
			if !idChars.MatchString(id) || !validID(id) {
				t.Errorf("ID(%s, %d) = %q: not a valid id", c, n, id)
			}
			if got := CaseOf(id); got != c {
				t.Errorf("CaseOf(%q) = %s, want %s", id, got, c)
			}
		}
	}
	if got := ID(CaseFlaky, 42); got != "sim-flaky-000042" {
		t.Errorf("ID(CaseFlaky, 42) = %q", got)
	}
	if CaseOf("sim-pass") != CasePass || CaseOf("sim-hang-anything.else") != CaseHang {
		t.Error("sim-CASE forms not recognised")
	}
}

// forbiddenInMix are the cases the default mix and DemoIDs must never produce.
var forbiddenInMix = []Case{CaseHang, CaseStall, CaseClose, CaseShortBody, CaseHuge, CaseUnauthorized, CaseForbidden, CaseHostile, CaseSlow,
	CaseBigDetail, CaseManyIssues, CaseManyStops, CaseRedirect, CaseEcho}

// largeCases are the cases with 7-8 MB bodies, tested on their own (TestLargeBodies).
var largeCases = []Case{CaseBigDetail, CaseManyIssues, CaseManyStops}

func TestDefaultMix(t *testing.T) {
	const n = 20000
	r := &rng{s: 1}
	counts := map[Case]int{}
	for range n {
		id := uuidLike(r)
		c := CaseOf(id)
		if c != CaseOf(id) {
			t.Fatalf("CaseOf(%q) is not deterministic", id)
		}
		counts[c]++
	}
	// "sim-" ids naming no case fall into the mix too.
	if c := CaseOf("sim-nosuchcase-1"); slices.Contains(forbiddenInMix, c) {
		t.Errorf("unknown case name got %s", c)
	}
	share := func(cs ...Case) float64 {
		total := 0
		for _, c := range cs {
			total += counts[c]
		}
		return float64(total) / n
	}
	tests := []struct {
		name     string
		cases    []Case
		min, max float64
	}{
		{"pass", []Case{CasePass, CaseNoJourney, CaseMsDuration, CaseNoPlus}, 0.57, 0.63},
		{"fail", []Case{CaseFail}, 0.18, 0.22},
		{"pending or review", []Case{CasePending, CaseReview}, 0.04, 0.06},
		{"202", []Case{CaseInProgress}, 0.04, 0.06},
		{"404", []Case{CaseNotFound}, 0.04, 0.06},
		{"faults", []Case{CaseFlaky, CaseBadJSON, CaseServerError}, 0.04, 0.06},
		{"never", forbiddenInMix, 0, 0},
		{"429: from Options.RateLimit, never from the id", []Case{CaseRateLimited, CaseRetryAfterDate}, 0, 0},
	}
	for _, tt := range tests {
		if got := share(tt.cases...); got < tt.min || got > tt.max {
			t.Errorf("%s: share %.3f, want %.2f-%.2f", tt.name, got, tt.min, tt.max)
		}
	}
	for _, c := range []Case{CaseNoJourney, CaseMsDuration, CaseNoPlus, CasePending, CaseReview, CaseFlaky, CaseBadJSON, CaseServerError} {
		if counts[c] == 0 {
			t.Errorf("the mix never gives %s", c)
		}
	}
}

func TestDemoIDs(t *testing.T) {
	must := []Case{CasePass, CaseFail, CasePending, CaseReview, CaseInProgress, CaseNotFound, CaseNoJourney,
		CaseMsDuration, CaseNoPlus, CaseServerError, CaseFlaky, CaseRateLimited, CaseBadJSON, CaseMismatch,
		CaseBadStatus, CaseHostile}
	for _, n := range []int{len(demoCases), 21, 500, 2000} {
		ids := DemoIDs(n)
		if len(ids) != n {
			t.Fatalf("DemoIDs(%d) gave %d ids", n, len(ids))
		}
		if !slices.Equal(ids, DemoIDs(n)) {
			t.Errorf("DemoIDs(%d) is not deterministic", n)
		}
		seen := map[string]bool{}
		cases := map[Case]bool{}
		for _, id := range ids {
			if seen[id] || !validID(id) {
				t.Errorf("DemoIDs(%d): %q repeated or invalid", n, id)
			}
			seen[id] = true
			c := CaseOf(id)
			cases[c] = true
			if slices.Contains(forbiddenInMix[:7], c) || slices.Contains(forbiddenInMix[9:], c) {
				t.Errorf("DemoIDs(%d) holds %q (%s)", n, id, c)
			}
		}
		for _, c := range must {
			if !cases[c] {
				t.Errorf("DemoIDs(%d) has no %s", n, c)
			}
		}
	}
	if got := DemoIDs(1); len(got) != 1 || CaseOf(got[0]) != CasePass {
		t.Errorf("DemoIDs(1) = %v", got)
	}
	if got := DemoIDs(0); len(got) != 0 {
		t.Errorf("DemoIDs(0) = %v", got)
	}
}

// TestBodies renders many bodies without a server: each is deterministic, valid and
// consistent (stops, durations, statuses), and together they show the documented variety.
func TestBodies(t *testing.T) {
	r := &rng{s: 7}
	variety := map[string]bool{}
	for i := range 3000 {
		id := uuidLike(r)
		if i%10 == 0 {
			id = ID(Cases()[i/10%len(Cases())], i)
		}
		c := CaseOf(id)
		if slices.Contains(largeCases, c) {
			continue // 8 MB each: TestLargeBodies
		}
		b := SessionBody(id)
		if string(b) != string(SessionBody(id)) {
			t.Fatalf("SessionBody(%q) is not deterministic", id)
		}
		switch {
		case b == nil:
			continue
		case c == CaseBadJSON || c == CaseTruncated:
			if json.Valid(b) {
				t.Errorf("%s body is valid JSON", c)
			}
			continue
		}
		s := decodeSession(t, b)
		if s.Plus != nil {
			variety["service "+s.Plus.Service] = true
			variety["action "+s.Plus.Action+" status "+s.Status] = true
			for _, is := range s.Plus.Issues {
				variety["issue "+is] = true
			}
		}
		if s.Journey != nil {
			variety["stops "+string(rune('0'+len(s.Journey.Stops)))] = true
			if m := durationText.FindStringSubmatch(string(s.Journey.Duration)); m != nil && len(m[1]) >= 2 && m[1] >= "24" {
				variety["duration over a day"] = true
			}
		}
	}
	want := []string{"action FAIL status PENDING", "action PENDING status PENDING", "action REVIEW status REVIEW",
		"duration over a day", "stops 1", "stops 4", "issue VOIP NOT ALLOWED", "issue POSSIBLE MINOR", "issue OUT-OF-BAND SUCCESSFUL"}
	for _, s := range services {
		want = append(want, "service "+s)
	}
	for _, w := range want {
		if !variety[w] {
			t.Errorf("no body with %s", w)
		}
	}
}

func TestAppendDuration(t *testing.T) {
	for _, tt := range []struct {
		secs int
		want string
	}{{0, "00h 00m 00s"}, {32, "00h 00m 32s"}, {74, "00h 01m 14s"}, {26*3600 + 3*60 + 10, "26h 03m 10s"}, {123 * 3600, "123h 00m 00s"}} {
		if got := string(appendDuration(nil, durationOf(tt.secs))); got != tt.want {
			t.Errorf("%ds: %q, want %q", tt.secs, got, tt.want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", hostileControl, hostileFirst, hostileReference, `\"`, "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("appendString is only given valid UTF-8")
		}
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil || got != s {
			t.Fatalf("appendString(%q) = %s: %v", s, b, err)
		}
		if strings.ContainsFunc(string(b), func(r rune) bool { return r < 0x20 }) {
			t.Fatalf("raw control character in %q", b)
		}
	})
}

func durationOf(secs int) time.Duration { return time.Duration(secs) * time.Second }
