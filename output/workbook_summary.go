package output

import (
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// topIssues is how many issues the Summary lists; the Issues sheet has them all.
const topIssues = 10

// writeIssues streams the Issues sheet: one row per distinct issue, most frequent first (the
// order report.Summary gives).
func (w *Workbook) writeIssues(s *report.Summary) error {
	width := 12
	for i := range s.Issues {
		width = max(width, textWidth(Sanitize(s.Issues[i].Issue))+2)
	}
	widths := []float64{float64(min(width, 60)), 9, 9, 9, 14, 13, 9, 9}
	w.issues = newSheet(w.f, w.st, w.sp, w.opt.MaxRows, SheetIssues, issuesHeader, widths)
	if err := w.issues.open(SheetIssues); err != nil {
		return err
	}
	b := newRowBuf(len(issuesHeader))
	for i := range s.Issues {
		is := &s.Issues[i]
		b.reset()
		b.text(0, is.Issue, 0)
		b.num(1, is.Count, 0)
		for c, n := range is.ByClass {
			b.num(2+c, n, 0)
		}
		b.float(7, report.Share(is.Count, s.Results), w.st.percent)
		if err := w.issues.write(b); err != nil {
			return err
		}
	}
	return nil
}

// grid writes the Summary cell by cell and remembers how wide each column must be.
type grid struct {
	f       *excelize.File
	sheet   string
	width   []int
	lastRow int
	err     error
}

// put writes v at (col, row), 1-based. Strings are sanitized; a nil v writes nothing.
func (g *grid) put(col, row int, v interface{}, style int) {
	if g.err != nil || v == nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		g.err = err
		return
	}
	g.lastRow = max(g.lastRow, row)
	n := 10
	switch x := v.(type) {
	case string:
		x = Sanitize(x)
		if x == "" {
			return
		}
		n = textWidth(x)
		g.err = g.f.SetCellStr(g.sheet, cell, x)
	case int:
		n = len(strconv.Itoa(x))
		g.err = g.f.SetCellInt(g.sheet, cell, int64(x))
	case float64:
		g.err = g.f.SetCellFloat(g.sheet, cell, x, -1, 64)
	default:
		g.err = g.f.SetCellValue(g.sheet, cell, v)
	}
	if g.err == nil && style != 0 {
		g.err = g.f.SetCellStyle(g.sheet, cell, cell, style)
	}
	for len(g.width) < col {
		g.width = append(g.width, 0)
	}
	g.width[col-1] = max(g.width[col-1], n)
}

// row writes the values of one row from column A.
func (g *grid) row(row, style int, vals ...interface{}) {
	for i, v := range vals {
		g.put(i+1, row, v, style)
	}
}

// fit sets each column as wide as its widest cell, within reason.
func (g *grid) fit() {
	for i, n := range g.width {
		if g.err != nil {
			return
		}
		name, _ := excelize.ColumnNumberToName(i + 1)
		g.err = g.f.SetColWidth(g.sheet, name, name, float64(min(max(n+3, 9), 60)))
	}
	// The used range, which readers such as openpyxl in read-only mode (and so pandas) trust
	// to know how many rows there are; excelize leaves it at A1.
	if last, err := excelize.ColumnNumberToName(max(len(g.width), 1)); g.err == nil && err == nil && g.lastRow > 0 {
		g.err = g.f.SetSheetDimension(g.sheet, "A1:"+last+strconv.Itoa(g.lastRow))
	}
}

