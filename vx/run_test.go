package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func makeIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%05d", i)
	}
	return ids
}

// TestRunOrderAndConcurrency: a server answering in random order with random delays; the
// results still come in input order, and never more than Concurrency requests are in flight.
func TestRunOrderAndConcurrency(t *testing.T) {
	for _, conc := range []int{1, 4, 16} {
		t.Run(fmt.Sprint(conc), func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
				id := idOf(r)
				if strings.HasSuffix(id, "7") {
					writeJSON(w, 404, []byte(body404))
					return
				}
				writeJSON(w, 200, sessionBody(id, []string{"PASS", "FAIL", "REVIEW"}[id[len(id)-1]%3]))
			})
			cfg := testConfig(srv.URL)
			cfg.Concurrency = conc
			var onResult atomic.Int64
			cfg.OnResult = func(r *recon.Result) { onResult.Add(1) }
			ids := makeIDs(400)
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
			if p := srv.peak.Load(); p > int64(conc) {
				t.Errorf("%d requests in flight, limit %d", p, conc)
			} else if conc > 1 && p < 2 {
				t.Errorf("at most %d request in flight: no parallelism", p)
			}
			if srv.hits.Load() != int64(len(ids)) || onResult.Load() != int64(len(ids)) {
				t.Errorf("requests %d, OnResult %d, want %d", srv.hits.Load(), onResult.Load(), len(ids))
			}
		})
	}
}

// TestRunWindow: with a slow consumer, workers never get more than Window results ahead.
func TestRunWindow(t *testing.T) {
	srv := newServer(t, pass)
	cfg := testConfig(srv.URL)
	cfg.Concurrency, cfg.Window = 4, 6
	var produced atomic.Int64
	cfg.OnResult = func(*recon.Result) { produced.Add(1) }
	c := newClient(t, cfg)
	ids := makeIDs(120)
	emitted, maxHeld := int64(0), int64(0)
	err := c.Run(context.Background(), ids, nil, func(i int, r *recon.Result) error {
		if i%10 == 0 {
			time.Sleep(20 * time.Millisecond) // let the workers run ahead as far as they can
		}
		maxHeld = max(maxHeld, produced.Load()-emitted)
		emitted++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if maxHeld > int64(cfg.Window) {
		t.Errorf("%d results held, window %d", maxHeld, cfg.Window)
	}
	if maxHeld < int64(cfg.Window)-1 {
		t.Errorf("at most %d results held: the window was not used (test too weak)", maxHeld)
	}
}

// TestRunPrior: known results are emitted as given and not requested.
func TestRunPrior(t *testing.T) {
	srv := newServer(t, pass)
	cfg := testConfig(srv.URL)
	var onResult atomic.Int64
	cfg.OnResult = func(*recon.Result) { onResult.Add(1) }
	ids := makeIDs(50)
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
	for _, u := range srv.uris {
		var n int
		fmt.Sscanf(strings.TrimPrefix(u, resultPath+"id-"), "%d", &n)
		if n%2 == 0 {
			t.Errorf("prior id requested: %s", u)
		}
	}
	if srv.hits.Load() != 25 || onResult.Load() != 25 {
		t.Errorf("requests %d, OnResult %d, want 25", srv.hits.Load(), onResult.Load())
	}
}

// TestRunCancel: cancelling part-way lets requests in flight finish and marks the rest.
func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var answered atomic.Int64
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if answered.Load() >= 10 {
			cancel()
		}
		time.Sleep(30 * time.Millisecond)
		pass(w, r)
		answered.Add(1)
	})
	cfg := testConfig(srv.URL)
	ids := makeIDs(300)
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
	if hits := srv.hits.Load(); int64(pass) != hits || hits > 10+2*int64(cfg.Concurrency)+1 {
		t.Errorf("server saw %d requests, %d passed: in-flight answers lost or too many sent", hits, pass)
	}
	if pass+notFetched != len(ids) {
		t.Errorf("pass %d + not fetched %d != %d", pass, notFetched, len(ids))
	}
}

func TestRunEmpty(t *testing.T) {
	c := newClient(t, testConfig("http://127.0.0.1:1"))
	if err := c.Run(context.Background(), nil, nil, func(int, *recon.Result) error {
		t.Error("emit called")
		return nil
	}); err != nil {
		t.Error(err)
	}
}

