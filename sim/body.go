package sim

import (
	"strconv"
	"strings"
	"time"
)

// The bodies are built with append rather than encoding/json: the server renders one per
// request and must keep up with tens of thousands of requests per second on two cores.

var services = []string{
	"AgeMatch5.0", "AgeMatch5.0.UK", "IDMatch5.0", "IDMatch5.0.Escalate", "IDMatchCOMPLY5.1",
	"PhoneMatch5.0", "PhoneMatch5.0.Smart2FA.SMS", "DCAMSPLUS5.0", "DCAMSPLUS5.0.Enhanced",
	"DCAMSPLUS5.0.Manual",
}

const (
	smart2FA = "PhoneMatch5.0.Smart2FA.SMS"

	detailPassed   = "ALL CHECKS PASSED"
	detailMoreInfo = "MORE INFORMATION IS REQUIRED"
	detailOOBOK    = "OUT-OF-BAND SUCCESSFUL"
	detailOOBFail  = "FAILED OUT-OF-BAND CHECK"
	detailReview   = "TRANSACTION REQUIRES FURTHER ATTENTION"
)

// failIssues returns the issues a failed check of service can raise.
func failIssues(service string) []string {
	switch {
	case strings.HasPrefix(service, "AgeMatch"):
		return []string{"AGE NOT VERIFIED", "POSSIBLE MINOR", "DATE OF BIRTH CHECK FAILED", "NO MATCH"}
	case strings.HasPrefix(service, "PhoneMatch"):
		return []string{"VOIP NOT ALLOWED", detailOOBFail, "NO MATCH"}
	case strings.HasPrefix(service, "IDMatch"):
		return []string{"SSN CHECK FAILED", "ADDRESS CHECK FAILED", "DATE OF BIRTH CHECK FAILED", "NO MATCH"}
	default:
		return []string{"NO MATCH", "ADDRESS CHECK FAILED", "DATE OF BIRTH CHECK FAILED", "POSSIBLE MINOR"}
	}
}

// names are obviously fictional people.
var names = [][2]string{
	{"Jane", "Doe"}, {"John", "Doe"}, {"Alex", "Sample"}, {"Sam", "Example"},
	{"Chris", "Tester"}, {"Pat", "Placeholder"}, {"Robin", "Fictional"}, {"Taylor", "Mock"},
	{"Jordan", "Demo"}, {"Casey", "Specimen"}, {"Morgan", "Dummy"}, {"Riley", "Stub"},
}

var streets = []string{"1 Example Way", "22 Sample Street", "303 Test Avenue", "4 Placeholder Road"}

// Hostile strings: what a spreadsheet must not execute or choke on.
const (
	hostileFirst     = `=HYPERLINK("http://x")`
	hostileLast      = "+1+2"
	hostileDetail    = "-2+3"
	hostileIssue     = "@SUM(A1)"
	hostileControl   = "line\x00one\x07two\x1bthree\r\nfour\ttab"
	hostileReference = "Zoë 日本 🚀"
)

var hostileLong = strings.Repeat("LONG DETAIL ", 40000/12+1)[:40000]

var stampBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

const stampLayout = "2006-01-02 15:04:05.000000"

// plan is everything that varies in a 200 body, drawn from the id.
type plan struct {
	requestID string
	status    string // top-level status
	fn, ln    string
	email     string
	phone     string
	dob       string
	addr      [4]string // addr, city, state, zip
	reference string
	extra     int // which additionalData

	plus         bool
	service      string
	confirmation uint64
	action       string
	detail       string
	issues       []string

	journey    bool
	msDuration bool
	stops      []time.Time
	stopSource string // source of the middle stops: the service, unless echoed
	stopDetail string // detail of the middle stops
	lastDetail string // detail of the last stop: dcams_plus's, unless that one is oversized
}

// makePlan draws the body of id, played as case c. Every draw comes from one stream seeded by
// the id, so the steps keep their order: a draw moved or added in the middle would change
// every draw after it, and with them the bodies the same ids got before.
func makePlan(id string, c Case) plan {
	r := newRNG(id)
	p := casePlan(id, c)
	p.drawPerson(r)
	p.drawCheck(r)
	n := p.applyCase(c, p.drawStopCount(r))
	p.stopSource = p.service
	if p.lastDetail == "" {
		p.lastDetail = p.detail
	}
	if p.journey {
		p.stops = drawStops(r, n)
	}
	return p
}

