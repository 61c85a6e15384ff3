package input

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The limits on a workbook read as input or as -previous (README "Security and limits").
// A zip of a few hundred KiB can inflate to gigabytes, and excelize holds some parts whole in
// memory, so every part is bounded by its inflated size before excelize sees the file, and
// the parts that are read are scanned, streaming, for runaway texts. Past a limit the file is
// refused with a message naming it, the part and the limit.
const (
	// MaxWorkbookFile bounds the workbook file itself, which is held in memory.
	MaxWorkbookFile = 256 << 20
	// MaxSheets bounds every worksheet part together, inflated: excelize spills them to
	// temporary files and streams them.
	MaxSheets = 2 << 30
	// MaxSharedStrings and MaxSharedCount bound the shared strings part, which excelize
	// decodes whole into memory (about 120 bytes a string besides five times its text): a
	// sheet of Excel's 1,048,576 rows of distinct ids fits.
	MaxSharedStrings = 48 << 20
	MaxSharedCount   = 1_100_000
	// MaxPartXML and MaxPartElements bound each other XML part (the workbook, styles,
	// relationships), which excelize decodes whole.
	MaxPartXML      = 8 << 20
	MaxPartElements = 200_000
	// MaxOtherParts bounds every other part together (images, printer settings), held in
	// memory as they are.
	MaxOtherParts = 64 << 20
	// MaxXMLRun bounds one tag, one text (a cell holds at most 32,767 characters) or one run
	// of white space in any XML part read.
	MaxXMLRun = 1 << 20
	// spillAbove is the size above which excelize spills a worksheet to a temporary file
	// instead of holding it.
	spillAbove = 1 << 20
)

// The parts excelize names by their lower-case path.
const (
	partWorkbook = "xl/workbook.xml"
	partRels     = "xl/_rels/workbook.xml.rels"
	partStrings  = "xl/sharedstrings.xml"
	sheetPrefix  = "xl/worksheets/sheet"
)

// openWorkbook reads a workbook from r (up to MaxWorkbookFile), checks every part against the
// limits, scans the shared strings and the sheets pick chooses among the workbook's sheets
// (in tab order) to their end, and only then opens it with excelize. A sheet whose XML breaks
// part-way is an error naming the row where reading stopped: excelize would end its rows
// there without a word. It returns the sheets pick chose.
func openWorkbook(r io.Reader, name string, pick func(sheets []string) ([]string, error)) (*excelize.File, []string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxWorkbookFile+1))
	if err != nil {
		return nil, nil, &LineError{File: name, Err: fmt.Errorf("read: %w", err)}
	}
	if len(data) > MaxWorkbookFile {
		return nil, nil, &LineError{File: name, Err: fmt.Errorf("a workbook over %d MiB: save it as CSV UTF-8", MaxWorkbookFile>>20)}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, nil, &LineError{File: name, Line: 1,
			Err: &notZip{err}}
	}
	parts, err := sizeParts(zr, name)
	if err != nil {
		return nil, nil, err
	}
	if parts[partWorkbook] == nil {
		return nil, nil, &LineError{File: name, Line: 1,
			Err: errors.New("this is a zip file, not CSV nor an .xlsx workbook (no xl/workbook.xml); save it as .xlsx or CSV UTF-8")}
	}
	for p, f := range parts {
		if p == partStrings {
			if err := scanPart(f, name, "si", MaxSharedCount); err != nil {
				return nil, nil, err
			}
		} else if !strings.HasPrefix(p, sheetPrefix) && (strings.HasSuffix(p, ".xml") || strings.HasSuffix(p, ".rels")) {
			if err := scanPart(f, name, "", 0); err != nil {
				return nil, nil, err
			}
		}
	}
	names, paths, err := sheetParts(parts, name)
	if err != nil {
		return nil, nil, err
	}
	chosen, err := pick(names)
	if err != nil {
		return nil, nil, &LineError{File: name, Err: err}
	}
	for _, sh := range chosen {
		if f := parts[paths[sh]]; f != nil {
			if err := scanSheet(f, name, sh); err != nil {
				return nil, nil, err
			}
		}
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: spillAbove})
	if err != nil {
		return nil, nil, &LineError{File: name, Err: fmt.Errorf("unreadable .xlsx workbook: %v", err)}
	}
	return wb, chosen, nil
}

// notZip is the error of a file that starts like a zip but is none.
type notZip struct{ err error }

