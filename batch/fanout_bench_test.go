package batch

import (
	"context"
	"fmt"
	"hash/crc32"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/vx/vxtest"
)

// BenchmarkFetchAll: 10,000 ids through fetchAll and a real client against a loopback server
// that answers PASS at once, but, as the real API does, fails 2 % of the requests once with a
// 500 (an id's first attempt in each round): the fan-out's own cost, retries included.
func BenchmarkFetchAll(b *testing.B) {
	var attempts sync.Map // id -> *atomic.Int64
	srv := vxtest.NewServer(b, func(w http.ResponseWriter, r *http.Request) {
		id := vxtest.IDOf(r)
		n, _ := attempts.LoadOrStore(id, new(atomic.Int64))
		if crc32.ChecksumIEEE([]byte(id))%50 == 7 && n.(*atomic.Int64).Add(1)%2 == 1 {
			vxtest.WriteJSON(w, 500, []byte(vxtest.Body500))
			return
		}
		vxtest.Pass(w, r)
	})
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
