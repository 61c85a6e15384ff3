package output

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// billedWorkbook runs items and invalid rows through report as the job does (Derive,
// Aggregate, Ledger) and writes the workbook.
func billedWorkbook(t *testing.T, items []wbItem, invalid []recon.Invalid) *excelize.File {
	t.Helper()
	agg, led := report.NewAggregate(), report.NewLedger()
	for i := range invalid {
		led.AddInvalid(&invalid[i])
	}
	for i := range items {
		it := &items[i]
		d := report.Derive(&it.res)
		if it.d != nil {
			d = *it.d
		}
		agg.Add(&it.res, &d)
		led.Add(&it.rec, it.res.Class, d.Service)
	}
	s := agg.Summary(report.Facts{Complete: true})
	b := led.Billing()
	s.Billing = &b
	return openWorkbook(t, buildWorkbook(t, Options{}, invalid, items, &s))
}

// TestWorkbookBilling checks every row of the Billing sheet against figures made by hand:
//
//	line  id  class      service   amount
//	2     a   PASS       IDMatch   100.10
//	3     b   NOT FOUND  -          20.005 -> 20.01 (half away from zero)
//	4     c   error      -           5
//	5     d   FAIL       AgeMatch    0.30
//	6     a   (dup)                100.10
//	7     b   (dup)                 20.005 -> 20.01
//	8     b   (dup)                 19.99
//	9     invalid                   12.345 -> 12.35
//	10    invalid (no amount)        0
func TestWorkbookBilling(t *testing.T) {
	svc := func(s string) *report.Derived { return &report.Derived{Service: s} }
	items := []wbItem{
		{rec: recon.Record{ID: "a", Line: 2, Dups: []int{6}, Amounts: []float64{100.10, 100.10}},
			res: recon.Result{ID: "a", Class: recon.Pass}, d: svc("IDMatch")},
		{rec: recon.Record{ID: "b", Line: 3, Dups: []int{7, 8}, Amounts: []float64{20.005, 20.005, 19.99}},
			res: recon.Result{ID: "b", Class: recon.NotFound}},
		{rec: recon.Record{ID: "c", Line: 4, Amounts: []float64{5}},
			res: recon.Result{ID: "c", Class: recon.Error, Err: "timeout"}},
		{rec: recon.Record{ID: "d", Line: 5, Amounts: []float64{0.3}},
			res: recon.Result{ID: "d", Class: recon.Fail}, d: svc("AgeMatch")},
	}
	invalid := []recon.Invalid{
		{Line: 9, Value: "x/y", Reason: "bad", Amount: 12.345},
		{Line: 10, Value: "", Reason: "empty request id"},
	}
	f := billedWorkbook(t, items, invalid)
	want := [][]string{
		{"Class", "Lines", "Amount"},
		{"PASS", "2", "200.2"},
		{"FAIL", "1", "0.3"},
		{"IN PROGRESS", "0", "0"},
		{"NOT FOUND", "3", "60.01"},
		{"error", "1", "5"},
		{"invalid", "2", "12.35"},
		{"duplicate lines", "3", "140.1"}, // a's second line, b's second and third
		{"to dispute", "4", "160.11"},     // b's three lines, a's second: b's duplicates once
		{"total", "9", "277.86"},
		{"", "", ""},
		{"Service", "Lines", "Amount"},
		{"IDMatch", "2", "200.2"},
		{"(none)", "4", "65.01"},
		{"(invalid)", "2", "12.35"},
		{"AgeMatch", "1", "0.3"},
	}
	got := rawRows(t, f, "Billing", 3)
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Billing =\n%q\nwant\n%q", got, want)
	}
	for r := 2; r <= len(want); r++ {
		if want[r-1][0] == "" || want[r-1][0] == "Service" {
			continue
		}
		if st := cellStyle(t, f, "Billing", fmt.Sprintf("C%d", r)); st.CustomNumFmt == nil || *st.CustomNumFmt != fmtMoney {
			t.Errorf("Billing!C%d number format %v, want %s", r, st.CustomNumFmt, fmtMoney)
		}
	}
	if got, _ := f.GetCellValue("Billing", "C10"); got != "277.86" {
		t.Errorf("total shows %q, want 277.86", got)
	}
	for label, want := range map[string][]string{"Billed total": {"277.86", "9"}, "To dispute": {"160.11", "4"}} {
		if got := summaryValue(t, f, label)[:2]; !slices.Equal(got, want) {
			t.Errorf("Summary %s = %q, want %q", label, got, want)
		}
	}
}

// rawRows returns a sheet's cells as stored (numbers unformatted), each row padded to width.
func rawRows(t testing.TB, f *excelize.File, sheet string, width int) [][]string {
	t.Helper()
	return paddedRows(t, f, sheet, width, excelize.Options{RawCellValue: true})
}

