package sim

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// checkLimited checks a 429 of the rate limit: Retry-After in whole seconds within 1..maxRetry,
// and the RateLimit headers of a bucket of size tokens.
func checkLimited(t *testing.T, resp *http.Response, body []byte, size int, maxRetry int64) int64 {
	t.Helper()
	h := resp.Header
	secs, err := strconv.ParseInt(h.Get("Retry-After"), 10, 64)
	if err != nil || secs < 1 || secs > maxRetry {
		t.Errorf("Retry-After %q, want whole seconds within 1-%d", h.Get("Retry-After"), maxRetry)
	}
	if h.Get("RateLimit-Limit") != strconv.Itoa(size) || h.Get("RateLimit-Remaining") != "0" || h.Get("RateLimit-Reset") != h.Get("Retry-After") {
		t.Errorf("RateLimit-Limit %q -Remaining %q -Reset %q, want %d, 0 and the Retry-After", h.Get("RateLimit-Limit"),
			h.Get("RateLimit-Remaining"), h.Get("RateLimit-Reset"), size)
	}
	decodeMessage(t, body, "TOO MANY REQUESTS")
	return secs
}

// TestRateLimit sends a burst beyond the bucket, one request after the other. The machine's
// speed decides how many tokens flow in meanwhile, so the bounds take the elapsed time in.
func TestRateLimit(t *testing.T) {
	tests := []struct {
		name     string
		rate     float64
		burst    int
		size     int   // the bucket's size
		maxRetry int64 // the longest Retry-After: one token's time, rounded up
	}{
		{"default burst: one second's worth", 3, 0, 3, 1},
		{"default burst of a fractional rate rounds up", 2.5, 0, 3, 1},
		{"burst above the rate", 2, 6, 6, 1},
		{"slow rate: Retry-After rounds up", 0.4, 1, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := setup(t, Options{RateLimit: tt.rate, RateBurst: tt.burst})
			n := tt.size + 6
			var ok, limited int
			start := time.Now()
			for i := range n {
				id := ID(CasePass, i)
				resp, body, err := get(t.Context(), t, http.DefaultClient, srv, id, "x")
				if err != nil {
					t.Fatal(err)
				}
				wantAttempts := 1
				switch resp.StatusCode {
				case 200:
					ok++
				case 429:
					limited++
					checkLimited(t, resp, body, tt.size, tt.maxRetry)
					wantAttempts = 0 // the limit answers before the id counts
				default:
					t.Fatalf("status %d", resp.StatusCode)
				}
				if got := srv.RequestsFor(id); got != wantAttempts {
					t.Errorf("%s: RequestsFor %d after a %d, want %d", id, got, resp.StatusCode, wantAttempts)
				}
			}
			// The bucket starts full and refills at rate: the first size requests pass, and
			// at most what flowed in meanwhile (one more for rounding) beyond them.
			most := tt.size + int(tt.rate*time.Since(start).Seconds()) + 1
			if ok < tt.size || ok > most {
				t.Errorf("%d of %d passed, want %d-%d", ok, n, tt.size, most)
			}
			if srv.Limited() != int64(limited) || srv.Requests() != int64(n) {
				t.Errorf("Limited %d Requests %d, want %d %d", srv.Limited(), srv.Requests(), limited, n)
			}
		})
	}
}

// TestRateLimitRefill shows what the limit refuses and when it takes requests again. A token
// takes 2 s to flow in, far longer than a few requests on loopback take even on a busy machine.
func TestRateLimitRefill(t *testing.T) {
	srv := setup(t, Options{Token: testToken, RateLimit: 0.5, RateBurst: 2})
	status := func(id, token string) (int, int64) {
		t.Helper()
		// Bounded: should the machine stall for a token's time, the hanging id would hang.
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		resp, body, err := get(ctx, t, http.DefaultClient, srv, id, token)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == 429 {
			return 429, checkLimited(t, resp, body, 2, 2)
		}
		return resp.StatusCode, 0
	}
	for range 5 {
		if code, _ := status(ID(CasePass, 0), "wrong"); code != 401 {
			t.Fatalf("bad token: %d, want 401", code)
		}
	}
	// The bucket is still full: refused requests take no token.
	for i := range 2 {
		if code, _ := status(ID(CasePass, i), testToken); code != 200 {
			t.Fatalf("request %d of a full bucket: %d", i+1, code)
		}
	}
	// Empty now: the limit answers before any case logic, so a hanging id gets its 429 at
	// once, and no case counts the attempt.
	var wait int64
	for _, c := range []Case{CaseHang, CaseUnauthorized, CaseFlaky} {
		var code int
		code, wait = status(ID(c, 1), testToken)
		if code != 429 || srv.RequestsFor(ID(c, 1)) != 0 {
			t.Fatalf("%s with an empty bucket: %d, %d attempts; want 429 and none", c, code, srv.RequestsFor(ID(c, 1)))
		}
	}
	if srv.Limited() != 3 || srv.Unauthorized() != 5 {
		t.Errorf("Limited %d Unauthorized %d, want 3 and 5", srv.Limited(), srv.Unauthorized())
	}
	time.Sleep(time.Duration(wait) * time.Second)
	// After Retry-After a token is there, and the flaky id starts its faults from the first.
	if code, _ := status(ID(CaseFlaky, 1), testToken); code != 500 || srv.RequestsFor(ID(CaseFlaky, 1)) != 1 {
		t.Errorf("after Retry-After: %d with %d attempts, want the flaky id's first 500", code, srv.RequestsFor(ID(CaseFlaky, 1)))
	}
	srv.Reset()
	if srv.Limited() != 0 {
		t.Errorf("Limited %d after Reset", srv.Limited())
	}
	for i := range 2 {
		if code, _ := status(ID(CasePass, i), testToken); code != 200 {
			t.Errorf("request %d after Reset: %d, want a full bucket", i+1, code)
		}
	}
}