func TestRunEmitError(t *testing.T) {
	srv := newServer(t, pass)
	c := newClient(t, testConfig(srv.URL))
	boom := errors.New("disk full")
	calls := 0
	err := c.Run(context.Background(), makeIDs(500), nil, func(i int, r *recon.Result) error {
		calls++
		if i == 5 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 6 {
		t.Errorf("Run = %v after %d emits; want %v after 6", err, calls, boom)
	}
	if h := srv.hits.Load(); h > 6+int64(c.cfg.Window)+int64(c.cfg.Concurrency) {
		t.Errorf("%d requests sent after emit failed", h)
	}
}

// TestRunStaticTokenRefused: a 401 stops the run at once.
func TestRunStaticTokenRefused(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"message":"bad token %s"}`, r.Header.Get("Authorization"))
	})
	cfg := testConfig(srv.URL)
	ids := makeIDs(200)
	res, err := collect(t, context.Background(), newClient(t, cfg), ids, nil)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Code != 401 {
		t.Fatalf("Run = %v, want *AuthError 401", err)
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
	if hits := srv.hits.Load(); hits > int64(cfg.Concurrency)+1 || int64(refused) != hits {
		t.Errorf("server saw %d requests (%d refused), want at most %d", hits, refused, cfg.Concurrency+1)
	}
	if refused+notFetched != len(ids) {
		t.Errorf("refused %d + not fetched %d", refused, notFetched)
	}
}

// TestRunBreaker: an API that always fails trips the breaker after Threshold results.
func TestRunBreaker(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
		writeJSON(w, 503, []byte(`{"message":"SERVICE UNAVAILABLE"}`))
	})
	cfg := testConfig(srv.URL)
	cfg.Retries, cfg.BreakerThreshold, cfg.Concurrency = 0, 5, 2
	ids := makeIDs(100)
	res, err := collect(t, context.Background(), newClient(t, cfg), ids, nil)
	if !errors.Is(err, ErrAPIUnavailable) {
		t.Fatalf("Run = %v, want ErrAPIUnavailable", err)
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
	if hits := srv.hits.Load(); hits < 5 || hits > 5+int64(cfg.Concurrency) {
		t.Errorf("server saw %d requests, want 5 plus those in flight", hits)
	}
	if failed+notFetched != len(ids) {
		t.Errorf("failed %d + not fetched %d", failed, notFetched)
	}
}

// TestRunBreakerResets: failures that are not in a row never trip it.
func TestRunBreakerResets(t *testing.T) {
	var n atomic.Int64
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 3 {
		case 0:
			writeJSON(w, 404, []byte(body404))
		default:
			w.WriteHeader(503)
		}
	})
	cfg := testConfig(srv.URL)
	cfg.Retries, cfg.BreakerThreshold, cfg.Concurrency = 0, 3, 1
	res, err := collect(t, context.Background(), newClient(t, cfg), makeIDs(60), nil)
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
	srv := newServer(t, pass)
	cfg := testConfig(srv.URL)
	cfg.Rate, cfg.Concurrency = 50, 8
	start := time.Now()
	if _, err := collect(t, context.Background(), newClient(t, cfg), makeIDs(40), nil); err != nil {
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
	srv := newServer(t, steps(status(503, ""), status(503, ""), status(503, ""), pass))
	cfg := testConfig(srv.URL)
	cfg.Rate, cfg.Retries = 20, 5
	start := time.Now()
	res, err := collect(t, context.Background(), newClient(t, cfg), makeIDs(2), nil)
	if err != nil || res[0].Class != recon.Pass || res[1].Class != recon.Pass {
		t.Fatalf("Run = %v, %+v", err, res)
	}
	// 5 requests at 20/s: at least 4 gaps of 50 ms.
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("5 requests at 20/s took %v", d)
	}
}

// TestRunConcurrentResultsAreComplete checks under -race that OnResult and emit see whole
// results and each index once, with many workers.
func TestRunConcurrentResultsAreComplete(t *testing.T) {
	srv := newServer(t, pass)
	cfg := testConfig(srv.URL)
	cfg.Concurrency, cfg.Window = 32, 33
	var mu sync.Mutex
	seen := map[string]bool{}
	cfg.OnResult = func(r *recon.Result) {
		mu.Lock()
		defer mu.Unlock()
		if seen[r.ID] {
			t.Errorf("OnResult twice for %s", r.ID)
		}
		seen[r.ID] = true
	}
	ids := makeIDs(1000)
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
