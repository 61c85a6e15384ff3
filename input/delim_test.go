package input

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want rune
	}{
		{"comma", "request_id,name\nabc,x\n", ','},
		{"semicolon", "request_id;name;amount\nabc;x;1,5\n", ';'},
		{"tab", "request_id\tname\nabc\tx\n", '\t'},
		{"pipe", "request_id|name\nabc|x\n", '|'},
		{"one column", "request_id\nabc;def\n", ','},
		{"empty", "", ','},
		{"the most fields wins", "request_id;name, first;amount\n", ';'},
		{"tie goes to comma", "request_id;a,b\n", ','},
		{"tie without comma goes in order", "request_id;a|b\n", ';'},
		{"delimiters inside quotes do not count", "\"a;b;c;d\",request_id,x\n", ','},
		{"quoted header spanning lines", "\"request\nid;x;y\",z\nabc,1\n", ','},
		{"blank lines and lines of delimiters skipped", "\n\r\n;;;;\n,,\n\"\";\"\"\nrequest_id|name\n", '|'},
		{"only the header line counts", "request_id\nabc;d;e;f\n", ','},
		{"CRLF", "request_id;x\r\nabc;1\r\n", ';'},
		{"no final newline", "request_id\tx", '\t'},
		{"spaces around", "  request_id ; x  \n", ';'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.in), 16)
			seen, got, err := detectDelimiter(br)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("delimiter %q, want %q", got, tt.want)
			}
			rest, _ := io.ReadAll(br)
			if string(seen)+string(rest) != tt.in {
				t.Errorf("bytes lost: seen %q + rest %q != %q", seen, rest, tt.in)
			}
		})
	}
}

// TestDetectDelimiterBounded: a quote left open does not make detection read the whole file.
func TestDetectDelimiterBounded(t *testing.T) {
	in := "\"request_id;" + strings.Repeat("abc;def\n", 4<<20)
	br := bufio.NewReader(strings.NewReader(in))
	seen, _, err := detectDelimiter(br)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) > maxSniff+64<<10 {
		t.Errorf("read %d bytes to detect the delimiter, want at most about %d", len(seen), maxSniff)
	}
}
