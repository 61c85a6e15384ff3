package input

import (
	"github.com/vxrecon/vxrecon/recon"

	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// textCols returns text columns named names.
func textCols(names ...string) []recon.Column {
	cols := make([]recon.Column, len(names))
	for i, n := range names {
		cols[i] = recon.Column{Name: n}
	}
	return cols
}

// numCol is a Numeric column.
func numCol(name string) recon.Column { return recon.Column{Name: name, Numeric: true} }

func TestRead(t *testing.T) {
	long := strings.Repeat("a", MaxIDLen+1)
	tests := []struct {
		name   string
		column string
		in     string
		want   view
	}{
		{
			name: "request_id header",
			in:   "request_id\nabc\ndef\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 2}, {ID: "def", Line: 3}}, Rows: 2},
		},
		{
			name: "Request ID header and another column",
			in:   "Name,Request ID\nJane Doe,abc\n",
			want: view{Columns: textCols("Name"),
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"Jane Doe"}}}, Rows: 1},
		},
		{
			name: "requestId header",
			in:   "x,requestId\n1,abc\n",
			want: view{Columns: []recon.Column{numCol("x")},
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"1"}}}, Rows: 1},
		},
		{
			name: "REQUEST-ID header with spaces around",
			in:   "  REQUEST-ID  \nabc\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 2}}, Rows: 1},
		},
		{
			name: "RequestID header, first match wins",
			in:   "RequestID,request_id\nabc,def\n",
			want: view{Columns: textCols("request_id"),
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"def"}}}, Rows: 1},
		},
		{
			name:   "-column matched exactly",
			column: "Session Ref",
			in:     "request_id,Session Ref\nnope,abc\n",
			want: view{Columns: textCols("request_id"),
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"nope"}}}, Rows: 1},
		},
		{
			name:   "-column matched normalised",
			column: "session_ref",
			in:     "Name,SESSION-REF\nJane Doe,abc\n",
			want: view{Columns: textCols("Name"),
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"Jane Doe"}}}, Rows: 1},
		},
		{
			name: "headerless single column",
			in:   "abc\ndef\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 1}, {ID: "def", Line: 2}}, Rows: 2},
		},
		{
			name: "headerless single column with ragged extra cells",
			in:   "abc\ndef,x\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 1}, {ID: "def", Line: 2}}, Rows: 2},
		},
		{
			name: "single column headed id",
			in:   "id\nabc\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 2}}, Rows: 1},
		},
		{
			name: "single column headed Request IDs",
			in:   "Request IDs\nabc\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 2}}, Rows: 1},
		},
		{
			name: "BOM and CRLF",
			in:   "\xEF\xBB\xBFrequest_id,n\r\nabc,1\r\ndef,2\r\n",
			want: view{Columns: []recon.Column{numCol("n")}, Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"1"}},
				{ID: "def", Line: 3, Fields: []string{"2"}},
			}, Rows: 2},
		},
		{
			name: "BOM headerless",
			in:   "\xEF\xBB\xBFabc\r\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 1}}, Rows: 1},
		},
		{
			name: "no final newline",
			in:   "request_id\nabc",
			want: view{Records: []recon.Record{{ID: "abc", Line: 2}}, Rows: 1},
		},
		{
			name: "quoted fields with commas and newlines keep line numbers",
			in:   "request_id,note\n\"abc\",\"x, y\"\ndef,\"multi\r\nline\nnote\"\nghi,\"say \"\"hi\"\"\"\n",
			want: view{Columns: textCols("note"), Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"x, y"}},
				{ID: "def", Line: 3, Fields: []string{"multi\nline\nnote"}},
				{ID: "ghi", Line: 6, Fields: []string{`say "hi"`}},
			}, Rows: 3},
		},
		{
			name: "quoted header spanning lines",
			in:   "\"request\nid\",x\nabc,1\n",
			want: view{Columns: []recon.Column{numCol("x")},
				Records: []recon.Record{{ID: "abc", Line: 3, Fields: []string{"1"}}}, Rows: 1},
		},
		{
			name: "space before a quoted field",
			in:   "request_id,name\nabc, \"Doe, Jane\"\n",
			want: view{Columns: textCols("name"),
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"Doe, Jane"}}}, Rows: 1},
		},
		{
			name: "blank lines and lines of commas skipped",
			in:   "\n\nrequest_id,n\n\nabc,1\n,\n\n , \t\n\"\",\"\"\ndef,2\n\n",
			want: view{Columns: []recon.Column{numCol("n")}, Records: []recon.Record{
				{ID: "abc", Line: 5, Fields: []string{"1"}},
				{ID: "def", Line: 10, Fields: []string{"2"}},
			}, Rows: 2},
		},
		{
			name: "leading line of commas before the header",
			in:   ",,\nrequest_id\nabc\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 3}}, Rows: 1},
		},
		{
			name: "ids trimmed",
			in:   "request_id\n  abc\t\n\t def \n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 2}, {ID: "def", Line: 3}}, Rows: 2},
		},
		{
			name: "every valid character",
			in:   "request_id\nAZaz09-_.\n19fe3b9e-384e-41d1-bded-8de9ef3abacb\n" + strings.Repeat("b", MaxIDLen) + "\n",
			want: view{Records: []recon.Record{
				{ID: "AZaz09-_.", Line: 2},
				{ID: "19fe3b9e-384e-41d1-bded-8de9ef3abacb", Line: 3},
				{ID: strings.Repeat("b", MaxIDLen), Line: 4},
			}, Rows: 3},
		},
		{
			name: "invalid ids with their lines",
			in: "request_id,n\n" +
				",empty\n" + // 2
				long + ",long\n" + // 3
				"a/b,slash\n" + // 4
				"a b,space\n" + // 5
				"caf\u00e9,accent\n" + // 6
				"a\xffb,notutf8\n" + // 7
				"\"a\tb\",tab\n" + // 8
				"\"a\nb\",newline\n" + // 9
				"ok,fine\n" + // 11
				"\"\",quoted empty\n", // 12
			want: view{
				Columns: textCols("n"),
				Records: []recon.Record{{ID: "ok", Line: 11, Fields: []string{"fine"}}},
				Invalid: []recon.Invalid{
					{Line: 2, Value: "", Reason: "empty request id"},
					{Line: 3, Value: strings.Repeat("a", 64) + "…", Reason: "request id longer than 128 characters"},
					{Line: 4, Value: "a/b", Reason: "invalid character '/' in request id"},
					{Line: 5, Value: "a b", Reason: "invalid character ' ' in request id"},
					{Line: 6, Value: "café", Reason: "invalid character 'é' in request id"},
					{Line: 7, Value: `a\xFFb`, Reason: "invalid byte 0xFF in request id (not UTF-8)"},
					{Line: 8, Value: `a\tb`, Reason: `invalid character '\t' in request id`},
					{Line: 9, Value: `a\nb`, Reason: `invalid character '\n' in request id`},
					{Line: 12, Value: "", Reason: "empty request id"},
				},
				Rows: 10,
			},
		},
		{
			name: "ragged row missing the id column",
			in:   "n,request_id\nonly\n",
			want: view{Columns: textCols("n"),
				Invalid: []recon.Invalid{{Line: 2, Value: "", Reason: "empty request id"}}, Rows: 1},
		},
		{
			name: "duplicates keep every line",
			in:   "request_id,n\nabc,1\ndef,2\n abc ,3\nabc,4\ndef,5\nxyz,6\n",
			want: view{Columns: []recon.Column{numCol("n")}, Records: []recon.Record{
				{ID: "abc", Line: 2, Dups: []int{4, 5}, Fields: []string{"1"}},
				{ID: "def", Line: 3, Dups: []int{6}, Fields: []string{"2"}},
				{ID: "xyz", Line: 7, Fields: []string{"6"}},
			}, Duplicates: 3, Rows: 6},
		},
		{
			name: "duplicates are case sensitive",
			in:   "request_id\nabc\nABC\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 2}, {ID: "ABC", Line: 3}}, Rows: 2},
		},
		{
			name: "other columns carried, ragged rows, empty header names",
			in:   "a,request_id,,a\n1,abc,3,4,5,6\n1,def\n,ghi,,\n",
			want: view{Columns: []recon.Column{numCol("a"), numCol("Column 3"), numCol("a")}, Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"1", "3", "4"}},
				{ID: "def", Line: 3, Fields: []string{"1", "", ""}},
				{ID: "ghi", Line: 4, Fields: []string{"", "", ""}},
			}, Rows: 3},
		},
		{
			name: "other columns unchanged, not trimmed",
			in:   "request_id,n\nabc,x  \n",
			want: view{Columns: textCols("n"),
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"x  "}}}, Rows: 1},
		},
		{
			name: "repeated header row from joined files",
			in:   "request_id,n\nabc,1\nrequest_id,n\ndef,2\n",
			want: view{Columns: []recon.Column{numCol("n")}, Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"1"}},
				{ID: "def", Line: 4, Fields: []string{"2"}},
			}, Invalid: []recon.Invalid{{Line: 3, Value: "request_id", Reason: "repeated header row"}}, Rows: 3},
		},
		{
			name: "header only",
			in:   "request_id,name\n",
			want: view{Columns: textCols("name")},
		},
		{
			name: "header only followed by blank lines",
			in:   "request_id\r\n\r\n,\r\n",
			want: view{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tt.in), Options{Name: "ids.csv", Column: tt.column})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			tt.want.Name = "ids.csv"
			if !reflect.DeepEqual(viewOf(got), tt.want) {
				t.Errorf("Read:\n got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name     string
		column   string
		in       string
		wantLine int    // -1: any line past the first
		wantMsg  string // the whole message, with the file and line
		wantIs   error
	}{
		{name: "empty file", in: "",
			wantMsg: "ids.csv: empty file, no request id column"},
		{name: "only blank lines", in: "\n\r\n,,\n",
			wantMsg: "ids.csv: empty file, no request id column"},
		{name: "only a BOM", in: "\xEF\xBB\xBF",
			wantMsg: "ids.csv: empty file, no request id column"},
		{name: "no id column", in: "name,email,ref\nJane Doe,jane@example.com,abc\n", wantLine: 1,
			wantMsg: "ids.csv:1: no request id column in the first row (3 columns, none named request_id, Request ID or requestId); use -column NAME"},
		{name: "no id column after blank lines", in: "\n\nname,ref\n", wantLine: 3,
			wantMsg: "ids.csv:3: no request id column in the first row (2 columns, none named request_id, Request ID or requestId); use -column NAME"},
		{name: "odd headers not echoed", in: "a,,\x01b\n", wantLine: 1,
			wantMsg: "ids.csv:1: no request id column in the first row (3 columns, none named request_id, Request ID or requestId); use -column NAME"},
		{name: "many headers counted", in: strings.Repeat("h,", 14) + "h\n", wantLine: 1,
			wantMsg: "ids.csv:1: no request id column in the first row (15 columns, none named request_id, Request ID or requestId); use -column NAME"},
		{name: "single column that is not an id", in: "Session Ref/No\nabc\n", wantLine: 1,
			wantMsg: "ids.csv:1: no request id column in the first row (1 column, none named request_id, Request ID or requestId); use -column NAME"},
		{name: "-column not found", column: "ticket", in: "request_id,ref\nabc,1\n", wantLine: 1,
			wantMsg: `ids.csv:1: no column "ticket" in the first row (2 columns)`},
		{name: "-column on a headerless file", column: "request_id", in: "abc\ndef\n", wantLine: 1,
			wantMsg: `ids.csv:1: no column "request_id" in the first row (1 column)`},
		{name: "bare quote", in: "request_id,n\nabc,1\nde\"f,2\n", wantLine: 3, wantIs: csv.ErrBareQuote,
			wantMsg: `ids.csv:3: bad CSV: bare " in non-quoted-field at column 3 (a field holding " must be quoted, with the quote doubled: "a ""b"" c")`},
		{name: "bare quote after a multi-line field", in: "request_id,n,m\nabc,\"1\n2\",x\"y\n", wantLine: 3, wantIs: csv.ErrBareQuote},
		{name: "quote never closed", in: "request_id,n\nabc,1\ndef,\"2\nghi,3\njkl,4\n", wantLine: 3, wantIs: csv.ErrQuote,
			wantMsg: `ids.csv:3: bad CSV: extraneous or missing " in quoted-field in the row starting here (noticed at line 5, column 7; is a quote left open?)`},
		{name: "the file ends inside a quoted field", in: "request_id,n\nabc,1\ndef,\"2", wantLine: 3, wantIs: csv.ErrQuote},
		{name: "a line over the limit", in: "request_id\nabc\n" + strings.Repeat("x", MaxLine+1) + "\nlater\n", wantLine: 3,
			wantMsg: "ids.csv:3: a line longer than 1 MiB: not a CSV file of request ids"},
		{name: "a header line over the limit", in: strings.Repeat("\x00", 3*MaxLine), wantLine: 1,
			wantMsg: "ids.csv:1: a line longer than 1 MiB: not a CSV file of request ids"},
		{name: "a quoted field over the limit", in: "request_id,n\nabc,\"" + strings.Repeat("x\n", MaxRecord) + "\"\n", wantLine: -1,
			wantMsg: "is a quote left open?"},
		{name: "text after a closing quote", in: "request_id,n\nabc,\"1\"x\n", wantLine: 2, wantIs: csv.ErrQuote,
			wantMsg: `ids.csv:2: bad CSV: extraneous or missing " in quoted-field at column 7`},
		{name: "NUL byte", in: "request_id\nabc\nd\x00f\n", wantLine: 3,
			wantMsg: "ids.csv:3: binary data (NUL byte): not a text CSV file"},
		{name: "legacy xls workbook", in: "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00", wantLine: 1,
			wantMsg: "ids.csv:1: this is an Excel workbook or zip file, not CSV; save it as CSV UTF-8"},
		{name: "broken zip", in: "PK\x03\x04\x14\x00\x06\x00", wantLine: 1,
			wantMsg: "ids.csv:1: this looks like a zip file but cannot be read (zip: not a valid zip file); save it as .xlsx or CSV UTF-8"},
		{name: "UTF-16", in: "\xFF\xFEr\x00e\x00", wantLine: 1,
			wantMsg: "ids.csv:1: this file is UTF-16 text; save it as CSV UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tt.in), Options{Name: "ids.csv", Column: tt.column})
			if err == nil {
				t.Fatalf("Read = %+v, want an error", got)
			}
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("Read error %T %v, want *LineError", err, err)
			}
			if le.File != "ids.csv" || le.Line != tt.wantLine && (tt.wantLine >= 0 || le.Line < 2) {
				t.Errorf("error at %s:%d, want ids.csv:%d (%v)", le.File, le.Line, tt.wantLine, err)
			}
			if tt.wantLine < 0 && !strings.HasSuffix(err.Error(), tt.wantMsg) {
				t.Errorf("error %s, want it to end %s", err, tt.wantMsg)
			} else if tt.wantLine >= 0 && tt.wantMsg != "" && err.Error() != tt.wantMsg {
				t.Errorf("error\n got %s\nwant %s", err, tt.wantMsg)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v is not %v", err, tt.wantIs)
			}
		})
	}
}

