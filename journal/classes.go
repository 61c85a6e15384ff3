package journal

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/vxrecon/vxrecon/recon"
)

// ReadClasses reads a journal, the -journal file of an earlier run, for the comparison with
// this run (-previous): the id and class of every answer it holds. An id answered on more
// than one line (a journal keeps every answer of every run that used it) keeps its first
// place and the class of its latest line. ids[i] had classes[i]; pass both to
// report.NewChanges.
//
// Unreadable lines are skipped, as Open skips them: a torn last line (the process died
// mid-write) or a damaged one. But the first line must be an answer, so that a file that is
// no journal at all (a workbook, the input) is refused with ErrNotJournal rather than read
// as a journal with no answers; an empty file is an empty journal. The caller names the file
// in its message.
func ReadClasses(r io.Reader) (ids []string, classes []recon.Class, err error) {
	br := bufio.NewReaderSize(r, 256<<10)
	at := make(map[string]int) // id -> its index in ids
	for first, n := true, 1; ; n++ {
		line, rerr := readLine(br) // a line holds a whole session
		if errors.Is(rerr, errLongLine) {
			return nil, nil, fmt.Errorf("line %d: %w", n, rerr)
		}
		if rerr != nil && rerr != io.EOF {
			return nil, nil, fmt.Errorf("read journal: %w", rerr)
		}
		if bytes.HasPrefix(line, []byte(headerPrefix)) {
			first = false // the line that starts a run's answers
		} else if len(bytes.TrimSpace(line)) > 0 {
			id, class, ok := classLine(line)
			switch {
			case ok:
				if i, seen := at[id]; seen {
					classes[i] = class
				} else {
					at[id] = len(ids)
					ids = append(ids, id)
					classes = append(classes, class)
				}
			case first && !(rerr == io.EOF && startsLikeJournal(line)):
				// Not even a torn answer (which a journal of one line cut short would be).
				return nil, nil, ErrNotJournal
			}
			first = false
		}
		if rerr == io.EOF {
			return ids, classes, nil
		}
	}
}

// classLine decodes the id and class of one journal line; ok is false for a line that is
// not a whole answer.
func classLine(line []byte) (id string, class recon.Class, ok bool) {
	var l struct {
		ID    string      `json:"id"`
		Class recon.Class `json:"class"`
	}
	if err := json.Unmarshal(line, &l); err != nil || l.ID == "" || !l.Class.Valid() {
		return "", "", false
	}
	return l.ID, l.Class, true
}
