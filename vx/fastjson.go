package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"bytes"
	"unicode/utf8"
)

// decodeSession is a fast path for the common session body: plain keys, strings without
// escapes, each known key once. It fills s exactly as json.Unmarshal would and reports true,
// or reports false as soon as the body holds anything it does not vouch for (an escape, a
// key that differs from a known one only in case, a repeated key, a type json.Unmarshal would
// refuse, a syntax error), and the caller decodes with json.Unmarshal instead, which then also
// words the error. encoding/json took about a fifth of a run's CPU (it scans every body
// twice and goes through reflection for every field); this takes a fraction of that.
// FuzzDecodeSession checks it against json.Unmarshal.
//
// The strings of a small body's recon.Session share one copy of the body, one allocation instead of
// one per field. A large body (documents, additional data the report never reads) gets its
// strings copied one by one: a recon.Session can wait in the reorder window behind a slow id, and it
// must not pin megabytes it does not use.
func decodeSession(body []byte, s *recon.Session) bool {
	d := fastDec{b: body}
	if len(body) <= sharedBodyMax {
		d.s = string(body)
	}
	d.ws()
	if !d.object(0, d.session(s)) {
		return false
	}
	d.ws()
	return d.i == len(d.b)
}

// sharedBodyMax is the largest body whose strings share one copy of it.
const sharedBodyMax = 16 << 10

// text returns the body's bytes start:end as a string: a slice of the shared copy when there
// is one, else a copy of just those bytes.
func (d *fastDec) text(start, end int) string {
	if d.s == "" {
		return string(d.b[start:end])
	}
	return d.s[start:end]
}

// fastDec is a cursor over a body.
type fastDec struct {
	b []byte
	s string // the same bytes, for the strings of the recon.Session
	i int
}

// maxFastDepth bounds the nesting of skipped values; deeper bodies take the slow path.
const maxFastDepth = 64

func (d *fastDec) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\r', '\n':
			d.i++
		default:
			return
		}
	}
}

// field is called with each key of an object and decodes its value; false means give up.
type field func(d *fastDec, key []byte) bool

// object reads an object whose keys go to f, each at most once.
func (d *fastDec) object(depth int, f field) bool {
	if d.i >= len(d.b) || d.b[d.i] != '{' || depth > maxFastDepth {
		return false
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return true
	}
	for {
		d.ws()
		key, ok := d.plainString()
		if !ok {
			return false
		}
		d.ws()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return false
		}
		d.i++
		d.ws()
		if !f(d, key) {
			return false
		}
		if more, ok := d.next('}'); !ok || !more {
			return ok
		}
	}
}

// array reads an array, each element by elem.
func (d *fastDec) array(depth int, elem func(d *fastDec) bool) bool {
	if d.i >= len(d.b) || d.b[d.i] != '[' || depth > maxFastDepth {
		return false
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return true
	}
	for {
		d.ws()
		if !elem(d) {
			return false
		}
		if more, ok := d.next(']'); !ok || !more {
			return ok
		}
	}
}

// next reads what follows a member or an element: a comma (more, ok) or the closing byte
// (!more, ok); anything else is !ok.
func (d *fastDec) next(closing byte) (more, ok bool) {
	d.ws()
	if d.i >= len(d.b) {
		return false, false
	}
	switch d.b[d.i] {
	case ',':
		d.i++
		return true, true
	case closing:
		d.i++
		return false, true
	}
	return false, false
}

// plainString reads a string without escapes and with valid UTF-8, the bytes between the
// quotes; anything else is false.
func (d *fastDec) plainString() ([]byte, bool) {
	start, end, ok := d.plainSpan()
	return d.b[start:end], ok
}

// plainText is plainString as a string that shares the body's copy.
func (d *fastDec) plainText() (string, bool) {
	start, end, ok := d.plainSpan()
	return d.text(start, end), ok
}

// plainSpan finds the text of a plain string (see plainString) and moves past it.
func (d *fastDec) plainSpan() (start, end int, ok bool) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return 0, 0, false
	}
	start = d.i + 1
	ascii := true
	for j := start; j < len(d.b); j++ {
		c := d.b[j]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(d.b[start:j]) {
				return 0, 0, false
			}
			d.i = j + 1
			return start, j, true
		case c == '\\' || c < 0x20:
			return 0, 0, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return 0, 0, false
}

// literal consumes lit if it comes next.
func (d *fastDec) literal(lit string) bool {
	if len(d.b)-d.i >= len(lit) && string(d.b[d.i:d.i+len(lit)]) == lit {
		d.i += len(lit)
		return true
	}
	return false
}

// str decodes a string field: a string, or null, which leaves it as it is.
func (d *fastDec) str(dst *string) bool {
	if d.literal("null") {
		return true
	}
	s, ok := d.plainText()
	if ok {
		*dst = s
	}
	return ok
}

