package sim

import (
	"context"
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

// TestFaultsIndependent checks that the faulted ids fall evenly on every class,
// deterministically.
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
		for _, k := range []string{"class " + c.Expected()} {
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