func TestReadIOError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := Read(iotest.ErrReader(boom), Options{Name: "ids.csv"})
	var le *LineError
	if !errors.As(err, &le) || !errors.Is(err, boom) {
		t.Fatalf("Read error %v, want a *LineError wrapping %v", err, boom)
	}
	if got, want := err.Error(), "ids.csv: read: disk on fire"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}

	// An error after some rows were read still fails the whole read.
	r := io.MultiReader(strings.NewReader("request_id\nabc\n"), iotest.ErrReader(boom))
	if _, err := Read(r, Options{Name: "ids.csv"}); !errors.Is(err, boom) {
		t.Fatalf("Read error %v, want %v", err, boom)
	}
}

func TestReadDefaultName(t *testing.T) {
	_, err := Read(strings.NewReader(""), Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "input: ") {
		t.Fatalf("Read error %v, want it to name the input", err)
	}
}

func TestShown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{strings.Repeat("x", 64), strings.Repeat("x", 64)},
		{strings.Repeat("x", 65), strings.Repeat("x", 64) + "…"},
		{strings.Repeat("é", 70), strings.Repeat("é", 64) + "…"},
		{"a\x00b\x1b[31m", `a\x00b\x1b[31m`},
		{"a\u202eb", `a\u202eb`}, // right-to-left override: not shown raw
		{"\xff\xfe", `\xFF\xFE`},
		{strings.Repeat("\xff", 20), strings.Repeat(`\xFF`, 16) + "…"}, // escapes count too
	}
	for _, tt := range tests {
		if got := shown(tt.in); got != tt.want {
			t.Errorf("shown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalise(t *testing.T) {
	for _, h := range []string{"request_id", "Request ID", "requestId", "request-id", "RequestID", "REQUEST_ID", " request\tid ", "Request-Id"} {
		if got := normalise(h); got != headerKey {
			t.Errorf("normalise(%q) = %q, want %q", h, got, headerKey)
		}
	}
	for _, h := range []string{"request", "id", "request_ids", "requestid2"} {
		if got := normalise(h); got == headerKey {
			t.Errorf("normalise(%q) = %q, want something else", h, got)
		}
	}
}

func TestRecordLines(t *testing.T) {
	r := recon.Record{ID: "abc", Line: 2, Dups: []int{5, 9}}
	if got, want := r.Lines(), []int{2, 5, 9}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lines() = %v, want %v", got, want)
	}
	r = recon.Record{ID: "abc", Line: 2}
	if got, want := r.Lines(), []int{2}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lines() = %v, want %v", got, want)
	}
}

