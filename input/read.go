package input

import (
	"github.com/vxrecon/vxrecon/recon"

	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxShown is how many characters of a bad id or header are shown in messages; the rest is
// cut with "…" so one runaway cell cannot flood the Errors sheet or the terminal.
const maxShown = 64

// headerKey is the normalised name of the id column (see normalise).
const headerKey = "requestid"

// singleColumnHeaders are extra names accepted as the header of a one-column file. Without
// them a file holding just "id" or "Request IDs" above its ids would be read as headerless
// and its header requested as an id.
var singleColumnHeaders = map[string]bool{"id": true, "ids": true, "requestids": true}

// idByte marks the ASCII bytes allowed in a request id.
var idByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	t['-'], t['_'], t['.'] = true, true, true
	return t
}()

// Read parses the request ids of a batch from a CSV file or an .xlsx workbook, told apart by
// content. It finds the id column from the header (or Options.Column), or takes a file with
// one column and no header; it then validates, trims and de-duplicates the ids, keeping every
// line each id came from, the row's other columns and, with an amount column, every line's
// amount.
//
// Bad ids are data, not errors: they land in Batch.Invalid. Read fails, with a *LineError
// naming the file and line, only when the input as a whole cannot be used: empty, not CSV
// (bad quoting, binary data) nor a readable workbook, without an id column, wider than
// Options.MaxColumns, or with an amount that is not a number. A header without rows is not
// an error: the Batch is empty and the caller decides.
func Read(r io.Reader, opt Options) (*Batch, error) {
	name := opt.Name
	if name == "" {
		name = "input"
	}
	if opt.Delimiter != 0 && !validDelimiter(opt.Delimiter) {
		return nil, &LineError{File: name,
			Err: fmt.Errorf("delimiter %q is not one of , ; tab |", opt.Delimiter)}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	zipped, err := sniff(br, name)
	if err != nil {
		return nil, err
	}
	if zipped {
		return readWorkbook(br, name, opt)
	}

	var in io.Reader = br
	delim := opt.Delimiter
	if delim == 0 {
		seen, d, err := detectDelimiter(br)
		if err != nil {
			return nil, &LineError{File: name, Err: fmt.Errorf("read: %w", err)}
		}
		delim = d
		in = io.MultiReader(bytes.NewReader(seen), br)
	}
	limit := newLineLimit(in, name, MaxLine)
	cr := csv.NewReader(bufio.NewReaderSize(limit, 64<<10))
	cr.Comma = delim
	cr.FieldsPerRecord = -1 // ragged rows: missing cells are "", extra ones ignored
	cr.ReuseRecord = true   // copy only what is kept
	// `abc, "Doe, Jane"` is common in hand-edited files; but trimming would eat the tabs of
	// empty fields in a tab-delimited file.
	cr.TrimLeadingSpace = delim != '\t'
	src := &csvSource{cr: cr, name: name, limit: limit}
	return readRows(src, name, opt, delim == ';')
}

// rowSource yields the rows of the input that hold something.
type rowSource interface {
	// next returns the next row holding something: its cells as shown (the text of a CSV,
	// the formatted values of a workbook), the cells as stored (a workbook's raw values, or
	// nil for a CSV), the line (or sheet row) it starts on, and io.EOF at the end. The
	// slices are reused by the following call; a caller may change their elements.
	next() (shown, stored []string, line int, err error)
	// showAll tells whether the cells as shown are still needed past the header: a
	// workbook reads them from a second pass over the sheet, which it can then stop.
	showAll(need bool)
	// empty is the error for an input without rows.
	empty() error
}

// readRows reads the header, then every data row, into a Batch. comma allows a decimal
// comma in numbers.
func readRows(src rowSource, name string, opt Options, comma bool) (*Batch, error) {
	hdr, hstored, hline, err := src.next()
	if err == io.EOF {
		return nil, src.empty()
	}
	if err != nil {
		return nil, err
	}
	if opt.MaxColumns > 0 && len(hdr) > opt.MaxColumns+1 {
		return nil, &LineError{File: name, Line: hline, Err: fmt.Errorf(
			"%d columns: the Results sheet holds at most %d input columns besides the request id",
			len(hdr), opt.MaxColumns)}
	}
	b := &builder{batch: &Batch{Name: name}, name: name, idCol: -1, amtCol: -1, comma: comma}
	headerless, err := b.idColumn(hdr, hstored, hline, opt.Column)
	if err != nil {
		return nil, err
	}
	if err := b.amountColumn(hdr, hline, opt.AmountColumn, headerless); err != nil {
		return nil, err
	}
	if headerless {
		b.st = newStore(0, false)
		b.batch.store = b.st
		src.showAll(false)
		if err := b.add(hdr, hstored, hline); err != nil {
			return nil, err
		}
	} else {
		src.showAll(b.columns(hdr))
	}
	for {
		rec, stored, line, err := src.next()
		if err == io.EOF {
			b.finish()
			return b.batch, nil
		}
		if err != nil {
			return nil, err
		}
		if err := b.add(rec, stored, line); err != nil {
			return nil, err
		}
	}
}

// idColumn finds the id column in the first row: named by column, or detected; or the row is
// an id itself (a one-column file without header), and headerless says so.
func (b *builder) idColumn(hdr, hstored []string, hline int, column string) (headerless bool, err error) {
	if column != "" {
		if b.idCol = findColumn(hdr, column); b.idCol < 0 {
			return false, &LineError{File: b.name, Line: hline,
				Err: fmt.Errorf("no column %q in the first row (%s)", column, listHeaders(hdr))}
		}
		return false, nil
	}
	b.idCol = findColumn(hdr, headerKey)
	if b.idCol < 0 && len(hdr) == 1 {
		b.idCol = 0
		id, reason := b.idOf(hdr, hstored)
		switch {
		case singleColumnHeaders[normalise(trimID(hdr[0]))]:
		case reason != "" || checkID(id) == "":
			// An id, or a number Excel mangled: data either way, not a header.
			headerless = true
		default:
			b.idCol = -1
		}
	}
	if b.idCol < 0 {
		return false, &LineError{File: b.name, Line: hline,
			Err: fmt.Errorf("no request id column in the first row (%s, none named request_id, Request ID or requestId); use -column NAME", listHeaders(hdr))}
	}
	return headerless, nil
}

// amountColumn finds the billed amount column: named by column, detected, or none.
func (b *builder) amountColumn(hdr []string, hline int, column string, headerless bool) error {
	switch {
	case column == NoAmount:
	case column != "":
		if !headerless {
			b.amtCol = findColumn(hdr, column)
		}
		if b.amtCol < 0 {
			return &LineError{File: b.name, Line: hline,
				Err: fmt.Errorf("no amount column %q in the first row (%s)", column, listHeaders(hdr))}
		}
		if b.amtCol == b.idCol {
			return &LineError{File: b.name, Line: hline,
				Err: fmt.Errorf("the amount column %q is the request id column", column)}
		}
	case !headerless:
		b.amtCol = findAmount(hdr, b.idCol)
	}
	return nil
}

// columns names the other columns from the header and makes the store for the ids. It
// reports whether a column other than the id and the amount is shown (a workbook then reads
// the cells as Excel shows them).
func (b *builder) columns(hdr []string) (display bool) {
	b.header = strings.Clone(trimID(hdr[b.idCol]))
	cols := make([]recon.Column, 0, len(hdr)-1)
	b.cols = make([]int, 0, len(hdr)-1)
	for i, h := range hdr {
		if i == b.idCol {
			continue
		}
		h = strings.TrimSpace(h)
		if h == "" {
			h = "Column " + strconv.Itoa(i+1)
		}
		h = strings.Clone(h)
		if i == b.amtCol {
			b.batch.Amount = h
		} else {
			display = true
		}
		cols = append(cols, recon.Column{Name: h})
		b.cols = append(b.cols, i)
	}
	if len(cols) > 0 {
		b.batch.Columns = cols
	}
	b.numeric = make([]colType, len(b.cols))
	b.st = newStore(len(b.cols), b.amtCol >= 0)
	b.batch.store = b.st
	return display
}

// amountKeys are the normalised headers taken for the billed amount when Options.AmountColumn
// is empty.
var amountKeys = map[string]bool{"amount": true, "price": true, "cost": true, "fee": true, "charge": true}

// findAmount returns the index of the first header, in file order, that names an amount
// (amount, price, cost, fee, charge, compared like the id column), -1 if none.
func findAmount(hdr []string, idCol int) int {
	for i, h := range hdr {
		if i != idCol && amountKeys[normalise(h)] {
			return i
		}
	}
	return -1
}

// sniff drops a UTF-8 byte order mark and refuses the files most often passed by mistake
// (a legacy workbook, UTF-16 text), which would otherwise fail later with a puzzling CSV
// error. It reports whether the input is a zip file (maybe an .xlsx workbook).
func sniff(br *bufio.Reader, name string) (zipped bool, err error) {
	head, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return false, &LineError{File: name, Err: fmt.Errorf("read: %w", err)}
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return true, nil
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0")):
		return false, &LineError{File: name, Line: 1,
			Err: errors.New("this is an Excel workbook or zip file, not CSV; save it as CSV UTF-8")}
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return false, &LineError{File: name, Line: 1,
			Err: errors.New("this file is UTF-16 text; save it as CSV UTF-8")}
	}
	return false, nil
}