// textWidth estimates the columns a text needs: wide (East Asian, emoji) characters count two.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// writeSummary fills the one-screen dashboard. Each count sits in the cell right of its
// label, so a script can find "PASS" and read the number beside it.
func (w *Workbook) writeSummary(s *report.Summary) error {
	st := w.st
	g := &grid{f: w.f, sheet: SheetSummary}
	title := w.opt.Title
	if title == "" {
		title = "vxrecon report"
	}
	g.put(1, 1, title, st.title)

	// Run facts.
	r := 3
	g.row(r, st.header, "Run", "", "")
	r++
	facts := s.Facts
	for _, t := range []struct {
		label string
		at    time.Time
	}{{"Started", facts.Started}, {"Finished", facts.Finished}} {
		g.put(1, r, t.label, st.bold)
		if v, ok := excelTime(t.at); ok && !t.at.IsZero() {
			g.put(2, r, v, st.dateTime)
			g.put(3, r, t.at.Format("MST -07:00"), 0)
		}
		r++
	}
	g.put(1, r, "Run time", st.bold)
	if !facts.Started.IsZero() && facts.Finished.After(facts.Started) {
		g.put(2, r, excelDuration(facts.Finished.Sub(facts.Started)), st.duration)
	}
	r++
	g.row(r, 0, "Input file", facts.Input)
	g.put(1, r, "Input file", st.bold)
	r++
	g.row(r, 0, "API host", facts.BaseURL)
	g.put(1, r, "API host", st.bold)
	r++
	g.row(r, 0, "vxrecon version", facts.Version)
	g.put(1, r, "vxrecon version", st.bold)
	r++
	g.put(1, r, "Result", st.bold)
	if facts.Complete {
		g.put(2, r, "COMPLETE", st.class[0])
	} else {
		g.put(2, r, "INCOMPLETE", st.bad)
		g.put(3, r, facts.Reason, st.bad)
	}
	r += 2

	// Classes, and the chart of them.
	g.row(r, st.header, "Class", "Count", "Share")
	classHeader := r
	r++
	firstClass := r
	for i, c := range recon.Classes {
		g.put(1, r, string(c), st.class[i])
		g.put(2, r, s.Counts[i], 0)
		g.put(3, r, report.Share(s.Counts[i], s.Results), st.percent)
		r++
	}
	lastClass := r - 1
	r++

	// Totals.
	g.row(r, st.header, "Totals", "Count")
	r++
	for _, t := range []struct {
		label string
		n     int
	}{{"Results", s.Results}, {"Rows read", s.Rows}, {"Duplicates", s.Duplicates}, {"Invalid rows", s.Invalid}} {
		g.put(1, r, t.label, st.bold)
		g.put(2, r, t.n, 0)
		r++
	}
	r++

	// Journey durations.
	g.row(r, st.header, "Journey duration", "Seconds", "[h]:mm:ss")
	r++
	d := s.Durations
	g.put(1, r, "Count", st.bold)
	g.put(2, r, d.Count, 0)
	r++
	for _, t := range []struct {
		label string
		v     time.Duration
	}{{"Min", d.Min}, {"Median", d.Median}, {"P90", d.P90}, {"Max", d.Max}, {"Mean", d.Mean}} {
		g.put(1, r, t.label, st.bold)
		if d.Count > 0 {
			g.put(2, r, seconds(t.v), 0)
			g.put(3, r, excelDuration(t.v), st.duration)
		}
		r++
	}
	r++

	// Service × class.
	g.row(r, st.header, "Service", "PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error", "Total")
	r++
	for i := range s.Services {
		sv := &s.Services[i]
		g.put(1, r, sv.Service, 0)
		for c, n := range sv.Counts {
			g.put(2+c, r, n, 0)
		}
		g.put(7, r, sv.Total, st.bold)
		r++
	}
	r++

	// Top issues.
	g.row(r, st.header, "Top issues", "Count", "Share")
	r++
	for i := range s.Issues[:min(len(s.Issues), topIssues)] {
		is := &s.Issues[i]
		g.put(1, r, is.Issue, 0)
		g.put(2, r, is.Count, 0)
		g.put(3, r, report.Share(is.Count, s.Results), st.percent)
		r++
	}
	if len(s.Issues) == 0 {
		g.put(1, r, "(none)", 0)
	}
	g.fit()
	if g.err != nil {
		return g.err
	}
	if err := w.addClassChart(classHeader, firstClass, lastClass); err != nil {
		return err
	}
	return w.fitSummaryPage()
}

// fitSummaryPage prints the dashboard on one landscape page, chart included, as people
// print or export it to PDF for the morning meeting.
func (w *Workbook) fitSummaryPage() error {
	fit, landscape, one := true, "landscape", 1
	if err := w.f.SetSheetProps(SheetSummary, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return w.f.SetPageLayout(SheetSummary, &excelize.PageLayoutOptions{
		Orientation: &landscape, FitToWidth: &one, FitToHeight: &one,
	})
}

// addClassChart draws the class counts as columns in their class colours. The chart refers
// to the Summary cells; it is not a formula cell.
func (w *Workbook) addClassChart(header, first, last int) error {
	ref := func(col string, a, b int) string {
		return SheetSummary + "!$" + col + "$" + strconv.Itoa(a) + ":$" + col + "$" + strconv.Itoa(b)
	}
	points := make([]excelize.ChartDataPoint, len(recon.Classes))
	for i, c := range recon.Classes {
		fill, _ := c.Colors()
		points[i] = excelize.ChartDataPoint{Index: i, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}}}
	}
	return w.f.AddChart(SheetSummary, "E3", &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{
			Name:       SheetSummary + "!$B$" + strconv.Itoa(header),
			Categories: ref("A", first, last),
			Values:     ref("B", first, last),
			DataPoint:  points,
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Results by class"}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 480, Height: 290},
	})
}