// casePlan starts the plan of id with what case c fixes before anything is drawn: the status
// and the parts a body variant changes or leaves out belong to the case, not to the id.
func casePlan(id string, c Case) plan {
	p := plan{requestID: id, status: "PASS", plus: true, journey: true, stopDetail: detailMoreInfo}
	switch c {
	case CaseFail:
		p.status = "FAIL"
	case CasePending:
		p.status = "PENDING"
	case CaseReview:
		p.status = "REVIEW"
	case CaseBadStatus:
		p.status = "MAYBE"
	case CaseMismatch:
		p.requestID = id + "-other"
	case CaseNoJourney:
		p.journey = false
	case CaseMsDuration:
		p.msDuration = true
	case CaseNoPlus:
		p.plus = false
	}
	return p
}

// drawPerson draws the applicant: a client's output must cope with rows as varied as a real
// file's, with and without address, reference or additionalData.
func (p *plan) drawPerson(r *rng) {
	name := names[r.intn(len(names))]
	p.fn, p.ln = name[0], name[1]
	seq := r.intn(1000)
	p.email = strings.ToLower(p.fn+"."+p.ln) + strconv.Itoa(seq) + "@example.com"
	p.phone = "202-555-01" + twoDigits(r.intn(100))
	p.dob = "19" + twoDigits(40+r.intn(60)) + twoDigits(1+r.intn(12)) + twoDigits(1+r.intn(28))
	if r.intn(3) == 0 {
		p.addr = [4]string{streets[r.intn(len(streets))], "Springfield", "ZZ", "000" + twoDigits(r.intn(100))}
	}
	if r.intn(2) == 0 {
		p.reference = "REF-" + strconv.Itoa(100000+r.intn(900000))
	}
	p.extra = r.intn(3)
}

// drawCheck draws the dcams_plus check: its service and confirmation, and the action, detail
// and issues that go with p.status in the real API's answers, its documented disagreement
// included.
func (p *plan) drawCheck(r *rng) {
	p.service = services[r.intn(len(services))]
	p.confirmation = 100000000 + uint64(r.intn(900000000))
	switch p.status {
	case "PASS", "MAYBE":
		p.action, p.detail = "PASS", detailPassed
		if p.service == smart2FA {
			p.issues = []string{detailOOBOK}
		}
	case "FAIL":
		p.action = "FAIL"
		pool := failIssues(p.service)
		first := r.intn(len(pool))
		p.issues = []string{pool[first]}
		if r.intn(2) == 0 {
			p.issues = append(p.issues, pool[(first+1+r.intn(len(pool)-1))%len(pool)])
		}
		p.detail = p.issues[0]
	case "PENDING":
		// The documented webhook example: status PENDING while dcams_plus already says FAIL.
		if r.intn(2) == 0 {
			p.service, p.action, p.detail = smart2FA, "FAIL", detailOOBFail
			p.issues = []string{detailOOBFail}
		} else {
			p.action, p.detail = "PENDING", detailMoreInfo
			p.issues = []string{detailMoreInfo}
		}
	case "REVIEW":
		p.action, p.detail = "REVIEW", detailReview
		p.issues = []string{detailMoreInfo}
	}
}

// drawStopCount draws how many stops the journey has, whether or not there is one. A single
// stop is never drawn for CaseMsDuration: a journey of one stop lasts nothing, and a zero
// cannot tell milliseconds from seconds.
func (p *plan) drawStopCount(r *rng) int {
	n := 2 + r.intn(3) // a session of one stop (registration only) is rare
	if r.intn(10) == 0 && !p.msDuration {
		n = 1
	}
	return n
}

// applyCase puts in what the hostile, echo and large cases replace, and returns the number of
// stops, n unless c fixes it. It comes after the draws so that it only replaces drawn values:
// the rest of these bodies varies with the id like any other.
func (p *plan) applyCase(c Case, n int) int {
	switch c {
	case CaseHostile:
		p.fn, p.ln, p.detail = hostileFirst, hostileLast, hostileDetail
		p.issues = []string{hostileIssue, detailOOBOK}
		p.addr = [4]string{hostileControl, hostileReference, "ZZ", "00000"}
		p.reference = hostileReference
		p.stopDetail = hostileLong
		return 3
	case CaseEcho:
		return 3 // a middle stop to echo into
	case CaseBigDetail:
		p.lastDetail, p.detail = p.detail, bigDetail()
	case CaseManyIssues:
		p.issues = manyIssues()
	case CaseManyStops:
		return manyStops
	}
	return n
}

