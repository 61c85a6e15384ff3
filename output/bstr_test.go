package output

import (
	"strings"
	"testing"
)

// TestBstrMarshal: every _xHHHH_ sequence gets excelize's escape, so the text reads back as sent.
func TestBstrMarshal(t *testing.T) {
	for in, want := range map[string]string{
		"plain":     "plain",
		"a_x0041_b": "a_x005F_x0041_b",
		"_x005F_":   "_x005F_x005F_",
		strings.Repeat("_x0041_", MaxCellChars/7): strings.Repeat("_x005F_x0041_", MaxCellChars/7),
	} {
		if got := bstrMarshal(in); got != want {
			t.Errorf("bstrMarshal(%.20q…) = %.40q…", in, got)
		}
	}
}

// BenchmarkBstrMarshalLongCell is the worst cell the API can send: 32,767 characters of
// _xHHHH_ sequences. Concatenating with += made it quadratic (about 100 MB and 50 ms a cell).
func BenchmarkBstrMarshalLongCell(b *testing.B) {
	long := strings.Repeat("_x0041_", MaxCellChars/7)
	b.ReportAllocs()
	for b.Loop() {
		bstrMarshal(long)
	}
}
