package output

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The data rows of the table sheets are not written through excelize's StreamWriter: its
// SetRow costs about 8 allocations per cell (cell reference, boxed value, inline-string
// struct, escaping buffer), which made the workbook the most expensive part of a run. Rows
// are written here as sheet XML, the way StreamWriter writes them, into one temporary file
// per sheet part, and spliced into the zip when the workbook is saved:
//
//   - each part's StreamWriter still writes the sheet's head and tail (columns, frozen pane,
//     header row, autofilter) and, in row 2, one marker cell naming the part;
//   - WriteTo hands excelize a zip writer (spliceZip) that, when the marker row goes past,
//     writes the part's rows file in its place.
//
// The marker holds a random token, so no text from the API or the input can pose as one.

// cellKind says what a cell of a rowBuf holds.
type cellKind uint8

const (
	cellNone cellKind = iota
	cellText
	cellInt
	cellFloat
)

type cell struct {
	kind  cellKind
	style int
	text  string
	num   int64
	f     float64
}

// rowBuf is a reusable row of cells: AddResult runs a million times, so nothing is allocated
// per cell. An empty cell is left out of the row altogether.
type rowBuf struct {
	cells []cell
}

func newRowBuf(n int) *rowBuf { return &rowBuf{cells: make([]cell, n)} }

func (b *rowBuf) reset() { clear(b.cells) }

// str puts text that is already sanitized.
func (b *rowBuf) str(i int, s string, style int) {
	b.cells[i] = cell{kind: cellText, style: style, text: s}
}

// text puts a sanitized string; empty text leaves the cell empty.
func (b *rowBuf) text(i int, s string, style int) {
	if s = Sanitize(s); s != "" {
		b.str(i, s, style)
	}
}

// num puts an integer.
func (b *rowBuf) num(i, n int, style int) {
	b.cells[i] = cell{kind: cellInt, style: style, num: int64(n)}
}

// float puts a number.
func (b *rowBuf) float(i int, f float64, style int) {
	b.cells[i] = cell{kind: cellFloat, style: style, f: f}
}

// appendRow appends row r of b as sheet XML, cells as excelize's StreamWriter writes them:
// text as an inline string, numbers as values, each with its style.
func appendRow(dst []byte, r int, b *rowBuf, cols []string) []byte {
	dst = append(dst, `<row r="`...)
	dst = strconv.AppendInt(dst, int64(r), 10)
	dst = append(dst, `">`...)
	for i := range b.cells {
		c := &b.cells[i]
		if c.kind == cellNone {
			continue
		}
		dst = append(dst, `<c r="`...)
		dst = append(dst, cols[i]...)
		dst = strconv.AppendInt(dst, int64(r), 10)
		dst = append(dst, '"')
		if c.style != 0 {
			dst = append(dst, ` s="`...)
			dst = strconv.AppendInt(dst, int64(c.style), 10)
			dst = append(dst, '"')
		}
		switch c.kind {
		case cellText:
			dst = appendInlineStr(dst, c.text)
		case cellInt:
			dst = append(dst, `><v>`...)
			dst = strconv.AppendInt(dst, c.num, 10)
			dst = append(dst, `</v></c>`...)
		case cellFloat:
			if math.IsNaN(c.f) || math.IsInf(c.f, 0) {
				dst = appendInlineStr(dst, fmt.Sprint(c.f))
				break
			}
			dst = append(dst, `><v>`...)
			dst = appendCellFloat(dst, c.f)
			dst = append(dst, `</v></c>`...)
		}
	}
	return append(dst, `</row>`...)
}

// appendInlineStr ends a <c> element with an inline string, escaped as encoding/xml's
// EscapeText does (but for newlines, which excelize keeps), white space at either end kept.
func appendInlineStr(dst []byte, s string) []byte {
	dst = append(dst, ` t="inlineStr"><is><t`...)
	if s != "" {
		switch s[0] {
		case '\t', '\n', '\r', ' ':
			dst = append(dst, ` xml:space="preserve"`...)
		default:
			switch s[len(s)-1] {
			case '\t', '\n', '\r', ' ':
				dst = append(dst, ` xml:space="preserve"`...)
			}
		}
	}
	dst = append(dst, '>')
	if strings.Contains(s, "_x") {
		var esc []byte
		esc = appendEscaped(esc, s)
		dst = append(dst, bstrMarshal(string(esc))...)
	} else {
		dst = appendEscaped(dst, s)
	}
	return append(dst, `</t></is></c>`...)
}

