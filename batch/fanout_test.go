package batch

import (
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/vx"
	"github.com/vxrecon/vxrecon/vx/vxtest"

	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRunConcurrency: a server answering in random order with random delays; every index is
// delivered once with its own answer, and never more than Concurrency requests are in flight.
func TestRunConcurrency(t *testing.T) {
	for _, conc := range []int{1, 4, 16} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			srv := vxtest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
				id := vxtest.IDOf(r)
				if strings.HasSuffix(id, "7") {
					vxtest.WriteJSON(w, 404, []byte(vxtest.Body404))
					return
				}
				vxtest.WriteJSON(w, 200, vxtest.SessionBody(id, []string{"PASS", "FAIL", "REVIEW"}[id[len(id)-1]%3]))
			})
			cfg := clientConfig(srv.URL)
			cfg.Concurrency = conc
			ids := vxtest.MakeIDs(400)
			res, err := collect(t, context.Background(), newClient(t, cfg), ids, nil)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			for i, r := range res {
				id := ids[i]
				want := []recon.Class{recon.Pass, recon.Fail, recon.InProgress}[id[len(id)-1]%3]
				if strings.HasSuffix(id, "7") {
					want = recon.NotFound
				}
				if r.Class != want {
					t.Errorf("%s: %s %s", ids[i], r.Class, r.Err)
				}
			}
			if p := srv.Peak.Load(); p > int64(conc) {
				t.Errorf("%d requests in flight, limit %d", p, conc)
			} else if conc > 1 && p < 2 {
				t.Errorf("at most %d request in flight: no parallelism", p)
			}
			if srv.Hits.Load() != int64(len(ids)) {
				t.Errorf("requests %d, want %d", srv.Hits.Load(), len(ids))
			}
		})
	}
}

// TestRunPrior: known results are emitted as given and not requested.
func TestRunPrior(t *testing.T) {
	srv := vxtest.NewServer(t, vxtest.Pass)
	cfg := clientConfig(srv.URL)
	ids := vxtest.MakeIDs(50)
	prior := func(i int) (recon.Result, bool) {
		if i%2 == 0 {
			return recon.Result{ID: ids[i], Class: recon.Fail, Attempts: 7}, true
		}
		return recon.Result{}, false
	}
	res, err := collect(t, context.Background(), newClient(t, cfg), ids, prior)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if i%2 == 0 && (r.Class != recon.Fail || r.Attempts != 7) {
			t.Errorf("%d: prior result changed: %+v", i, r)
		}
		if i%2 == 1 && r.Class != recon.Pass {
			t.Errorf("%d: %+v", i, r)
		}
	}
	for _, u := range srv.URIs() {
		var n int
		fmt.Sscanf(strings.TrimPrefix(u, vxtest.ResultPath+"id-"), "%d", &n)
		if n%2 == 0 {
			t.Errorf("prior id requested: %s", u)
		}
	}
	if srv.Hits.Load() != 25 {
		t.Errorf("requests %d, want 25", srv.Hits.Load())
	}
}

// TestRunCancel: cancelling part-way lets requests in flight finish and marks the rest.
func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var answered atomic.Int64
	srv := vxtest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if answered.Load() >= 10 {
			cancel()
		}
		time.Sleep(30 * time.Millisecond)
		vxtest.Pass(w, r)
		answered.Add(1)
	})
	cfg := clientConfig(srv.URL)
	ids := vxtest.MakeIDs(300)
	res, err := collect(t, ctx, newClient(t, cfg), ids, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	var pass, notFetched int
	for _, r := range res {
		switch {
		case r.Class == recon.Pass:
			pass++
		case r.Err == "not fetched: interrupted" && r.Attempts == 0:
			notFetched++
		default:
			t.Errorf("unexpected %+v", r)
		}
	}
	if hits := srv.Hits.Load(); int64(pass) != hits || hits > 10+2*int64(cfg.Concurrency)+1 {
		t.Errorf("server saw %d requests, %d passed: in-flight answers lost or too many sent", hits, pass)
	}
	if pass+notFetched != len(ids) {
		t.Errorf("pass %d + not fetched %d != %d", pass, notFetched, len(ids))
	}
}

func TestRunEmpty(t *testing.T) {
	c := newClient(t, clientConfig("http://127.0.0.1:1"))
	if err := fetchAll(context.Background(), c, 0, nil, nil, func(int, *recon.Result) error {
		t.Error("deliver called")
		return nil
	}); err != nil {
		t.Error(err)
	}
}

