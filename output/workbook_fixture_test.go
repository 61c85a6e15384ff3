package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// wbItem is one AddResult call.
type wbItem struct {
	rec recon.Record
	res recon.Result
	d   *report.Derived
}

var fixT0 = time.Date(2024, 8, 19, 20, 56, 25, 0, time.UTC)

// Simulated personal data (as the simulator makes up), never real people.
const (
	fixFirst = "Jane"
	fixLast  = "Doe"
	fixEmail = "jane.doe@example.com"
	fixPhone = "+1 555 123 7890"
	fixDOB   = "19900101"
)

// Hostile strings an API could send: each must come back literally, as text.
var hostileTexts = []string{
	`=HYPERLINK("http://evil.example","x")`,
	"+1+2",
	"-2+3",
	"@SUM(A1:A2)",
	"=1+1",
	"_x0041_",
	"  padded  ",
	"tab\there",
	"line\nbreak",
	"<b>&amp;</b>",
}

const unicodeText = "Zoë Ünal 東京 🚀 café"

func passItem() wbItem {
	stops := []recon.Stop{
		{Timestamp: "2024-08-19 20:56:25.000000", Type: "NEW REGISTRATION", Source: "web", Status: "STARTED"},
		{Timestamp: "not a time", Type: "Data Service", Source: "IDMatch5.0", Status: "DONE", Action: "PASS", Detail: "ALL CHECKS PASSED"},
		{Timestamp: "2024-08-19 20:56:57.000000", Type: "Data Service", Source: "PhoneMatch5.0", Status: "DONE", Action: "PASS", Detail: "OUT-OF-BAND SUCCESSFUL"},
	}
	return wbItem{
		rec: recon.Record{ID: "req-pass", Line: 2, Dups: []int{5, 9}, Fields: []string{"ACME", "inv-1"}, Amounts: []float64{10, 10, 12.5}},
		res: recon.Result{ID: "req-pass", Class: recon.Pass, HTTPStatus: 200, Attempts: 1, Session: &recon.Session{
			RequestID: "req-pass", Status: "PASS", Reference: "REF-1",
			FirstName: fixFirst, LastName: fixLast, Email: fixEmail, Phone: fixPhone, DOB: fixDOB,
			Plus: &recon.Plus{Service: "IDMatch5.0", Confirmation: "123456789", Action: "PASS",
				Detail: "ALL CHECKS PASSED", Issues: []string{"OUT-OF-BAND SUCCESSFUL", "ALL CHECKS PASSED"}},
			Journey: &recon.Journey{Stops: stops},
		}},
		d: &report.Derived{
			Service: "IDMatch5.0", Issues: []string{"OUT-OF-BAND SUCCESSFUL", "ALL CHECKS PASSED"},
			Duration: 32 * time.Second, HasDuration: true, Started: fixT0, Finished: fixT0.Add(32 * time.Second),
			Stops: []report.StopTime{{At: fixT0, OK: true}, {}, {At: fixT0.Add(32 * time.Second), Elapsed: 32 * time.Second, OK: true}},
		},
	}
}

func fixtureItems() []wbItem {
	long := strings.Repeat("x", 40000)
	fail := wbItem{
		rec: recon.Record{ID: "req-fail", Line: 6, Fields: []string{"=cmd|' /C calc'!A0", "inv-5"}, Amounts: []float64{1234.5}},
		res: recon.Result{ID: "req-fail", Class: recon.Fail, HTTPStatus: 200, Attempts: 2, Session: &recon.Session{
			RequestID: "req-fail", Status: "FAIL", Reference: hostileTexts[0], FirstName: unicodeText,
			Plus: &recon.Plus{Service: "AgeMatch5.0", Action: hostileTexts[3], Detail: long,
				Issues: []string{"NO MATCH"}},
			Journey: &recon.Journey{Stops: []recon.Stop{{Timestamp: "garbled", Detail: "ctl\x00\x01\x1b\x7f\r\nend\xff!"}}},
		}},
		d: &report.Derived{Service: "AgeMatch5.0", Issues: []string{"NO MATCH"}, Stops: []report.StopTime{{}}},
	}
	return []wbItem{
		passItem(),
		{
			rec: recon.Record{ID: "req-202", Line: 3, Fields: []string{"ACME"}, Amounts: []float64{3}},
			res: recon.Result{ID: "req-202", Class: recon.InProgress, HTTPStatus: 202, Attempts: 1,
				Message: "session not finished", Detail: "still working"},
			d: &report.Derived{},
		},
		{
			rec: recon.Record{ID: "req-404", Line: 4, Amounts: []float64{4.25}},
			res: recon.Result{ID: "req-404", Class: recon.NotFound, HTTPStatus: 404, Attempts: 1, Message: "not found"},
		},
		{
			rec: recon.Record{ID: "req-err", Line: 7, Dups: []int{8}, Amounts: []float64{7, 7}},
			res: recon.Result{ID: "req-err", Class: recon.Error, HTTPStatus: 503, Attempts: 5, Err: "HTTP 503 after 5 attempts"},
			d:   &report.Derived{},
		},
		fail,
	}
}