// appendEscaped escapes s for XML text. s is sanitized, so it holds no character XML forbids.
func appendEscaped(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '\t':
			esc = "&#x9;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}

// appendCellFloat formats f as excelize does: the shortest decimal, cut (not rounded) to
// Excel's 15 significant digits. Adapted from excelize (BSD-3-Clause; see NOTICE.md).
func appendCellFloat(dst []byte, value float64) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, value, 'f', -1, 64)
	if math.Abs(value) == math.MaxFloat64 {
		return dst
	}
	const maxPrec = 15
	str := dst[start:]
	decimal := bytes.IndexByte(str, '.')
	significant := 0
	for idx := range str {
		if str[idx] < '0' || str[idx] > '9' || significant == 0 && str[idx] == '0' {
			continue
		}
		significant++
		if significant <= maxPrec {
			continue
		}
		if decimal >= 0 && idx > decimal {
			out := str[:idx]
			if out[len(out)-1] == '.' {
				out = out[:len(out)-1]
			}
			return dst[:start+len(out)]
		}
		if decimal < 0 {
			decimal = len(str)
		}
		for ; idx < decimal; idx++ {
			str[idx] = '0'
		}
		return dst[:start+decimal]
	}
	return dst
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal escapes text that a reader would take for an escaped character (_x0041_), as
// excelize does for every string it writes, so the cells read back the same. Adapted from
// excelize (BSD-3-Clause; see NOTICE.md).
func bstrMarshal(s string) string {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	if len(matches) == 0 {
		return s
	}
	var result strings.Builder // a Builder: with += a cell full of _xHHHH_ would be quadratic
	result.Grow(len(s) + 6*len(matches))
	for _, match := range matches {
		result.WriteString(s[cursor:match[0]])
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result.WriteString(subStr + "x005F" + subStr)
					continue
				}
			}
			result.WriteString(subStr + "x005F_")
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result.WriteString("_x005F" + subStr)
				continue
			}
		}
	}
	if cursor < l {
		result.WriteString(s[cursor:])
	}
	return result.String()
}

// rowsFile holds the data rows of one sheet part until the workbook is saved.
type rowsFile struct {
	f       *os.File
	bw      *bufio.Writer
	spliced bool
	dim     string // the part's used range, e.g. A1:W1001; the StreamWriter wrote A1
}

// splicer keeps every part's rows file and the token of the markers.
type splicer struct {
	dir    string
	token  string
	prefix []byte // the marker row up to the part number
	parts  []*rowsFile
}

func newSplicer(dir string) (*splicer, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	sp := &splicer{dir: dir, token: "vxrecon-rows-" + hex.EncodeToString(b[:]) + "-"}
	sp.prefix = []byte(`<row r="2"><c r="A2" t="inlineStr"><is><t>` + sp.token)
	return sp, nil
}

// newPart creates the rows file of a new part and returns it with the marker cell that
// stands for it in row 2 of the part's StreamWriter.
func (sp *splicer) newPart() (*rowsFile, string, error) {
	f, err := os.CreateTemp(sp.dir, "vxrecon-rows-")
	if err != nil {
		return nil, "", err
	}
	// Unlinked at once: only the descriptor is used, so a killed process leaves no rows (and
	// no personal data) behind in the temporary folder.
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, "", err
	}
	p := &rowsFile{f: f, bw: bufio.NewWriterSize(f, 64<<10)}
	sp.parts = append(sp.parts, p)
	return p, sp.token + strconv.Itoa(len(sp.parts)-1), nil
}

// close removes every rows file.
func (sp *splicer) close() error {
	var errs []error
	for _, p := range sp.parts {
		if p.f != nil {
			errs = append(errs, p.f.Close())
			p.f = nil
		}
	}
	sp.parts = nil
	return errors.Join(errs...)
}