// csvSource yields the non-blank records of a CSV with their true line numbers.
type csvSource struct {
	cr    *csv.Reader
	name  string
	limit *lineLimit
}

func (rd *csvSource) empty() error {
	return &LineError{File: rd.name, Err: errors.New("empty file, no request id column")}
}

func (rd *csvSource) showAll(bool) {}

// next returns the next record holding something, the file line it starts on, and io.EOF at
// the end. The record is reused by the following call.
func (rd *csvSource) next() ([]string, []string, int, error) {
	for {
		rd.limit.mark()
		rec, err := rd.cr.Read()
		if err != nil {
			return nil, nil, 0, rd.fail(err)
		}
		line, _ := rd.cr.FieldPos(0)
		blank := true
		for _, f := range rec {
			if strings.IndexByte(f, 0) >= 0 {
				return nil, nil, 0, &LineError{File: rd.name, Line: line,
					Err: errors.New("binary data (NUL byte): not a text CSV file")}
			}
			if blank && trimID(f) != "" {
				blank = false
			}
		}
		if !blank {
			return rec, nil, line, nil
		}
	}
}

// fail turns a csv error into a *LineError pointing at the line to fix.
func (rd *csvSource) fail(err error) error {
	if err == io.EOF {
		return err
	}
	var lerr *LineError
	if errors.As(err, &lerr) {
		return lerr
	}
	var perr *csv.ParseError
	if !errors.As(err, &perr) {
		return &LineError{File: rd.name, Err: fmt.Errorf("read: %w", err)}
	}
	switch {
	case errors.Is(perr.Err, csv.ErrBareQuote):
		return &LineError{File: rd.name, Line: perr.Line, Err: fmt.Errorf(
			`bad CSV: %w at column %d (a field holding " must be quoted, with the quote doubled: "a ""b"" c")`,
			perr.Err, perr.Column)}
	case errors.Is(perr.Err, csv.ErrQuote) && perr.StartLine != perr.Line:
		// Most likely a quote opened on StartLine and never closed: the parser only noticed
		// much later (often at the end of the file), so point at where the row began.
		return &LineError{File: rd.name, Line: perr.StartLine, Err: fmt.Errorf(
			"bad CSV: %w in the row starting here (noticed at line %d, column %d; is a quote left open?)",
			perr.Err, perr.Line, perr.Column)}
	default:
		return &LineError{File: rd.name, Line: perr.Line,
			Err: fmt.Errorf("bad CSV: %w at column %d", perr.Err, perr.Column)}
	}
}

