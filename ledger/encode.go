package ledger

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/vxrecon/vxrecon/recon"
)

// encode writes a stored answer: the bytes json.Marshal writes for r. Every final answer of a
// first night is stored, and json.Marshal (reflection, a buffer per call) was a third of what
// the ledger cost the run; so the common form is written by hand: the fields in the struct's
// order, omitempty as json.Marshal reads it, and strings that need no escape. A string with
// anything json.Marshal escapes or replaces (a quote, a backslash, <, >, &, a control
// character, U+2028 or U+2029, invalid UTF-8), or a journey duration that is not a plain
// string or integer, sends the whole answer to json.Marshal. TestEncodeStored and
// FuzzDecodeStored hold the two to the same bytes.
func encode(r *recon.Result) ([]byte, error) {
	e := storedEncoder{b: make([]byte, 0, 1024)}
	if e.result(r) {
		return e.b, nil
	}
	return json.Marshal(r)
}

// storedEncoder appends one stored answer to b; a method returns false for what it does not
// write by hand.
type storedEncoder struct {
	b     []byte
	comma bool // a field was written in the current object
}

// key starts a field of the current object.
func (e *storedEncoder) key(k string) {
	if e.comma {
		e.b = append(e.b, ',')
	}
	e.comma = true
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':')
}

// str writes a field with a string value.
func (e *storedEncoder) str(k, v string) bool {
	e.key(k)
	return e.quote(v)
}

// opt writes a string field unless it is empty (omitempty).
func (e *storedEncoder) opt(k, v string) bool {
	if v == "" {
		return true
	}
	return e.str(k, v)
}

// optInt writes an integer field unless it is 0 (omitempty).
func (e *storedEncoder) optInt(k string, v int) {
	if v != 0 {
		e.int(k, v)
	}
}

func (e *storedEncoder) int(k string, v int) {
	e.key(k)
	e.b = strconv.AppendInt(e.b, int64(v), 10)
}

// plain marks the ASCII bytes json.Marshal writes in a string as they are.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// quote writes s as a JSON string, if json.Marshal would write it as it is.
func (e *storedEncoder) quote(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !plain[c] {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, s...)
	e.b = append(e.b, '"')
	return true
}

// open starts an object, end ends it.
func (e *storedEncoder) open() {
	e.b = append(e.b, '{')
	e.comma = false
}

func (e *storedEncoder) end() bool {
	e.b = append(e.b, '}')
	e.comma = true
	return true
}

func (e *storedEncoder) result(r *recon.Result) bool {
	e.open()
	if !e.str("id", r.ID) || !e.str("class", string(r.Class)) {
		return false
	}
	e.optInt("http_status", r.HTTPStatus)
	e.int("attempts", r.Attempts)
	if !e.opt("error", r.Err) || !e.opt("message", r.Message) || !e.opt("detail", r.Detail) {
		return false
	}
	if r.Session != nil {
		e.key("session")
		if !e.session(r.Session) {
			return false
		}
	}
	if t := r.FetchedAt; !t.IsZero() {
		// As time.Time's MarshalJSON writes it (RFC 3339 with nanoseconds), which refuses a
		// year beyond 4 digits and writes no offset's seconds: those go to json.Marshal.
		if _, off := t.Zone(); t.Year() < 0 || t.Year() > 9999 || off%60 != 0 {
			return false
		}
		e.key("fetched_at")
		e.b = t.AppendFormat(append(e.b, '"'), time.RFC3339Nano)
		e.b = append(e.b, '"')
	}
	return e.opt("pii", r.PII) && e.end()
}

func (e *storedEncoder) session(s *recon.Session) bool {
	e.open()
	if !e.str("request_id", s.RequestID) || !e.str("status", s.Status) || !e.opt("reference", s.Reference) ||
		!e.opt("fn", s.FirstName) || !e.opt("ln", s.LastName) || !e.opt("email", s.Email) ||
		!e.opt("phone", s.Phone) || !e.opt("dob", s.DOB) {
		return false
	}
	if p := s.Plus; p != nil {
		e.key("dcams_plus")
		if !e.plus(p) {
			return false
		}
	}
	if j := s.Journey; j != nil {
		e.key("journey")
		if !e.journey(j) {
			return false
		}
	}
	return e.end()
}

func (e *storedEncoder) plus(p *recon.Plus) bool {
	e.open()
	if !e.opt("service", p.Service) || !e.opt("confirmation", string(p.Confirmation)) ||
		!e.opt("action", p.Action) || !e.opt("detail", p.Detail) {
		return false
	}
	if len(p.Issues) > 0 {
		e.key("issues")
		e.b = append(e.b, '[')
		for i, is := range p.Issues {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			if !e.quote(is) {
				return false
			}
		}
		e.b = append(e.b, ']')
	}
	e.optInt("issues_cut", p.IssuesCut)
	return e.end()
}

func (e *storedEncoder) journey(j *recon.Journey) bool {
	e.open()
	if len(j.Stops) > 0 {
		e.key("stops")
		e.b = append(e.b, '[')
		for i := range j.Stops {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			if !e.stop(&j.Stops[i]) {
				return false
			}
		}
		e.b = append(e.b, ']')
	}
	e.optInt("stops_cut", j.StopsCut)
	if len(j.Duration) > 0 {
		// As kept from the API: written as it is when json.Marshal would not change it.
		if !plainDuration(j.Duration) {
			return false
		}
		e.key("duration")
		e.b = append(e.b, j.Duration...)
	}
	return e.end()
}

// plainDuration reports whether a raw duration is a string json.Marshal leaves as it is, or
// an integer.
func plainDuration(d json.RawMessage) bool {
	if d[0] == '"' {
		var e storedEncoder
		s := string(d)
		return len(s) >= 2 && s[len(s)-1] == '"' && e.quote(s[1:len(s)-1])
	}
	if d[0] != '-' && (d[0] < '0' || d[0] > '9') {
		return false // json.Marshal would drop the space before it
	}
	dec := storedDecoder{s: string(d)}
	_, ok := dec.int()
	return ok && dec.i == len(d)
}

func (e *storedEncoder) stop(st *recon.Stop) bool {
	e.open()
	return e.str("timestamp", st.Timestamp) && e.opt("type", st.Type) && e.opt("source", st.Source) &&
		e.opt("status", st.Status) && e.opt("action", st.Action) && e.opt("detail", st.Detail) && e.end()
}
