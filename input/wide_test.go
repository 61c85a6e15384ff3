package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// wideCSV writes a CSV of cols columns (the id first) and rows data rows.
func wideCSV(cols, rows int) []byte {
	var b bytes.Buffer
	b.WriteString("request_id")
	for i := 1; i < cols; i++ {
		fmt.Fprintf(&b, ",col%d", i)
	}
	b.WriteByte('\n')
	for r := range rows {
		fmt.Fprintf(&b, "id%d", r)
		for i := 1; i < cols; i++ {
			fmt.Fprintf(&b, ",v%d", i%97)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestReadTooWide: a header wider than MaxColumns allows is refused from the header alone;
// the rest of the input is never read (here it would fail).
func TestReadTooWide(t *testing.T) {
	const maxCols = 16384 - 23
	boom := errors.New("read past the header")
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"csv", wideCSV(20_000, 0)},
		{"semicolons", bytes.ReplaceAll(wideCSV(20_000, 0), []byte(","), []byte(";"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Read(io.MultiReader(bytes.NewReader(tt.data), iotest.ErrReader(boom)),
				Options{Name: "wide.csv", MaxColumns: maxCols})
			want := "wide.csv:1: 20000 columns: the Results sheet holds at most " + strconv.Itoa(maxCols) +
				" input columns besides the request id"
			if err == nil || err.Error() != want {
				t.Fatalf("Read error %v, want %s", err, want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("refusing a wide header took %v", d)
			}
		})
	}

	// One column more than the limit is refused, the limit itself is read.
	if _, err := Read(bytes.NewReader(wideCSV(maxCols+2, 1)), Options{Name: "wide.csv", MaxColumns: maxCols}); err == nil {
		t.Errorf("%d columns read, want refused", maxCols+2)
	}
	b, err := Read(bytes.NewReader(wideCSV(maxCols+1, 1)), Options{Name: "wide.csv", MaxColumns: maxCols})
	if err != nil {
		t.Fatalf("%d columns: %v", maxCols+1, err)
	}
	if len(b.Columns) != maxCols || len(b.Records()[0].Fields) != maxCols {
		t.Errorf("%d columns, %d fields; want %d", len(b.Columns), len(b.Records()[0].Fields), maxCols)
	}
}

// TestReadWideLinear: reading is linear in the number of cells: a 4,000-column file of 50
// rows costs a small multiple of its size in allocations, and twice the columns about twice
// that. (No timing assertion beyond a generous bound: the machine is shared.)
func TestReadWideLinear(t *testing.T) {
	perByte := func(cols int) float64 {
		data := wideCSV(cols, 50)
		var b *Batch
		var err error
		start := time.Now()
		n := allocated(func() { b, err = Read(bytes.NewReader(data), Options{Name: "wide.csv"}) })
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%d columns x 50 rows took %v", cols, d)
		}
		if len(b.Records()) != 50 || len(b.Columns) != cols-1 || b.Records()[49].Fields[cols-2] != "v"+strconv.Itoa((cols-1)%97) {
			t.Fatalf("%d columns: unexpected batch", cols)
		}
		return float64(n) / float64(len(data))
	}
	small, big := perByte(4000), perByte(8000)
	t.Logf("bytes allocated per input byte: %.1f at 4,000 columns, %.1f at 8,000", small, big)
	if small > 40 || big > 40 {
		t.Errorf("%.1f and %.1f bytes allocated per input byte, want a small constant", small, big)
	}
	if big > 2*small {
		t.Errorf("allocation per input byte grows with the width: %.1f at 4,000 columns, %.1f at 8,000", small, big)
	}
}

// TestReadManyDuplicates: an id repeated 50,000 times keeps every line and amount; the lists
// are appended (amortised), so the cost stays linear: a quadratic copy would allocate
// gigabytes here.
func TestReadManyDuplicates(t *testing.T) {
	const n = 50_000
	var sb strings.Builder
	sb.WriteString("request_id,amount,note\n")
	for i := range n {
		fmt.Fprintf(&sb, "abc,%d,n%d\n", i%7, i)
	}
	data := sb.String()
	var b *Batch
	var err error
	bytesAllocated := allocated(func() { b, err = Read(strings.NewReader(data), Options{Name: "dups.csv"}) })
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Records()) != 1 || b.Duplicates != n-1 || b.Rows != n {
		t.Fatalf("%d records, %d duplicates, %d rows", len(b.Records()), b.Duplicates, b.Rows)
	}
	r := b.Records()[0]
	lines := r.Lines()
	if len(lines) != n || len(r.Amounts) != n {
		t.Fatalf("%d lines, %d amounts; want %d", len(lines), len(r.Amounts), n)
	}
	for i, l := range lines {
		if l != i+2 || r.Amounts[i] != float64(i%7) {
			t.Fatalf("line %d amount %v at %d, want line %d amount %d", l, r.Amounts[i], i, i+2, i%7)
		}
	}
	t.Logf("%d repeats: %d KiB allocated", n, bytesAllocated>>10)
	if bytesAllocated > 64<<20 {
		t.Errorf("%d MiB allocated for %d repeats of one id: not linear", bytesAllocated>>20, n)
	}
}
