// Package output writes the Excel workbook: the table sheets streamed (rows written as sheet
// XML and deflated as they come, spliced into excelize's zip at the end), the Summary, the
// Changes and Billing sheets, the styles and the chart. With input (which reads workbooks),
// it is the only package that knows excelize.
package output

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/pii"
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/report"
)

// Sheet names, in workbook order. A full sheet continues on "Results (2)" and so on.
const (
	SheetSummary  = "Summary"
	SheetResults  = "Results"
	SheetJourneys = "Journeys"
	SheetIssues   = "Issues"
	SheetErrors   = "Errors"
	SheetChanges  = "Changes" // when report.Summary.Changes is set
	SheetBilling  = "Billing" // when report.Summary.Billing is set
)

// MaxSheetRows is Excel's row limit, header included.
const MaxSheetRows = 1048576

// MaxInputColumns is how many input columns the Results sheet can carry beside its own:
// Excel's 16,384 columns minus the fixed ones.
const MaxInputColumns = 16384 - rcInput - agingColumns

// wideInput is the number of input columns past which they all get one width.
const wideInput = 64

// InputPrefix heads the Results columns that carry the input's other columns.
const InputPrefix = "Input: "

// The Results columns, in the order of docs/SPEC.md "The workbook".
const (
	rcRow = iota
	rcID
	rcClass
	rcHTTP
	rcStatus
	rcAction
	rcDetail
	rcService
	rcConfirmation
	rcReference
	rcFirstName
	rcLastName
	rcEmail
	rcPhone
	rcDOB
	rcDurationSecs
	rcDuration
	rcStops
	rcStarted
	rcFinished
	rcIssues
	rcAttempts
	rcError
	rcDupRows
	rcInput // first Input: column, or First seen with Options.Aging
)

// With Options.Aging, the Results columns between Duplicate Rows and the Input: ones.
const agingColumns = 2

var (
	agingHeader = []string{"First seen", "Nights open"}
	agingWidths = []float64{12, 13}
)

var resultsHeader = []string{
	"Row", "Request ID", "Classification", "HTTP Status", "Status", "Action", "Detail",
	"Service", "Confirmation", "Reference", "First Name", "Last Name", "Email", "Phone", "DOB",
	"Journey Duration (s)", "Journey Duration", "Stops", "Started At", "Finished At", "Issues",
	"Attempts", "Error", "Duplicate Rows",
}

var resultsWidths = []float64{
	8, 38, 15, 13, 12, 14, 40,
	24, 14, 20, 12, 14, 26, 15, 12,
	22, 18, 9, 20, 20, 40,
	11, 40, 18,
}

var journeysHeader = []string{
	"Request ID", "Stop", "Timestamp", "Type", "Source", "Status", "Action", "Detail", "Elapsed (s)",
}

var journeysWidths = []float64{38, 8, 26, 20, 20, 12, 14, 40, 13}

var issuesHeader = []string{
	"Issue", "Count", "PASS", "FAIL", "IN PROGRESS", "NOT FOUND", "error", "Share",
}

// The Errors columns.
const (
	ecRow = iota
	ecID
	ecError
	ecHTTP
	ecAttempts
	ecDupRows
)

var errorsHeader = []string{"Row", "Request ID", "Error", "HTTP Status", "Attempts", "Duplicate Rows"}

var errorsWidths = []float64{8, 38, 60, 13, 11, 18}

// Options configure a Workbook; the zero value is a usable default.
type Options struct {
	PII          pii.Mode       // how personal fields appear; "" is pii.Mask
	MaxRows      int            // rows per sheet including the header; 0 means MaxSheetRows
	InputColumns []recon.Column // the input's other columns, shown as "Input: NAME"
	Title        string         // document title
	Created      time.Time      // document creation time; zero means now
	TempDir      string         // where the streamed sheets spill; "" means os.TempDir()
	// Aging adds the Results columns First seen and Nights open (report.Derived's FirstSeen
	// and NightsOpen), before the Input: ones: a run with a ledger.
	Aging bool
}

// Workbook builds the report workbook. Results, Journeys and Errors are streamed to temporary
// files as results arrive, so memory stays flat however many ids there are; Summary and
// Issues are filled by WriteTo at the end. A Workbook is not safe for concurrent use.
//
// Every table sheet has a bold header row, frozen below, and an autofilter over its rows; the
// Summary is a dashboard of several small tables and has neither. A table that outgrows
// MaxRows goes on at "Results (2)" and so on, placed right after its predecessor, with the
// same header; one id's journey stops stay on one sheet whenever they fit on one. Numbers are
// numbers, and a column holds one type: Row is the first input line, a number, and the lines
// of a repeated id's later occurrences are the text of Duplicate Rows ("7, 9"); Confirmation
// and Reference are identifiers and stay text. The "(s)" columns show three decimals.
//
// The data sheets print like a report: landscape, one page wide, the header row on every
// page. With report.Summary.Changes and .Billing set, WriteTo adds the Changes and Billing
// sheets after Errors.
type Workbook struct {
	f       *excelize.File
	opt     Options
	pii     pii.Mode
	st      *styles
	results *sheet
	journey *sheet
	errs    *sheet
	issues  *sheet // made by WriteTo
	changes *sheet // made by WriteTo when there is a previous run
	sp      *splicer
	// reused per row
	res, jrn, errRow *rowBuf
	inputAt          int // the first Input: column of Results
	lineBuf          []byte
	written, closed  bool
}

