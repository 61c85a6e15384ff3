package output

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The -pii modes.
const (
	PIIMask = "mask" // the default: enough to recognise a person, not to identify one
	PIIOmit = "omit" // the personal cells stay empty
	PIIFull = "full" // as the API sent them
)

type piiMode uint8

const (
	piiMask piiMode = iota
	piiOmit
	piiFull
)

func parsePII(s string) (piiMode, error) {
	switch s {
	case "", PIIMask:
		return piiMask, nil
	case PIIOmit:
		return piiOmit, nil
	case PIIFull:
		return piiFull, nil
	}
	return 0, fmt.Errorf("pii: want %s, %s or %s, got %q", PIIMask, PIIOmit, PIIFull, s)
}

// apply returns what the workbook shows for a personal value of the given kind.
func (m piiMode) apply(kind, value string) string {
	switch m {
	case piiFull:
		return value
	case piiOmit:
		return ""
	}
	return Mask(kind, value)
}

// Mask hides a personal value the way -pii mask shows it: kind "name" gives the first letter
// and "***" (J***), "email" the first letter of the local part and the domain
// (j***@example.com), "phone" the last four digits (***-***-7890) and "dob" the year only
// (1990-**-**, from 19900101 or 1990-01-01). An unknown kind gives "***". Mask never returns
// the value itself; an empty value stays empty.
func Mask(kind, value string) string {
	value = strings.TrimSpace(value)
	if value == "" {
		return ""
	}
	switch kind {
	case "name":
		return firstRune(value) + "***"
	case "email":
		at := strings.LastIndexByte(value, '@')
		if at < 0 {
			return firstRune(value) + "***"
		}
		return firstRune(value[:at]) + "***@" + value[at+1:]
	case "phone":
		var digits []byte
		for i := 0; i < len(value); i++ {
			if c := value[i]; c >= '0' && c <= '9' {
				digits = append(digits, c)
			}
		}
		if len(digits) == 4 && strings.HasPrefix(value, "***-***-") {
			return value // already masked: Mask is idempotent, so a journal can keep masked values
		}
		if len(digits) <= 4 {
			return "***-***-****"
		}
		return "***-***-" + string(digits[len(digits)-4:])
	case "dob":
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