// spliceZip is the zip writer WriteTo gives excelize: entries go to a zip.Writer on the
// destination, deflated at the fastest level on every core (pflateWriter: a workbook of a
// million ids holds gigabytes of XML), and the marker row of each part is replaced by its
// rows file.
type spliceZip struct {
	zw  *zip.Writer
	sp  *splicer
	cur *spliceEntry
	err error
}

func newSpliceZip(dst io.Writer, sp *splicer) *spliceZip {
	zw := zip.NewWriter(dst)
	zw.RegisterCompressor(zip.Deflate, newPflateWriter)
	return &spliceZip{zw: zw, sp: sp}
}

func (z *spliceZip) Create(name string) (io.Writer, error) {
	if err := z.end(); err != nil {
		return nil, err
	}
	w, err := z.zw.Create(name)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(name, "xl/worksheets/") {
		return w, nil
	}
	z.cur = &spliceEntry{z: z, w: w}
	return z.cur, nil
}

func (z *spliceZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

func (z *spliceZip) Close() error {
	if err := z.end(); err != nil {
		return err
	}
	return z.zw.Close()
}

// end writes what the current entry still holds back.
func (z *spliceZip) end() error {
	if z.cur == nil {
		return z.err
	}
	e := z.cur
	z.cur = nil
	if len(e.pending) > 0 && z.err == nil {
		_, z.err = e.w.Write(e.pending)
	}
	return z.err
}

// check reports an error if some part's rows never made it into the zip.
func (z *spliceZip) check() error {
	for i, p := range z.sp.parts {
		if !p.spliced {
			return fmt.Errorf("rows of sheet part %d not written", i)
		}
	}
	return nil
}

// maxPending bounds what an entry holds back while looking for its marker: the marker sits
// right after the sheet's head and header row, a few KiB in any real workbook.
const maxPending = 64 << 20

// spliceEntry is one worksheet entry being written: it holds bytes back until the marker row
// went past (or cannot come any more), then passes everything through.
type spliceEntry struct {
	z       *spliceZip
	w       io.Writer
	pending []byte
	done    bool
}

func (e *spliceEntry) Write(p []byte) (int, error) {
	if e.z.err != nil {
		return 0, e.z.err
	}
	if e.done {
		if _, err := e.w.Write(p); err != nil {
			e.z.err = err
			return 0, err
		}
		return len(p), nil
	}
	e.pending = append(e.pending, p...)
	if err := e.splice(); err != nil {
		e.z.err = err
		return 0, err
	}
	return len(p), nil
}

// splice replaces the marker row in pending by its part's rows, once the whole row is there.
func (e *spliceEntry) splice() error {
	sp := e.z.sp
	i := bytes.Index(e.pending, sp.prefix)
	if i < 0 {
		if len(e.pending) > maxPending {
			e.done = true
			_, err := e.w.Write(e.pending)
			e.pending = nil
			return err
		}
		return nil
	}
	rest := e.pending[i+len(sp.prefix):]
	end := bytes.Index(rest, []byte("</row>"))
	if end < 0 {
		return nil // the rest of the marker row comes with the next write
	}
	num, _, _ := bytes.Cut(rest[:end], []byte("<"))
	k, err := strconv.Atoi(string(num))
	if err != nil || k < 0 || k >= len(sp.parts) || sp.parts[k].spliced {
		return fmt.Errorf("bad rows marker %q", num)
	}
	part := sp.parts[k]
	part.spliced = true
	head := e.pending[:i]
	if part.dim != "" {
		// The real used range, which readers such as openpyxl in read-only mode (and so
		// pandas) trust to know how many rows there are.
		dim := []byte(`<dimension ref="` + part.dim + `"/>`)
		head = bytes.Replace(head, []byte(`<dimension ref="A1"></dimension>`), dim, 1)
		head = bytes.Replace(head, []byte(`<dimension ref="A1"/>`), dim, 1)
	}
	if _, err := e.w.Write(head); err != nil {
		return err
	}
	if err := part.bw.Flush(); err != nil {
		return err
	}
	if _, err := part.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(e.w, part.f); err != nil {
		return err
	}
	after := rest[end+len("</row>"):]
	e.done = true
	_, err = e.w.Write(after)
	e.pending = nil
	return err
}

var _ excelize.ZipWriter = (*spliceZip)(nil)