// TestReadFieldsIndependent checks that kept values do not alias the csv reader's reused
// buffers: later rows must not change earlier records.
func TestReadFieldsIndependent(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("request_id,a,b\n")
	for i := range 5000 {
		fmt.Fprintf(&sb, "id%d,a%d,b%d\n", i, i, i)
	}
	got, err := Read(strings.NewReader(sb.String()), Options{Name: "ids.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Records()) != 5000 {
		t.Fatalf("%d records, want 5000", len(got.Records()))
	}
	for i, r := range got.Records() {
		want := recon.Record{ID: fmt.Sprintf("id%d", i), Line: i + 2,
			Fields: []string{fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i)}}
		if !reflect.DeepEqual(r, want) {
			t.Fatalf("record %d = %+v, want %+v", i, r, want)
		}
		if cap(r.Fields) != 2 {
			t.Fatalf("record %d Fields cap %d: appending would overwrite the next record", i, cap(r.Fields))
		}
	}
}

// TestReadOptions covers the delimiter, typed columns and the amount column of a CSV.
func TestReadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
		in   string
		want view
	}{
		{
			name: "semicolon detected, decimal comma",
			in:   "request_id;Name;Score\nabc;Doe, Jane;1,5\ndef;Roe;-2\n",
			want: view{Columns: []recon.Column{{Name: "Name"}, numCol("Score")}, Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"Doe, Jane", "1.5"}},
				{ID: "def", Line: 3, Fields: []string{"Roe", "-2"}},
			}, Rows: 2},
		},
		{
			name: "tab detected, empty fields kept",
			in:   "request_id\tA\tB\tC\nabc\t\t2\t\n def \t x\t\ty\n",
			want: view{Columns: []recon.Column{{Name: "A"}, numCol("B"), {Name: "C"}}, Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"", "2", ""}},
				{ID: "def", Line: 3, Fields: []string{" x", "", "y"}},
			}, Rows: 2},
		},
		{
			name: "pipe detected, quotes",
			in:   "request_id|note\nabc|\"a|b\"\n",
			want: view{Columns: textCols("note"), Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"a|b"}},
			}, Rows: 1},
		},
		{
			name: "delimiter given",
			opt:  Options{Delimiter: ';'},
			in:   "request_id;a,b,c\nabc;1,5\n",
			want: view{Columns: []recon.Column{numCol("a,b,c")}, Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"1.5"}},
			}, Rows: 1},
		},
		{
			name: "decimal comma is text with a comma delimiter",
			in:   "request_id,x\nabc,\"1,5\"\n",
			want: view{Columns: textCols("x"), Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"1,5"}},
			}, Rows: 1},
		},
		{
			name: "typed columns: leading zeros, long digits, exponents, separators stay text",
			in: "request_id,zero,lead,long,exp,thousands,money,num,spaced,empty\n" +
				"a,0,007,1234567890123456,1e5,\"1,000\",$5,0.25,\" 7 \",\n" +
				"b,0.5,8,1,2,3,4,-1.5,8,\n",
			want: view{Columns: []recon.Column{numCol("zero"), {Name: "lead"}, {Name: "long"}, {Name: "exp"},
				{Name: "thousands"}, {Name: "money"}, numCol("num"), numCol("spaced"), {Name: "empty"}},
				Records: []recon.Record{
					{ID: "a", Line: 2, Fields: []string{"0", "007", "1234567890123456", "1e5", "1,000", "$5", "0.25", "7", ""}},
					{ID: "b", Line: 3, Fields: []string{"0.5", "8", "1", "2", "3", "4", "-1.5", "8", ""}},
				}, Rows: 2},
		},
		{
			name: "typed columns: only the values kept in records count",
			in:   "request_id,n\nabc,1\nabc,not a number\n,nor this\nbad/id,x\ndef,\n",
			want: view{Columns: []recon.Column{numCol("n")}, Records: []recon.Record{
				{ID: "abc", Line: 2, Dups: []int{3}, Fields: []string{"1"}},
				{ID: "def", Line: 6, Fields: []string{""}},
			}, Invalid: []recon.Invalid{
				{Line: 4, Value: "", Reason: "empty request id"},
				{Line: 5, Value: "bad/id", Reason: "invalid character '/' in request id"},
			}, Duplicates: 1, Rows: 5},
		},
		{
			name: "typed columns: spaces only is empty",
			in:   "request_id\tn\nabc\t 1\ndef\t  \n",
			want: view{Columns: []recon.Column{numCol("n")}, Records: []recon.Record{
				{ID: "abc", Line: 2, Fields: []string{"1"}},
				{ID: "def", Line: 3, Fields: []string{""}},
			}, Rows: 2},
		},
		{
			name: "amount detected: every line keeps its amount",
			in: "Customer,request_id,Amount\n" +
				"Jane,abc,1.50\n" + // 2
				"John,def,\n" + // 3: empty is 0
				"Jane,abc,2\n" + // 4
				"Jim,,3\n" + // 5: invalid, amount kept
				"Jane,abc,-0.5\n" + // 6
				"Customer,request_id,Amount\n", // 7: repeated header
			want: view{Columns: []recon.Column{{Name: "Customer"}, numCol("Amount")}, Amount: "Amount",
				Records: []recon.Record{
					{ID: "abc", Line: 2, Dups: []int{4, 6}, Fields: []string{"Jane", "1.50"}, Amounts: []float64{1.5, 2, -0.5}},
					{ID: "def", Line: 3, Fields: []string{"John", ""}, Amounts: []float64{0}},
				},
				Invalid: []recon.Invalid{
					{Line: 5, Value: "", Reason: "empty request id", Amount: 3},
					{Line: 7, Value: "request_id", Reason: "repeated header row"},
				},
				Duplicates: 2, Rows: 6},
		},
		{
			name: "amount detected: the first header that names one, without case or separators",
			in:   "request_id,Unit-Price,fee,cost\nabc,1,2,3\n",
			want: view{Columns: []recon.Column{numCol("Unit-Price"), numCol("fee"), numCol("cost")}, Amount: "fee",
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"1", "2", "3"}, Amounts: []float64{2}}},
				Rows:    1},
		},
		{
			name: "amount detected: CHARGE",
			in:   "request_id,CHARGE\nabc,9\n",
			want: view{Columns: []recon.Column{numCol("CHARGE")}, Amount: "CHARGE",
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"9"}, Amounts: []float64{9}}},
				Rows:    1},
		},
		{
			name: "amount named exactly",
			opt:  Options{AmountColumn: "Billed (EUR)"},
			in:   "request_id;Billed (EUR);amount\nabc;1,25;x\n",
			want: view{Columns: []recon.Column{numCol("Billed (EUR)"), {Name: "amount"}}, Amount: "Billed (EUR)",
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"1.25", "x"}, Amounts: []float64{1.25}}},
				Rows:    1},
		},
		{
			name: "amount named normalised",
			opt:  Options{AmountColumn: "billed_eur"},
			in:   "request_id,Billed EUR\nabc, 4 \n",
			want: view{Columns: []recon.Column{numCol("Billed EUR")}, Amount: "Billed EUR",
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"4"}, Amounts: []float64{4}}},
				Rows:    1},
		},
		{
			name: "no amount column",
			in:   "request_id,total\nabc,x\n",
			want: view{Columns: textCols("total"), Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"x"}}}, Rows: 1},
		},
		{
			name: "headerless file has no amount",
			in:   "abc\ndef\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 1}, {ID: "def", Line: 2}}, Rows: 2},
		},
		{
			name: "CSV cell Excel showed as a rounded number",
			in:   "request_id\n1.23457E+17\n1.2E-05\n",
			want: view{Invalid: []recon.Invalid{
				{Line: 2, Value: "1.23457E+17", Reason: "request id stored by Excel as a rounded number (1.23457E+17): format the column as text"},
				{Line: 3, Value: "1.2E-05", Reason: "request id stored by Excel as a rounded number (1.2E-05): format the column as text"},
			}, Rows: 2},
		},
		{
			name: "headerless file of rounded numbers",
			in:   "1.23457E+17\nabc\n",
			want: view{Records: []recon.Record{{ID: "abc", Line: 2}}, Invalid: []recon.Invalid{
				{Line: 1, Value: "1.23457E+17", Reason: "request id stored by Excel as a rounded number (1.23457E+17): format the column as text"},
			}, Rows: 2},
		},
		{
			name: "within MaxColumns",
			opt:  Options{MaxColumns: 2},
			in:   "a,request_id,b\n1,abc,2,3,4,5\n",
			want: view{Columns: []recon.Column{numCol("a"), numCol("b")},
				Records: []recon.Record{{ID: "abc", Line: 2, Fields: []string{"1", "2"}}}, Rows: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Name = "ids.csv"
			got, err := Read(strings.NewReader(tt.in), tt.opt)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			tt.want.Name = "ids.csv"
			if !reflect.DeepEqual(viewOf(got), tt.want) {
				t.Errorf("Read:\n got %+v\nwant %+v", *got, tt.want)
			}
			for _, r := range got.Records() {
				for j, c := range got.Columns {
					if _, err := strconv.ParseFloat(r.Fields[j], 64); c.Numeric && r.Fields[j] != "" && err != nil {
						t.Errorf("numeric column %s holds %q: %v", c.Name, r.Fields[j], err)
					}
				}
			}
		})
	}
}

