package output

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestAppendRowMatchesStreamWriter checks that a row written by appendRow is byte for byte
// the row excelize's StreamWriter writes for the same values, but for the references it
// leaves implied, so the workbook reads back exactly as it did when every row went through
// excelize.
func TestAppendRowMatchesStreamWriter(t *testing.T) {
	type val struct {
		v     interface{}
		style int
	}
	rows := [][]val{
		{{"plain", 0}, {42, 0}, {-7, 3}, {3.5, 0}, {45523.872511574074, 5}},
		{{" leading", 0}, {"trailing\n", 0}, {"\tboth ", 2}, {"a&b<c>d\"e'f", 0}, {"line\nbreak", 0}},
		{{"_x0041_", 0}, {"_x005F_x0041_", 0}, {"x_x12G4_y_xABCD_", 0}, {"_xD800_", 0}, {"Zoë 🙂 名前", 0}},
		{{1234567890123456789.0, 0}, {0.1 + 0.2, 0}, {1e-7, 0}, {math.MaxFloat64, 0}, {-0.000123456789012345678, 0}},
		{{math.NaN(), 0}, {math.Inf(1), 4}, {0.0, 0}, {int(math.MaxInt64), 0}, {"=SUM(A1:A2)", 0}},
		{{}, {"gap before and after", 1}, {}, {"tab\tinside", 0}, {}},
	}
	const width = 5
	cols := make([]string, width)
	for i := range cols {
		cols[i], _ = excelize.ColumnNumberToName(i + 1)
	}

	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	b := newRowBuf(width)
	for r, row := range rows {
		vals := make([]interface{}, width)
		b.reset()
		for i, c := range row {
			if c.v == nil {
				continue
			}
			vals[i] = excelize.Cell{StyleID: c.style, Value: c.v}
			switch v := c.v.(type) {
			case string:
				b.str(i, v, c.style)
			case int:
				b.num(i, v, c.style)
			case float64:
				b.float(i, v, c.style)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
		want = append(want, string(appendRow(nil, r+1, b, cols)))
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rows.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	sheet := readZipEntry(t, path, "xl/worksheets/sheet1.xml")
	_, data, _ := strings.Cut(sheet, "<sheetData>")
	data, _, _ = strings.Cut(data, "</sheetData>")
	got := strings.SplitAfter(data, "</row>")
	got = got[:len(got)-1]
	if len(got) != len(want) {
		t.Fatalf("%d rows from excelize, %d from appendRow", len(got), len(want))
	}
	for i := range want {
		got[i] = impliedRefs(got[i])
		if got[i] != want[i] {
			t.Errorf("row %d:\nexcelize  %s\nappendRow %s", i+1, got[i], want[i])
		}
	}
}

// impliedRefs drops from a row of sheet XML the reference of each cell that stands right
// after the cell before it (or in column A, first in its row), as appendRow writes it.
func impliedRefs(row string) string {
	next := 1
	return cellRef.ReplaceAllStringFunc(row, func(m string) string {
		col, _, err := excelize.CellNameToCoordinates(cellRef.FindStringSubmatch(m)[1])
		if err != nil {
			return m
		}
		defer func() { next = col + 1 }()
		if col == next {
			return "<c"
		}
		return m
	})
}

var cellRef = regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"`)

func readZipEntry(t *testing.T, path, name string) string {
	t.Helper()
	b := readFileT(t, path)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	body, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// TestSpliceZip feeds the splicing zip writer a worksheet in writes of every size, the marker
// row cut anywhere, and checks that the part's rows stand exactly where the marker was.
func TestSpliceZip(t *testing.T) {
	for _, step := range []int{1, 7, 64, 1 << 20} {
		sp, err := newSplicer(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer sp.close()
		p0, m0, _ := sp.newPart()
		_, m1, _ := sp.newPart()
		rows0 := strings.Repeat(`<row r="9"><c r="A9"><v>1</v></c></row>`, 5000)
		p0.Write([]byte(rows0))
		// p1 stays empty: a part without data rows.
		markerRow := func(m string) string {
			return `<row r="2"><c r="A2" t="inlineStr"><is><t>` + m + `</t></is></c></row>`
		}
		head := `<worksheet><sheetData><row r="1"><c r="A1"><v>0</v></c></row>`
		tail := `</sheetData><autoFilter ref="A1:A2"></autoFilter></worksheet>`
		entries := map[string]string{
			"xl/worksheets/sheet2.xml": head + markerRow(m0) + tail,
			"xl/worksheets/sheet3.xml": head + markerRow(m1) + tail,
			"xl/worksheets/sheet1.xml": head + tail,   // no marker: as it is
			"docProps/app.xml":         markerRow(m0), // not a worksheet: never spliced
		}
		want := map[string]string{
			"xl/worksheets/sheet2.xml": head + rows0 + tail,
			"xl/worksheets/sheet3.xml": head + tail,
			"xl/worksheets/sheet1.xml": head + tail,
			"docProps/app.xml":         markerRow(m0),
		}
		var out bytes.Buffer
		z := newSpliceZip(&out, sp)
		for _, name := range []string{"xl/worksheets/sheet2.xml", "xl/worksheets/sheet1.xml", "docProps/app.xml", "xl/worksheets/sheet3.xml"} {
			w, err := z.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			for s := entries[name]; len(s) > 0; {
				k := min(step, len(s))
				if _, err := io.WriteString(w, s[:k]); err != nil {
					t.Fatal(err)
				}
				s = s[k:]
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		if err := z.check(); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "x.zip")
		if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		for name, w := range want {
			if got := readZipEntry(t, path, name); got != w {
				t.Errorf("step %d, %s: got %d bytes %.80q…, want %d bytes", step, name, len(got), got, len(w))
			}
		}
	}
}

func TestSpliceZipRefusesUnknownMarker(t *testing.T) {
	sp, err := newSplicer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	if _, _, err := sp.newPart(); err != nil {
		t.Fatal(err)
	}
	z := newSpliceZip(io.Discard, sp)
	w, _ := z.Create("xl/worksheets/sheet2.xml")
	_, err = io.WriteString(w, `<row r="2"><c r="A2" t="inlineStr"><is><t>`+sp.token+`7</t></is></c></row>`)
	if err == nil {
		t.Fatal("a marker naming no part was accepted")
	}
	if z.check() == nil {
		t.Error("check passed with a part never written")
	}
}

// TestSpliceZip64 writes a sheet part of more than 4 GiB of XML, the most Excel's row limit
// allows with wide rows, and reads it back: the raw entry's sizes need zip64. It takes tens of
// seconds and gigabytes of temporary disk, so it runs only when VXRECON_BIG_TESTS=1, as CI
// does in a step of its own (without the race detector, which would make it take an hour).
func TestSpliceZip64(t *testing.T) {
	if os.Getenv("VXRECON_BIG_TESTS") != "1" {
		t.Skip("set VXRECON_BIG_TESTS=1 (CI does)")
	}
	dir := t.TempDir()
	sp, err := newSplicer(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	p, m, err := sp.newPart()
	if err != nil {
		t.Fatal(err)
	}
	row := []byte(`<row r="9"><c r="A9" t="inlineStr"><is><t>` + strings.Repeat("abcdefgh", 1000) + `</t></is></c></row>`)
	const size = 4<<30 + 12345
	for n := 0; n < size; n += len(row) {
		if _, err := p.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	head := `<worksheet><sheetData>`
	tail := `</sheetData></worksheet>`
	f, err := os.Create(filepath.Join(dir, "big.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := newSpliceZip(f, sp)
	w, err := z.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, head+`<row r="2"><c r="A2" t="inlineStr"><is><t>`+m+`</t></is></c></row>`+tail)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	e := zr.File[0]
	if e.UncompressedSize64 != uint64(p.n)+uint64(len(head)+len(tail)) || e.UncompressedSize64 < 4<<30 {
		t.Fatalf("entry of %d bytes, wrote %d", e.UncompressedSize64, p.n)
	}
	rc, err := e.Open() // the zip reader checks the CRC at the end
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	if err != nil || uint64(n) != e.UncompressedSize64 {
		t.Fatalf("read %d bytes: %v", n, err)
	}
}