var fixtureInvalid = []recon.Invalid{{Line: 10, Value: "bad/id", Reason: "invalid character '/' in request id", Amount: 2}}

// fixtureSummary is the Summary of fixtureItems and fixtureInvalid, by hand, with the
// previous run of fixturePrevious.
func fixtureSummary() *report.Summary {
	secs32 := report.Stats{Count: 1, Min: 32 * time.Second, Median: 32 * time.Second, P90: 32 * time.Second,
		Max: 32 * time.Second, Mean: 32 * time.Second}
	hist := report.Buckets()
	hist[1].Count = 1 // 32 s
	return &report.Summary{
		Facts: report.Facts{
			Started: fixT0, Finished: fixT0.Add(90 * time.Minute), Input: "ids.csv",
			BaseURL: "https://vx.dcams.app", Version: "v1.2.3", Complete: false, Reason: "interrupted",
		},
		Counts: [5]int{1, 1, 1, 1, 1}, Results: 5, Rows: 9, Duplicates: 3, Invalid: 1,
		Durations: secs32,
		Histogram: hist,
		Services: []report.ServiceRow{
			{Service: "AgeMatch5.0", Counts: [5]int{0, 1, 0, 0, 0}, Total: 1},
			{Service: "IDMatch5.0", Counts: [5]int{1, 0, 0, 0, 0}, Total: 1, Durations: secs32},
			{Service: "(none)", Counts: [5]int{0, 0, 1, 1, 1}, Total: 3},
		},
		Issues: []report.IssueRow{
			{Issue: "ALL CHECKS PASSED", Count: 1, ByClass: [5]int{1, 0, 0, 0, 0}},
			{Issue: "NO MATCH", Count: 1, ByClass: [5]int{0, 1, 0, 0, 0}},
			{Issue: "OUT-OF-BAND SUCCESSFUL", Count: 1, ByClass: [5]int{1, 0, 0, 0, 0}},
		},
		Billing: &report.Billing{
			Rows: []report.BillRow{
				{Label: "PASS", Lines: 3, Amount: 3250},
				{Label: "FAIL", Lines: 1, Amount: 123450},
				{Label: "IN PROGRESS", Lines: 1, Amount: 300},
				{Label: "NOT FOUND", Lines: 1, Amount: 425},
				{Label: "error", Lines: 2, Amount: 1400},
				{Label: "invalid", Lines: 1, Amount: 200},
				{Label: "duplicate lines", Lines: 3, Amount: 2950},
				{Label: "to dispute", Lines: 4, Amount: 3375},
				{Label: "total", Lines: 9, Amount: 129025},
			},
			Services: []report.BillRow{
				{Label: "AgeMatch5.0", Lines: 1, Amount: 123450},
				{Label: "IDMatch5.0", Lines: 3, Amount: 3250},
				{Label: "(none)", Lines: 4, Amount: 2125},
				{Label: "(invalid)", Lines: 1, Amount: 200},
			},
		},
		Changes: fixtureChanges(),
	}
}

// fixturePrevious is a previous run of the fixture: req-pass unchanged, req-404 was IN
// PROGRESS, req-gone is gone; the other three ids are new.
var fixturePrevious = struct {
	ids     []string
	classes []recon.Class
}{
	[]string{"req-gone", "req-404", "req-pass"},
	[]recon.Class{recon.Fail, recon.InProgress, recon.Pass},
}

func fixtureChanges() *report.ChangeSet {
	c := report.NewChanges(fixturePrevious.ids, fixturePrevious.classes)
	for _, it := range fixtureItems() {
		c.Add(it.rec.ID, it.res.Class)
	}
	cs := c.Result()
	return &cs
}

func fixtureOptions() Options {
	return Options{
		InputColumns: []recon.Column{{Name: "customer"}, {Name: "invoice"}},
		Title:        "vxrecon report",
		Created:      time.Date(2024, 8, 20, 6, 0, 0, 0, time.UTC),
	}
}

// buildWorkbook writes a workbook from items to a file in a temporary folder and returns its path.
func buildWorkbook(t testing.TB, opt Options, invalid []recon.Invalid, items []wbItem, s *report.Summary) string {
	t.Helper()
	if opt.TempDir == "" {
		opt.TempDir = t.TempDir()
	}
	w, err := NewWorkbook(opt)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for i := range invalid {
		if err := w.AddInvalid(&invalid[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range items {
		it := &items[i]
		if err := w.AddResult(&it.rec, &it.res, it.d); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "report.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTo(out, s); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// openWorkbook reads a workbook back with excelize.
func openWorkbook(t testing.TB, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// sheetRows returns a sheet as text, each row padded to width.
func sheetRows(t testing.TB, f *excelize.File, sheet string, width int) [][]string {
	t.Helper()
	return paddedRows(t, f, sheet, width)
}

// paddedRows returns a sheet's rows read with opts, each padded to width.
func paddedRows(t testing.TB, f *excelize.File, sheet string, width int, opts ...excelize.Options) [][]string {
	t.Helper()
	rs, err := f.GetRows(sheet, opts...)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rs {
		for len(rs[i]) < width {
			rs[i] = append(rs[i], "")
		}
	}
	return rs
}

func readFileT(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