// NewWorkbook creates the five sheets in order and starts streaming Results, Journeys and
// Errors. Close it when done, whether or not WriteTo was called.
func NewWorkbook(opt Options) (*Workbook, error) {
	mode, err := pii.ParseMode(string(opt.PII))
	if err != nil {
		return nil, err
	}
	if opt.MaxRows == 0 {
		opt.MaxRows = MaxSheetRows
	}
	if opt.MaxRows < 2 || opt.MaxRows > MaxSheetRows {
		return nil, fmt.Errorf("workbook: rows per sheet must be 2 to %d, got %d", MaxSheetRows, opt.MaxRows)
	}
	sp, err := newSplicer(opt.TempDir)
	if err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	f := excelize.NewFile(excelize.Options{TmpDir: opt.TempDir})
	w := &Workbook{f: f, opt: opt, pii: mode, sp: sp}
	if err := w.init(); err != nil {
		_ = f.Close()
		_ = sp.close()
		return nil, fmt.Errorf("workbook: %w", err)
	}
	return w, nil
}

func (w *Workbook) init() error {
	f := w.f
	if err := f.SetSheetName(f.GetSheetName(0), SheetSummary); err != nil {
		return err
	}
	for _, name := range []string{SheetResults, SheetJourneys, SheetIssues, SheetErrors} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	w.st = st

	header := resultsHeader
	widths := resultsWidths
	if w.opt.Aging {
		header = append(header[:len(header):len(header)], agingHeader...)
		widths = append(widths[:len(widths):len(widths)], agingWidths...)
	}
	w.inputAt = len(header)
	if n := len(w.opt.InputColumns); n > 0 {
		header = append(header[:len(header):len(header)], make([]string, n)...)
		widths = append(widths[:len(widths):len(widths)], make([]float64, n)...)
		for i, c := range w.opt.InputColumns {
			h := InputPrefix + Sanitize(c.Name)
			header[w.inputAt+i] = h
			widths[w.inputAt+i] = float64(min(max(len([]rune(h))+4, 14), 40))
			if n > wideInput {
				widths[w.inputAt+i] = 18 // one run of equal widths: see sheet.open
			}
		}
	}
	rows := w.opt.MaxRows
	w.results = newSheet(f, st, w.sp, rows, SheetResults, header, widths)
	w.journey = newSheet(f, st, w.sp, rows, SheetJourneys, journeysHeader, journeysWidths)
	w.errs = newSheet(f, st, w.sp, rows, SheetErrors, errorsHeader, errorsWidths)
	for _, s := range []*sheet{w.results, w.journey, w.errs} {
		if err := s.open(s.base); err != nil {
			return err
		}
	}
	w.res = newRowBuf(len(header))
	w.jrn = newRowBuf(len(journeysHeader))
	w.errRow = newRowBuf(len(errorsHeader))
	return nil
}

var errWritten = errors.New("workbook: already written or closed")

// AddInvalid lists an invalid input row on the Errors sheet: its line, the value as found
// and why it cannot be requested.
func (w *Workbook) AddInvalid(inv *recon.Invalid) error {
	if w.written || w.closed {
		return errWritten
	}
	if inv == nil {
		return errors.New("workbook: nil invalid row")
	}
	b := w.errRow
	b.reset()
	b.num(ecRow, inv.Line, 0)
	b.text(ecID, inv.Value, 0)
	b.text(ecError, inv.Reason, 0)
	return w.errs.write(b)
}

// AddResult writes one unique id: its Results row, a Journeys row per stop and, for an error
// result, an Errors row. Call it in input order. d may be nil for a result without a session.
func (w *Workbook) AddResult(rec *recon.Record, r *recon.Result, d *report.Derived) error {
	if w.written || w.closed {
		return errWritten
	}
	if r == nil {
		return errors.New("workbook: nil result")
	}
	if d == nil {
		d = &report.Derived{}
	}
	id := r.ID
	if rec != nil {
		id = rec.ID
	}
	w.fillResult(rec, id, r, d)
	if err := w.results.write(w.res); err != nil {
		return err
	}
	if s := r.Session; s != nil && s.Journey != nil && len(s.Journey.Stops) > 0 {
		if err := w.addStops(id, s.Journey, d.Stops); err != nil {
			return err
		}
	}
	if r.Class == recon.Error {
		return w.addError(rec, id, r)
	}
	return nil
}