// number reads a JSON number and returns its text.
func (d *fastDec) number() ([]byte, bool) {
	start, j, b := d.i, d.i, d.b
	digits := func() bool {
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case !digits():
		return nil, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		if !digits() {
			return nil, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if !digits() {
			return nil, false
		}
	}
	d.i = j
	return b[start:j], true
}

// skip reads any valid JSON value.
func (d *fastDec) skip(depth int) bool {
	if d.i >= len(d.b) || depth > maxFastDepth {
		return false
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(depth+1, func(d *fastDec, _ []byte) bool { return d.skip(depth + 1) })
	case c == '[':
		return d.array(depth+1, func(d *fastDec) bool { return d.skip(depth + 1) })
	case c == '"':
		return d.skipString()
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	}
	_, ok := d.number()
	return ok
}

// skipString reads any valid JSON string, escapes included.
func (d *fastDec) skipString() bool {
	b := d.b
	for j := d.i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			d.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			j++
			if j >= len(b) {
				return false
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(b) {
					return false
				}
				for _, h := range b[j+1 : j+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}

// other handles a key that is not one of known: its value is skipped, unless the key might
// still match a field as json.Unmarshal matches them (without regard to case).
func (d *fastDec) other(key []byte, keys []string) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	for _, k := range keys {
		if bytes.EqualFold(key, []byte(k)) {
			return false
		}
	}
	return d.skip(1)
}

var (
	sessionKeys = []string{"request_id", "status", "reference", "fn", "ln", "email", "phone", "dob", "dcams_plus", "journey"}
	plusKeys    = []string{"service", "confirmation", "action", "detail", "issues"}
	journeyKeys = []string{"stops", "duration"}
	stopKeys    = []string{"timestamp", "type", "source", "status", "action", "detail"}
)

// once records the keys seen in one object, by their index in the known list.
type once uint16

func (o *once) first(k int) bool {
	if *o&(1<<k) != 0 {
		return false
	}
	*o |= 1 << k
	return true
}

// known makes the field handler of an object with the given keys: an unknown key is
// skipped (or, differing from a known one only in case, sent to encoding/json), a repeated
// key sends the body to encoding/json, and set decodes the value of key k.
func known(keys []string, set func(d *fastDec, k int) bool) field {
	var seen once
	return func(d *fastDec, key []byte) bool {
		k := keyIndex(key, keys)
		if k < 0 {
			return d.other(key, keys)
		}
		if !seen.first(k) {
			return false
		}
		return set(d, k)
	}
}

func (d *fastDec) session(s *recon.Session) field {
	return known(sessionKeys, func(d *fastDec, k int) bool {
		switch k {
		case 0:
			return d.str(&s.RequestID)
		case 1:
			return d.str(&s.Status)
		case 2:
			return d.str(&s.Reference)
		case 3:
			return d.str(&s.FirstName)
		case 4:
			return d.str(&s.LastName)
		case 5:
			return d.str(&s.Email)
		case 6:
			return d.str(&s.Phone)
		case 7:
			return d.str(&s.DOB)
		case 8:
			if d.literal("null") {
				s.Plus = nil
				return true
			}
			s.Plus = new(recon.Plus)
			return d.object(1, d.plus(s.Plus))
		default:
			if d.literal("null") {
				s.Journey = nil
				return true
			}
			s.Journey = new(recon.Journey)
			return d.object(1, d.journey(s.Journey))
		}
	})
}

func (d *fastDec) plus(p *recon.Plus) field {
	return known(plusKeys, func(d *fastDec, k int) bool {
		switch k {
		case 0:
			return d.str(&p.Service)
		case 1:
			return d.flex(&p.Confirmation)
		case 2:
			return d.str(&p.Action)
		case 3:
			return d.str(&p.Detail)
		default:
			if d.literal("null") {
				p.Issues = nil
				return true
			}
			p.Issues = []string{}
			return d.array(2, func(d *fastDec) bool {
				var v string
				if !d.str(&v) {
					return false
				}
				p.Issues = append(p.Issues, v)
				return true
			})
		}
	})
}

// flex decodes a recon.FlexString as its UnmarshalJSON does.
func (d *fastDec) flex(dst *recon.FlexString) bool {
	switch {
	case d.literal("null"):
		*dst = ""
		return true
	case d.literal("true"):
		*dst = "true"
		return true
	case d.literal("false"):
		*dst = "false"
		return true
	}
	if d.i < len(d.b) && d.b[d.i] == '"' {
		s, ok := d.plainText()
		if ok {
			*dst = recon.FlexString(s)
		}
		return ok
	}
	start := d.i
	_, ok := d.number()
	if ok {
		*dst = recon.FlexString(d.text(start, d.i))
	}
	return ok
}

func (d *fastDec) journey(j *recon.Journey) field {
	return known(journeyKeys, func(d *fastDec, k int) bool {
		if k == 1 { // json.RawMessage keeps the value's bytes, whatever they are
			start := d.i
			if !d.skip(2) {
				return false
			}
			j.Duration = append([]byte(nil), d.b[start:d.i]...)
			return true
		}
		if d.literal("null") {
			j.Stops = nil
			return true
		}
		j.Stops = []recon.Stop{}
		return d.array(2, func(d *fastDec) bool {
			j.Stops = append(j.Stops, recon.Stop{})
			if d.literal("null") {
				return true
			}
			return d.object(3, d.stop(&j.Stops[len(j.Stops)-1]))
		})
	})
}

func (d *fastDec) stop(st *recon.Stop) field {
	return known(stopKeys, func(d *fastDec, k int) bool {
		switch k {
		case 0:
			return d.str(&st.Timestamp)
		case 1:
			return d.str(&st.Type)
		case 2:
			return d.str(&st.Source)
		case 3:
			return d.str(&st.Status)
		case 4:
			return d.str(&st.Action)
		default:
			return d.str(&st.Detail)
		}
	})
}

func keyIndex(key []byte, keys []string) int {
	for i, k := range keys {
		if string(key) == k {
			return i
		}
	}
	return -1
}
