package output

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

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

// appendRow appends row r of b as sheet XML, cells as excelize's StreamWriter writes them
// (text as an inline string, numbers as values, each with its style), but for the cell's
// reference, which is left out when the cell stands right after the one before it (or in
// column A when it is the first): the reference is optional (ECMA-376 18.3.1.4), and Excel,
// LibreOffice, openpyxl and excelize read such a cell in the next column. A third of a
// Results row's bytes were references, and deflating them a third of the workbook's time.
func appendRow(dst []byte, r int, b *rowBuf, cols []string) []byte {
	dst = append(dst, `<row r="`...)
	dst = strconv.AppendInt(dst, int64(r), 10)
	dst = append(dst, `">`...)
	next := 0 // the column a cell without a reference stands in
	for i := range b.cells {
		c := &b.cells[i]
		if c.kind == cellNone {
			continue
		}
		if i == next {
			dst = append(dst, `<c`...)
		} else {
			dst = append(dst, `<c r="`...)
			dst = append(dst, cols[i]...)
			dst = strconv.AppendInt(dst, int64(r), 10)
			dst = append(dst, '"')
		}
		next = i + 1
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

// rowsFile holds the data rows of one sheet part until the workbook is saved, already
// deflated: the temporary disk a run needs is about the size of the workbook, not of its XML
// (seven times more), and saving the workbook copies the rows instead of compressing them.
type rowsFile struct {
	f       *os.File
	bw      *bufio.Writer // the file's buffer, under the compressor
	z       *pflateWriter // deflates the rows into bw, in sync-flushed blocks, never a final one
	crc     uint32        // CRC-32 of the rows as XML, for the zip entry
	n       int64         // bytes of XML
	spliced bool
	dim     string // the part's used range, e.g. A1:W1001; the StreamWriter wrote A1
}

// Write appends rows XML to the part.
func (p *rowsFile) Write(b []byte) (int, error) {
	p.crc = crc32.Update(p.crc, crc32.IEEETable, b)
	p.n += int64(len(b))
	return p.z.Write(b)
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
	p := &rowsFile{f: f, bw: bufio.NewWriterSize(f, 256<<10)}
	p.z = newPflate(p.bw)
	sp.parts = append(sp.parts, p)
	return p, sp.token + strconv.Itoa(len(sp.parts)-1), nil
}

// close removes every rows file.
func (sp *splicer) close() error {
	var errs []error
	for _, p := range sp.parts {
		if p.f != nil {
			p.z.abandon()
			errs = append(errs, p.f.Close())
			p.f = nil
		}
	}
	sp.parts = nil
	return errors.Join(errs...)
}

// spliceZip is the zip writer WriteTo gives excelize: entries go to a zip.Writer on the
// destination, deflated at the fastest level on every core (pflateWriter), and a worksheet
// entry that carries a marker row becomes one raw deflate entry: its head, the part's rows
// as they were deflated during the run, and its tail, with the CRC combined from the three
// (crc32Combine) and the sizes in a data descriptor, zip64 when they need it.
type spliceZip struct {
	zw  *zip.Writer
	sp  *splicer
	cur *spliceEntry
	err error
}

func newSpliceZip(dst io.Writer, sp *splicer) *spliceZip {
	zw := zip.NewWriter(dst)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return newPflate(w), nil })
	return &spliceZip{zw: zw, sp: sp}
}

func (z *spliceZip) Create(name string) (io.Writer, error) {
	if err := z.end(); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(name, "xl/worksheets/") {
		return z.zw.Create(name)
	}
	// A worksheet waits until its marker row shows whether it is a streamed table.
	z.cur = &spliceEntry{z: z, name: name}
	return z.cur, nil
}

func (z *spliceZip) AddFS(fsys fs.FS) error { return z.zw.AddFS(fsys) }

func (z *spliceZip) Close() error {
	if err := z.end(); err != nil {
		return err
	}
	return z.zw.Close()
}

