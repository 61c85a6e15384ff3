package report

import (
	"math"
	"strconv"
)

// Cents is an amount of money in hundredths of the currency unit.
//
// Money is summed in integer cents, never in float64: a float sum of a million amounts
// drifts (0.1 + 0.2 != 0.3), and finance compares these totals with the invoice to the
// cent. Each line's amount is rounded to the cent once, by CentsOf, then only integers are
// added. Sums are exact up to ±92,233,720,368,547,758.07; beyond that (no billing file comes
// near) they stop at the bound instead of wrapping round to a wrong sign.
type Cents int64

// maxLineDigits bounds the integer digits CentsOf reads: 10^16 units is 10^18 cents, still
// inside an int64, and far beyond the 15 significant digits a spreadsheet keeps.
const maxLineDigits = 16

// CentsOf rounds an amount to whole cents, half away from zero (2.345 → 2.35, -2.345 →
// -2.35), as finance rounds a written price.
//
// It rounds the amount's shortest decimal form, the text strconv.FormatFloat(a, 'f', -1, 64)
// gives, which is the number as the input file wrote it ("2.345" parses to a float a hair
// below 2.345, so math.Round(a*100) would give 2.34). A non-finite amount counts as 0; one of
// 10^16 units or more is held at ±(10^16 - 0.01).
func CentsOf(amount float64) Cents {
	if math.IsNaN(amount) || math.IsInf(amount, 0) {
		return 0
	}
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], math.Abs(amount), 'f', -1, 64)
	whole, frac := s, []byte(nil)
	for i, c := range s {
		if c == '.' {
			whole, frac = s[:i], s[i+1:]
			break
		}
	}
	var c int64
	if len(whole) > maxLineDigits {
		c = 1e18 - 1
	} else {
		for _, d := range whole {
			c = c*10 + int64(d-'0')
		}
		c = c*100 + int64(digitAt(frac, 0))*10 + int64(digitAt(frac, 1))
		if digitAt(frac, 2) >= 5 {
			c++ // half away from zero: the magnitude rounds up, the sign is put back below
		}
	}
	if amount < 0 {
		c = -c
	}
	return Cents(c)
}

// digitAt returns the i-th digit of frac, 0 past its end.
func digitAt(frac []byte, i int) byte {
	if i < len(frac) {
		return frac[i] - '0'
	}
	return 0
}

// Units returns c in currency units, the float64 nearest the exact decimal value (for the
// workbook cell; Excel stores the same number when one types it).
func (c Cents) Units() float64 { return float64(c) / 100 }

// String formats c with two decimals and no grouping: "-1234.50".
func (c Cents) String() string {
	sign := ""
	u := uint64(c)
	if c < 0 {
		sign, u = "-", uint64(-c) // -MinInt64 wraps to itself, which uint64 reads right
	}
	frac := u % 100
	return sign + strconv.FormatUint(u/100, 10) + "." + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
}

// add returns c + d, held at the int64 bounds instead of wrapping.
func (c Cents) add(d Cents) Cents {
	s := c + d
	switch {
	case d > 0 && s < c:
		return math.MaxInt64
	case d < 0 && s > c:
		return math.MinInt64
	}
	return s
}
