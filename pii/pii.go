// Package pii decides how personal fields (names, email, phone, date of birth) appear
// wherever vxrecon writes them: the workbook and the journal show them masked by default,
// omitted or in full only when asked (-pii), and never more in the journal than in the
// workbook (docs/SPEC.md "-pii").
package pii

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/vxrecon/vxrecon/recon"
)

// Mode is a -pii mode.
type Mode string

// The -pii modes.
const (
	Mask Mode = "mask" // the default: enough to recognise a person, not to identify one
	Omit Mode = "omit" // the personal cells stay empty
	Full Mode = "full" // as the API sent them
)

// ParseMode reads a -pii value; "" is Mask.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case "":
		return Mask, nil
	case Mask, Omit, Full:
		return m, nil
	}
	return "", fmt.Errorf("pii: want %s, %s or %s, got %q", Mask, Omit, Full, s)
}

// Kind is the kind of a personal value, which decides how it is masked.
type Kind uint8

// The kinds of personal values a session holds.
const (
	Other Kind = iota
	Name
	Email
	Phone
	DOB
)

// Show returns what mode m shows of a personal value of the given kind.
func (m Mode) Show(kind Kind, value string) string {
	switch m {
	case Full:
		return value
	case Omit:
		return ""
	}
	return MaskValue(kind, value)
}

// Session returns a copy of s with its personal fields as mode m shows them; nil stays nil.
func (m Mode) Session(s *recon.Session) *recon.Session {
	if s == nil || m == Full {
		return s
	}
	c := *s
	c.FirstName = m.Show(Name, s.FirstName)
	c.LastName = m.Show(Name, s.LastName)
	c.Email = m.Show(Email, s.Email)
	c.Phone = m.Show(Phone, s.Phone)
	c.DOB = m.Show(DOB, s.DOB)
	return &c
}

// Keeps orders the modes by how much of a personal field they keep: Omit < Mask < Full. The
// empty mode, a value kept as the API sent it, keeps as much as Full.
func (m Mode) Keeps(other Mode) bool { return m.rank() >= other.rank() }

func (m Mode) rank() int {
	switch m {
	case Omit:
		return 0
	case Mask:
		return 1
	}
	return 2
}

// MaskValue hides a personal value the way -pii mask shows it: kind Name gives the first letter
// and "***" (J***), "email" the first letter of the local part and the domain
// (j***@example.com), "phone" the last four digits (***-***-7890) and "dob" the year only
// (1990-**-**, from 19900101 or 1990-01-01). An unknown kind gives "***". MaskValue never
// returns the value itself; an empty value stays empty, and a masked value masks to itself.
func MaskValue(kind Kind, value string) string {
	value = strings.TrimSpace(value)
	if value == "" {
		return ""
	}
	switch kind {
	case Name:
		return firstRune(value) + "***"
	case Email:
		at := strings.LastIndexByte(value, '@')
		if at < 0 {
			return firstRune(value) + "***"
		}
		return firstRune(value[:at]) + "***@" + value[at+1:]
	case Phone:
		var digits []byte
		for i := 0; i < len(value); i++ {
			if c := value[i]; c >= '0' && c <= '9' {
				digits = append(digits, c)
			}
		}
		if len(digits) == 4 && strings.HasPrefix(value, "***-***-") {
			return value // already masked: masking is idempotent, so a journal can keep masked values
		}
		if len(digits) <= 4 {
			return "***-***-****"
		}
		return "***-***-" + string(digits[len(digits)-4:])
	case DOB:
		if y, ok := year(value); ok {
			return y + "-**-**"
		}
		return "****-**-**"
	}
	return "***"
}

// firstRune returns the first character of s, or "" for "" (so "@example.com" masks to
// "***@example.com").
func firstRune(s string) string {
	if s == "" {
		return ""
	}
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// year finds the year in a date of birth: the first run of exactly four digits, or the first
// four of an eight-digit run (19900101).
func year(s string) (string, bool) {
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if n := j - i; n == 4 || n == 8 {
			return s[i : i+4], true
		}
		if j == i {
			j++
		}
		i = j
	}
	return "", false
}