// drawStops draws the times of n stops: a start somewhere in 2024, then gaps of seconds with
// microseconds, as the API stamps them. Now and then the last gap is more than a day, a
// session left overnight, so that a duration shows hours past 24.
func drawStops(r *rng, n int) []time.Time {
	t := stampBase.Add(time.Duration(r.intn(366*86400))*time.Second + time.Duration(r.intn(1e6))*time.Microsecond)
	long := r.intn(25) == 0
	stops := make([]time.Time, n)
	for i := range stops {
		if i > 0 {
			gap := time.Duration(2+r.intn(40))*time.Second + time.Duration(r.intn(1e6))*time.Microsecond
			if long && i == n-1 {
				gap += time.Duration(86400+r.intn(3*3600)) * time.Second
			}
			t = t.Add(gap)
		}
		stops[i] = t
	}
	return stops
}

// appendSession appends the 200 body for id played as c.
func appendSession(b []byte, id string, c Case) []byte {
	p := makePlan(id, c)
	return p.appendBody(b)
}

// appendBody appends the 200 body of p.
func (p *plan) appendBody(b []byte) []byte {
	b = p.appendHead(b)
	b = appendString(b, p.requestID)
	return p.appendTail(b)
}

// appendHead appends the body up to the request_id's value, so that a large body can be
// rendered once for every id (see largeBody).
func (p *plan) appendHead(b []byte) []byte {
	b = append(b, `{"fn":`...)
	b = appendString(b, p.fn)
	b = append(b, `,"ln":`...)
	b = appendString(b, p.ln)
	b = append(b, `,"addr":`...)
	b = appendString(b, p.addr[0])
	b = append(b, `,"city":`...)
	b = appendString(b, p.addr[1])
	b = append(b, `,"state":`...)
	b = appendString(b, p.addr[2])
	b = append(b, `,"zip":`...)
	b = appendString(b, p.addr[3])
	b = append(b, `,"dob":`...)
	b = appendString(b, p.dob)
	b = append(b, `,"email":`...)
	b = appendString(b, p.email)
	b = append(b, `,"phone":`...)
	b = appendString(b, p.phone)
	b = append(b, `,"reference":`...)
	b = appendString(b, p.reference)
	b = append(b, `,"status":`...)
	b = appendString(b, p.status)
	return append(b, `,"request_id":`...)
}

// appendTail appends the body after the request_id's value.
func (p *plan) appendTail(b []byte) []byte {
	switch p.extra {
	case 0:
		b = append(b, `,"additionalData":{"customKey":"customValue"}`...)
	case 1:
		b = append(b, `,"additionalData":{}`...)
	default:
		b = append(b, `,"additionalData":{"channel":"web","campaign":"sim"}`...)
	}

	b = append(b, `,"dcams_plus":`...)
	if p.plus {
		b = append(b, `{"document_data":{},"output":{"vpin":{}},"api_processing_error":false,"service":`...)
		b = appendString(b, p.service)
		b = append(b, `,"confirmation":`...)
		b = strconv.AppendUint(b, p.confirmation, 10)
		b = append(b, `,"action":`...)
		b = appendString(b, p.action)
		b = append(b, `,"detail":`...)
		b = appendString(b, p.detail)
		b = append(b, `,"issues":[`...)
		for i, s := range p.issues {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, s)
		}
		b = append(b, "]}"...)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"storage":{"success":null},"journey":`...)
	if p.journey {
		b = p.appendJourney(b)
	} else {
		b = append(b, "null"...)
	}
	return append(b, `,"documents":null}`...)
}

func (p *plan) appendJourney(b []byte) []byte {
	b = append(b, `{"stops":[`...)
	last := len(p.stops) - 1
	for i, t := range p.stops {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"timestamp":"`...)
		b = t.AppendFormat(b, stampLayout)
		if i == 0 {
			b = append(b, `","type":"NEW REGISTRATION","source":"","status":"","action":"","detail":""}`...)
			continue
		}
		b = append(b, `","type":"Data Service","source":`...)
		status, action, source, detail := "PENDING", "PENDING", p.stopSource, p.stopDetail
		if i == last {
			status, action, source, detail = p.status, p.action, p.service, p.lastDetail
			if !p.plus {
				action = p.status
				detail = detailPassed
			}
		}
		b = appendString(b, source)
		b = append(b, `,"status":`...)
		b = appendString(b, status)
		b = append(b, `,"action":`...)
		b = appendString(b, action)
		b = append(b, `,"detail":`...)
		b = appendString(b, detail)
		b = append(b, '}')
	}
	b = append(b, `],"duration":`...)
	d := p.stops[last].Sub(p.stops[0])
	if p.msDuration {
		b = strconv.AppendInt(b, d.Milliseconds(), 10)
	} else {
		b = append(b, '"')
		b = appendDuration(b, d)
		b = append(b, '"')
	}
	return append(b, '}')
}