// TestRateLimitConcurrent hits the limit from many goroutines at once (run it with -race).
func TestRateLimitConcurrent(t *testing.T) {
	const rate, size, workers, each = 100, 10, 8, 30
	srv := setup(t, Options{RateLimit: rate, RateBurst: size})
	var mu sync.Mutex
	codes := map[int]int{}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				resp, _, err := get(t.Context(), t, http.DefaultClient, srv, ID(CasePass, w*each+i), "x")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				codes[resp.StatusCode]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	most := size + int(rate*time.Since(start).Seconds()) + 1
	if ok := codes[200]; ok < size || ok > most || codes[200]+codes[429] != workers*each {
		t.Errorf("codes %v, want %d-%d 200s and the rest 429", codes, size, most)
	}
	if srv.Limited() != int64(codes[429]) {
		t.Errorf("Limited %d, %d 429s sent", srv.Limited(), codes[429])
	}
}

func TestFaultRate(t *testing.T) {
	ids := make([]string, 300)
	for i := range ids {
		ids[i] = ID(CasePass, i)
	}
	tests := []struct {
		name         string
		rate         float64
		status, want int
	}{
		{"none", 0, 0, 0},
		{"30%, default status", 0.3, 0, 500},
		{"10% as 503", 0.1, 503, 503},
		{"every id, as 502", 1, 502, 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := setup(t, Options{FaultRate: tt.rate, FaultStatus: tt.status})
			faults := 0
			for _, id := range ids {
				for try := 1; try <= 2; try++ {
					resp, body, err := get(t.Context(), t, http.DefaultClient, srv, id, "x")
					if err != nil {
						t.Fatal(err)
					}
					want := 200
					if try == 1 && faulty(id, tt.rate) {
						want = tt.want
						if string(body) != string(cannedFor(want).body) {
							t.Errorf("%s: fault body %.100s", id, body)
						}
						faults++
					}
					if resp.StatusCode != want {
						t.Fatalf("%s attempt %d: %d, want %d", id, try, resp.StatusCode, want)
					}
				}
			}
			if share := float64(faults) / float64(len(ids)); math.Abs(share-tt.rate) > 0.08 {
				t.Errorf("%d of %d ids faulted, want about %.0f%%", faults, len(ids), 100*tt.rate)
			}
		})
	}
}

// TestFaultComesFirst: a faulted id answers the fault, then everything its case answers.
func TestFaultComesFirst(t *testing.T) {
	srv := setup(t, Options{FaultRate: 0.5, FaultStatus: 503})
	tests := []struct {
		c     Case
		codes []int
	}{
		{CasePass, []int{503, 200}},
		{CaseFlaky, []int{503, 500, 500, 200}},
		{CaseRateLimited, []int{503, 429, 200}},
		{CaseNotFound, []int{503, 404, 404}},
	}
	for _, tt := range tests {
		t.Run(string(tt.c), func(t *testing.T) {
			n := 0
			for !faulty(ID(tt.c, n), 0.5) {
				n++
			}
			id := ID(tt.c, n)
			codes := func() []int {
				var got []int
				for range tt.codes {
					resp, _, err := get(t.Context(), t, http.DefaultClient, srv, id, "x")
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, resp.StatusCode)
				}
				return got
			}
			if got := codes(); !slices.Equal(got, tt.codes) {
				t.Errorf("codes %v, want %v", got, tt.codes)
			}
			srv.Reset()
			if got := codes(); !slices.Equal(got, tt.codes) {
				t.Errorf("after Reset: codes %v, want %v", got, tt.codes)
			}
		})
	}
}

// TestFaultsIndependent checks that the faulted ids fall evenly on every class and on the
// sessions that settle overnight, deterministically.
func TestFaultsIndependent(t *testing.T) {
	const rate = 0.2
	r := &rng{s: 3}
	type tally struct{ ids, faults int }
	groups := map[string]*tally{}
	for range 40000 {
		id := uuidLike(r)
		f := faulty(id, rate)
		if f != faulty(id, rate) {
			t.Fatalf("faulty(%q) is not deterministic", id)
		}
		c := CaseOf(id)
		keys := []string{"class " + string(c.Expected())}
		if c.Expected() == "IN PROGRESS" {
			keys = append(keys, fmt.Sprint("settled on night 1: ", CaseOnNight(id, 1) != c))
		}
		for _, k := range keys {
			if groups[k] == nil {
				groups[k] = &tally{}
			}
			groups[k].ids++
			if f {
				groups[k].faults++
			}
		}
	}
	for k, g := range groups {
		// About 3 standard deviations for the smallest groups (a few thousand ids).
		if share := float64(g.faults) / float64(g.ids); math.Abs(share-rate) > 0.03 {
			t.Errorf("%s: %d of %d faulted (%.3f), want about %.2f", k, g.faults, g.ids, share, rate)
		}
	}
}

