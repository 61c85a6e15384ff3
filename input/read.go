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

// fieldSlab is how many records share one backing array for their Fields, so that carrying
// the input's other columns costs one allocation per record (the packed string), not two.
const fieldSlab = 1024

// Read parses a CSV of request ids. It finds the id column from the header (or Options.Column),
// or takes a one-column file without a header; it then validates, trims and de-duplicates the
// ids, keeping every line each id came from and the row's other columns.
//
// Bad rows are data, not errors: they land in Batch.Invalid. Read fails, with a *LineError
// naming the file and line, only when the file as a whole cannot be used: empty, not CSV
// (bad quoting, binary data), or without an id column. A header without rows is not an error:
// the Batch is empty and the caller decides.
func Read(r io.Reader, opt Options) (*Batch, error) {
	name := opt.Name
	if name == "" {
		name = "input"
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if err := sniff(br, name); err != nil {
		return nil, err
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1    // ragged rows: missing cells are "", extra ones ignored
	cr.ReuseRecord = true      // copy only what is kept
	cr.TrimLeadingSpace = true // `abc, "Doe, Jane"` is common in hand-edited files
	rd := &reader{cr: cr, name: name}

	hdr, hline, err := rd.next()
	if err == io.EOF {
		return nil, &LineError{File: name, Err: errors.New("empty file, no request id column")}
	}
	if err != nil {
		return nil, err
	}

	b := &builder{batch: &Batch{Name: name}, idCol: -1, seen: make(map[string]int32)}
	headerless := false
	if opt.Column != "" {
		b.idCol = findColumn(hdr, opt.Column)
		if b.idCol < 0 {
			return nil, &LineError{File: name, Line: hline,
				Err: fmt.Errorf("no column %q in the first row (%s)", opt.Column, listHeaders(hdr))}
		}
	} else {
		b.idCol = findColumn(hdr, headerKey)
		if b.idCol < 0 && len(hdr) == 1 {
			cell := trimID(hdr[0])
			switch {
			case singleColumnHeaders[normalise(cell)]:
				b.idCol = 0
			case checkID(cell) == "":
				b.idCol, headerless = 0, true
			}
		}
		if b.idCol < 0 {
			return nil, &LineError{File: name, Line: hline,
				Err: fmt.Errorf("no request id column in the first row (%s, none named request_id, Request ID or requestId); use -column NAME", listHeaders(hdr))}
		}
	}

	if headerless {
		b.add(hdr, hline)
	} else {
		b.header = strings.Clone(trimID(hdr[b.idCol]))
		for i, h := range hdr {
			if i == b.idCol {
				continue
			}
			h = strings.TrimSpace(h)
			if h == "" {
				h = "Column " + strconv.Itoa(i+1)
			}
			b.batch.Columns = append(b.batch.Columns, strings.Clone(h))
			b.cols = append(b.cols, i)
		}
	}

	for {
		rec, line, err := rd.next()
		if err == io.EOF {
			return b.batch, nil
		}
		if err != nil {
			return nil, err
		}
		b.add(rec, line)
	}
}

// sniff drops a UTF-8 byte order mark and refuses the files most often passed by mistake
// (a workbook, UTF-16 text), which would otherwise fail later with a puzzling CSV error.
func sniff(br *bufio.Reader, name string) error {
	head, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return &LineError{File: name, Err: fmt.Errorf("read: %w", err)}
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0")):
		return &LineError{File: name, Line: 1,
			Err: errors.New("this is an Excel workbook or zip file, not CSV; save it as CSV UTF-8")}
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return &LineError{File: name, Line: 1,
			Err: errors.New("this file is UTF-16 text; save it as CSV UTF-8")}
	}
	return nil
}

// reader yields the non-blank records of a CSV with their true line numbers.
type reader struct {
	cr   *csv.Reader
	name string
}

// next returns the next record holding something, the file line it starts on, and io.EOF at
// the end. The record is reused by the following call.
func (rd *reader) next() ([]string, int, error) {
	for {
		rec, err := rd.cr.Read()
		if err != nil {
			return nil, 0, rd.fail(err)
		}
		line, _ := rd.cr.FieldPos(0)
		blank := true
		for _, f := range rec {
			if strings.IndexByte(f, 0) >= 0 {
				return nil, 0, &LineError{File: rd.name, Line: line,
					Err: errors.New("binary data (NUL byte): not a text CSV file")}
			}
			if blank && trimID(f) != "" {
				blank = false
			}
		}
		if !blank {
			return rec, line, nil
		}
	}
}

// fail turns a csv error into a *LineError pointing at the line to fix.
func (rd *reader) fail(err error) error {
	if err == io.EOF {
		return err
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

// builder accumulates the Batch from data rows.
type builder struct {
	batch  *Batch
	idCol  int
	header string // the id column's header, "" without one
	cols   []int  // indexes of the other columns, in file order
	seen   map[string]int32
	slab   []string // backing array handed out to Record.Fields
}

// add files one data row: as an invalid row, a duplicate, or a new Record.
func (b *builder) add(rec []string, line int) {
	bt := b.batch
	bt.Rows++
	var id string
	if b.idCol < len(rec) {
		id = trimID(rec[b.idCol])
	}
	reason := checkID(id)
	if reason == "" && b.header != "" && id == b.header {
		reason = "repeated header row" // files joined with cat keep every header
	}
	if reason != "" {
		bt.Invalid = append(bt.Invalid, recon.Invalid{Line: line, Value: shown(id), Reason: reason})
		return
	}
	if i, ok := b.seen[id]; ok {
		r := &bt.Records[i]
		r.Dups = append(r.Dups, line)
		bt.Duplicates++
		return
	}
	r := recon.Record{Line: line}
	if len(b.cols) == 0 {
		r.ID = strings.Clone(id)
	} else {
		r.ID, r.Fields = b.pack(id, rec)
	}
	b.seen[r.ID] = int32(len(bt.Records))
	bt.Records = append(bt.Records, r)
}

// pack copies id and the other cells of rec into one string, and the cells' views of it into
// a shared slab: two allocations at most per kept row, instead of one per cell.
func (b *builder) pack(id string, rec []string) (string, []string) {
	n := len(id)
	for _, c := range b.cols {
		if c < len(rec) {
			n += len(rec[c])
		}
	}
	var sb strings.Builder
	sb.Grow(n)
	sb.WriteString(id)
	for _, c := range b.cols {
		if c < len(rec) {
			sb.WriteString(rec[c])
		}
	}
	s := sb.String()

	k := len(b.cols)
	if cap(b.slab)-len(b.slab) < k {
		b.slab = make([]string, 0, k*fieldSlab)
	}
	start := len(b.slab)
	b.slab = b.slab[:start+k]
	fields := b.slab[start : start+k : start+k]
	off := len(id)
	for j, c := range b.cols {
		if c < len(rec) {
			fields[j] = s[off : off+len(rec[c])]
			off += len(rec[c])
		}
	}
	return s[:len(id)], fields
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