// end finishes the current worksheet entry.
func (z *spliceZip) end() error {
	e := z.cur
	z.cur = nil
	if e == nil || z.err != nil {
		return z.err
	}
	if e.raw == nil { // no marker: an ordinary sheet, written as excelize made it
		w, err := z.zw.Create(e.name)
		if err == nil {
			_, err = w.Write(e.pending)
		}
		z.err = err
		return err
	}
	z.err = e.finish()
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
// went past (or cannot come any more), then, for a streamed table, writes a raw entry.
type spliceEntry struct {
	z       *spliceZip
	name    string
	pending []byte

	// Set once the marker was found: the raw entry being written.
	fh   *zip.FileHeader
	raw  *countWriter  // the entry's compressed bytes
	tail *pflateWriter // deflates what follows the rows
	crc  uint32        // of the XML so far
	n    int64         // bytes of XML so far
}

func (e *spliceEntry) Write(p []byte) (int, error) {
	if e.z.err != nil {
		return 0, e.z.err
	}
	if e.raw != nil {
		e.crc = crc32.Update(e.crc, crc32.IEEETable, p)
		e.n += int64(len(p))
		if _, err := e.tail.Write(p); err != nil {
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

// splice, once the whole marker row is pending, starts the raw entry: the head deflated, then
// the part's rows as they are on disk; what follows the marker row goes to the tail.
func (e *spliceEntry) splice() error {
	sp := e.z.sp
	i := bytes.Index(e.pending, sp.prefix)
	if i < 0 {
		if len(e.pending) > maxPending {
			return fmt.Errorf("worksheet %s: no rows marker in its first %d bytes", e.name, maxPending)
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
	after := rest[end+len("</row>"):]
	e.pending = nil

	e.fh = &zip.FileHeader{Name: e.name, Method: zip.Deflate, Flags: 0x8} // sizes in a data descriptor
	e.fh.Modified = time.Now()
	w, err := e.z.zw.CreateRaw(e.fh)
	if err != nil {
		return err
	}
	e.raw = &countWriter{w: w}
	hz := newPflate(e.raw)
	if _, err := hz.Write(head); err != nil {
		return err
	}
	if err := hz.Flush(); err != nil {
		return err
	}
	e.crc, e.n = crc32.ChecksumIEEE(head), int64(len(head))
	if err := part.copyTo(e.raw); err != nil {
		return err
	}
	e.crc = crc32Combine(e.crc, part.crc, part.n)
	e.n += part.n
	e.tail = newPflate(e.raw)
	_, err = e.Write(after)
	return err
}

// copyTo writes the part's deflated rows, all of them, ended by a sync flush, then closes the
// (unlinked) file: its disk is given back as the workbook grows, so a run never needs much
// more temporary disk than the workbook's size.
func (p *rowsFile) copyTo(w io.Writer) error {
	if err := p.z.Flush(); err != nil {
		return err
	}
	if err := p.bw.Flush(); err != nil {
		return err
	}
	if _, err := p.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(w, p.f); err != nil {
		return err
	}
	err := p.f.Close()
	p.f = nil
	return err
}

// finish ends the raw entry: the tail's final block, and the sizes and CRC the data
// descriptor and the central directory carry.
func (e *spliceEntry) finish() error {
	if err := e.tail.Close(); err != nil {
		return err
	}
	fh := e.fh
	fh.CRC32 = e.crc
	fh.UncompressedSize64 = uint64(e.n)
	fh.CompressedSize64 = uint64(e.raw.n)
	// A raw entry's data descriptor is written from the 32-bit fields when the sizes fit
	// them (archive/zip fills them itself only for the entries it compresses).
	//lint:ignore SA1019 archive/zip reads them for a raw entry's data descriptor
	fh.CompressedSize = uint32(min(fh.CompressedSize64, math.MaxUint32))
	//lint:ignore SA1019 as above
	fh.UncompressedSize = uint32(min(fh.UncompressedSize64, math.MaxUint32))
	if fh.CompressedSize64 >= math.MaxUint32 || fh.UncompressedSize64 >= math.MaxUint32 {
		fh.ReaderVersion = 45 // zip64: archive/zip writes the 8-byte sizes and the extra field
	}
	return nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var _ excelize.ZipWriter = (*spliceZip)(nil)