// fillResult puts one id's Results row into w.res.
func (w *Workbook) fillResult(rec *recon.Record, id string, r *recon.Result, d *report.Derived) {
	b := w.res
	b.reset()
	w.lineCells(b, rcRow, rcDupRows, rec)
	b.text(rcID, id, 0)
	w.classCell(b, rcClass, r.Class)
	if r.HTTPStatus != 0 {
		b.num(rcHTTP, r.HTTPStatus, 0)
	}
	detail := r.Detail
	if detail == "" {
		detail = r.Message
	}
	service := d.Service
	if s := r.Session; s != nil {
		w.fillSession(b, s)
		if p := s.Plus; p != nil {
			b.text(rcAction, p.Action, 0)
			if p.Detail != "" {
				detail = p.Detail
			}
			b.text(rcConfirmation, string(p.Confirmation), 0)
			if service == "" {
				service = p.Service
			}
		}
	}
	b.text(rcDetail, detail, 0)
	b.text(rcService, service, 0)
	if d.HasDuration {
		b.float(rcDurationSecs, seconds(d.Duration), w.st.seconds)
		b.float(rcDuration, excelDuration(d.Duration), w.st.duration)
	}
	w.timeCell(b, rcStarted, d.Started)
	w.timeCell(b, rcFinished, d.Finished)
	issues := strings.Join(d.Issues, "; ")
	if r.Session != nil && r.Session.Plus != nil && r.Session.Plus.IssuesCut > 0 {
		// The issues the decoder did not keep (more than the cell shows): say so.
		issues += "; … and " + strconv.Itoa(r.Session.Plus.IssuesCut) + " more issues (not kept)"
	}
	b.text(rcIssues, issues, 0)
	if r.Attempts != 0 {
		b.num(rcAttempts, r.Attempts, 0)
	}
	b.text(rcError, r.Err, 0)
	if w.opt.Aging {
		if v, ok := excelTime(d.FirstSeen); ok {
			b.float(rcInput, v, w.st.date)
		}
		if d.NightsOpen > 0 {
			b.num(rcInput+1, d.NightsOpen, 0)
		}
	}
	if rec != nil {
		w.inputCells(b, rec.Fields)
	}
}

// fillSession puts the session's own fields, personal ones as the -pii mode shows them.
func (w *Workbook) fillSession(b *rowBuf, s *recon.Session) {
	b.text(rcStatus, s.Status, 0)
	b.text(rcReference, s.Reference, 0)
	b.text(rcFirstName, w.pii.Show(pii.Name, Sanitize(s.FirstName)), 0)
	b.text(rcLastName, w.pii.Show(pii.Name, Sanitize(s.LastName)), 0)
	b.text(rcEmail, w.pii.Show(pii.Email, Sanitize(s.Email)), 0)
	b.text(rcPhone, w.pii.Show(pii.Phone, Sanitize(s.Phone)), 0)
	b.text(rcDOB, w.pii.Show(pii.DOB, Sanitize(s.DOB)), 0)
	stops := 0
	if s.Journey != nil {
		stops = len(s.Journey.Stops) + s.Journey.StopsCut // every stop, kept or not
	}
	b.num(rcStops, stops, 0)
}

// lineCells puts the record's first input line as a number in column row, and the lines of
// its later occurrences as text in column dups.
func (w *Workbook) lineCells(b *rowBuf, row, dups int, rec *recon.Record) {
	if rec == nil || rec.Line <= 0 {
		return
	}
	b.num(row, rec.Line, 0)
	b.dupRows(dups, rec.Dups, &w.lineBuf)
}

// addError writes an error result's Errors row.
func (w *Workbook) addError(rec *recon.Record, id string, r *recon.Result) error {
	e := w.errRow
	e.reset()
	w.lineCells(e, ecRow, ecDupRows, rec)
	e.text(ecID, id, 0)
	e.text(ecError, r.Err, 0)
	if r.HTTPStatus != 0 {
		e.num(ecHTTP, r.HTTPStatus, 0)
	}
	if r.Attempts != 0 {
		e.num(ecAttempts, r.Attempts, 0)
	}
	return w.errs.write(e)
}

// inputCells puts the input's other columns: a Numeric column's values as numbers, every
// other value as the text it was.
func (w *Workbook) inputCells(b *rowBuf, fields []string) {
	cols := w.opt.InputColumns
	for i, v := range fields {
		at := w.inputAt + i
		if at >= len(b.cells) {
			return
		}
		if i < len(cols) && cols[i].Numeric && v != "" {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				b.float(at, f, 0)
				continue
			}
		}
		b.text(at, v, 0)
	}
}