func (e *notZip) Error() string {
	return fmt.Sprintf("this looks like a zip file but cannot be read (%v); save it as .xlsx or CSV UTF-8", e.err)
}

// sizeParts checks every part's inflated size, as the zip declares it (archive/zip refuses a
// part that inflates past its declared size), and returns the parts by lower-case name.
func sizeParts(zr *zip.Reader, name string) (map[string]*zip.File, error) {
	parts := make(map[string]*zip.File, len(zr.File))
	var sheets, other uint64
	for _, f := range zr.File {
		p := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		parts[p] = f
		size := f.UncompressedSize64
		var limit uint64
		var what string
		switch {
		case strings.HasPrefix(p, sheetPrefix):
			sheets += size
			limit, what, size = MaxSheets, "the worksheets together inflate", sheets
		case p == partStrings:
			limit, what = MaxSharedStrings, "the shared strings inflate"
		case strings.HasSuffix(p, ".xml") || strings.HasSuffix(p, ".rels"):
			limit, what = MaxPartXML, "an XML part inflates"
		default:
			other += size
			limit, what, size = MaxOtherParts, "the other parts together inflate", other
		}
		if size > limit {
			return nil, tooBig(name, f.Name, what, limit)
		}
	}
	return parts, nil
}

func tooBig(file, part, what string, limit uint64) error {
	return &LineError{File: file, Err: fmt.Errorf("part %s: %s to over %s: refused (a zip bomb?)", part, what, sizeText(limit))}
}

func sizeText(n uint64) string {
	if n >= 1<<30 {
		return strconv.FormatUint(n>>30, 10) + " GiB"
	}
	return strconv.FormatUint(n>>20, 10) + " MiB"
}

// sheetParts reads the sheets' names, in tab order, and their parts from the workbook and its
// relationships.
func sheetParts(parts map[string]*zip.File, name string) (names []string, paths map[string]string, err error) {
	type sheet struct{ name, rid string }
	var sheets []sheet
	targets := map[string]string{}
	err = decodePart(parts[partWorkbook], name, func(e xml.StartElement) {
		if e.Name.Local == "sheet" {
			var s sheet
			for _, a := range e.Attr {
				switch {
				case a.Name.Local == "name":
					s.name = a.Value
				case a.Name.Local == "id" && a.Name.Space != "":
					s.rid = a.Value
				}
			}
			sheets = append(sheets, s)
		}
	})
	if err == nil && parts[partRels] != nil {
		err = decodePart(parts[partRels], name, func(e xml.StartElement) {
			if e.Name.Local == "Relationship" {
				var id, target string
				for _, a := range e.Attr {
					switch a.Name.Local {
					case "Id":
						id = a.Value
					case "Target":
						target = a.Value
					}
				}
				targets[id] = target
			}
		})
	}
	if err != nil {
		return nil, nil, err
	}
	paths = make(map[string]string, len(sheets))
	for _, s := range sheets {
		names = append(names, s.name)
		t := targets[s.rid]
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		paths[s.name] = strings.ToLower(t)
	}
	return names, paths, nil
}

// decodePart calls start for every start element of a small XML part (checked by scanPart).
func decodePart(f *zip.File, name string, start func(xml.StartElement)) error {
	rc, err := f.Open()
	if err != nil {
		return &LineError{File: name, Err: fmt.Errorf("part %s: %v", f.Name, err)}
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &LineError{File: name, Err: fmt.Errorf("part %s is damaged: %v", f.Name, err)}
		}
		if e, ok := tok.(xml.StartElement); ok {
			start(e)
		}
	}
}

// scanPart reads a part to its end through the run limit, counting the tags that start with
// tag (up to most), and refuses one past the limits.
func scanPart(f *zip.File, name, tag string, most int) error {
	rc, err := f.Open()
	if err != nil {
		return &LineError{File: name, Err: fmt.Errorf("part %s: %v", f.Name, err)}
	}
	defer rc.Close()
	rl := &runLimit{r: rc, tag: tag}
	if _, err := io.Copy(io.Discard, rl); err != nil {
		return partError(name, f.Name, err)
	}
	switch {
	case tag != "" && rl.tagged > most:
		return &LineError{File: name, Err: fmt.Errorf("part %s: over %d strings: refused (a zip bomb?); save it as CSV UTF-8", f.Name, most)}
	case tag == "" && rl.tags > MaxPartElements:
		return &LineError{File: name, Err: fmt.Errorf("part %s: over %d elements: refused (a zip bomb?)", f.Name, MaxPartElements)}
	}
	return nil
}