func TestWorkbookNoBillingNoChanges(t *testing.T) {
	s := fixtureSummary()
	s.Billing, s.Changes = nil, nil
	f := openWorkbook(t, buildWorkbook(t, fixtureOptions(), fixtureInvalid, fixtureItems(), s))
	if got, want := f.GetSheetList(), []string{"Summary", "Results", "Journeys", "Issues", "Errors"}; !slices.Equal(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}
	for _, r := range sheetRows(t, f, "Summary", 12) {
		for _, c := range r {
			if c == "Billed total" || c == "Since previous run" {
				t.Errorf("Summary has %q without amounts or a previous run", c)
			}
		}
	}
}

func TestWorkbookChanges(t *testing.T) {
	f := openWorkbook(t, buildWorkbook(t, fixtureOptions(), fixtureInvalid, fixtureItems(), fixtureSummary()))
	want := [][]string{
		{"Request ID", "Before", "Now", "Change"},
		{"req-404", "IN PROGRESS", "NOT FOUND", "changed"},
		{"req-202", "", "IN PROGRESS", "new"},
		{"req-err", "", "error", "new"},
		{"req-fail", "", "FAIL", "new"},
		{"req-gone", "FAIL", "", "gone"},
	}
	if got := sheetRows(t, f, "Changes", 4); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Changes =\n%q\nwant\n%q", got, want)
	}
	if st := cellStyle(t, f, "Changes", "C2"); len(st.Fill.Color) == 0 || st.Fill.Color[0] != "D9D9D9" {
		t.Errorf("NOT FOUND in Now not in its class colour: %v", st.Fill.Color)
	}
	for label, n := range map[string]string{"changed": "1", "new": "3", "gone": "1", "unchanged": "1"} {
		if got := summaryValue(t, f, label)[0]; got != n {
			t.Errorf("Summary %s = %q, want %s", label, got, n)
		}
	}
	wantTable := [][]string{
		{"Before \\ Now", "PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error", "(gone)"},
		{"PASS", "1", "0", "0", "0", "0", "0"},
		{"FAIL", "0", "0", "0", "0", "0", "1"},
		{"IN PROGRESS", "0", "0", "0", "1", "0", "0"},
		{"NOT FOUND", "0", "0", "0", "0", "0", "0"},
		{"error", "0", "0", "0", "0", "0", "0"},
		{"(new)", "0", "1", "1", "0", "1", "0"},
	}
	if got := summaryBlock(t, f, wantTable[0]...); !slices.EqualFunc(got, wantTable[1:], slices.Equal) {
		t.Errorf("before × now =\n%q\nwant\n%q", got, wantTable[1:])
	}
}

// summaryBlock finds the Summary table headed by header (from column A or E) and returns its
// rows up to the first blank one, as wide as the header.
func summaryBlock(t *testing.T, f *excelize.File, header ...string) [][]string {
	t.Helper()
	rs := sheetRows(t, f, "Summary", 12)
	for i, r := range rs {
		for _, c := range []int{0, 4} {
			if !slices.Equal(r[c:c+len(header)], header) {
				continue
			}
			var out [][]string
			for _, row := range rs[i+1:] {
				if row[c] == "" {
					break
				}
				out = append(out, row[c:c+len(header)])
			}
			return out
		}
	}
	t.Fatalf("Summary has no table headed %q", header)
	return nil
}

