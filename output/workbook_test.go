package output

import (
	"archive/zip"
	"bytes"
	"fmt"
	"github.com/vxrecon/vxrecon/pii"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

var wantHeaders = map[string][]string{
	"Results": {"Row", "Request ID", "Classification", "HTTP Status", "Status", "Action", "Detail",
		"Service", "Confirmation", "Reference", "First Name", "Last Name", "Email", "Phone", "DOB",
		"Journey Duration (s)", "Journey Duration", "Stops", "Started At", "Finished At", "Issues",
		"Attempts", "Error", "Duplicate Rows", "Input: customer", "Input: invoice"},
	"Journeys": {"Request ID", "Stop", "Timestamp", "Type", "Source", "Status", "Action", "Detail", "Elapsed (s)"},
	"Issues":   {"Issue", "Count", "PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error", "Share"},
	"Errors":   {"Row", "Request ID", "Error", "HTTP Status", "Attempts", "Duplicate Rows"},
	"Changes":  {"Request ID", "Before", "Now", "Change"},
	"Billing":  {"Class", "Lines", "Amount"},
}

func TestWorkbookSheetsAndHeaders(t *testing.T) {
	f := openWorkbook(t, buildWorkbook(t, fixtureOptions(), fixtureInvalid, fixtureItems(), fixtureSummary()))
	want := []string{"Summary", "Results", "Journeys", "Issues", "Errors", "Changes", "Billing"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	if i := f.GetActiveSheetIndex(); i != 0 {
		t.Errorf("active sheet = %d, want 0 (Summary)", i)
	}
	for sheet, hdr := range wantHeaders {
		t.Run(sheet, func(t *testing.T) {
			rs := sheetRows(t, f, sheet, 0)
			if len(rs) == 0 || !slices.Equal(rs[0], hdr) {
				t.Fatalf("header = %q, want %q", rs[0], hdr)
			}
			p, err := f.GetPanes(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
				t.Errorf("panes = %+v, want frozen below the header", p)
			}
			style := cellStyle(t, f, sheet, "A1")
			if style.Font == nil || !style.Font.Bold {
				t.Errorf("header not bold: %+v", style.Font)
			}
		})
	}
}

func TestWorkbookResultsRows(t *testing.T) {
	f := openWorkbook(t, buildWorkbook(t, fixtureOptions(), fixtureInvalid, fixtureItems(), fixtureSummary()))
	hdr := wantHeaders["Results"]
	rs := sheetRows(t, f, "Results", len(hdr))
	if len(rs) != 6 {
		t.Fatalf("Results has %d rows, want header + 5", len(rs))
	}
	byID := map[string]map[string]string{}
	for _, r := range rs[1:] {
		m := map[string]string{}
		for i, h := range hdr {
			m[h] = r[i]
		}
		byID[r[1]] = m
	}
	tests := []struct {
		id   string
		want map[string]string
	}{
		{"req-pass", map[string]string{
			"Row": "2", "Duplicate Rows": "5, 9", "Classification": "PASS", "HTTP Status": "200", "Status": "PASS", "Action": "PASS",
			"Detail": "ALL CHECKS PASSED", "Service": "IDMatch5.0", "Confirmation": "123456789", "Reference": "REF-1",
			"First Name": "J***", "Last Name": "D***", "Email": "j***@example.com", "Phone": "***-***-7890",
			"DOB": "1990-**-**", "Journey Duration (s)": "32.000", "Journey Duration": "0:00:32", "Stops": "3",
			"Started At": "2024-08-19 20:56:25", "Finished At": "2024-08-19 20:56:57",
			"Issues": "OUT-OF-BAND SUCCESSFUL; ALL CHECKS PASSED", "Attempts": "1", "Error": "",
			"Input: customer": "ACME", "Input: invoice": "inv-1",
		}},
		{"req-202", map[string]string{
			"Row": "3", "Duplicate Rows": "", "Classification": "IN PROGRESS", "HTTP Status": "202", "Status": "", "Detail": "still working",
			"Stops": "", "Journey Duration": "", "Attempts": "1", "Input: customer": "ACME", "Input: invoice": "",
		}},
		{"req-404", map[string]string{
			"Row": "4", "Classification": "NOT FOUND", "HTTP Status": "404", "Detail": "not found", "Error": "",
		}},
		{"req-err", map[string]string{
			"Row": "7", "Duplicate Rows": "8", "Classification": "error", "HTTP Status": "503", "Attempts": "5",
			"Error": "HTTP 503 after 5 attempts", "Detail": "",
		}},
		{"req-fail", map[string]string{
			"Row": "6", "Classification": "FAIL", "Status": "FAIL", "Action": "@SUM(A1:A2)",
			"Reference": hostileTexts[0], "First Name": "Z***", "Issues": "NO MATCH", "Stops": "1",
			"Input: customer": "=cmd|' /C calc'!A0",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, ok := byID[tt.id]
			if !ok {
				t.Fatalf("no Results row for %s", tt.id)
			}
			for col, want := range tt.want {
				if got[col] != want {
					t.Errorf("%s = %q, want %q", col, got[col], want)
				}
			}
		})
	}
	// Input order is kept.
	var order []string
	for _, r := range rs[1:] {
		order = append(order, r[1])
	}
	if want := []string{"req-pass", "req-202", "req-404", "req-err", "req-fail"}; !slices.Equal(order, want) {
		t.Errorf("order = %q, want %q", order, want)
	}
}

func TestWorkbookCellTypesAndFormats(t *testing.T) {
	f := openWorkbook(t, buildWorkbook(t, fixtureOptions(), fixtureInvalid, fixtureItems(), fixtureSummary()))
	tests := []struct {
		sheet, cell string
		number      bool
		numFmt      string  // custom number format, "" for none
		raw         float64 // when number, the stored value
	}{
		{"Results", "A2", true, "", 2},  // the first line, also for a repeated id
		{"Results", "X2", false, "", 0}, // its other lines: "5, 9"
		{"Results", "A3", true, "", 3},
		{"Results", "D2", true, "", 200},
		{"Results", "P2", true, fmtSeconds, 32},
		{"Results", "Q2", true, fmtDuration, 32.0 / 86400},
		{"Results", "R2", true, "", 3},
		{"Results", "S2", true, fmtDateTime, 45523 + (20*3600+56*60+25)/86400.0},
		{"Results", "T2", true, fmtDateTime, 45523 + (20*3600+56*60+57)/86400.0},
		{"Results", "V2", true, "", 1},
		{"Results", "B2", false, "", 0},
		{"Results", "I2", false, "", 0}, // confirmation is an identifier: text
		{"Journeys", "B2", true, "", 1},
		{"Journeys", "C2", true, fmtDateTime, 45523 + (20*3600+56*60+25)/86400.0},
		{"Journeys", "C3", false, "", 0}, // "not a time" stays text
		{"Journeys", "I4", true, fmtSeconds, 32},
		{"Issues", "B2", true, "", 1},
		{"Issues", "H2", true, fmtPercent, 0.2},
		{"Errors", "A2", true, "", 10},
		{"Errors", "D3", true, "", 503},
		{"Errors", "E3", true, "", 5},
		{"Errors", "A3", true, "", 7},
		{"Errors", "F3", false, "", 0}, // "8"
		{"Billing", "B2", true, "", 3},
		{"Billing", "C2", true, fmtMoney, 32.5},
		{"Billing", "C3", true, fmtMoney, 1234.5},
		{"Billing", "C10", true, fmtMoney, 1290.25},
	}
	for _, tt := range tests {
		t.Run(tt.sheet+"!"+tt.cell, func(t *testing.T) {
			typ, err := f.GetCellType(tt.sheet, tt.cell)
			if err != nil {
				t.Fatal(err)
			}
			isNum := typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber
			if isNum != tt.number {
				t.Fatalf("type = %v, want number %v", typ, tt.number)
			}
			st := cellStyle(t, f, tt.sheet, tt.cell)
			got := ""
			if st.CustomNumFmt != nil {
				got = *st.CustomNumFmt
			}
			if got != tt.numFmt {
				t.Errorf("number format = %q, want %q", got, tt.numFmt)
			}
			if !tt.number {
				return
			}
			raw, err := f.GetCellValue(tt.sheet, tt.cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			v, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				t.Fatalf("value %q is not a number", raw)
			}
			if d := v - tt.raw; d > 1e-9 || d < -1e-9 {
				t.Errorf("value = %v, want %v", v, tt.raw)
			}
		})
	}
}

func TestWorkbookClassFills(t *testing.T) {
	f := openWorkbook(t, buildWorkbook(t, fixtureOptions(), nil, fixtureItems(), fixtureSummary()))
	want := map[string]string{"PASS": "C6EFCE", "FAIL": "FFC7CE", "IN PROGRESS": "FFEB9C", "NOT FOUND": "D9D9D9", "error": "C00000"}
	for r := 2; r <= 6; r++ {
		cell := "C" + strconv.Itoa(r)
		class, _ := f.GetCellValue("Results", cell)
		st := cellStyle(t, f, "Results", cell)
		if len(st.Fill.Color) == 0 || st.Fill.Color[0] != want[class] {
			t.Errorf("%s (%s) fill = %v, want %s", cell, class, st.Fill.Color, want[class])
		}
		if class == "error" && (st.Font == nil || st.Font.Color != "FFFFFF") {
			t.Errorf("error font = %+v, want white", st.Font)
		}
	}
}

func TestWorkbookJourneysAndErrors(t *testing.T) {
	f := openWorkbook(t, buildWorkbook(t, fixtureOptions(), fixtureInvalid, fixtureItems(), fixtureSummary()))
	want := [][]string{
		{"Request ID", "Stop", "Timestamp", "Type", "Source", "Status", "Action", "Detail", "Elapsed (s)"},
		{"req-pass", "1", "2024-08-19 20:56:25", "NEW REGISTRATION", "web", "STARTED", "", "", "0.000"},
		{"req-pass", "2", "not a time", "Data Service", "IDMatch5.0", "DONE", "PASS", "ALL CHECKS PASSED", ""},
		{"req-pass", "3", "2024-08-19 20:56:57", "Data Service", "PhoneMatch5.0", "DONE", "PASS", "OUT-OF-BAND SUCCESSFUL", "32.000"},
		{"req-fail", "1", "garbled", "", "", "", "", "ctl\nend!", ""},
	}
	if got := sheetRows(t, f, "Journeys", 9); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Journeys =\n%q\nwant\n%q", got, want)
	}
	wantErr := [][]string{
		{"Row", "Request ID", "Error", "HTTP Status", "Attempts", "Duplicate Rows"},
		{"10", "bad/id", "invalid character '/' in request id", "", "", ""},
		{"7", "req-err", "HTTP 503 after 5 attempts", "503", "5", "8"},
	}
	if got := sheetRows(t, f, "Errors", 6); !slices.EqualFunc(got, wantErr, slices.Equal) {
		t.Errorf("Errors =\n%q\nwant\n%q", got, wantErr)
	}
	wantIss := [][]string{
		{"Issue", "Count", "PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error", "Share"},
		{"ALL CHECKS PASSED", "1", "1", "0", "0", "0", "0", "20.0%"},
		{"NO MATCH", "1", "0", "1", "0", "0", "0", "20.0%"},
		{"OUT-OF-BAND SUCCESSFUL", "1", "1", "0", "0", "0", "0", "20.0%"},
	}
	if got := sheetRows(t, f, "Issues", 8); !slices.EqualFunc(got, wantIss, slices.Equal) {
		t.Errorf("Issues =\n%q\nwant\n%q", got, wantIss)
	}
}

// summaryValue finds label in a label column of Summary (A, or E for the blocks on the
// right), the first from the top, and returns the cells right of it.
func summaryValue(t *testing.T, f *excelize.File, label string) []string {
	t.Helper()
	_, v := summaryLabel(t, f, label)
	return v
}

// summaryLabel is summaryValue that also returns the label's cell.
func summaryLabel(t *testing.T, f *excelize.File, label string) (string, []string) {
	t.Helper()
	for i, r := range sheetRows(t, f, "Summary", 12) {
		for _, c := range []int{0, 4} {
			if r[c] == label {
				cell, _ := excelize.CoordinatesToCellName(c+1, i+1)
				return cell, r[c+1 : c+8]
			}
		}
	}
	t.Fatalf("Summary has no %q label", label)
	return "", nil
}

func TestWorkbookSummary(t *testing.T) {
	path := buildWorkbook(t, fixtureOptions(), fixtureInvalid, fixtureItems(), fixtureSummary())
	f := openWorkbook(t, path)
	tests := []struct {
		label string
		want  []string
	}{
		{"Started", []string{"2024-08-19 20:56:25", "UTC +00:00"}},
		{"Finished", []string{"2024-08-19 22:26:25", "UTC +00:00"}},
		{"Input file", []string{"ids.csv", ""}},
		{"API host", []string{"https://vx.dcams.app", ""}},
		{"vxrecon version", []string{"v1.2.3", ""}},
		{"Result", []string{"INCOMPLETE", "interrupted"}},
		{"PASS", []string{"1", "20.0%"}},
		{"FAIL", []string{"1", "20.0%"}},
		{"IN PROGRESS", []string{"1", "20.0%"}},
		{"NOT FOUND", []string{"1", "20.0%"}},
		{"error", []string{"1", "20.0%"}},
		{"Results", []string{"5", ""}},
		{"Rows read", []string{"9", ""}},
		{"Duplicates", []string{"3", ""}},
		{"Invalid rows", []string{"1", ""}},
		{"Count", []string{"1", ""}},
		{"Median", []string{"32", "0:00:32"}},
		{"P90", []string{"32", "0:00:32"}},
		{"Service", []string{"PASS", "FAIL"}},
		{"(none)", []string{"0", "0"}},
		{"NO MATCH", []string{"1", "20.0%"}},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			if got := summaryValue(t, f, tt.label); !slices.Equal(got[:2], tt.want) {
				t.Errorf("%s = %q, want %q", tt.label, got[:2], tt.want)
			}
		})
	}
	t.Run("numbers", func(t *testing.T) {
		for r, row := range sheetRows(t, f, "Summary", 1) {
			if row[0] == "PASS" {
				cell := fmt.Sprintf("B%d", r+1)
				if typ, _ := f.GetCellType("Summary", cell); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("%s type = %v, want a number", cell, typ)
				}
				return
			}
		}
	})
	t.Run("chart", func(t *testing.T) {
		parts := unzipParts(t, path)
		chart, ok := parts["xl/charts/chart1.xml"]
		if !ok {
			t.Fatal("no chart in the workbook")
		}
		m := regexp.MustCompile(`Summary!\$B\$(\d+):\$B\$(\d+)`).FindStringSubmatch(chart)
		if m == nil {
			t.Fatalf("chart does not refer to the class counts:\n%.500s", chart)
		}
		first, _ := strconv.Atoi(m[1])
		for i, c := range recon.Classes {
			if got, _ := f.GetCellValue("Summary", fmt.Sprintf("A%d", first+i)); got != string(c) {
				t.Errorf("chart category %d = %q, want %q", i, got, c)
			}
		}
		rels := parts["xl/worksheets/_rels/sheet1.xml.rels"]
		if !strings.Contains(rels, "drawing") {
			t.Errorf("Summary (sheet1) has no drawing: %s", rels)
		}
	})
	t.Run("no formulas", func(t *testing.T) {
		for name, body := range unzipParts(t, path) {
			if strings.HasPrefix(name, "xl/worksheets/") && strings.Contains(body, "<f>") {
				t.Errorf("%s holds a formula", name)
			}
		}
	})
	t.Run("properties", func(t *testing.T) {
		p, err := f.GetDocProps()
		if err != nil {
			t.Fatal(err)
		}
		if p.Title != "vxrecon report" || p.Creator != "vxrecon" || p.Created != "2024-08-20T06:00:00Z" {
			t.Errorf("properties = %+v", p)
		}
	})
	t.Run("complete", func(t *testing.T) {
		s := fixtureSummary()
		s.Facts.Complete, s.Facts.Reason = true, ""
		f := openWorkbook(t, buildWorkbook(t, fixtureOptions(), nil, nil, s))
		if got := summaryValue(t, f, "Result")[:2]; !slices.Equal(got, []string{"COMPLETE", ""}) {
			t.Errorf("Result = %q", got)
		}
	})
}