// partError words an error met while reading a part.
func partError(name, part string, err error) error {
	if errors.Is(err, errLongRun) {
		return &LineError{File: name, Err: fmt.Errorf("part %s: %w (limit %d MiB): refused (a zip bomb?)", part, err, MaxXMLRun>>20)}
	}
	return &LineError{File: name, Err: fmt.Errorf("part %s is damaged: %v", part, err)}
}

// scanSheet reads a sheet's XML to its end, as excelize will, and fails where it breaks,
// naming the row where reading stopped.
func scanSheet(f *zip.File, name, sheet string) error {
	rc, err := f.Open()
	if err != nil {
		return &LineError{File: name, Err: fmt.Errorf("sheet %q: %v", sheet, err)}
	}
	defer rc.Close()
	dec := xml.NewDecoder(&runLimit{r: rc})
	row, open := 0, false
	var stack []xml.Name // RawToken leaves the matching of start and end to its caller
	for {
		tok, err := dec.RawToken()
		switch {
		case err == io.EOF && len(stack) > 0:
			err = fmt.Errorf("the XML ends inside <%s>", stack[len(stack)-1].Local)
		case err == io.EOF:
			return nil
		case err == nil:
			err = matchTags(tok, &stack)
		}
		if err != nil {
			at := row
			if !open {
				at++ // broken between rows: the next one is where reading stopped
			}
			if errors.Is(err, errLongRun) {
				return &LineError{File: name, Line: at, Err: fmt.Errorf("sheet %q (part %s): %w (limit %d MiB): refused (a zip bomb?)", sheet, f.Name, err, MaxXMLRun>>20)}
			}
			return &LineError{File: name, Line: at, Err: fmt.Errorf(
				"sheet %q is damaged here: %v; nothing was requested (repair the file in Excel, or save it as CSV UTF-8)", sheet, err)}
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local == "row" {
				row++
				for _, a := range e.Attr {
					if a.Name.Local == "r" {
						if n, err := strconv.Atoi(a.Value); err == nil && n > 0 {
							row = n
						}
					}
				}
				open = true
			}
		case xml.EndElement:
			if e.Name.Local == "row" {
				open = false
			}
		}
	}
}

// maxDepth bounds the nesting of a sheet's elements (a sheet nests about six deep).
const maxDepth = 64

// matchTags checks that tok closes the element it should, keeping the open ones in stack.
func matchTags(tok xml.Token, stack *[]xml.Name) error {
	switch e := tok.(type) {
	case xml.StartElement:
		if len(*stack) == maxDepth {
			return fmt.Errorf("elements nested over %d deep", maxDepth)
		}
		*stack = append(*stack, e.Name)
	case xml.EndElement:
		s := *stack
		if len(s) == 0 || s[len(s)-1] != e.Name {
			return fmt.Errorf("</%s> closes no open element", e.Name.Local)
		}
		*stack = s[:len(s)-1]
	}
	return nil
}

// errLongRun is the error of a tag, text or white space longer than MaxXMLRun.
var errLongRun = fmt.Errorf("a tag or text longer than %d MiB", MaxXMLRun>>20)

// runLimit passes XML through, failing on a tag or a text (white space included) longer than
// MaxXMLRun, so that no decoder ever holds more. It counts the tags, and those whose local
// name is tag (whatever their namespace prefix).
type runLimit struct {
	r      io.Reader
	tag    string
	inTag  bool
	naming bool // the tag's name is being read
	run    int
	tags   int
	tagged int
	name   []byte
}

func (l *runLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		switch {
		case c == '<' && !l.inTag:
			l.inTag, l.naming, l.run = true, true, 0
			l.tags++
			l.name = l.name[:0]
			continue
		case l.naming:
			switch c {
			case ' ', '>', '/', '\t', '\r', '\n':
				l.naming = false
				local := l.name[bytes.LastIndexByte(l.name, ':')+1:]
				if l.tag != "" && string(local) == l.tag {
					l.tagged++
				}
			default:
				if len(l.name) < 64 {
					l.name = append(l.name, c)
				}
			}
		}
		if c == '>' && l.inTag {
			l.inTag, l.run = false, 0
			continue
		}
		if l.run++; l.run > MaxXMLRun {
			return 0, errLongRun
		}
	}
	return n, err
}