// addStops writes one id's journey, all on one sheet whenever it fits on one, and a last row
// saying how many stops the decoder did not keep, if it cut any.
func (w *Workbook) addStops(id string, j *recon.Journey, times []report.StopTime) error {
	stops := j.Stops
	if err := w.journey.room(len(stops) + min(j.StopsCut, 1)); err != nil {
		return err
	}

	id = Sanitize(id)
	b := w.jrn
	for i := range stops {
		s := &stops[i]
		b.reset()
		b.str(0, id, 0)
		b.num(1, i+1, 0)
		var t report.StopTime
		if i < len(times) {
			t = times[i]
		}
		if !t.OK || !w.timeCell(b, 2, t.At) {
			b.text(2, s.Timestamp, 0)
		}
		b.text(3, s.Type, 0)
		b.text(4, s.Source, 0)
		b.text(5, s.Status, 0)
		b.text(6, s.Action, 0)
		b.text(7, s.Detail, 0)
		if t.OK {
			b.float(8, seconds(t.Elapsed), w.st.seconds)
		}
		if err := w.journey.write(b); err != nil {
			return err
		}
	}
	if j.StopsCut == 0 {
		return nil
	}
	b.reset()
	b.str(0, id, 0)
	b.str(3, "… "+strconv.Itoa(j.StopsCut)+" more stops (not kept)", 0)
	return w.journey.write(b)
}

// timeCell puts t as an Excel date-time; it reports false (and leaves the cell) for a zero
// time or one Excel cannot show.
func (w *Workbook) timeCell(b *rowBuf, i int, t time.Time) bool {
	if t.IsZero() {
		return false
	}
	v, ok := excelTime(t)
	if ok {
		b.float(i, v, w.st.dateTime)
	}
	return ok
}

// WriteTo fills Summary and Issues from s, adds Changes when s.Changes is set and Billing
// when s.Billing is set, ends the streamed sheets and writes the .xlsx to dst. It can be
// called once.
//
// The zip is written straight to dst (through a zip writer handed to excelize), not built in
// memory first as excelize's own WriteTo does, so a workbook of a million ids does not need
// several times its size in RAM.
func (w *Workbook) WriteTo(dst io.Writer, s *report.Summary) error {
	if w.written || w.closed {
		return errWritten
	}
	w.written = true
	if s == nil {
		s = &report.Summary{}
	}
	if err := w.writeSheets(s); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	created := w.opt.Created
	if created.IsZero() {
		created = time.Now()
	}
	if err := w.f.SetDocProps(&excelize.DocProperties{
		Title:    Sanitize(w.opt.Title),
		Creator:  "vxrecon",
		Created:  created.UTC().Format(time.RFC3339),
		Modified: created.UTC().Format(time.RFC3339),
	}); err != nil {
		return fmt.Errorf("workbook: properties: %w", err)
	}
	zw := newSpliceZip(dst, w.sp)
	w.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	// excelize hands its own in-memory buffer to the zip writer function; ours ignores it
	// and writes to dst, so that buffer stays empty and nothing is copied at the end.
	if err := w.f.Write(dst); err != nil {
		return fmt.Errorf("workbook: write: %w", err)
	}
	if err := zw.check(); err != nil {
		return fmt.Errorf("workbook: write: %w", err)
	}
	return nil
}

// writeSheets writes the sheets filled at the end, in workbook order (Issues, Changes,
// Billing: a sheet made now goes last), the Summary, and then ends every streamed table.
// Only then, with no sheet left to add or move, are the names that record a sheet by its
// position set: the filters (sheet.finish) and the print titles.
func (w *Workbook) writeSheets(s *report.Summary) error {
	if err := w.writeIssues(s); err != nil {
		return err
	}
	tables := []*sheet{w.results, w.journey, w.issues, w.errs}
	if s.Changes != nil {
		if err := w.writeChanges(s.Changes); err != nil {
			return err
		}
		tables = append(tables, w.changes)
	}
	var titles []titled
	if s.Billing != nil {
		if err := w.writeBilling(s.Billing); err != nil {
			return err
		}
		titles = append(titles, titled{sheet: SheetBilling})
	}
	if err := w.writeSummary(s); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	for _, sh := range tables {
		if err := sh.finish(); err != nil {
			return err
		}
		for _, name := range sh.names {
			titles = append(titles, titled{sheet: name, idCols: sh.idCols()})
		}
	}
	return printTitles(w.f, titles...)
}

// Close removes the temporary files. It is safe to call more than once, after WriteTo or
// instead of it.
func (w *Workbook) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	return errors.Join(w.f.Close(), w.sp.close())
}