func TestWorkbookAutoFilter(t *testing.T) {
	path := buildWorkbook(t, fixtureOptions(), fixtureInvalid, fixtureItems(), fixtureSummary())
	f := openWorkbook(t, path)
	want := map[string]string{
		"Results":  "'Results'!$A$1:$Z$6",
		"Journeys": "'Journeys'!$A$1:$I$5",
		"Issues":   "'Issues'!$A$1:$H$4",
		"Errors":   "'Errors'!$A$1:$F$3",
		"Changes":  "'Changes'!$A$1:$D$6",
		"Billing":  "'Billing'!$A$1:$C$10", // the class table
	}
	got := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			got[d.Scope] = d.RefersTo
		}
	}
	for sheet, ref := range want {
		if got[sheet] != ref {
			t.Errorf("%s autofilter = %q, want %q", sheet, got[sheet], ref)
		}
	}
	n := 0
	for name, body := range unzipParts(t, path) {
		if strings.HasPrefix(name, "xl/worksheets/sheet") && strings.Contains(body, "<autoFilter ref=") {
			n++
		}
	}
	if n != len(want) {
		t.Errorf("%d worksheets have an autoFilter element, want %d", n, len(want))
	}
}

func TestWorkbookHostileText(t *testing.T) {
	// One result whose every API text field and journey stop carries a hostileTexts string.
	var items []wbItem
	for i, h := range append(slices.Clone(hostileTexts), unicodeText) {
		id := fmt.Sprintf("req-%d", i)
		items = append(items, wbItem{
			rec: recon.Record{ID: id, Line: i + 2, Fields: []string{h}},
			res: recon.Result{ID: id, Class: recon.Fail, HTTPStatus: 200, Attempts: 1, Session: &recon.Session{
				RequestID: id, Status: h, Reference: h,
				Plus:    &recon.Plus{Service: h, Confirmation: recon.FlexString(h), Action: h, Detail: h},
				Journey: &recon.Journey{Stops: []recon.Stop{{Timestamp: h, Type: h, Source: h, Status: h, Action: h, Detail: h}}},
			}},
			d: &report.Derived{Service: h, Issues: []string{h}, Stops: []report.StopTime{{}}},
		})
	}
	f := openWorkbook(t, buildWorkbook(t, Options{PII: "full", InputColumns: []recon.Column{{Name: "note"}}}, nil, items, &report.Summary{}))
	for i, h := range append(slices.Clone(hostileTexts), unicodeText) {
		r := i + 2
		cells := []struct{ sheet, col string }{
			{"Results", "E"}, {"Results", "F"}, {"Results", "G"}, {"Results", "H"}, {"Results", "I"},
			{"Results", "J"}, {"Results", "U"}, {"Results", "Y"},
			{"Journeys", "C"}, {"Journeys", "D"}, {"Journeys", "E"}, {"Journeys", "F"}, {"Journeys", "G"}, {"Journeys", "H"},
		}
		for _, c := range cells {
			cell := c.col + strconv.Itoa(r)
			got, err := f.GetCellValue(c.sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			if got != h {
				t.Errorf("%s!%s = %q, want %q", c.sheet, cell, got, h)
			}
			if fm, _ := f.GetCellFormula(c.sheet, cell); fm != "" {
				t.Errorf("%s!%s has formula %q", c.sheet, cell, fm)
			}
			if typ, _ := f.GetCellType(c.sheet, cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
				t.Errorf("%s!%s type = %v, want a string", c.sheet, cell, typ)
			}
		}
	}
}

func TestWorkbookControlAndLongText(t *testing.T) {
	f := openWorkbook(t, buildWorkbook(t, fixtureOptions(), nil, fixtureItems(), fixtureSummary()))
	got, _ := f.GetCellValue("Journeys", "H5")
	if got != "ctl\nend!" {
		t.Errorf("control characters: got %q, want %q", got, "ctl\nend!")
	}
	long, _ := f.GetCellValue("Results", "G6")
	if n := len(utf16.Encode([]rune(long))); n > MaxCellChars {
		t.Errorf("cut text is %d UTF-16 units, want <= %d", n, MaxCellChars)
	}
	if !strings.HasSuffix(long, CutMarker) || !strings.HasPrefix(long, strings.Repeat("x", 30000)) {
		t.Errorf("cut text does not end with the marker: ...%q", long[max(0, len(long)-20):])
	}
	first, _ := f.GetCellValue("Results", "K6")
	if first != "Z***" {
		t.Errorf("unicode first name masked = %q", first)
	}
}

func TestWorkbookPII(t *testing.T) {
	full := []string{fixFirst, fixLast, fixEmail, fixPhone, fixDOB}
	tests := []struct {
		mode pii.Mode
		want []string
	}{
		{"", []string{"J***", "D***", "j***@example.com", "***-***-7890", "1990-**-**"}},
		{"mask", []string{"J***", "D***", "j***@example.com", "***-***-7890", "1990-**-**"}},
		{"omit", []string{"", "", "", "", ""}},
		{"full", full},
	}
	for _, tt := range tests {
		t.Run("mode="+string(tt.mode), func(t *testing.T) {
			path := buildWorkbook(t, Options{PII: tt.mode}, nil, []wbItem{passItem()}, fixtureSummary())
			f := openWorkbook(t, path)
			r := sheetRows(t, f, "Results", 15)[1]
			if got := r[10:15]; !slices.Equal(got, tt.want) {
				t.Errorf("personal cells = %q, want %q", got, tt.want)
			}
			if tt.mode == "full" {
				return
			}
			// The full values appear nowhere in the file.
			parts := unzipParts(t, path)
			for name, body := range parts {
				for _, v := range append(full, "jane.doe", "555 123", "1990-01-01", "0101") {
					if strings.Contains(body, v) {
						t.Errorf("%s contains %q", name, v)
					}
				}
			}
		})
	}
	if _, err := NewWorkbook(Options{PII: "partial"}); err == nil {
		t.Error("NewWorkbook accepted -pii partial")
	}
}

func TestWorkbookContinuation(t *testing.T) {
	// 12 ids with 0 to 4 stops each, 3 errors, 5 rows per sheet (header + 4).
	var items []wbItem
	stops := []int{3, 0, 2, 4, 1, 3, 3, 0, 2, 4, 1, 2}
	want := map[string]int{}
	for i, n := range stops {
		id := fmt.Sprintf("id-%02d", i)
		want[id] = n
		it := wbItem{rec: recon.Record{ID: id, Line: i + 2}, res: recon.Result{ID: id, Class: recon.Pass, HTTPStatus: 200, Attempts: 1}}
		if i%4 == 3 {
			it.res = recon.Result{ID: id, Class: recon.Error, Attempts: 5, Err: "timeout"}
		}
		it.res.Session = &recon.Session{RequestID: id, Status: "PASS", Journey: &recon.Journey{}}
		it.d = &report.Derived{}
		for s := range n {
			it.res.Session.Journey.Stops = append(it.res.Session.Journey.Stops, recon.Stop{Timestamp: "t", Detail: fmt.Sprint(s + 1)})
			it.d.Stops = append(it.d.Stops, report.StopTime{})
		}
		items = append(items, it)
	}
	invalid := []recon.Invalid{{Line: 20, Value: "x/1", Reason: "bad"}, {Line: 21, Value: "x/2", Reason: "bad"}}
	s := fixtureSummary() // its 5 changes go on at Changes (2)
	f := openWorkbook(t, buildWorkbook(t, Options{MaxRows: 5}, invalid, items, s))

	sheets := f.GetSheetList()
	wantSheets := []string{"Summary", "Results", "Results (2)", "Results (3)", "Journeys", "Journeys (2)",
		"Journeys (3)", "Journeys (4)", "Journeys (5)", "Journeys (6)", "Journeys (7)", "Journeys (8)",
		"Issues", "Errors", "Errors (2)", "Changes", "Changes (2)", "Billing"}
	if !slices.Equal(sheets, wantSheets) {
		t.Fatalf("sheets = %q\nwant %q", sheets, wantSheets)
	}
	seen := map[string]int{}
	stopSheet := map[string]string{}
	stopsSeen := map[string][]string{}
	for _, sh := range sheets {
		if sh == "Summary" || sh == "Billing" { // not streamed tables: a few rows, never continued
			continue
		}
		base, _, _ := strings.Cut(sh, " (")
		rs := sheetRows(t, f, sh, len(wantHeaders[base]))
		if len(rs) > 5 {
			t.Errorf("%s has %d rows, max 5", sh, len(rs))
		}
		if n := len(wantHeaders[base]); !slices.Equal(rs[0][:min(n, 5)], wantHeaders[base][:min(n, 5)]) {
			t.Errorf("%s header = %q", sh, rs[0])
		}
		for _, r := range rs[1:] {
			switch base {
			case "Results":
				seen[r[1]]++
			case "Journeys":
				if prev, ok := stopSheet[r[0]]; ok && prev != sh {
					t.Errorf("journey of %s split over %s and %s", r[0], prev, sh)
				}
				stopSheet[r[0]] = sh
				stopsSeen[r[0]] = append(stopsSeen[r[0]], r[1])
			}
		}
	}
	for id, n := range want {
		if seen[id] != 1 {
			t.Errorf("%s appears %d times on Results sheets", id, seen[id])
		}
		var wantStops []string
		for s := range n {
			wantStops = append(wantStops, strconv.Itoa(s+1))
		}
		if !slices.Equal(stopsSeen[id], wantStops) {
			t.Errorf("%s stops = %q, want %q", id, stopsSeen[id], wantStops)
		}
	}
	// The autofilter of every part names its own sheet.
	scopes := map[string]bool{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			if !strings.HasPrefix(d.RefersTo, "'"+d.Scope+"'!") {
				t.Errorf("autofilter %q scoped to %q", d.RefersTo, d.Scope)
			}
			scopes[d.Scope] = true
		}
	}
	if len(scopes) != len(sheets)-1 {
		t.Errorf("autofilters on %d sheets, want %d", len(scopes), len(sheets)-1)
	}
	if i := f.GetActiveSheetIndex(); i != 0 {
		t.Errorf("active sheet = %d, want Summary", i)
	}
}

