package input

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	bt "github.com/vxrecon/vxrecon/input/bombtest"
)

const sheetPart = "xl/worksheets/sheet1.xml"

// header is the first row of the test sheets.
const header = `<row r="1"><c r="A1" t="inlineStr"><is><t>request_id</t></is></c></row>`

// TestBombWorkbookReads: the builder makes workbooks excelize and Read take as they are.
func TestBombWorkbookReads(t *testing.T) {
	b, err := Read(bytes.NewReader(bt.Workbook(t, bt.Entry{Name: sheetPart, Pieces: bt.Sheet(header, bt.IDRows(3))})), Options{Name: "ok.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 3 || b.ID(0) != "id-2" {
		t.Errorf("read %d ids, first %q", b.Len(), b.ID(0))
	}
}

// TestDamagedSheetIsNotShort: a sheet whose XML breaks part-way is an error naming the row
// where reading stopped, never a shorter input.
func TestDamagedSheetIsNotShort(t *testing.T) {
	rows := bt.IDRows(100) // rows 2 to 101
	cut := strings.Index(rows, `<row r="51">`)
	tests := []struct {
		name string
		tail string // what follows row 50
		line int
	}{
		{"cut inside row 51", rows[cut : cut+30], 51},
		{"garbage inside row 51", rows[cut:cut+20] + `<<c>` + rows[cut+20:], 51},
		{"garbage between rows", `<row r="51"` + rows[cut+11:cut+11] + `</c>` + rows[cut:], 51},
		{"the part ends after row 50", ``, 51},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := []bt.Piece{{Text: `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
				header + rows[:cut] + tt.tail}}
			b, err := Read(bytes.NewReader(bt.Workbook(t, bt.Entry{Name: sheetPart, Pieces: sheet})), Options{Name: "ids.xlsx"})
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("Read = %v ids, %v: want an error", b.Len(), err)
			}
			if le.File != "ids.xlsx" || le.Line != tt.line || !strings.Contains(err.Error(), "damaged") {
				t.Errorf("error %v (line %d), want ids.xlsx:%d saying the sheet is damaged", err, le.Line, tt.line)
			}
		})
	}
	// Whole, the same sheet reads all 100 ids.
	b, err := Read(bytes.NewReader(bt.Workbook(t, bt.Entry{Name: sheetPart, Pieces: bt.Sheet(header, rows)})), Options{Name: "ids.xlsx"})
	if err != nil || b.Len() != 100 {
		t.Fatalf("the whole sheet: %v ids, %v", b, err)
	}
}

// TestWorkbookBombs: a workbook whose one cell, one shared string, run of white space or part
// inflates far past the limits is refused with a message naming the file, the part and the
// limit, having allocated a small fraction of what it would inflate to.
func TestWorkbookBombs(t *testing.T) {
	mib := strings.Repeat(" ", 1<<20)
	xs := strings.Repeat("x", 1<<20)
	sst := func(pieces ...bt.Piece) bt.Entry {
		p := append([]bt.Piece{{Text: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`}}, pieces...)
		return bt.Entry{Name: "xl/sharedStrings.xml", Pieces: append(p, bt.Piece{Text: `</sst>`})}
	}
	manyStrings := strings.Repeat(`<si><t>a</t></si>`, 1<<16) // 1 MiB
	tests := []struct {
		name  string
		parts []bt.Entry
		want  []string
	}{
		{"white space between rows", []bt.Entry{{Name: sheetPart, Pieces: []bt.Piece{{Text: `<worksheet><sheetData>` + header},
			{Text: mib, N: 512}, {Text: `</sheetData></worksheet>`}}}},
			[]string{"ids.xlsx:2:", "longer than 1 MiB", "zip bomb"}},
		{"one cell", []bt.Entry{{Name: sheetPart, Pieces: []bt.Piece{{Text: `<worksheet><sheetData>` + header + `<row r="2"><c r="A2" t="inlineStr"><is><t>`},
			{Text: xs, N: 512}, {Text: `</t></is></c></row></sheetData></worksheet>`}}}},
			[]string{"ids.xlsx:2:", "longer than 1 MiB"}},
		{"one shared string", []bt.Entry{sst(bt.Piece{Text: `<si><t>`}, bt.Piece{Text: xs, N: 512}, bt.Piece{Text: `</t></si>`})},
			[]string{"ids.xlsx:", "xl/sharedStrings.xml", "over 48 MiB"}},
		{"a long shared string under the size", []bt.Entry{sst(bt.Piece{Text: `<si><t>`}, bt.Piece{Text: xs, N: 8}, bt.Piece{Text: `</t></si>`})},
			[]string{"xl/sharedStrings.xml", "longer than 1 MiB"}},
		{"too many shared strings", []bt.Entry{sst(bt.Piece{Text: manyStrings, N: 40})},
			[]string{"xl/sharedStrings.xml", "over 1100000 strings"}},
		{"too many shared strings, prefixed", []bt.Entry{sst(bt.Piece{Text: strings.ReplaceAll(strings.ReplaceAll(manyStrings, "<si>", "<x:si>"), "</si>", "</x:si>"), N: 35})},
			[]string{"xl/sharedStrings.xml", "over 1100000 strings"}},
		{"a sheet over the limit", []bt.Entry{{Name: sheetPart, Pieces: []bt.Piece{{Text: `<worksheet><sheetData>`}, {Text: mib, N: 2049}, {Text: `</sheetData></worksheet>`}}}},
			[]string{"xl/worksheets/sheet1.xml", "over 2 GiB"}},
		{"styles of many elements", []bt.Entry{{Name: "xl/styles.xml", Pieces: []bt.Piece{{Text: `<styleSheet><cellXfs>`}, {Text: strings.Repeat(`<xf/>`, 250_000)}, {Text: `</cellXfs></styleSheet>`}}}},
			[]string{"xl/styles.xml", "over 200000 elements"}},
		{"an XML part over the limit", []bt.Entry{{Name: "xl/styles.xml", Pieces: []bt.Piece{{Text: `<styleSheet>`}, {Text: mib, N: 9}, {Text: `</styleSheet>`}}}},
			[]string{"xl/styles.xml", "over 8 MiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wb := bt.Workbook(t, tt.parts...)
			if len(wb) > 10<<20 {
				t.Fatalf("the bomb is %d bytes: want one under 10 MiB", len(wb))
			}
			var err error
			alloc := allocated(func() { _, err = Read(bytes.NewReader(wb), Options{Name: "ids.xlsx"}) })
			if err == nil {
				t.Fatal("read without an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if limit := uint64(len(wb)) + 32<<20; alloc > limit {
				t.Errorf("allocated %d MiB reading a %d KiB bomb, want under %d MiB", alloc>>20, len(wb)>>10, limit>>20)
			}
			t.Logf("%d KiB file: %v; allocated %d MiB", len(wb)>>10, err, alloc>>20)
		})
	}
}

// TestWorkbookLimitsLetRealFilesThrough: a sheet of 100,000 ids in shared strings, the way
// Excel saves them, is read whole.
func TestWorkbookLimitsLetRealFilesThrough(t *testing.T) {
	const n = 100_000
	var si, rows strings.Builder
	for i := range n {
		si.WriteString(`<si><t>id-` + strconv.Itoa(i) + `</t></si>`)
		r := strconv.Itoa(i + 2)
		rows.WriteString(`<row r="` + r + `"><c r="A` + r + `" t="s"><v>` + strconv.Itoa(i+1) + `</v></c></row>`)
	}
	wb := bt.Workbook(t,
		bt.Entry{Name: "xl/sharedStrings.xml", Pieces: []bt.Piece{{Text: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>request_id</t></si>` + si.String() + `</sst>`}}},
		bt.Entry{Name: sheetPart, Pieces: bt.Sheet(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, rows.String())})
	b, err := Read(bytes.NewReader(wb), Options{Name: "big.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != n || b.ID(n-1) != "id-"+strconv.Itoa(n-1) {
		t.Errorf("read %d ids, last %q", b.Len(), b.ID(b.Len()-1))
	}
}
