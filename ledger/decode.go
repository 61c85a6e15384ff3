package ledger

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/vxrecon/vxrecon/recon"
)

// decode reads a stored answer: json.Marshal's output of a recon.Result, as Append wrote it.
// Reusing an answer is mostly decoding it, so the form json.Marshal writes is read by hand
// (its keys exactly, strings without escapes, numbers as integers), its strings sharing one
// copy of the blob; anything else (an escape, another key, a null) goes to json.Unmarshal,
// which decides. FuzzDecodeStored holds the two to the same results.
func decode(blob string, r *recon.Result) bool {
	if len(blob) == 0 {
		return false
	}
	d := storedDecoder{s: blob}
	var fast recon.Result
	if d.result(&fast) && d.end() {
		*r = fast
		return true
	}
	*r = recon.Result{}
	return json.Unmarshal([]byte(blob), r) == nil
}

// storedDecoder reads one stored answer; ok turns false at the first thing it does not read
// by hand.
type storedDecoder struct {
	s string // strings are cut from it
	i int
}

func (d *storedDecoder) ws() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\n' || d.s[d.i] == '\t' || d.s[d.i] == '\r') {
		d.i++
	}
}

func (d *storedDecoder) end() bool { d.ws(); return d.i == len(d.s) }

// byte_ reads c after white space.
func (d *storedDecoder) byte_(c byte) bool {
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

// str reads a string without escapes or control characters, in valid UTF-8.
func (d *storedDecoder) str() (string, bool) {
	if !d.byte_('"') {
		return "", false
	}
	start, ascii := d.i, true
	for ; d.i < len(d.s); d.i++ {
		switch c := d.s[d.i]; {
		case c == '"':
			s := d.s[start:d.i]
			d.i++
			if !ascii && !utf8.ValidString(s) {
				return "", false
			}
			return s, true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", false
}

// int reads a plain integer, as json.Marshal writes an int.
func (d *storedDecoder) int() (int, bool) {
	d.ws()
	start := d.i
	if d.i < len(d.s) && d.s[d.i] == '-' {
		d.i++
	}
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
	}
	n, err := strconv.Atoi(d.s[start:d.i])
	return n, err == nil && (d.s[start] != '0' || d.i == start+1) && (d.s[start] != '-' || d.s[start+1] != '0')
}

// object reads {"key": value, …}, calling field for each key: it reads the value.
func (d *storedDecoder) object(field func(key string) bool) bool {
	if !d.byte_('{') {
		return false
	}
	if d.byte_('}') {
		return true
	}
	for {
		k, ok := d.str()
		if !ok || !d.byte_(':') || !field(k) {
			return false
		}
		if d.byte_('}') {
			return true
		}
		if !d.byte_(',') {
			return false
		}
	}
}

// array reads [value, …], calling elem for each value.
func (d *storedDecoder) array(elem func() bool) bool {
	if !d.byte_('[') {
		return false
	}
	if d.byte_(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if d.byte_(']') {
			return true
		}
		if !d.byte_(',') {
			return false
		}
	}
}

// into reads a string into *p.
func (d *storedDecoder) into(p *string) bool {
	s, ok := d.str()
	*p = s
	return ok
}

func (d *storedDecoder) intInto(p *int) bool {
	n, ok := d.int()
	*p = n
	return ok
}

func (d *storedDecoder) result(r *recon.Result) bool {
	return d.object(func(k string) bool {
		switch k {
		case "id":
			return d.into(&r.ID)
		case "class":
			return d.into((*string)(&r.Class))
		case "http_status":
			return d.intInto(&r.HTTPStatus)
		case "attempts":
			return d.intInto(&r.Attempts)
		case "error":
			return d.into(&r.Err)
		case "message":
			return d.into(&r.Message)
		case "detail":
			return d.into(&r.Detail)
		case "pii":
			return d.into(&r.PII)
		case "fetched_at":
			d.ws()
			start := d.i
			if _, ok := d.str(); !ok {
				return false
			}
			return r.FetchedAt.UnmarshalJSON([]byte(d.s[start:d.i])) == nil // as json.Unmarshal does
		case "session":
			if r.Session != nil {
				return false // json.Unmarshal would merge the two
			}
			r.Session = new(recon.Session)
			return d.session(r.Session)
		}
		return false
	})
}

func (d *storedDecoder) session(s *recon.Session) bool {
	return d.object(func(k string) bool {
		switch k {
		case "request_id":
			return d.into(&s.RequestID)
		case "status":
			return d.into(&s.Status)
		case "reference":
			return d.into(&s.Reference)
		case "fn":
			return d.into(&s.FirstName)
		case "ln":
			return d.into(&s.LastName)
		case "email":
			return d.into(&s.Email)
		case "phone":
			return d.into(&s.Phone)
		case "dob":
			return d.into(&s.DOB)
		case "dcams_plus":
			if s.Plus != nil {
				return false
			}
			s.Plus = new(recon.Plus)
			return d.plus(s.Plus)
		case "journey":
			if s.Journey != nil {
				return false
			}
			s.Journey = new(recon.Journey)
			return d.journey(s.Journey)
		}
		return false
	})
}

func (d *storedDecoder) plus(p *recon.Plus) bool {
	return d.object(func(k string) bool {
		switch k {
		case "service":
			return d.into(&p.Service)
		case "confirmation":
			return d.into((*string)(&p.Confirmation))
		case "action":
			return d.into(&p.Action)
		case "detail":
			return d.into(&p.Detail)
		case "issues":
			p.Issues = []string{}
			return d.array(func() bool {
				s, ok := d.str()
				p.Issues = append(p.Issues, s)
				return ok
			})
		case "issues_cut":
			return d.intInto(&p.IssuesCut)
		}
		return false
	})
}

func (d *storedDecoder) journey(j *recon.Journey) bool {
	return d.object(func(k string) bool {
		switch k {
		case "stops":
			j.Stops = make([]recon.Stop, 0, 4) // a journey has about four: one allocation
			return d.array(func() bool {
				j.Stops = append(j.Stops, recon.Stop{})
				return d.stop(&j.Stops[len(j.Stops)-1])
			})
		case "stops_cut":
			return d.intInto(&j.StopsCut)
		case "duration":
			// Kept raw: a plain string or an integer, as json.Marshal wrote it.
			d.ws()
			start := d.i
			if d.i < len(d.s) && d.s[d.i] == '"' {
				if _, ok := d.str(); !ok {
					return false
				}
			} else if _, ok := d.int(); !ok {
				return false
			}
			j.Duration = json.RawMessage(d.s[start:d.i]) // a copy: the blob is not kept
			return true
		}
		return false
	})
}

func (d *storedDecoder) stop(st *recon.Stop) bool {
	return d.object(func(k string) bool {
		switch k {
		case "timestamp":
			return d.into(&st.Timestamp)
		case "type":
			return d.into(&st.Type)
		case "source":
			return d.into(&st.Source)
		case "status":
			return d.into(&st.Status)
		case "action":
			return d.into(&st.Action)
		case "detail":
			return d.into(&st.Detail)
		}
		return false
	})
}