func TestCaseOnNight(t *testing.T) {
	r := &rng{s: 5}
	ids := make([]string, 20000)
	for i := range ids {
		ids[i] = uuidLike(r)
		if i%4 == 0 {
			ids[i] = ID([]Case{CasePending, CaseReview, CaseInProgress, CasePass, CaseFail, CaseFlaky, CaseNotFound}[i/4%7], i)
		}
	}
	open := 0
	for _, id := range ids {
		if CaseOf(id).Expected() == "IN PROGRESS" {
			open++
		}
	}
	for night := 1; night <= 4; night++ {
		settled, passed := 0, 0
		for _, id := range ids {
			c, before, now := CaseOf(id), CaseOnNight(id, night-1), CaseOnNight(id, night)
			if now != CaseOnNight(id, night) {
				t.Fatalf("CaseOnNight(%q, %d) is not deterministic", id, night)
			}
			switch {
			case c.Expected() != "IN PROGRESS":
				if now != c {
					t.Fatalf("%q (%s) plays %s on night %d: only sessions in progress move", id, c, now, night)
				}
			case before != c && now != before:
				t.Fatalf("%q settled as %s, then plays %s on night %d", id, before, now, night)
			case now != c:
				if now != CasePass && now != CaseFail {
					t.Fatalf("%q settled as %s", id, now)
				}
				settled++
				if now == CasePass {
					passed++
				}
			}
		}
		// Half of the sessions still open settle each night.
		want := 1 - math.Pow(0.5, float64(night))
		if share := float64(settled) / float64(open); math.Abs(share-want) > 0.03 {
			t.Errorf("night %d: %d of %d settled (%.3f), want about %.3f", night, settled, open, share, want)
		}
		if share := float64(passed) / float64(settled); math.Abs(share-0.7) > 0.04 {
			t.Errorf("night %d: %d of %d settled as PASS (%.3f), want about 0.7", night, passed, settled, share)
		}
	}
	for _, id := range ids[:100] {
		if CaseOnNight(id, 0) != CaseOf(id) || CaseOnNight(id, -1) != CaseOf(id) {
			t.Errorf("%q moves before night 1", id)
		}
	}
}

// TestNight asks a fixed set of ids on night 0 and night 1, twice each from a fresh server:
// the answers differ exactly for a part of the ids in progress, which now answer a final 200.
func TestNight(t *testing.T) {
	r := &rng{s: 11}
	var ids []string
	for i := range 300 {
		ids = append(ids, uuidLike(r))
		if i < 15 {
			for _, c := range []Case{CasePending, CaseReview, CaseInProgress, CasePass, CaseFail, CaseNotFound} {
				ids = append(ids, ID(c, i))
			}
		}
	}
	answers := func(night int) map[string]string {
		srv := setup(t, Options{Night: night})
		m := map[string]string{}
		for _, id := range ids {
			resp, body, err := get(t.Context(), t, http.DefaultClient, srv, id, "x")
			if err != nil {
				t.Fatal(err)
			}
			m[id] = fmt.Sprintf("%d %s", resp.StatusCode, body)
		}
		return m
	}
	night0, night1 := answers(0), answers(1)
	if again := answers(0); fmt.Sprint(again) != fmt.Sprint(night0) {
		t.Error("night 0 is not deterministic")
	}
	if again := answers(1); fmt.Sprint(again) != fmt.Sprint(night1) {
		t.Error("night 1 is not deterministic")
	}
	open, moved := 0, 0
	for _, id := range ids {
		c := CaseOf(id)
		if c.Expected() == "IN PROGRESS" {
			open++
		}
		if night0[id] == night1[id] {
			if CaseOnNight(id, 1) != c {
				t.Errorf("%q (%s) should have settled as %s", id, c, CaseOnNight(id, 1))
			}
			continue
		}
		moved++
		if c.Expected() != "IN PROGRESS" {
			t.Errorf("%q (%s) answers differently on night 1: only sessions in progress move", id, c)
			continue
		}
		want := "200 " + string(appendSession(nil, id, CaseOnNight(id, 1)))
		if night1[id] != want {
			t.Errorf("%q on night 1: %.200s, want %.200s", id, night1[id], want)
		}
		if s := decodeSession(t, []byte(night1[id][4:])); s.RequestID != id || s.Status != "PASS" && s.Status != "FAIL" {
			t.Errorf("%q on night 1: status %q request_id %q", id, s.Status, s.RequestID)
		}
	}
	if share := float64(moved) / float64(open); share < 0.35 || share > 0.65 {
		t.Errorf("%d of %d ids in progress moved on night 1, want about half", moved, open)
	}
}