func TestReadOptionsErrors(t *testing.T) {
	tests := []struct {
		name     string
		opt      Options
		in       string
		wantLine int
		wantMsg  string
	}{
		{name: "amount not a number", in: "request_id,amount\nabc,1\ndef,\"1,5\"\n", wantLine: 3,
			wantMsg: `ids.csv:3: the amount in column "amount" is not a plain number (digits with an optional minus and a decimal point; no currency sign, thousands separator or exponent)`},
		{name: "amount not a number with semicolons", in: "request_id;Price\nabc;EUR 5\n", wantLine: 2,
			wantMsg: `ids.csv:2: the amount in column "Price" is not a plain number (digits with an optional minus and a decimal point or comma; no currency sign, thousands separator or exponent)`},
		{name: "amount not a number on an invalid row", in: "request_id,fee\n,n/a\n", wantLine: 2,
			wantMsg: `ids.csv:2: the amount in column "fee" is not a plain number (digits with an optional minus and a decimal point; no currency sign, thousands separator or exponent)`},
		{name: "amount column not found", opt: Options{AmountColumn: "total"}, in: "request_id,amount\nabc,1\n", wantLine: 1,
			wantMsg: `ids.csv:1: no amount column "total" in the first row (2 columns)`},
		{name: "amount column on a headerless file", opt: Options{AmountColumn: "amount"}, in: "abc\ndef\n", wantLine: 1,
			wantMsg: `ids.csv:1: no amount column "amount" in the first row (1 column)`},
		{name: "amount column is the id column", opt: Options{AmountColumn: "Request ID"}, in: "request_id,amount\nabc,1\n", wantLine: 1,
			wantMsg: `ids.csv:1: the amount column "Request ID" is the request id column`},
		{name: "bad delimiter", opt: Options{Delimiter: ':'}, in: "request_id\nabc\n",
			wantMsg: `ids.csv: delimiter ':' is not one of , ; tab |`},
		{name: "too wide", opt: Options{MaxColumns: 2}, in: "a,request_id,b,c\nx,abc,1,2\n", wantLine: 1,
			wantMsg: "ids.csv:1: 4 columns: the Results sheet holds at most 2 input columns besides the request id"},
		{name: "too wide after blank lines", opt: Options{MaxColumns: 1}, in: "\n\na;b;c\n", wantLine: 3,
			wantMsg: "ids.csv:3: 3 columns: the Results sheet holds at most 1 input columns besides the request id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Name = "ids.csv"
			got, err := Read(strings.NewReader(tt.in), tt.opt)
			if err == nil {
				t.Fatalf("Read = %+v, want an error", got)
			}
			var le *LineError
			if !errors.As(err, &le) || le.File != "ids.csv" || le.Line != tt.wantLine {
				t.Errorf("error %#v, want a *LineError at ids.csv:%d", err, tt.wantLine)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("error\n got %s\nwant %s", err, tt.wantMsg)
			}
		})
	}
}

// TestIndex: once read, every unique id is found at its index, a repeated one at its first,
// and an id not in the input (or differing in case) nowhere.
func TestIndex(t *testing.T) {
	var b strings.Builder
	b.WriteString("request_id\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "id-%05d\n", i)
	}
	b.WriteString("id-00007\n")
	got, err := Read(strings.NewReader(b.String()), Options{Name: "ids.csv"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3000 {
		if k := got.Index(fmt.Sprintf("id-%05d", i)); k != i {
			t.Fatalf("Index(id-%05d) = %d", i, k)
		}
	}
	for _, id := range []string{"id-03000", "ID-00001", "", "id-0000"} {
		if k := got.Index(id); k != -1 {
			t.Errorf("Index(%q) = %d, want -1", id, k)
		}
	}
}
