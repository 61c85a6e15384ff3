package input

import (
	"archive/zip"
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/xuri/excelize/v2"
)

// stored is a number cell holding exactly this literal, as Excel writes it in the sheet XML
// ("1.23456789012345E+17"), whatever excelize would make of a float.
type stored string

// styled is a cell with a number format: a built-in id (2 = "0.00", 14 = a date) or a
// custom code.
type styled struct {
	v      any
	numFmt int
	custom string
}

// sheet is one sheet of a test workbook: its name and its rows from row 1 (nil rows stay
// empty; a nil cell stays empty).
type sheet struct {
	name string
	rows [][]any
}

// workbook builds an .xlsx in memory with excelize: a string cell is text, an int or float
// a number, a stored a number written verbatim, a styled a formatted cell.
func workbook(t testing.TB, sheets ...sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				ref, err := excelize.CoordinatesToCellName(c+1, r+1)
				if err != nil {
					t.Fatal(err)
				}
				if s, ok := v.(styled); ok {
					st := &excelize.Style{NumFmt: s.numFmt}
					if s.custom != "" {
						st.CustomNumFmt = &s.custom
					}
					id, err := f.NewStyle(st)
					if err != nil {
						t.Fatal(err)
					}
					if err := f.SetCellStyle(sh.name, ref, ref, id); err != nil {
						t.Fatal(err)
					}
					v = s.v
				}
				switch v := v.(type) {
				case stored:
					err = f.SetCellDefault(sh.name, ref, string(v))
				case string:
					err = f.SetCellStr(sh.name, ref, v)
				default:
					err = f.SetCellValue(sh.name, ref, v)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	tests := []struct {
		name   string
		sheets []sheet
		opt    Options
		want   view
	}{
		{
			name:   "text ids under a header",
			sheets: []sheet{{"Sheet1", [][]any{{"request_id"}, {"abc"}, {"00123"}}}},
			want:   view{Records: []recon.Record{{ID: "abc", Line: 2}, {ID: "00123", Line: 3}}, Rows: 2},
		},
		{
			name: "numeric ids read as their digits whatever their format",
			sheets: []sheet{{"Sheet1", [][]any{
				{"Request ID"},
				{12345678},                             // 2
				{stored("1.2345678E+7")},               // 3: the same number, written with an exponent
				{stored("87654321.0")},                 // 4: a whole float
				{styled{v: 11223344, numFmt: 2}},       // 5: shown 11223344.00
				{styled{v: 55667788, numFmt: 11}},      // 6: shown 5.57E+07
				{styled{v: 99887766, custom: "#,##0"}}, // 7: shown 99,887,766
				{stored("999999999999999")},            // 8: 15 digits, exact
			}}},
			want: view{Records: []recon.Record{
				{ID: "12345678", Line: 2, Dups: []int{3}},
				{ID: "87654321", Line: 4},
				{ID: "11223344", Line: 5},
				{ID: "55667788", Line: 6},
				{ID: "99887766", Line: 7},
				{ID: "999999999999999", Line: 8},
			}, Duplicates: 1, Rows: 7},
		},
		{
			name: "ids Excel rounded are invalid",
			sheets: []sheet{{"Sheet1", [][]any{
				{"request_id"},
				{stored("1.23456789012345E+17")}, // 2: an 18-digit id typed into Excel
				{stored("1.2345678901234568E+17")},
				{123.5},                // 4
				{"1.23457E+17"},        // 5: text copied from what Excel showed
				{stored("1E+15")},      // 6
				{"123456789012345678"}, // 7: text: kept
			}}},
			want: view{
				Records: []recon.Record{{ID: "123456789012345678", Line: 7}},
				Invalid: []recon.Invalid{
					{Line: 2, Value: "1.23456789012345E+17", Reason: "request id stored by Excel as a rounded number (1.23457E+17): format the column as text"},
					{Line: 3, Value: "1.2345678901234568E+17", Reason: "request id stored by Excel as a rounded number (1.23457E+17): format the column as text"},
					{Line: 4, Value: "123.5", Reason: "request id stored by Excel as a number with a fraction (123.5): format the column as text"},
					{Line: 5, Value: "1.23457E+17", Reason: "request id stored by Excel as a rounded number (1.23457E+17): format the column as text"},
					{Line: 6, Value: "1E+15", Reason: "request id stored by Excel as a rounded number (1E+15): format the column as text"},
				},
				Rows: 6,
			},
		},
		{
			name: "headerless one-column sheet, empty rows skipped, sheet row numbers",
			sheets: []sheet{{"Ids", [][]any{
				{12345678},
				nil,
				{"abc"},
				{nil, nil},
				{"  "},
				{stored("1.23456789012345E+17")},
				nil,
				{"def"},
			}}},
			want: view{
				Records: []recon.Record{{ID: "12345678", Line: 1}, {ID: "abc", Line: 3}, {ID: "def", Line: 8}},
				Invalid: []recon.Invalid{{Line: 6, Value: "1.23456789012345E+17", Reason: "request id stored by Excel as a rounded number (1.23457E+17): format the column as text"}},
				Rows:    4,
			},
		},
		{
			name: "header below empty rows, other columns as shown",
			sheets: []sheet{{"Sheet1", [][]any{
				nil,
				{"Name", "request_id", "Joined", "Score", "Ref", "Share"},
				{"Jane Doe", "abc", styled{v: 45366, numFmt: 14}, 12.5, "007", styled{v: 0.25, numFmt: 9}},
				{"John Doe", "def", styled{v: 45367, numFmt: 14}, 3, 8, styled{v: 0.5, numFmt: 9}},
			}}},
			want: view{
				Columns: []recon.Column{{Name: "Name"}, {Name: "Joined"}, numCol("Score"), {Name: "Ref"}, {Name: "Share"}},
				Records: []recon.Record{
					{ID: "abc", Line: 3, Fields: []string{"Jane Doe", "03-15-24", "12.5", "007", "25%"}},
					{ID: "def", Line: 4, Fields: []string{"John Doe", "03-16-24", "3", "8", "50%"}},
				},
				Rows: 2,
			},
		},
		{
			name: "sheet chosen by name",
			sheets: []sheet{
				{"Notes", [][]any{{"nothing here"}}},
				{"Batch 2", [][]any{{"request_id"}, {"xyz"}}},
			},
			opt:  Options{Sheet: "Batch 2"},
			want: view{Records: []recon.Record{{ID: "xyz", Line: 2}}, Rows: 1},
		},
		{
			name: "sheet chosen by name without case",
			sheets: []sheet{
				{"Notes", [][]any{{"nothing here"}}},
				{"Batch 2", [][]any{{"request_id"}, {"xyz"}}},
			},
			opt:  Options{Sheet: "batch 2"},
			want: view{Records: []recon.Record{{ID: "xyz", Line: 2}}, Rows: 1},
		},
		{
			name: "amount column read from the stored value",
			sheets: []sheet{{"Sheet1", [][]any{
				{"request_id", "Fee", "Note"},
				{"abc", styled{v: 1.5, custom: `"$"#,##0.00`}, "x"},       // shown $1.50
				{"def", styled{v: 1234.5, custom: `#,##0.00 "EUR"`}, "y"}, // shown 1,234.50 EUR
				{"abc", stored("0.30000000000000004"), "z"},               // a sum Excel stored
				{"", 2, "empty id"},
				{"ghi", nil, "no amount"},
				{"jkl", "7.25", "amount as text"},
				{"mno", stored("1E-3"), ""},
			}}},
			want: view{
				Columns: []recon.Column{numCol("Fee"), {Name: "Note"}},
				Amount:  "Fee",
				Records: []recon.Record{
					{ID: "abc", Line: 2, Dups: []int{4}, Fields: []string{"1.5", "x"}, Amounts: []float64{1.5, 0.3}},
					{ID: "def", Line: 3, Fields: []string{"1234.5", "y"}, Amounts: []float64{1234.5}},
					{ID: "ghi", Line: 6, Fields: []string{"", "no amount"}, Amounts: []float64{0}},
					{ID: "jkl", Line: 7, Fields: []string{"7.25", "amount as text"}, Amounts: []float64{7.25}},
					{ID: "mno", Line: 8, Fields: []string{"0.001", ""}, Amounts: []float64{0.001}},
				},
				Invalid:    []recon.Invalid{{Line: 5, Value: "", Reason: "empty request id", Amount: 2}},
				Duplicates: 1,
				Rows:       7,
			},
		},
		{
			name: "amount column named, only column besides the id",
			sheets: []sheet{{"Sheet1", [][]any{
				{"Charge (EUR)", "request_id"},
				{3, "abc"},
			}}},
			opt: Options{AmountColumn: "charge (eur)"},
			want: view{
				Columns: []recon.Column{numCol("Charge (EUR)")},
				Amount:  "Charge (EUR)",
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"3"}, Amounts: []float64{3}}},
				Rows:    1,
			},
		},
		{
			name:   "header only",
			sheets: []sheet{{"Sheet1", [][]any{{"request_id", "name"}}}},
			want:   view{Columns: []recon.Column{{Name: "name"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := workbook(t, tt.sheets...)
			tt.opt.Name = "ids.xlsx"
			got, err := Read(bytes.NewReader(data), tt.opt)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			tt.want.Name = "ids.xlsx"
			if !reflect.DeepEqual(viewOf(got), tt.want) {
				t.Errorf("Read:\n got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestReadXLSXErrors(t *testing.T) {
	three := []sheet{
		{"Summary", [][]any{{"request_id"}, {"abc"}}},
		{"Data", [][]any{{"request_id"}, {"abc"}}},
		{"Notes", nil},
	}
	tests := []struct {
		name     string
		sheets   []sheet
		opt      Options
		wantLine int
		wantMsg  string
	}{
		{name: "unknown sheet", sheets: three, opt: Options{Sheet: "Batch"},
			wantMsg: `ids.xlsx: no sheet "Batch" in the workbook (3 sheets: "Summary", "Data", "Notes")`},
		{name: "unknown sheet, one sheet", sheets: three[:1], opt: Options{Sheet: "Batch"},
			wantMsg: `ids.xlsx: no sheet "Batch" in the workbook (1 sheet: "Summary")`},
		{name: "empty sheet", sheets: three, opt: Options{Sheet: "Notes"},
			wantMsg: `ids.xlsx: sheet "Notes" is empty, no request id column`},
		{name: "no id column", sheets: []sheet{{"Sheet1", [][]any{nil, {"name", "email"}, {"Jane Doe", "jane@example.com"}}}},
			wantLine: 2,
			wantMsg:  "ids.xlsx:2: no request id column in the first row (2 columns, none named request_id, Request ID or requestId); use -column NAME"},
		{name: "amount that is not a number", wantLine: 4,
			sheets:  []sheet{{"Sheet1", [][]any{{"request_id", "amount"}, {"abc", 1}, {"def", 2}, {"ghi", "12 EUR"}}}},
			wantMsg: `ids.xlsx:4: the amount in column "amount" is not a plain number (digits with an optional minus and a decimal point; no currency sign, thousands separator or exponent)`},
		{name: "amount that is too large for Excel's digits", wantLine: 2,
			sheets:  []sheet{{"Sheet1", [][]any{{"request_id", "amount"}, {"abc", stored("1E+20")}}}},
			wantMsg: `ids.xlsx:2: the amount in column "amount" is not a plain number (digits with an optional minus and a decimal point; no currency sign, thousands separator or exponent)`},
		{name: "too wide", opt: Options{MaxColumns: 3}, wantLine: 1,
			sheets:  []sheet{{"Sheet1", [][]any{{"request_id", "a", "b", "c", "d"}, {"abc"}}}},
			wantMsg: "ids.xlsx:1: 5 columns: the Results sheet holds at most 3 input columns besides the request id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Name = "ids.xlsx"
			got, err := Read(bytes.NewReader(workbook(t, tt.sheets...)), tt.opt)
			if err == nil {
				t.Fatalf("Read = %+v, want an error", got)
			}
			var le *LineError
			if !errors.As(err, &le) || le.File != "ids.xlsx" || le.Line != tt.wantLine {
				t.Errorf("error %#v, want a *LineError at ids.xlsx:%d", err, tt.wantLine)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("error\n got %s\nwant %s", err, tt.wantMsg)
			}
		})
	}
}

// TestReadZipNotWorkbook: a zip without xl/workbook.xml (a .docx, an archive) is not read as
// a workbook, and not as CSV either.
func TestReadZipNotWorkbook(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("<w:document/>"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Read(&buf, Options{Name: "ids.xlsx"})
	want := "ids.xlsx:1: this is a zip file, not CSV nor an .xlsx workbook (no xl/workbook.xml); save it as .xlsx or CSV UTF-8"
	if err == nil || err.Error() != want {
		t.Fatalf("Read error %v, want %s", err, want)
	}
}

// TestReadXLSXSameAsCSV: the same data as CSV and as a workbook give the same Batch.
func TestReadXLSXSameAsCSV(t *testing.T) {
	csv := "Customer,request_id,Amount,Visits,Ref\n" +
		"Jane Doe,abc,1.5,3,007\n" +
		"John Doe,def,2,10,A1\n" +
		"\n" +
		"Jane Doe,abc,1.5,3,007\n" +
		"Bad Row,a/b,4,1,x\n" +
		"Max Mustermann,ghi,,0.5,\n" +
		"Erika,12345678,0.25,-2,9\n"
	rows := [][]any{
		{"Customer", "request_id", "Amount", "Visits", "Ref"},
		{"Jane Doe", "abc", 1.5, 3, "007"},
		{"John Doe", "def", 2, 10, "A1"},
		nil,
		{"Jane Doe", "abc", 1.5, 3, "007"},
		{"Bad Row", "a/b", 4, 1, "x"},
		{"Max Mustermann", "ghi", nil, 0.5, nil},
		{"Erika", 12345678, 0.25, -2, 9},
	}
	fromCSV, err := Read(strings.NewReader(csv), Options{Name: "ids"})
	if err != nil {
		t.Fatal(err)
	}
	fromXLSX, err := Read(bytes.NewReader(workbook(t, sheet{"Sheet1", rows})), Options{Name: "ids"})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := viewOf(fromCSV), viewOf(fromXLSX); !reflect.DeepEqual(a, b) {
		t.Errorf("CSV and workbook differ:\n csv %+v\nxlsx %+v", a, b)
	}
	if fromCSV.Amount != "Amount" || len(fromCSV.Records()) != 4 || !fromCSV.Columns[2].Numeric || fromCSV.Columns[3].Numeric {
		t.Errorf("unexpected batch %+v", *fromCSV)
	}
}
