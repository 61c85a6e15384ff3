// Package bombtest builds .xlsx workbooks for tests of hostile input: parts that inflate to
// hundreds of MiB or more cost a few hundred KiB to build and to hold, and no big file is
// committed.
package bombtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"strconv"
	"strings"
	"testing"
)

// Piece is part of a zip Entry's text: text, repeated n times (once when n is 0).
type Piece struct {
	Text string
	N    int
}

// Deflated compresses the pieces into one raw deflate stream cheaply, however large the text
// they stand for: each distinct text is compressed once, byte-aligned (Flush), and its blocks
// repeated; only the last block is final. It returns the stream, the text's CRC-32 and size.
func Deflated(t testing.TB, pieces []Piece) (stream []byte, crc uint32, size uint64) {
	t.Helper()
	var out bytes.Buffer
	for _, p := range pieces {
		var blk bytes.Buffer
		fw, err := flate.NewWriter(&blk, flate.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(p.Text))
		fw.Flush() // byte-aligned, not final: the blocks can follow one another
		n := max(p.N, 1)
		for range n {
			out.Write(blk.Bytes())
			crc = crc32.Update(crc, crc32.IEEETable, []byte(p.Text))
		}
		size += uint64(len(p.Text)) * uint64(n)
	}
	out.Write([]byte{0x03, 0x00}) // an empty final block
	return out.Bytes(), crc, size
}

// Entry is one part of a test workbook: its name and text.
type Entry struct {
	Name   string
	Pieces []Piece
}

// Workbook builds an .xlsx of one sheet whose parts are given as Pieces, so that a part
// that inflates to 512 MiB costs a few hundred KiB to build and to hold. Parts not given are
// the smallest valid ones.
func Workbook(t testing.TB, parts ...Entry) []byte {
	t.Helper()
	given := map[string]bool{}
	for _, p := range parts {
		given[p.Name] = true
	}
	base := []Entry{
		{"[Content_Types].xml", []Piece{{Text: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`}}},
		{"_rels/.rels", []Piece{{Text: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`}}},
		{"xl/workbook.xml", []Piece{{Text: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`}}},
		{"xl/_rels/workbook.xml.rels", []Piece{{Text: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`}}},
		{"xl/worksheets/sheet1.xml", Sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>request_id</t></is></c></row>`)},
		{"xl/sharedStrings.xml", []Piece{{Text: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"></sst>`}}},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(e Entry) {
		stream, crc, size := Deflated(t, e.Pieces)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.Name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(len(stream)), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(stream)
	}
	for _, e := range base {
		if !given[e.Name] {
			add(e)
		}
	}
	for _, e := range parts {
		add(e)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Sheet is a whole sheet part around rows.
func Sheet(rows ...string) []Piece {
	p := []Piece{{Text: `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`}}
	for _, r := range rows {
		p = append(p, Piece{Text: r})
	}
	return append(p, Piece{Text: `</sheetData></worksheet>`})
}

// IDRows is n rows of ids, from row 2.
func IDRows(n int) string {
	var b strings.Builder
	for i := range n {
		r := i + 2
		b.WriteString(`<row r="` + strconv.Itoa(r) + `"><c r="A` + strconv.Itoa(r) + `" t="inlineStr"><is><t>id-` + strconv.Itoa(r) + `</t></is></c></row>`)
	}
	return b.String()
}