func TestWorkbookSummaryDurations(t *testing.T) {
	dur := func(svc string, d time.Duration) wbItem {
		return wbItem{res: recon.Result{ID: "x", Class: recon.Pass}, d: &report.Derived{Service: svc, Duration: d, HasDuration: true}}
	}
	s, m := time.Second, time.Minute
	items := []wbItem{
		dur("A", 10*s), dur("A", 20*s), dur("A", 30*s), dur("A", 2*m), // median 25 s, P90 2 min
		dur("B", 59*s), dur("B", 25*time.Hour),
		{res: recon.Result{ID: "y", Class: recon.NotFound}}, // no duration: not listed
	}
	f := billedWorkbook(t, items, nil)
	wantSvc := [][]string{
		{"A", "4", "0:00:25", "0:02:00", "0:02:00"},
		{"B", "2", "12:30:30", "25:00:00", "25:00:00"},
	}
	if got := summaryBlock(t, f, "Service", "Count", "Median", "P90", "Max"); !slices.EqualFunc(got, wantSvc, slices.Equal) {
		t.Errorf("durations by service =\n%q\nwant\n%q", got, wantSvc)
	}
	col, row := 5, 0 // the row of service A in the table of durations by service
	for i, r := range sheetRows(t, f, "Summary", 12) {
		if r[4] == "Service" && r[5] == "Count" {
			row = i + 2
		}
	}
	for k := 2; k <= 4; k++ {
		c, _ := excelize.CoordinatesToCellName(col+k, row)
		if st := cellStyle(t, f, "Summary", c); st.CustomNumFmt == nil || *st.CustomNumFmt != fmtDuration {
			t.Errorf("Summary!%s format %v, want %s", c, st.CustomNumFmt, fmtDuration)
		}
	}
	wantHist := [][]string{
		{"under 30 s", "2", "33.3%"}, // 10 s, 20 s
		{"30–60 s", "2", "33.3%"},    // 30 s (a bucket holds its lower bound), 59 s
		{"1–2 min", "0", "0.0%"},
		{"2–5 min", "1", "16.7%"}, // 2 min
		{"5–15 min", "0", "0.0%"},
		{"15–60 min", "0", "0.0%"},
		{"1–24 h", "0", "0.0%"},
		{"over 24 h", "1", "16.7%"},
	}
	if got := summaryBlock(t, f, "Journeys taking", "Count", "Share"); !slices.EqualFunc(got, wantHist, slices.Equal) {
		t.Errorf("histogram =\n%q\nwant\n%q", got, wantHist)
	}
	for _, h := range wantHist {
		if got := summaryValue(t, f, h[0])[0]; got != h[1] {
			t.Errorf("label %q: next cell %q, want %s", h[0], got, h[1])
		}
	}
}

func TestWorkbookDuplicateRows(t *testing.T) {
	many := make([]int, 50000)
	for i := range many {
		many[i] = i + 3
	}
	tests := []struct {
		name string
		dups []int
		want string // "" for a cell cut to fit, checked below
	}{
		{"once", nil, ""},
		{"twice", []int{7}, "7"},
		{"three times", []int{7, 9}, "7, 9"},
		{"50,000 times", many, "cut"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := wbItem{
				rec: recon.Record{ID: "dup", Line: 2, Dups: tt.dups},
				res: recon.Result{ID: "dup", Class: recon.Error, Err: "timeout", Attempts: 5},
			}
			f := openWorkbook(t, buildWorkbook(t, Options{}, nil, []wbItem{it}, &report.Summary{}))
			for _, c := range []struct{ sheet, row, dups string }{{"Results", "A2", "X2"}, {"Errors", "A2", "F2"}} {
				if raw, _ := f.GetCellValue(c.sheet, c.row, excelize.Options{RawCellValue: true}); raw != "2" {
					t.Errorf("%s!%s = %q, want the number 2", c.sheet, c.row, raw)
				}
				if typ, _ := f.GetCellType(c.sheet, c.row); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
					t.Errorf("%s!%s type %v, want a number", c.sheet, c.row, typ)
				}
				got, _ := f.GetCellValue(c.sheet, c.dups)
				if tt.want == "cut" {
					checkCut(t, got, tt.dups)
				} else if got != tt.want {
					t.Errorf("%s!%s = %q, want %q", c.sheet, c.dups, got, tt.want)
				}
			}
		})
	}
}

// checkCut checks a Duplicate Rows cell cut to fit: the first lines in order, then
// " … and N more" counting the rest, as much as fits in a cell.
func checkCut(t *testing.T, got string, dups []int) {
	t.Helper()
	n := len(utf16.Encode([]rune(got)))
	if n > MaxCellChars || n < MaxCellChars-20 {
		t.Errorf("cut cell is %d characters, want up to %d and close to it", n, MaxCellChars)
	}
	m := regexp.MustCompile(`^([\d, ]+) … and (\d+) more$`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("cut cell does not end with … and N more: …%q", got[max(0, len(got)-40):])
	}
	listed := strings.Split(m[1], ", ")
	for i, s := range listed {
		if s != strconv.Itoa(dups[i]) {
			t.Fatalf("line %d listed as %q, want %d", i, s, dups[i])
		}
	}
	if more, _ := strconv.Atoi(m[2]); len(listed)+more != len(dups) {
		t.Errorf("%d listed + %d more, want %d lines", len(listed), more, len(dups))
	}
}

