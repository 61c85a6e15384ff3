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
func (g *grid) row(row, style int, vals ...interface{}) { g.rowAt(1, row, style, vals...) }

// rowAt writes the values of one row from column col.
func (g *grid) rowAt(col, row, style int, vals ...interface{}) {
	for i, v := range vals {
		g.put(col+i, row, v, style)
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

// Summary layout: blocks stacked in two columns, the figures on the left from column A, the
// chart and the tables by service, the comparison and the top issues on the right from
// column E, below the chart; so the page stays wide rather than long and prints legibly on
// one landscape page.
const (
	rightCol = 5
	// chartRows are the rows the class chart covers from row 3: its height over the
	// smallest default row height, LibreOffice's 17 px (Excel's is 20), rounded up.
	chartRows = (chartHeight + 16) / 17
)

// writeSummary fills the one-page dashboard. Each figure sits in the cell right of its
// label, so a script can find "PASS" and read the number beside it.
func (w *Workbook) writeSummary(s *report.Summary) error {
	g := &grid{f: w.f, sheet: SheetSummary}
	title := w.opt.Title
	if title == "" {
		title = "vxrecon report"
	}
	g.put(1, 1, title, w.st.title)

	r := w.factsBlock(g, 3, &s.Facts)
	classHeader := r
	r = w.classesBlock(g, r, s)
	r = w.totalsBlock(g, r, s)
	if s.Billing != nil {
		r = w.billingBlock(g, r, s.Billing)
	}
	r = w.durationsBlock(g, r, &s.Durations)
	left := w.histogramBlock(g, r, s.Histogram)

	r = 3 + chartRows + 1
	r = w.servicesBlock(g, r, s.Services)
	r = w.serviceDurationsBlock(g, r, s.Services)
	if s.Changes != nil {
		r = w.changesBlock(g, r, s.Changes)
	}
	r = max(w.issuesBlock(g, r, s), left)

	trend := 0
	if s.Aging != nil {
		r = w.agingBlock(g, r, s.Aging, s.Billing != nil)
	}
	if s.Nights != nil {
		trend = r
		r = w.nightsBlock(g, r, s.Nights)
	}
	if s.Period != nil {
		w.periodBlock(g, r, s.Period)
	}

	g.fit()
	if g.err != nil {
		return g.err
	}
	if err := w.addClassChart(classHeader, classHeader+1, classHeader+recon.NumClasses); err != nil {
		return err
	}
	if len(s.Nights) > 0 {
		if err := w.addNightsChart(trend, len(s.Nights)); err != nil {
			return err
		}
	}
	return w.fitSummaryPage()
}

// factsBlock writes the run facts from row r and returns the row after the block and a
// blank one.
func (w *Workbook) factsBlock(g *grid, r int, facts *report.Facts) int {
	st := w.st
	g.row(r, st.header, "Run", "", "")
	r++
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
	for _, t := range [][2]string{{"Input file", facts.Input}, {"API host", facts.BaseURL}, {"vxrecon version", facts.Version}} {
		g.put(1, r, t[0], st.bold)
		g.put(2, r, t[1], 0)
		r++
	}
	g.put(1, r, "Result", st.bold)
	if facts.Complete {
		g.put(2, r, facts.Status(), st.class[0])
	} else {
		g.put(2, r, facts.Status(), st.bad)
		g.put(3, r, facts.Reason, st.bad)
	}
	return r + 2
}

// classesBlock writes the count and share of each class, the chart's data.
func (w *Workbook) classesBlock(g *grid, r int, s *report.Summary) int {
	g.row(r, w.st.header, "Class", "Count", "Share")
	r++
	for i, c := range recon.Classes {
		g.put(1, r, string(c), w.st.class[i])
		g.put(2, r, s.Counts[i], 0)
		g.put(3, r, report.Share(s.Counts[i], s.Results), w.st.percent)
		r++
	}
	return r + 1
}

// totalsBlock writes the results, rows read, duplicates and invalid rows.
func (w *Workbook) totalsBlock(g *grid, r int, s *report.Summary) int {
	g.row(r, w.st.header, "Totals", "Count")
	r++
	for _, t := range []struct {
		label string
		n     int
	}{{"Results", s.Results}, {"Rows read", s.Rows}, {"Duplicates", s.Duplicates}, {"Invalid rows", s.Invalid}} {
		g.put(1, r, t.label, w.st.bold)
		g.put(2, r, t.n, 0)
		r++
	}
	if l := s.Facts.Ledger; l != nil {
		for _, t := range []struct {
			label string
			n     int
		}{{"Reused from the ledger", l.Reused}, {"Requests saved", l.RequestsSaved}} {
			g.put(1, r, t.label, w.st.bold)
			g.put(2, r, t.n, 0)
			r++
		}
	}
	return r + 1
}

// billingBlock writes the billed total and the amount to dispute (the Billing sheet has the
// detail), each amount right of its label and its line count after it.
func (w *Workbook) billingBlock(g *grid, r int, b *report.Billing) int {
	g.row(r, w.st.header, "Billing", "Amount", "Lines")
	r++
	for _, t := range []struct {
		label string
		row   report.BillRow
	}{{"Billed total", b.Total()}, {"To dispute", b.Dispute()}} {
		g.put(1, r, t.label, w.st.bold)
		g.put(2, r, t.row.Amount.Units(), w.st.money)
		g.put(3, r, t.row.Lines, 0)
		r++
	}
	return r + 1
}

// durationsBlock writes the journey duration statistics, in seconds and as [h]:mm:ss.
func (w *Workbook) durationsBlock(g *grid, r int, d *report.Stats) int {
	st := w.st
	g.row(r, st.header, "Journey duration", "Seconds", "[h]:mm:ss")
	r++
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
	return r + 1
}

// histogramBlock writes how many journeys took how long, one fixed bucket a row: the
// bucket's label ("30–60 s": at least 30 s, under 60 s), then its count.
func (w *Workbook) histogramBlock(g *grid, r int, h []report.Bucket) int {
	g.row(r, w.st.header, "Journeys taking", "Count", "Share")
	r++
	if len(h) == 0 {
		h = report.Buckets() // a Summary made by hand: every bucket, empty
	}
	total := 0
	for _, b := range h {
		total += b.Count
	}
	for _, b := range h {
		g.put(1, r, b.Label, w.st.bold)
		g.put(2, r, b.Count, 0)
		g.put(3, r, report.Share(b.Count, total), w.st.percent)
		r++
	}
	return r + 1
}

// servicesBlock writes the service × class table.
func (w *Workbook) servicesBlock(g *grid, r int, services []report.ServiceRow) int {
	c := rightCol
	g.rowAt(c, r, w.st.header, "Service", "PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error", "Total")
	r++
	for i := range services {
		sv := &services[i]
		g.put(c, r, sv.Service, 0)
		for k, n := range sv.Counts {
			g.put(c+1+k, r, n, 0)
		}
		g.put(c+6, r, sv.Total, w.st.bold)
		r++
	}
	return r + 1
}

// serviceDurationsBlock writes each service's journey duration count, median, P90 and max
// (as [h]:mm:ss), for the services with at least one duration, in the service table's order.
func (w *Workbook) serviceDurationsBlock(g *grid, r int, services []report.ServiceRow) int {
	c := rightCol
	g.rowAt(c, r, w.st.header, "Service", "Count", "Median", "P90", "Max")
	r++
	for i := range services {
		sv := &services[i]
		d := &sv.Durations
		if d.Count == 0 {
			continue
		}
		g.put(c, r, sv.Service, 0)
		g.put(c+1, r, d.Count, 0)
		for k, v := range []time.Duration{d.Median, d.P90, d.Max} {
			g.put(c+2+k, r, excelDuration(v), w.st.duration)
		}
		r++
	}
	return r + 1
}

// changesBlock writes "Since previous run": how many ids changed, are new, gone or
// unchanged, each count right of its label, then the table of classes before (rows, and
// "(new)") against now (columns, and "(gone)").
func (w *Workbook) changesBlock(g *grid, r int, cs *report.ChangeSet) int {
	st, c := w.st, rightCol
	g.rowAt(c, r, st.header, "Since previous run", "Count")
	r++
	for _, t := range []struct {
		label report.Change
		n     int
	}{{report.Changed, cs.Changed}, {report.New, cs.New}, {report.Gone, cs.Gone}, {report.Unchanged, cs.Unchanged}} {
		g.put(c, r, string(t.label), st.bold)
		g.put(c+1, r, t.n, 0)
		r++
	}
	r++
	g.put(c, r, "Before \\ Now", st.header)
	for k, cl := range recon.Classes {
		g.put(c+1+k, r, string(cl), st.header)
	}
	g.put(c+1+report.GoneCol, r, report.GoneLabel, st.header)
	r++
	for i, row := range cs.Matrix {
		label, style := report.NewLabel, st.bold
		if i < recon.NumClasses {
			label, style = string(recon.Classes[i]), st.class[i]
		}
		g.put(c, r, label, style)
		for k, n := range row {
			g.put(c+1+k, r, n, 0)
		}
		r++
	}
	return r + 1
}

// issuesBlock writes the most frequent issues (the Issues sheet has them all).
func (w *Workbook) issuesBlock(g *grid, r int, s *report.Summary) int {
	c := rightCol
	g.rowAt(c, r, w.st.header, "Top issues", "Count", "Share")
	r++
	for i := range s.Issues[:min(len(s.Issues), topIssues)] {
		is := &s.Issues[i]
		g.put(c, r, is.Issue, 0)
		g.put(c+1, r, is.Count, 0)
		g.put(c+2, r, report.Share(is.Count, s.Results), w.st.percent)
		r++
	}
	if len(s.Issues) == 0 {
		g.put(c, r, "(none)", 0)
		r++
	}
	return r + 1
}

// agingBlock writes "Open items by age": the ids not final, by the nights they have been open
// (AgeBands), with their billed amount when the input has amounts.
func (w *Workbook) agingBlock(g *grid, r int, rows []report.AgeRow, amounts bool) int {
	if amounts {
		g.row(r, w.st.header, "Open items by age", "IDs", "Billed amount")
	} else {
		g.row(r, w.st.header, "Open items by age", "IDs")
	}
	g.put(1, r+1, "Nights open", w.st.bold)
	r += 2
	for _, a := range rows {
		g.put(1, r, a.Label, 0)
		g.put(2, r, a.IDs, 0)
		if amounts {
			g.put(3, r, a.Amount.Units(), w.st.money)
		}
		r++
	}
	return r + 1
}

// nightsHeader heads "Last 30 nights": the night, its counts by class, total and pass rate.
var nightsHeader = func() []any {
	h := []any{"Last 30 nights"}
	for _, c := range recon.Classes {
		h = append(h, string(c))
	}
	return append(h, "Total", "Pass rate")
}()

// nightsBlock writes the trend: one row per night, oldest first, the night a date.
func (w *Workbook) nightsBlock(g *grid, r int, nights []report.Night) int {
	g.row(r, w.st.header, nightsHeader...)
	r++
	for _, n := range nights {
		w.nightCell(g, 1, r, n.Night)
		for i, c := range n.Counts {
			g.put(2+i, r, c, 0)
		}
		g.put(2+recon.NumClasses, r, n.Total(), 0)
		g.put(3+recon.NumClasses, r, n.PassRate(), w.st.percent)
		r++
	}
	if len(nights) == 0 {
		g.put(1, r, "(no nights)", 0)
		r++
	}
	return r + 1
}

// nightCell puts a night (YYYY-MM-DD) as an Excel date, or as the text it is if it is none.
func (w *Workbook) nightCell(g *grid, col, row int, night string) {
	if t, err := time.Parse(time.DateOnly, night); err == nil {
		if v, ok := excelTime(t); ok {
			g.put(col, row, v, w.st.date)
			return
		}
	}
	g.put(col, row, night, 0)
}

// periodBlock lists the runs a month-end workbook drew from, or says the period had none.
func (w *Workbook) periodBlock(g *grid, r int, p *report.Period) int {
	g.row(r, w.st.header, "Runs "+p.From+" to "+p.To, "Started", "Input", "Result", "Answers")
	r++
	for _, run := range p.Runs {
		w.nightCell(g, 1, r, run.Night)
		if v, ok := excelTime(run.Started); ok && !run.Started.IsZero() {
			g.put(2, r, v, w.st.dateTime)
		}
		g.put(3, r, run.Input, 0)
		style := w.st.bad
		if run.Status == "COMPLETE" {
			style = w.st.class[0]
		}
		g.put(4, r, run.Status, style)
		g.put(5, r, run.Answers, 0)
		r++
	}
	if len(p.Runs) == 0 {
		g.put(1, r, "No runs in this period: the ledger has nothing to report.", w.st.bad)
		r++
	}
	return r + 1
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
