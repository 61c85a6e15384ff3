package output

import (
	"strconv"
	"unicode/utf8"
)

// moreMarker leads the end of a cut Duplicate Rows cell: "3, 7, 9 … and 199997 more".
const moreMarker = " … and "

// dupRows puts the input lines of an id's later occurrences as text, "7, 9", or leaves the
// cell empty for an id seen once. One id may repeat on hundreds of thousands of lines, and a
// cell holds at most MaxCellChars characters, so a list that does not fit stops at the last
// line that fits with its " … and N more". buf is reused between rows.
func (b *rowBuf) dupRows(i int, dups []int, buf *[]byte) {
	if len(dups) == 0 {
		return
	}
	whole := 2 * (len(dups) - 1) // the ", " between lines
	for _, line := range dups {
		whole += digits(line)
	}
	s := (*buf)[:0]
	n := 0 // characters in s: digits and ", " are one byte each
	for k, line := range dups {
		add := digits(line)
		if k > 0 {
			add += 2
		}
		if whole > MaxCellChars && n+add+moreLen(len(dups)-k-1) > MaxCellChars {
			// This line does not fit with what must follow it; the lines listed so far
			// do, with their own " … and N more" (checked on the previous round).
			s = append(s, moreMarker...)
			s = strconv.AppendInt(s, int64(len(dups)-k), 10)
			s = append(s, " more"...)
			break
		}
		if k > 0 {
			s = append(s, ", "...)
		}
		s = strconv.AppendInt(s, int64(line), 10)
		n += add
	}
	*buf = s
	b.str(i, string(s), 0)
}

// moreLen is the length in characters of " … and N more", 0 for n = 0.
func moreLen(n int) int {
	if n == 0 {
		return 0
	}
	return utf8.RuneCountInString(moreMarker) + digits(n) + len(" more")
}

// digits is the length of n in decimal (a minus sign included).
func digits(n int) int {
	d := 1
	if n < 0 {
		d++
		n = -n
	}
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}