// The cut happens exactly when the list would pass the cell's limit.
func TestDupRowsLimit(t *testing.T) {
	ones := func(n int) []int { // "1, 1, 1": 1 + 3(n-1) characters
		s := make([]int, n)
		for i := range s {
			s[i] = 1
		}
		return s
	}
	fits := (MaxCellChars-1)/3 + 1 // exactly MaxCellChars characters
	tests := []struct {
		n   int
		cut bool
	}{{fits - 1, false}, {fits, false}, {fits + 1, true}, {fits + 1000, true}}
	for _, tt := range tests {
		b := newRowBuf(1)
		var buf []byte
		b.dupRows(0, ones(tt.n), &buf)
		s := b.cells[0].text
		n := len(utf16.Encode([]rune(s)))
		if cut := strings.HasSuffix(s, " more"); n > MaxCellChars || cut != tt.cut {
			t.Errorf("%d lines: %d characters, cut %v; want at most %d, cut %v", tt.n, n, cut, MaxCellChars, tt.cut)
		}
		if tt.cut {
			checkCut(t, s, ones(tt.n))
		}
	}
}

func TestWorkbookPrintSetup(t *testing.T) {
	f := openWorkbook(t, buildWorkbook(t, Options{MaxRows: 5}, fixtureInvalid, fixtureItems(), fixtureSummary()))
	titles := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles[d.Scope] = d.RefersTo
		}
	}
	sheets := f.GetSheetList()
	if !slices.Contains(sheets, "Changes (2)") || !slices.Contains(sheets, "Results (2)") {
		t.Fatalf("want continuation sheets: %q", sheets)
	}
	for _, sh := range sheets {
		t.Run(sh, func(t *testing.T) {
			pl, err := f.GetPageLayout(sh)
			if err != nil {
				t.Fatal(err)
			}
			props, err := f.GetSheetProps(sh)
			if err != nil {
				t.Fatal(err)
			}
			high := 0 // any number of pages
			if sh == "Summary" {
				high = 1
			}
			// Results, 26 columns, goes on over several pages wide at about full size; the
			// narrower sheets fit one or two.
			wideOK := func(n int) bool { return n == 1 || n == 2 && sh == "Journeys" }
			if strings.HasPrefix(sh, "Results") {
				wideOK = func(n int) bool { return n >= 3 }
			}
			if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.FitToWidth == nil || !wideOK(*pl.FitToWidth) ||
				pl.FitToHeight == nil || *pl.FitToHeight != high || props.FitToPage == nil || !*props.FitToPage {
				t.Errorf("page layout %s, fit to page %v; want landscape, %d high, and 1 wide (Journeys 2, Results 3 or more)",
					fmtLayout(pl), props.FitToPage, high)
			}
			// The header row on every page, and the columns up to the Request ID on every page across.
			want := "'" + sh + "'!$1:$1"
			a1, _ := f.GetCellValue(sh, "A1")
			b1, _ := f.GetCellValue(sh, "B1")
			switch {
			case a1 == "Request ID":
				want = "'" + sh + "'!$A:$A," + want
			case b1 == "Request ID":
				want = "'" + sh + "'!$A:$B," + want
			}
			if sh != "Summary" && titles[sh] != want {
				t.Errorf("print titles %q, want %q", titles[sh], want)
			}
		})
	}
	if _, ok := titles["Summary"]; ok {
		t.Error("the Summary has print titles")
	}
}

func fmtLayout(pl excelize.PageLayoutOptions) string {
	v := func(p *int) string {
		if p == nil {
			return "nil"
		}
		return strconv.Itoa(*p)
	}
	o := "nil"
	if pl.Orientation != nil {
		o = *pl.Orientation
	}
	return fmt.Sprintf("%s, %s wide, %s high", o, v(pl.FitToWidth), v(pl.FitToHeight))
}

func TestWorkbookChartPoints(t *testing.T) {
	chart := unzipParts(t, buildWorkbook(t, fixtureOptions(), nil, fixtureItems(), fixtureSummary()))["xl/charts/chart1.xml"]
	pts := regexp.MustCompile(`<dPt><idx val="(\d)"/><invertIfNegative val="0"/><bubble3D val="0"/><spPr><a:solidFill><a:srgbClr val="([0-9A-F]{6})"/>`).
		FindAllStringSubmatch(chart, -1)
	if len(pts) != recon.NumClasses {
		t.Fatalf("%d coloured data points, want %d:\n%.3000s", len(pts), recon.NumClasses, chart)
	}
	for i, c := range recon.Classes {
		fill, _ := c.Colors()
		if pts[i][1] != strconv.Itoa(i) || pts[i][2] != fill {
			t.Errorf("point %s: idx %s colour %s, want %d %s", c, pts[i][1], pts[i][2], i, fill)
		}
	}
	for _, want := range []string{`<varyColors val="0">`, `<showVal val="1">`, `<dLblPos val="outEnd">`} {
		if !strings.Contains(chart, want) {
			t.Errorf("chart lacks %s", want)
		}
	}
	// The schema's order within a series: data points before the data labels.
	if strings.Index(chart, "<dPt>") > strings.Index(chart, "<dLbls>") {
		t.Error("<dPt> after <dLbls>")
	}
}
