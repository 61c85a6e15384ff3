package input

import (
	"bufio"
	"errors"
	"io"
)

// delimiters are the CSV delimiters Read knows, in the order that breaks a tie.
var delimiters = [...]byte{',', ';', '\t', '|'}

// maxSniff is how much of the input detectDelimiter looks at before deciding with what it
// has seen: a quote left open must not make it read the whole file into memory.
const maxSniff = 8 << 20

// validDelimiter reports whether d is one of the delimiters Read knows.
func validDelimiter(d rune) bool {
	for _, c := range delimiters {
		if d == rune(c) {
			return true
		}
	}
	return false
}

// detectDelimiter reads the input up to the end of its header record (the first record
// holding anything but spaces, quotes and delimiters) and picks the delimiter that splits it
// into the most fields outside quotes; ',' on a tie or when none occurs. It returns the bytes
// it consumed, which the CSV reader must read first.
func detectDelimiter(br *bufio.Reader) ([]byte, rune, error) {
	var (
		seen    []byte
		counts  [len(delimiters)]int
		quoted  bool // inside a quoted field
		content bool // the current record holds something besides delimiters and spaces
	)
	for len(seen) < maxSniff {
		chunk, err := br.ReadSlice('\n')
		seen = append(seen, chunk...)
		for _, c := range chunk {
			switch {
			case c == '"':
				quoted = !quoted
			case quoted:
				content = true
			case c == '\n':
				if content {
					return seen, pick(counts), nil
				}
				counts = [len(delimiters)]int{}
			case c == ' ' || c == '\r':
			default:
				isDelim := false
				for i, d := range delimiters {
					if c == d {
						counts[i]++
						isDelim = true
					}
				}
				if !isDelim {
					content = true
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return seen, 0, err
		}
	}
	return seen, pick(counts), nil
}

// pick returns the delimiter with the highest count, the earliest in delimiters on a tie.
func pick(counts [len(delimiters)]int) rune {
	best := 0
	for i := 1; i < len(counts); i++ {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return rune(delimiters[best])
}
