package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// benchServer answers every id with the documented 200 body, built without encoding/json so
// that the server costs as little as possible next to the client.
func benchServer(b *testing.B) *httptest.Server {
	const marker = "REQUEST-ID-MARKER"
	tmpl := sessionBody(marker, "PASS")
	head, tail, _ := bytes.Cut(tmpl, []byte(marker))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := idOf(r)
		h := w.Header()
		h["Content-Type"] = jsonHeader
		h["Content-Length"] = []string{strconv.Itoa(len(head) + len(id) + len(tail))}
		w.Write(head)
		w.Write([]byte(id))
		w.Write(tail)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func BenchmarkFetch(b *testing.B) {
	srv := benchServer(b)
	c := newClient(b, testConfig(srv.URL))
	ctx := context.Background()
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if r := c.Fetch(ctx, "19fe3b9e-384e-41d1-bded-8de9ef3abacb"); r.Class != recon.Pass {
			b.Fatalf("%+v", r)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ids/s")
}
