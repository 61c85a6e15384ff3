package batch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/vx/vxtest"
)

// BenchmarkFetchAll: 10,000 ids through fetchAll and a real client against a loopback server
// that answers PASS at once: the fan-out's own cost.
func BenchmarkFetchAll(b *testing.B) {
	srv := vxtest.NewServer(b, vxtest.Pass)
	cfg := clientConfig(srv.URL)
	cfg.Concurrency = 32
	c := newClient(b, cfg)
	ids := vxtest.MakeIDs(10000)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		err := fetchAll(context.Background(), c, len(ids), func(i int) string { return ids[i] }, nil, func(i int, r *recon.Result) error {
			if r.Class != recon.Pass {
				return fmt.Errorf("%+v", *r)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(ids))/time.Since(start).Seconds(), "ids/s")
}