// appendDuration writes d the way the API does: "00h 00m 32s", hours past 23 kept.
func appendDuration(b []byte, d time.Duration) []byte {
	s := int(d / time.Second)
	h, m := s/3600, s/60%60
	s %= 60
	if h < 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, int64(h), 10)
	b = append(b, "h "...)
	b = append(b, twoDigits(m)...)
	b = append(b, "m "...)
	b = append(b, twoDigits(s)...)
	return append(b, 's')
}

func twoDigits(n int) string {
	const digits = "0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849505152535455565758596061626364656667686970717273747576777879808182838485868788899091929394959697989900"
	return digits[2*n : 2*n+2]
}

// appendString appends s as a JSON string. s is valid UTF-8 (it comes from this package), so
// only quotes, backslashes and control characters need escaping.
func appendString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// echo fills p's strings with the Authorization header value auth and its bare token, as an
// API that reflects what it was sent would: every string of the body then holds the token,
// and a client must redact it before anything reaches an output.
func (p *plan) echo(auth string) {
	tok, _ := bearerToken(auth)
	// A header value may hold any byte but control characters; the body must stay valid JSON.
	auth, tok = strings.ToValidUTF8(auth, "\uFFFD"), strings.ToValidUTF8(tok, "\uFFFD")
	p.fn, p.ln, p.reference = tok, auth, tok
	p.detail = "Authorization: " + auth
	p.issues = []string{auth, "TOKEN " + tok}
	p.stopSource, p.stopDetail = auth, tok
}

// SessionBody returns the 200 body the server sends for id on night 0 once any transient fault
// of its case is over: a valid session-result JSON for the answering cases (the large ones
// too, 7-8 MB each), the invalid or cut body for CaseBadJSON and CaseTruncated, and nil for
// cases that never answer 200 with a body of their own (202, 404, errors, hang, huge,
// redirect, ...) and for CaseEcho, whose body depends on the request. Tests and fuzzers use it
// as a fixture.
func SessionBody(id string) []byte {
	switch c := CaseOf(id); c {
	case CaseBadJSON:
		return appendBadJSON(nil, id)
	case CaseTruncated:
		full := appendSession(nil, id, CasePass)
		return full[:len(full)/2]
	case CaseBigDetail, CaseManyIssues, CaseManyStops:
		return largeBodies[c]().append(nil, id)
	case CaseInProgress, CaseNotFound, CaseServerError, CaseBadRequest, CaseHang, CaseStall,
		CaseClose, CaseShortBody, CaseHuge, CaseUnauthorized, CaseForbidden, CaseRedirect, CaseEcho:
		return nil
	default:
		return appendSession(nil, id, bodyCase(c))
	}
}

// bodyCase maps a case to the body its final 200 carries: the transient faults end in PASS.
func bodyCase(c Case) Case {
	switch c {
	case CaseFail, CasePending, CaseReview, CaseNoJourney, CaseMsDuration, CaseNoPlus,
		CaseMismatch, CaseBadStatus, CaseHostile:
		return c
	}
	return CasePass
}

// appendBadJSON appends a body that starts like a session result and is not JSON.
func appendBadJSON(b []byte, id string) []byte {
	b = append(b, `{"request_id":`...)
	b = appendString(b, id)
	return append(b, `,"status":"PASS","dcams_plus":{"confirmation":NaN,"issues":[,]},}`...)
}