// colType follows what the kept values of one column have shown so far.
type colType struct {
	text    bool // a non-empty value that is not a plain number
	number  bool // at least one plain number
	rewrite bool // a number whose text ParseFloat does not read as is (spaces, decimal comma)
}

// builder accumulates the Batch from data rows.
type builder struct {
	batch   *Batch
	name    string
	idCol   int
	amtCol  int    // index of the amount column in the row, -1 without one
	comma   bool   // a decimal comma is allowed
	header  string // the id column's header, "" without one
	cols    []int  // indexes of the other columns, in file order
	numeric []colType
	st      *store   // the unique ids
	cells   []string // the other cells of the row being added, reused
}

// cell returns row[i], "" for a ragged row without it.
func cell(row []string, i int) string {
	if 0 <= i && i < len(row) {
		return row[i]
	}
	return ""
}

// idOf returns the id of a row, trimmed, and why it cannot be requested when Excel turned it
// into a number ("" otherwise; checkID finds the other reasons). A workbook's id is read from
// the stored value: a whole number reads as its digits whatever its format.
func (b *builder) idOf(shown, stored []string) (id, reason string) {
	if stored != nil {
		return storedID(cell(stored, b.idCol))
	}
	id = trimID(cell(shown, b.idCol))
	if v, ok := excelExponent(id); ok {
		return id, roundedReason(v)
	}
	return id, ""
}