// TestRunDeliverError: a failed delivery stops the run; nothing is delivered after it.
func TestRunDeliverError(t *testing.T) {
	srv := vxtest.NewServer(t, vxtest.Pass)
	c := newClient(t, clientConfig(srv.URL))
	boom := errors.New("disk full")
	var calls, after atomic.Int64
	var failed atomic.Bool
	ids := vxtest.MakeIDs(500)
	err := fetchAll(context.Background(), c, len(ids), func(i int) string { return ids[i] }, nil, func(i int, r *recon.Result) error {
		calls.Add(1)
		if failed.Load() {
			after.Add(1)
		}
		if i == 5 {
			failed.Store(true)
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("Run = %v, want %v", err, boom)
	}
	// Deliveries already under way when the failure came may finish; none starts later
	// than the workers that were busy then.
	if n := after.Load(); n > int64(c.Workers()) {
		t.Errorf("%d deliveries after the failure", n)
	}
	if h := srv.Hits.Load(); h > 6+int64(c.Workers()) {
		t.Errorf("%d requests sent after the delivery failed", h)
	}
}

// TestRunStaticTokenRefused: a 401 stops the run at once.
func TestRunStaticTokenRefused(t *testing.T) {
	srv := vxtest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"message":"bad token %s"}`, r.Header.Get("Authorization"))
	})
	cfg := clientConfig(srv.URL)
	ids := vxtest.MakeIDs(200)
	res, err := collect(t, context.Background(), newClient(t, cfg), ids, nil)
	var ae *vx.AuthError
	if !errors.As(err, &ae) || ae.Code != 401 {
		t.Fatalf("Run = %v, want *vx.AuthError 401", err)
	}
	noSecret(t, "Run error", err.Error())
	var refused, notFetched int
	for _, r := range res {
		noSecret(t, "Err", r.Err)
		noSecret(t, "Message", r.Message)
		switch r.Err {
		case "credentials refused (http 401)":
			refused++
		case "not fetched: credentials refused":
			notFetched++
		default:
			t.Errorf("unexpected %+v", r)
		}
	}
	if hits := srv.Hits.Load(); hits > int64(cfg.Concurrency)+1 || int64(refused) != hits {
		t.Errorf("server saw %d requests (%d refused), want at most %d", hits, refused, cfg.Concurrency+1)
	}
	if refused+notFetched != len(ids) {
		t.Errorf("refused %d + not fetched %d", refused, notFetched)
	}
}

// TestRunBreaker: an API that always fails trips the breaker after Threshold results.
func TestRunBreaker(t *testing.T) {
	srv := vxtest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
		vxtest.WriteJSON(w, 503, []byte(`{"message":"SERVICE UNAVAILABLE"}`))
	})
	cfg := clientConfig(srv.URL)
	cfg.Retries, cfg.BreakerThreshold, cfg.Concurrency = 0, 5, 2
	ids := vxtest.MakeIDs(100)
	res, err := collect(t, context.Background(), newClient(t, cfg), ids, nil)
	if !errors.Is(err, vx.ErrAPIUnavailable) {
		t.Fatalf("Run = %v, want vx.ErrAPIUnavailable", err)
	}
	var failed, notFetched int
	for _, r := range res {
		switch r.Err {
		case "http 503: SERVICE UNAVAILABLE":
			failed++
		case "not fetched: API unavailable":
			notFetched++
		default:
			t.Errorf("unexpected %+v", r)
		}
	}
	if hits := srv.Hits.Load(); hits < 5 || hits > 5+int64(cfg.Concurrency) {
		t.Errorf("server saw %d requests, want 5 plus those in flight", hits)
	}
	if failed+notFetched != len(ids) {
		t.Errorf("failed %d + not fetched %d", failed, notFetched)
	}
}

// TestRunBreakerResets: failures that are not in a row never trip it.
func TestRunBreakerResets(t *testing.T) {
	var n atomic.Int64
	srv := vxtest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 3 {
		case 0:
			vxtest.WriteJSON(w, 404, []byte(vxtest.Body404))
		default:
			w.WriteHeader(503)
		}
	})
	cfg := clientConfig(srv.URL)
	cfg.Retries, cfg.BreakerThreshold, cfg.Concurrency = 0, 3, 1
	res, err := collect(t, context.Background(), newClient(t, cfg), vxtest.MakeIDs(60), nil)
	if err != nil {
		t.Fatalf("Run = %v", err)
	}
	for _, r := range res {
		if strings.HasPrefix(r.Err, "not fetched") {
			t.Fatalf("breaker tripped: %+v", r)
		}
	}
}

func TestRunRate(t *testing.T) {
	t.Parallel() // it mostly waits
	srv := vxtest.NewServer(t, vxtest.Pass)
	cfg := clientConfig(srv.URL)
	cfg.Rate, cfg.Concurrency = 50, 8
	start := time.Now()
	if _, err := collect(t, context.Background(), newClient(t, cfg), vxtest.MakeIDs(40), nil); err != nil {
		t.Fatal(err)
	}
	// 40 requests at 50/s with a burst of 1: 39 gaps of 20 ms.
	if d := time.Since(start); d < 700*time.Millisecond {
		t.Errorf("40 requests at 50/s took %v", d)
	}
}

// TestRunRetriesShareTheRate: retries wait for the limiter too.
func TestRunRetriesShareTheRate(t *testing.T) {
	t.Parallel()
	srv := vxtest.NewServer(t, vxtest.Steps(vxtest.Status(503, ""), vxtest.Status(503, ""), vxtest.Status(503, ""), vxtest.Pass))
	cfg := clientConfig(srv.URL)
	cfg.Rate, cfg.Retries = 20, 5
	start := time.Now()
	res, err := collect(t, context.Background(), newClient(t, cfg), vxtest.MakeIDs(2), nil)
	if err != nil || res[0].Class != recon.Pass || res[1].Class != recon.Pass {
		t.Fatalf("Run = %v, %+v", err, res)
	}
	// 5 requests at 20/s: at least 4 gaps of 50 ms.
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("5 requests at 20/s took %v", d)
	}
}

// TestRunConcurrentResultsAreComplete checks under -race that the deliveries see whole
// results and each index once, with many workers.
func TestRunConcurrentResultsAreComplete(t *testing.T) {
	srv := vxtest.NewServer(t, vxtest.Pass)
	cfg := clientConfig(srv.URL)
	cfg.Concurrency = 32
	ids := vxtest.MakeIDs(1000)
	res, err := collect(t, context.Background(), newClient(t, cfg), ids, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Class != recon.Pass || r.Session == nil || r.Session.RequestID != ids[i] {
			t.Fatalf("%d: %+v", i, r)
		}
	}
}

// TestRunNoHeadOfLineBlocking: an id whose answer hangs until its attempts time out does not
// hold up the others: every other id is delivered before it, with only one slot fewer.
func TestRunNoHeadOfLineBlocking(t *testing.T) {
	var srv *vxtest.Server
	srv = vxtest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if vxtest.IDOf(r) == "id-00000" {
			vxtest.Hang(&srv)(w, r)
			return
		}
		vxtest.Pass(w, r)
	})
	cfg := clientConfig(srv.URL)
	cfg.Concurrency, cfg.Retries, cfg.Timeout = 2, 1, 3*time.Second
	ids := vxtest.MakeIDs(200)
	var mu sync.Mutex
	var order []int
	err := fetchAll(context.Background(), newClient(t, cfg), len(ids), func(i int) string { return ids[i] }, nil,
		func(i int, r *recon.Result) error {
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != len(ids) || order[len(order)-1] != 0 {
		t.Errorf("the hanging id was delivered at position %d of %d, want last", slices.Index(order, 0), len(order))
	}
}

// TestRunBackoffNotInFlight: with one slot, an id waiting for its retry lets the others be
// fetched meanwhile: the server sees them between its two attempts.
func TestRunBackoffNotInFlight(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	var first atomic.Bool
	srv := vxtest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, vxtest.IDOf(r))
		mu.Unlock()
		if vxtest.IDOf(r) == "id-00000" && first.CompareAndSwap(false, true) {
			w.Header().Set("Retry-After", "1") // a 500: the wait is this id's own, no pause
			vxtest.WriteJSON(w, 500, []byte(`{"message":"INTERNAL SERVER ERROR"}`))
			return
		}
		vxtest.Pass(w, r)
	})
	cfg := clientConfig(srv.URL)
	cfg.Concurrency, cfg.RetryAfterMax = 1, 5*time.Second
	res, err := collect(t, context.Background(), newClient(t, cfg), vxtest.MakeIDs(20), nil)
	if err != nil || res[0].Class != recon.Pass || res[0].Attempts != 2 {
		t.Fatalf("Run = %v, first result %+v", err, res[0])
	}
	if p := srv.Peak.Load(); p != 1 {
		t.Errorf("%d requests in flight, limit 1", p)
	}
	a, b := slices.Index(seen, "id-00000"), -1
	for i, id := range seen {
		if id == "id-00000" {
			b = i
		}
	}
	if b-a < 2 {
		t.Errorf("no other id was fetched while id-00000 waited for its retry: %v", seen)
	}
}

// TestRunSharedPause: a 429 with Retry-After stops every new request of the client until it
// passes, not only the retry of the id that got it.
func TestRunSharedPause(t *testing.T) {
	var mu sync.Mutex
	var limitedAt time.Time
	var after []time.Duration // how long after the 429 each later request arrived
	srv := vxtest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if !limitedAt.IsZero() {
			after = append(after, time.Since(limitedAt))
		}
		first := limitedAt.IsZero()
		if first {
			limitedAt = time.Now()
		}
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			vxtest.WriteJSON(w, 429, []byte(`{"message":"TOO MANY REQUESTS"}`))
			return
		}
		vxtest.Pass(w, r)
	})
	cfg := clientConfig(srv.URL)
	cfg.Concurrency, cfg.RetryAfterMax = 1, 5*time.Second
	res, err := collect(t, context.Background(), newClient(t, cfg), vxtest.MakeIDs(10), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Class != recon.Pass {
			t.Errorf("%d: %+v", i, r)
		}
	}
	if len(after) != 10 {
		t.Fatalf("%d requests after the 429, want 10", len(after))
	}
	if slices.Min(after) < 900*time.Millisecond {
		t.Errorf("a request arrived %v after the 429, within its Retry-After of 1s", slices.Min(after))
	}
}

// TestRunRetryBudget: against an API that always fails, retries stop at the budget (a share
// of the requests plus an allowance) instead of multiplying the load.
func TestRunRetryBudget(t *testing.T) {
	srv := vxtest.NewServer(t, vxtest.Status(500, `{"message":"INTERNAL SERVER ERROR"}`))
	cfg := clientConfig(srv.URL)
	cfg.Concurrency, cfg.Retries, cfg.BreakerThreshold = 1, 10, -1
	c := newClient(t, cfg)
	res, err := collect(t, context.Background(), c, vxtest.MakeIDs(10), nil)
	if err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	allowance := float64(2*cfg.Concurrency + 10)
	if sent := float64(srv.Hits.Load()); float64(st.Retries) > allowance+0.2*sent+1 {
		t.Errorf("%d retries for %v requests: over the budget", st.Retries, sent)
	}
	if st.RetriesDenied == 0 || !strings.HasSuffix(res[9].Err, "retry budget exhausted") {
		t.Errorf("no retry was denied: %+v, last %q", st, res[9].Err)
	}
	if st.Requests["500"] != srv.Hits.Load() {
		t.Errorf("stats %v, server saw %d", st.Requests, srv.Hits.Load())
	}
}

// TestRunStaysUnderTheServerRate: against a server that allows 400 requests/s (a token
// bucket, 429 with Retry-After: 1 beyond it), the client settles under the limit: at most
// 5 % of its requests are refused, and every id passes.
func TestRunStaysUnderTheServerRate(t *testing.T) {
	const limit = 400.0
	var mu sync.Mutex
	tokens, last := limit, time.Now()
	var limited atomic.Int64
	srv := vxtest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now := time.Now()
		tokens = min(limit, tokens+now.Sub(last).Seconds()*limit)
		last = now
		ok := tokens >= 1
		if ok {
			tokens--
		}
		mu.Unlock()
		if !ok {
			limited.Add(1)
			w.Header().Set("Retry-After", "1")
			vxtest.WriteJSON(w, 429, []byte(`{"message":"TOO MANY REQUESTS"}`))
			return
		}
		vxtest.Pass(w, r)
	})
	cfg := clientConfig(srv.URL)
	cfg.Concurrency, cfg.RetryAfterMax, cfg.Retries = 16, 5*time.Second, 4
	ids := vxtest.MakeIDs(1600)
	res, err := collect(t, context.Background(), newClient(t, cfg), ids, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Class != recon.Pass {
			t.Fatalf("%d: %+v", i, r)
		}
	}
	if share := float64(limited.Load()) / float64(srv.Hits.Load()); share > 0.05 {
		t.Errorf("%d of %d requests answered 429 (%.1f %%), want at most 5 %%", limited.Load(), srv.Hits.Load(), 100*share)
	}
}
