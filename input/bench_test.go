package input

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

// ids writes a CSV of n rows: a header, uuid-like ids (one in 50 repeated) and, with extra,
// two more columns.
func ids(n int, extra bool) []byte {
	var buf bytes.Buffer
	if extra {
		buf.WriteString("request_id,customer,amount\n")
	} else {
		buf.WriteString("request_id\n")
	}
	for i := range n {
		id := i
		if i%50 == 49 {
			id = i - 7
		}
		fmt.Fprintf(&buf, "%08x-384e-41d1-bded-%012x", id, id*7919)
		if extra {
			fmt.Fprintf(&buf, ",Customer %d,%d.50", i%977, i%1000)
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func BenchmarkRead(b *testing.B) {
	const n = 100_000
	for _, extra := range []bool{false, true} {
		b.Run(fmt.Sprintf("columns=%v", extra), func(b *testing.B) {
			data := ids(n, extra)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				got, err := Read(bytes.NewReader(data), Options{Name: "bench.csv"})
				if err != nil {
					b.Fatal(err)
				}
				if got.Rows != n {
					b.Fatalf("%d rows, want %d", got.Rows, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "ids/s")
		})
	}
}

// TestReadMemory keeps the batch lean: at a million ids the whole program must stay under
// 512 MiB, so a record (id, lines, two other cells) gets a few hundred bytes at most. A
// quarter of a million rows is enough to measure it and keeps the test quick under -race.
func TestReadMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a quarter of a million rows")
	}
	const n = 250_000
	data := ids(n, true)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := Read(bytes.NewReader(data), Options{Name: "big.csv"})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	per := kept / int64(got.Len())
	t.Logf("%d records kept in %d MiB (%d bytes a record)", got.Len(), kept>>20, per)
	// An id of 36 characters, two cells of about 15 and an amount: about 100 bytes of
	// text and numbers, nothing for the garbage collector to scan.
	if per > 130 {
		t.Errorf("%d bytes kept a record, want under 130", per)
	}
	runtime.KeepAlive(got)
	runtime.KeepAlive(data)
}

// idsWorkbook is ids(n, true) as an .xlsx: ids as text, customers as text, amounts as numbers.
func idsWorkbook(tb testing.TB, n int) []byte {
	rows := make([][]any, 0, n+1)
	rows = append(rows, []any{"request_id", "customer", "amount"})
	for i := range n {
		id := i
		if i%50 == 49 {
			id = i - 7
		}
		rows = append(rows, []any{fmt.Sprintf("%08x-384e-41d1-bded-%012x", id, id*7919),
			fmt.Sprintf("Customer %d", i%977), float64(i%1000) + 0.5})
	}
	return workbook(tb, sheet{"Sheet1", rows})
}

func BenchmarkReadXLSX(b *testing.B) {
	const n = 20_000
	data := idsWorkbook(b, n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		got, err := Read(bytes.NewReader(data), Options{Name: "bench.xlsx"})
		if err != nil {
			b.Fatal(err)
		}
		if got.Rows != n {
			b.Fatalf("%d rows, want %d", got.Rows, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "ids/s")
}