// amountOf returns the billed amount of a data row: 0 when the cell is empty, a *LineError
// when it is not a plain number. A workbook's amount is read from the stored value, put back
// into the row as the text of a plain number, so that a currency format does not matter.
func (b *builder) amountOf(shown, stored []string, line int) (float64, error) {
	var s string
	if stored != nil {
		s = storedAmount(cell(stored, b.amtCol))
		if b.amtCol < len(shown) {
			shown[b.amtCol] = s
		}
	} else {
		s = cell(shown, b.amtCol)
	}
	text, ok := numberText(s, b.comma)
	if !ok {
		if text == "" {
			return 0, nil
		}
		sep := "a decimal point"
		if b.comma {
			sep = "a decimal point or comma"
		}
		return 0, &LineError{File: b.name, Line: line, Err: fmt.Errorf(
			"the amount in column %q is not a plain number (digits with an optional minus and %s; no currency sign, thousands separator or exponent)",
			b.batch.Amount, sep)}
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil { // cannot happen: plainNumber allows what ParseFloat reads
		return 0, &LineError{File: b.name, Line: line, Err: fmt.Errorf("the amount in column %q: %w", b.batch.Amount, err)}
	}
	return v, nil
}

// add files one data row: as an invalid row, a duplicate, or a new Record.
func (b *builder) add(rec, stored []string, line int) error {
	bt := b.batch
	bt.Rows++
	id, reason := b.idOf(rec, stored)
	if reason == "" {
		reason = checkID(id)
	}
	repeated := reason == "" && b.header != "" && id == b.header
	if repeated {
		reason = "repeated header row" // files joined with cat keep every header
	}
	var amount float64
	if b.amtCol >= 0 && !repeated {
		var err error
		if amount, err = b.amountOf(rec, stored, line); err != nil {
			return err
		}
	}
	if reason != "" {
		bt.Invalid = append(bt.Invalid, recon.Invalid{Line: line, Value: shown(id), Reason: reason, Amount: amount})
		return nil
	}
	i, slot := b.st.find(id)
	if i >= 0 {
		b.st.repeat(i, line, amount)
		bt.Duplicates++
		return nil
	}
	b.cells = b.cells[:0]
	for _, c := range b.cols {
		b.cells = append(b.cells, cell(rec, c))
	}
	b.typeFields(b.cells)
	if err := b.st.add(slot, id, line, b.cells, amount); err != nil {
		return &LineError{File: b.name, Line: line, Err: err}
	}
	return nil
}

// typeFields follows the type of each column through the fields of a new Record.
func (b *builder) typeFields(fields []string) {
	for j, f := range fields {
		t := &b.numeric[j]
		if t.text || f == "" {
			continue
		}
		text, ok := numberText(f, b.comma)
		switch {
		case ok:
			t.number = true
			if text != f {
				t.rewrite = true
			}
		case text != "":
			t.text = true
		default: // spaces only: empty once trimmed
			t.rewrite = true
		}
	}
}

// finish types the columns: Numeric when every non-empty value kept for an id is a plain
// number and there is at least one; a Numeric column's values are then given as the text
// strconv.ParseFloat reads (trimmed, decimal point). Other values stay as given.
func (b *builder) finish() {
	for j, t := range b.numeric {
		if t.text || !t.number {
			continue
		}
		b.batch.Columns[j].Numeric = true
		if t.rewrite {
			if b.st.normalise == nil {
				b.st.normalise = make([]bool, len(b.numeric))
			}
			b.st.normalise[j] = true
		}
	}
	b.st.comma = b.comma
	b.st.done()
}

// trimID removes the spaces and tabs around a cell.
func trimID(s string) string {
	return strings.Trim(s, " \t")
}

// normalise folds a header for comparison: lower case, without spaces, '_' or '-', so that
// request_id, Request ID, requestId and REQUEST-ID all read "requestid".
func normalise(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// findColumn returns the index of the first header equal to want, exactly (trimmed) first,
// then normalised; -1 if none.
func findColumn(hdr []string, want string) int {
	want = strings.TrimSpace(want)
	for i, h := range hdr {
		if strings.TrimSpace(h) == want {
			return i
		}
	}
	key := normalise(want)
	if key == "" {
		return -1
	}
	for i, h := range hdr {
		if normalise(h) == key {
			return i
		}
	}
	return -1
}

// listHeaders describes the first row for an error message by its size only: when no header
// matches, that row may be data (names, emails), and no message may carry personal data.
func listHeaders(hdr []string) string {
	if len(hdr) == 1 {
		return "1 column"
	}
	return strconv.Itoa(len(hdr)) + " columns"
}

// checkID returns why id cannot be requested, or "" when it is valid.
func checkID(id string) string {
	if id == "" {
		return "empty request id"
	}
	if len(id) > MaxIDLen {
		return fmt.Sprintf("request id longer than %d characters", MaxIDLen)
	}
	for i := 0; i < len(id); i++ {
		if idByte[id[i]] {
			continue
		}
		r, size := utf8.DecodeRuneInString(id[i:])
		if r == utf8.RuneError && size <= 1 {
			return fmt.Sprintf("invalid byte 0x%02X in request id (not UTF-8)", id[i])
		}
		return fmt.Sprintf("invalid character %q in request id", r)
	}
	return ""
}

// shown makes a cell safe and short enough to print: control characters and bytes that are
// not UTF-8 are escaped (\x00, \t, \xFF), and past maxShown characters (escapes included)
// the text is cut with "…".
func shown(s string) string {
	plain := len(s) <= maxShown
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] >= 0x20 && s[i] < 0x7F
	}
	if plain {
		return strings.Clone(s)
	}
	var sb strings.Builder
	n := 0 // characters written
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var piece string
		switch {
		case r == utf8.RuneError && size <= 1:
			piece = fmt.Sprintf(`\x%02X`, s[i])
		case unicode.IsPrint(r):
			piece = string(r)
		default:
			q := strconv.QuoteRune(r)
			piece = q[1 : len(q)-1]
		}
		w := utf8.RuneCountInString(piece)
		if n+w > maxShown {
			sb.WriteString("…")
			break
		}
		sb.WriteString(piece)
		n += w
		i += size
	}
	return sb.String()
}
