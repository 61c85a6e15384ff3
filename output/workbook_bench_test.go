package output

import (
	"fmt"
	"github.com/vxrecon/vxrecon/recon"
	"io"
	"testing"
)

// BenchmarkAddResult measures the per-id cost of streaming: one PASS result with three
// journey stops, personal fields masked, two input columns.
func BenchmarkAddResult(b *testing.B) {
	w, err := NewWorkbook(Options{TempDir: b.TempDir(), InputColumns: []recon.Column{{Name: "customer"}, {Name: "invoice"}}})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	it := passItem()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		it.rec.Line = i + 2
		if err := w.AddResult(&it.rec, &it.res, it.d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ids/s")
}

// BenchmarkWorkbook measures a whole workbook of 20,000 ids, WriteTo included.
func BenchmarkWorkbook(b *testing.B) {
	const n = 20000
	it := passItem()
	s := fixtureSummary()
	b.ReportAllocs()
	for b.Loop() {
		w, err := NewWorkbook(Options{TempDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		for i := range n {
			it.rec.ID = fmt.Sprintf("req-%07d", i)
			if err := w.AddResult(&it.rec, &it.res, it.d); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.WriteTo(io.Discard, s); err != nil {
			b.Fatal(err)
		}
		_ = w.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "ids/s")
}
