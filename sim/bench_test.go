package sim

import (
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkServePass measures the server with the client that matters most: keep-alive
// connections and many requests in flight, every id a new PASS.
func BenchmarkServePass(b *testing.B) { benchServe(b, Options{Token: testToken}) }

// BenchmarkServeRateLimited is BenchmarkServePass through the rate limiter: a limit so high
// that every request takes a token, so the difference is the limiter's whole cost.
func BenchmarkServeRateLimited(b *testing.B) {
	benchServe(b, Options{Token: testToken, RateLimit: 1e9})
}

func benchServe(b *testing.B, opts Options) {
	srv, err := Start(opts)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	base := srv.URL + "/api/session/result/sim-pass-"
	auth := []string{"Bearer " + testToken}
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(4)
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, err := http.NewRequest(http.MethodGet, base+strconv.FormatInt(next.Add(1), 10), nil)
			if err != nil {
				b.Error(err)
				return
			}
			req.Header["Authorization"] = auth
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkSessionBody measures rendering one 200 body, the server's own per-request work.
func BenchmarkSessionBody(b *testing.B) {
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		buf = appendSession(buf[:0], ID(CasePass, i), CasePass)
	}
	b.SetBytes(int64(len(buf)))
}
