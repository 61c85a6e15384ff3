package input

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzRead checks the invariants callers rely on, whatever the bytes: no panic; a failure is
// a *LineError; every record is a valid id seen once; each data row is counted exactly once
// (as a record, an invalid row or a duplicate); lines only go forward.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"request_id\nabc\n",
		"\xEF\xBB\xBFRequest ID,n\r\nabc,1\r\n\r\nabc,2\r\n",
		"abc\ndef\n",
		"a,request_id,\n1,\"x\ny\",3\n,,\nbad/id\n",
		"request_id\n\"abc\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Read(bytes.NewReader(data), Options{Name: "fuzz.csv"})
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v, want *LineError", err, err)
			}
			if le.Line < 0 || (le.Line > 0 && le.Line > bytes.Count(data, []byte("\n"))+1) {
				t.Fatalf("error line %d outside the file: %v", le.Line, err)
			}
			return
		}
		if got := len(b.Records) + len(b.Invalid) + b.Duplicates; got != b.Rows {
			t.Fatalf("records %d + invalid %d + duplicates %d != rows %d",
				len(b.Records), len(b.Invalid), b.Duplicates, b.Rows)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
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
		for _, r := range b.Records {
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
		}
	})
}