func TestWorkbookLongJourneySplits(t *testing.T) {
	// A journey longer than a whole sheet cannot stay on one: it goes on, in order.
	it := passItem()
	for range 5 {
		it.res.Session.Journey.Stops = append(it.res.Session.Journey.Stops, recon.Stop{Timestamp: "t"})
	}
	f := openWorkbook(t, buildWorkbook(t, Options{MaxRows: 4}, nil, []wbItem{it}, &report.Summary{}))
	var got []string
	for _, sh := range []string{"Journeys", "Journeys (2)", "Journeys (3)"} {
		for _, r := range sheetRows(t, f, sh, 2)[1:] {
			got = append(got, r[1])
		}
	}
	if want := []string{"1", "2", "3", "4", "5", "6", "7", "8"}; !slices.Equal(got, want) {
		t.Errorf("stops = %q, want %q", got, want)
	}
}

func TestWorkbookLifecycle(t *testing.T) {
	w, err := NewWorkbook(Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	it := passItem()
	if err := w.AddResult(&it.rec, &it.res, nil); err != nil {
		t.Fatalf("nil Derived: %v", err)
	}
	var buf bytes.Buffer
	if err := w.WriteTo(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTo(&buf, nil); err == nil {
		t.Error("second WriteTo succeeded")
	}
	if err := w.AddResult(&it.rec, &it.res, it.d); err == nil {
		t.Error("AddResult after WriteTo succeeded")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := excelize.OpenReader(&buf); err != nil {
		t.Fatalf("written workbook does not open: %v", err)
	}

	// Abandoned without WriteTo: the rows files are unlinked from the start, so nothing is
	// ever visible in the temporary folder (a killed process leaves nothing behind either).
	dir := t.TempDir()
	w, err = NewWorkbook(Options{TempDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	it.res.Session.Plus.Detail = strings.Repeat("d", 30000)
	for i := 0; i < 1000; i++ {
		if err := w.AddResult(&it.rec, &it.res, it.d); err != nil {
			t.Fatal(err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Errorf("%d files visible in the temporary folder while writing 30 MB of rows", len(ents))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Errorf("Close left %d temporary files", len(ents))
	}

	for _, n := range []int{1, MaxSheetRows + 1} {
		if _, err := NewWorkbook(Options{MaxRows: n}); err == nil {
			t.Errorf("MaxRows %d accepted", n)
		}
	}
}

func TestWorkbookWriteError(t *testing.T) {
	w, err := NewWorkbook(Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	it := passItem()
	if err := w.AddResult(&it.rec, &it.res, it.d); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTo(failWriter{}, fixtureSummary()); err == nil {
		t.Error("WriteTo to a failing writer succeeded")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func cellStyle(t testing.TB, f *excelize.File, sheet, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// unzipParts returns every part of the .xlsx as text.
func unzipParts(t testing.TB, path string) map[string]string {
	t.Helper()
	b := readFileT(t, path)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(body) {
			t.Errorf("%s is not valid UTF-8", zf.Name)
		}
		parts[zf.Name] = string(body)
	}
	return parts
}

// A reader that truncates the serial to whole seconds (LibreOffice does) must still see the
// second that was written.
func TestExcelTimeTruncates(t *testing.T) {
	for _, start := range []time.Time{
		time.Date(2024, 8, 19, 0, 0, 0, 0, time.UTC),
		time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
	} {
		for s := 0; s < 86400; s++ {
			at := start.Add(time.Duration(s) * time.Second)
			v, ok := excelTime(at)
			if !ok {
				t.Fatalf("%v not representable", at)
			}
			if got := int(math.Floor((v - math.Floor(v)) * 86400)); got != s {
				t.Fatalf("%v reads back as second %d of the day, want %d", at, got, s)
			}
			if got := int(math.Floor(excelDuration(time.Duration(s)*time.Second) * 86400)); got != s {
				t.Fatalf("duration %ds reads back as %ds", s, got)
			}
		}
	}
	for _, bad := range []time.Time{{}, time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if _, ok := excelTime(bad); ok {
			t.Errorf("excelTime(%v) ok", bad)
		}
	}
}

// TestWorkbookTypedInputColumns: a Numeric input column is written as numbers, any other as
// the text it was (an id with leading zeros stays text).
func TestWorkbookTypedInputColumns(t *testing.T) {
	items := []wbItem{
		{rec: recon.Record{ID: "a", Line: 2, Fields: []string{"1.5", "007"}}, res: recon.Result{ID: "a", Class: recon.NotFound, HTTPStatus: 404, Attempts: 1}},
		{rec: recon.Record{ID: "b", Line: 3, Fields: []string{"", "12"}}, res: recon.Result{ID: "b", Class: recon.NotFound, HTTPStatus: 404, Attempts: 1}},
	}
	opt := Options{InputColumns: []recon.Column{{Name: "amount", Numeric: true}, {Name: "code"}}}
	f := openWorkbook(t, buildWorkbook(t, opt, nil, items, &report.Summary{}))
	for _, tc := range []struct {
		cell string
		typ  excelize.CellType
		val  string
	}{
		{"Y2", excelize.CellTypeUnset, "1.5"}, // a number: no type attribute
		{"Z2", excelize.CellTypeInlineString, "007"},
		{"Y3", excelize.CellTypeUnset, ""},
		{"Z3", excelize.CellTypeInlineString, "12"},
	} {
		typ, err := f.GetCellType("Results", tc.cell)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := f.GetCellValue("Results", tc.cell)
		if typ != tc.typ || v != tc.val {
			t.Errorf("%s: type %v value %q, want %v %q", tc.cell, typ, v, tc.typ, tc.val)
		}
	}
	if h, _ := f.GetCellValue("Results", "Y1"); h != "Input: amount" {
		t.Errorf("Y1 = %q", h)
	}
}

// TestWorkbookWideInput: the widest input the Results sheet can carry is written quickly
// (the column widths cost linear time, not cubic), and fits beside the aging columns.
func TestWorkbookWideInput(t *testing.T) {
	cols := make([]recon.Column, MaxInputColumns)
	fields := make([]string, MaxInputColumns)
	for i := range cols {
		cols[i] = recon.Column{Name: fmt.Sprintf("c%d", i)}
		fields[i] = "v"
	}
	items := []wbItem{{rec: recon.Record{ID: "a", Line: 2, Fields: fields}, res: recon.Result{ID: "a", Class: recon.NotFound, HTTPStatus: 404, Attempts: 1}}}
	f := openWorkbook(t, buildWorkbook(t, Options{InputColumns: cols, Aging: true}, nil, items, &report.Summary{}))
	last, _ := excelize.ColumnNumberToName(16384)
	if v, _ := f.GetCellValue("Results", last+"1"); v != fmt.Sprintf("Input: c%d", MaxInputColumns-1) {
		t.Errorf("%s1 = %q", last, v)
	}
}
