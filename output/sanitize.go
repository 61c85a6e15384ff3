package output

import (
	"strings"
	"unicode/utf8"

	"github.com/vxrecon/vxrecon/recon"
)

// MaxCellChars is the most UTF-16 code units Excel keeps in one cell.
const MaxCellChars = recon.MaxText

// CutMarker ends a text that was cut to fit in a cell, so a reader sees that it was.
const CutMarker = recon.CutMarker

// Sanitize makes a string from the API or the input safe to put in a cell as literal text:
// control characters (C0 but tab and newline, DEL, C1), invalid UTF-8 and the XML
// non-characters U+FFFE/U+FFFF are removed, and text longer than Excel's 32,767 characters is
// cut with CutMarker at the end so the whole stays within the limit. All other Unicode is
// kept. A clean string of up to 32,767 bytes is returned as is, without allocating: it is
// called for every text cell of a million-row workbook.
//
// Sanitize does not escape a leading '=', '+', '-' or '@': the workbook writes text as an
// inline string, never as a formula, so such text stays literal.
func Sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if dropByte(b) {
				clean = false
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if dropRune(r, size) {
			clean = false
			break
		}
		i += size
	}
	// A UTF-16 code unit takes at least one byte, so a string of up to MaxCellChars bytes
	// cannot be too long.
	if clean && len(s) <= MaxCellChars {
		return s
	}
	if !clean {
		var sb strings.Builder
		sb.Grow(len(s))
		for i := 0; i < len(s); {
			b := s[i]
			if b < utf8.RuneSelf {
				if !dropByte(b) {
					sb.WriteByte(b)
				}
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if !dropRune(r, size) {
				sb.WriteString(s[i : i+size])
			}
			i += size
		}
		s = sb.String()
	}
	return recon.Clip(s)
}

func dropByte(b byte) bool {
	return (b < 0x20 && b != '\t' && b != '\n') || b == 0x7f
}

func dropRune(r rune, size int) bool {
	return (r == utf8.RuneError && size == 1) || (r >= 0x80 && r <= 0x9f) || r == 0xfffe || r == 0xffff
}
