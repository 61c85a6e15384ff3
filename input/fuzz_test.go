package input

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// FuzzRead checks the invariants callers rely on, whatever the bytes: no panic; a failure is
// a *LineError; every record is a valid id seen once; each data row is counted exactly once
// (as a record, an invalid row or a duplicate); lines only go forward; fields match the
// columns and a Numeric column's fields read as numbers; with an amount column every line
// has its amount.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"request_id\nabc\n",
		"\xEF\xBB\xBFRequest ID,n\r\nabc,1\r\n\r\nabc,2\r\n",
		"abc\ndef\n",
		"a,request_id,\n1,\"x\ny\",3\n,,\nbad/id\n",
		"request_id\n\"abc\n",
		"request_id;Name;Amount\nabc;Doe, Jane;1,50\ndef;Roe;-2\nabc;x;0,5\n;;3\n",
		"request_id\tnote\tfee\nabc\t\"a\tb\"\t1.5\n\tempty\t\ndef\t x\t 2 \n",
		"request_id|price|ref\nabc|1|007\nabc|2|008\nrequest_id|price|ref\n",
		"request_id,amount\n1.23457E+17,1\nabc,1e5\n",
	} {
		f.Add([]byte(s))
	}
	f.Add(workbook(f, sheet{"Sheet1", [][]any{{"request_id", "amount", "n"}, {"abc", 1.5, "x"}, {stored("1.2E+17"), 2, 3}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Read(bytes.NewReader(data), Options{Name: "fuzz.csv"})
		lines := bytes.Count(data, []byte("\n")) + 1
		if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			lines = 1 << 20 // a workbook: lines are sheet rows, not newlines
		}
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v, want *LineError", err, err)
			}
			if le.Line < 0 || le.Line > lines {
				t.Fatalf("error line %d outside the file: %v", le.Line, err)
			}
			return
		}
		checkBatch(t, b, lines)
	})
}

// checkBatch checks the invariants of a Batch read from an input of at most lines lines.
func checkBatch(t *testing.T, b *Batch, lines int) {
	t.Helper()
	if got := len(b.Records()) + len(b.Invalid) + b.Duplicates; got != b.Rows {
		t.Fatalf("records %d + invalid %d + duplicates %d != rows %d",
			len(b.Records()), len(b.Invalid), b.Duplicates, b.Rows)
	}
	amountCol := -1
	for j, c := range b.Columns {
		if c.Name == b.Amount {
			amountCol = j
			break
		}
	}
	if (b.Amount != "") != (amountCol >= 0) {
		t.Fatalf("amount column %q not among the columns %v", b.Amount, b.Columns)
	}
	seen := map[string]bool{}
	used := map[int]bool{}
	use := func(line int) {
		if line < 1 || line > lines {
			t.Fatalf("line %d outside the file (%d lines)", line, lines)
		}
		if used[line] {
			t.Fatalf("line %d used twice", line)
		}
		used[line] = true
	}
	dups, prev := 0, 0
	for _, r := range b.Records() {
		if reason := checkID(r.ID); reason != "" {
			t.Fatalf("record %q is invalid: %s", r.ID, reason)
		}
		if seen[r.ID] {
			t.Fatalf("record %q twice", r.ID)
		}
		seen[r.ID] = true
		if r.Line <= prev {
			t.Fatalf("record line %d after %d", r.Line, prev)
		}
		prev = r.Line
		use(r.Line)
		last := r.Line
		for _, d := range r.Dups {
			if d <= last {
				t.Fatalf("record %q duplicate line %d after %d", r.ID, d, last)
			}
			last = d
			use(d)
		}
		dups += len(r.Dups)
		if len(b.Columns) == 0 && r.Fields != nil || len(r.Fields) != len(b.Columns) {
			t.Fatalf("record %q has %d fields for %d columns", r.ID, len(r.Fields), len(b.Columns))
		}
		for j, c := range b.Columns {
			if c.Numeric && r.Fields[j] != "" {
				if _, err := strconv.ParseFloat(r.Fields[j], 64); err != nil {
					t.Fatalf("numeric column %d holds %q: %v", j, r.Fields[j], err)
				}
			}
		}
		switch {
		case b.Amount == "" && r.Amounts != nil:
			t.Fatalf("record %q has amounts without an amount column", r.ID)
		case b.Amount != "" && len(r.Amounts) != 1+len(r.Dups):
			t.Fatalf("record %q has %d amounts for %d lines", r.ID, len(r.Amounts), 1+len(r.Dups))
		case b.Amount != "":
			want := 0.0
			if s := r.Fields[amountCol]; s != "" {
				want, _ = strconv.ParseFloat(s, 64)
			}
			if r.Amounts[0] != want || math.IsNaN(want) {
				t.Fatalf("record %q amount %v, field %q", r.ID, r.Amounts[0], r.Fields[amountCol])
			}
		}
	}
	if dups != b.Duplicates {
		t.Fatalf("%d duplicate lines, Duplicates = %d", dups, b.Duplicates)
	}
	prev = 0
	for _, bad := range b.Invalid {
		if bad.Line <= prev {
			t.Fatalf("invalid line %d after %d", bad.Line, prev)
		}
		prev = bad.Line
		use(bad.Line)
		if bad.Reason == "" {
			t.Fatalf("invalid line %d without a reason", bad.Line)
		}
		if len([]rune(bad.Value)) > maxShown+1 {
			t.Fatalf("invalid value %q too long", bad.Value)
		}
		if b.Amount == "" && bad.Amount != 0 {
			t.Fatalf("invalid line %d has an amount without an amount column", bad.Line)
		}
	}
}

// FuzzReadXLSX builds a small workbook from fuzzed cells (a header, an amount column, text
// and number cells, and a number stored verbatim) and checks the same invariants.
func FuzzReadXLSX(f *testing.F) {
	f.Add("request_id", "amount", "abc", "1.5", "def", 2.5, "1.23456789012345E+17", "abc")
	f.Add("Request ID", "Fee", "", "EUR 5", "x/y", 0.0, "12345678.0", "")
	f.Add("id", "note", "0012", "1,5", "abc", -1e300, "0.30000000000000004", "abc")
	f.Add("a", "b", "c", "d", "e", 1.0, "f", "g")
	f.Fuzz(func(t *testing.T, h1, h2, a1, a2, b1 string, n float64, raw, c1 string) {
		x := excelize.NewFile()
		defer x.Close()
		set := func(ref string, v any) {
			var err error
			switch v := v.(type) {
			case stored:
				err = x.SetCellDefault("Sheet1", ref, string(v))
			case string:
				err = x.SetCellStr("Sheet1", ref, v)
			default:
				err = x.SetCellValue("Sheet1", ref, v)
			}
			if err != nil {
				t.Skip(err) // a value excelize will not write
			}
		}
		set("A1", h1)
		set("B1", h2)
		set("A2", a1)
		set("B2", a2)
		set("A3", b1)
		set("B3", n)
		set("A4", stored(raw))
		set("B4", stored(raw))
		set("A6", c1)
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			t.Skip(err)
		}
		b, err := Read(&buf, Options{Name: "fuzz.xlsx"})
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v, want *LineError", err, err)
			}
			if le.Line < 0 || le.Line > 6 {
				t.Fatalf("error line %d outside the sheet: %v", le.Line, err)
			}
			return
		}
		checkBatch(t, b, 6)
	})
}
