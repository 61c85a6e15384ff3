package sim

import (
	"math/bits"
	"strconv"
	"strings"

	"github.com/vxrecon/vxrecon/recon"
)

// Case is one behaviour of the simulated API. The server picks it from the request id alone,
// so a test asks for a behaviour by asking for an id: ID(CaseFlaky, 7) is "sim-flaky-000007",
// and every request for that id behaves as CaseFlaky says.
type Case string

// The cases. The comment on each says what the server answers for an id of that case;
// "then 200" means the later attempts for the same id get a normal PASS body.
const (
	CasePass       Case = "pass"       // 200, status PASS, full body
	CaseFail       Case = "fail"       // 200, status FAIL, with issues
	CasePending    Case = "pending"    // 200, status PENDING (dcams_plus.action is PENDING or, for some ids, FAIL)
	CaseReview     Case = "review"     // 200, status REVIEW
	CaseInProgress Case = "inprogress" // 202 IN PROGRESS
	CaseNotFound   Case = "notfound"   // 404 NOT FOUND
	CaseNoJourney  Case = "nojourney"  // 200 PASS with "journey": null
	CaseMsDuration Case = "msduration" // 200 PASS with journey.duration in integer milliseconds
	CaseNoPlus     Case = "noplus"     // 200 PASS with "dcams_plus": null

	CaseServerError    Case = "servererror"    // 500 on every attempt
	CaseFlaky          Case = "flaky"          // 500 on the first 2 attempts, then 200
	CaseRateLimited    Case = "ratelimited"    // 429 with Retry-After: 1 on the first attempt, then 200
	CaseRetryAfterDate Case = "retryafterdate" // 429 with an HTTP-date Retry-After 1-2 s ahead, then 200
	CaseTimeout408     Case = "timeout408"     // 408 on the first attempt, then 200
	Case502            Case = "502"            // 502 (an HTML body, as a proxy sends it) once, then 200
	Case503            Case = "503"            // 503 once, then 200
	Case504            Case = "504"            // 504 once, then 200

	CaseBadJSON    Case = "badjson"    // 200 whose body is not valid JSON
	CaseTruncated  Case = "truncated"  // 200 with the first half of a PASS body; Content-Length matches
	CaseMismatch   Case = "mismatch"   // 200 PASS whose request_id is not the one asked
	CaseBadStatus  Case = "badstatus"  // 200 with status "MAYBE"
	CaseBadRequest Case = "badrequest" // 400 on every attempt

	CaseSlow      Case = "slow"      // 200 PASS after Options.SlowDelay
	CaseHang      Case = "hang"      // no answer until the client goes away or the server closes
	CaseStall     Case = "stall"     // headers and half the body, then nothing until the client goes away
	CaseClose     Case = "close"     // the connection is closed without an answer, every attempt
	CaseShortBody Case = "shortbody" // declares Content-Length 10000, sends 100 bytes and closes
	CaseHuge      Case = "huge"      // 200 with a 64 MiB body (chunked, no Content-Length)

	CaseUnauthorized Case = "unauthorized" // 401 on every attempt, whatever the token
	CaseForbidden    Case = "forbidden"    // 403 on every attempt
	CaseHostile      Case = "hostile"      // 200 PASS whose strings attack a spreadsheet (formulas, control characters, 40,000 characters, emoji)

	// Large bodies, for memory tests: each a 200 PASS with Content-Length, valid JSON and the
	// request_id asked, under 8 MiB (the client's limit) so that it must be taken, not refused.
	CaseBigDetail  Case = "bigdetail"  // dcams_plus.detail is 7.9 MB of text
	CaseManyIssues Case = "manyissues" // 300,000 issue strings, nine in ten distinct
	CaseManyStops  Case = "manystops"  // a journey of 40,000 stops

	// Security: what a client must not do with an answer.
	CaseRedirect Case = "redirect" // 302 to https://elsewhere.invalid/api/session/result/ID, every attempt: never to be followed
	CaseEcho     Case = "echo"     // 200 PASS whose strings (names, reference, detail, issues, a stop) echo the Authorization header and its bare token
)

// Cases lists every case, in the order above.
func Cases() []Case {
	return []Case{
		CasePass, CaseFail, CasePending, CaseReview, CaseInProgress, CaseNotFound,
		CaseNoJourney, CaseMsDuration, CaseNoPlus,
		CaseServerError, CaseFlaky, CaseRateLimited, CaseRetryAfterDate, CaseTimeout408,
		Case502, Case503, Case504,
		CaseBadJSON, CaseTruncated, CaseMismatch, CaseBadStatus, CaseBadRequest,
		CaseSlow, CaseHang, CaseStall, CaseClose, CaseShortBody, CaseHuge,
		CaseUnauthorized, CaseForbidden, CaseHostile,
		CaseBigDetail, CaseManyIssues, CaseManyStops, CaseRedirect, CaseEcho,
	}
}

var knownCases = func() map[string]Case {
	m := make(map[string]Case)
	for _, c := range Cases() {
		m[string(c)] = c
	}
	return m
}()

// Expected returns the class a correct client reaches for an id of this case with the default
// settings (4 retries, 30 s timeout) on night 0 (see Options.Night and CaseOnNight).
// CaseUnauthorized and CaseForbidden also stop the whole run.
func (c Case) Expected() recon.Class {
	switch c {
	case CasePass, CaseNoJourney, CaseMsDuration, CaseNoPlus, CaseFlaky, CaseRateLimited,
		CaseRetryAfterDate, CaseTimeout408, Case502, Case503, Case504, CaseSlow, CaseHostile,
		CaseBigDetail, CaseManyIssues, CaseManyStops, CaseEcho:
		return recon.Pass
	case CaseFail:
		return recon.Fail
	case CasePending, CaseReview, CaseInProgress:
		return recon.InProgress
	case CaseNotFound:
		return recon.NotFound
	default:
		return recon.Error
	}
}

// idPrefix starts every id that names its case.
const idPrefix = "sim-"

// ID returns a request id that makes the server behave as c; different n give different ids
// (and different, but equally deterministic, names, services and journeys).
func ID(c Case, n int) string {
	num := strconv.Itoa(n)
	if n >= 0 && len(num) < 6 {
		num = strings.Repeat("0", 6-len(num)) + num
	}
	return idPrefix + string(c) + "-" + num
}

// CaseOf returns the case the server plays for id. Ids made by ID (or any "sim-CASE" or
// "sim-CASE-anything") get their case back; every other id, such as a UUID, gets one from a
// weighted default mix chosen by a hash of the id: about 60% PASS (with a few of them without
// journey, without dcams_plus or with a duration in milliseconds), 20% FAIL, 5% PENDING or
// REVIEW, 5% 202, 5% 404 and 5% transient or permanent faults (flaky, bad JSON, 500). A 429
// comes from a rate the server enforces (Options.RateLimit), never from the id: a real API
// limits a client by its pace, not by which ids it asks for.
// The default mix never hangs, stalls, closes, sends a huge or large body, refuses the token,
// redirects or sends hostile or echoed strings.
func CaseOf(id string) Case {
	if rest, ok := strings.CutPrefix(id, idPrefix); ok {
		name, _, _ := strings.Cut(rest, "-")
		if c, ok := knownCases[name]; ok {
			return c
		}
	}
	return mixCase(hashID(id))
}

// mixCase picks a case of the default mix from a hash, in thousandths.
func mixCase(h uint64) Case {
	switch p := h % 1000; {
	case p < 540:
		return CasePass
	case p < 560:
		return CaseNoJourney
	case p < 580:
		return CaseMsDuration
	case p < 600:
		return CaseNoPlus
	case p < 800:
		return CaseFail
	case p < 825:
		return CasePending
	case p < 850:
		return CaseReview
	case p < 900:
		return CaseInProgress
	case p < 950:
		return CaseNotFound
	case p < 980:
		return CaseFlaky
	case p < 990:
		return CaseBadJSON
	default:
		return CaseServerError
	}
}

// CaseOnNight returns the case the server plays for id on the given night (Options.Night):
// CaseOf on night 0; from night 1 on, an id whose case answers IN PROGRESS may have settled
// into CasePass or CaseFail. The night an id settles is drawn from its hash like a coin
// tossed each night: about half settle on night 1, half of the rest on night 2, and so on,
// about 70% of them as PASS. A settled id stays settled, with the same answer, every later
// night: sessions finish, they do not start again. Every other id keeps its case.
func CaseOnNight(id string, night int) Case {
	c := CaseOf(id)
	if night < 1 || c.Expected() != "IN PROGRESS" {
		return c
	}
	h := seededHash(id, nightSeed)
	// Trailing zeros are geometric: the settling night is 1 with odds 1/2, 2 with 1/4, ...
	if bits.TrailingZeros64(h) >= night {
		return c
	}
	if (h>>32)%10 < 7 { // high bits: independent of the low ones that chose the night
		return CasePass
	}
	return CaseFail
}

// Seeds of the independent hashes drawn from one id: the body's variations, the fault of
// Options.FaultRate and the night a session settles must not follow the case or each other.
const (
	rngSeed   = 0x5bd1e9955bd1e995
	faultSeed = 0x6661756c74726174
	nightSeed = 0x6e696768746c7921
)

// hashID is 64-bit FNV-1a: cheap, allocation-free and stable across releases (unlike maphash).
func hashID(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// seededHash is a hash of id that is independent of hashID (and so of the case) for each seed:
// mix64 lets every bit of the seed change every bit of the result.
func seededHash(id string, seed uint64) uint64 { return mix64(hashID(id) ^ seed) }

// mix64 is splitmix64's finalizer.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// rng is splitmix64: a tiny deterministic stream of variations seeded from an id.
type rng struct{ s uint64 }

func newRNG(id string) *rng { return &rng{s: hashID(id) ^ rngSeed} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// demoCases are the cases DemoIDs always covers, most important first: every class, the
// body variants, and the faults a client meets in practice. Nothing that needs a timeout
// (hang, stall) or stops the run (401, 403) is among them.
var demoCases = []Case{
	CasePass, CaseFail, CasePending, CaseReview, CaseInProgress, CaseNotFound,
	CaseNoJourney, CaseMsDuration, CaseNoPlus,
	CaseServerError, CaseFlaky, CaseRateLimited, CaseBadJSON, CaseMismatch, CaseBadStatus,
	CaseHostile,
	CaseRetryAfterDate, CaseTruncated, Case503, CaseTimeout408,
}

// DemoIDs returns n deterministic ids for a demonstration run: one of each of the demo cases
// (every class, the body variants and the common faults; if n is smaller, the first n of
// them), spread through the list, and UUID-like ids from the default mix for the rest.
// It never returns a hanging, huge, large, redirecting, echoing, 401 or 403 id.
func DemoIDs(n int) []string {
	if n <= 0 {
		return nil
	}
	ids := make([]string, n)
	r := &rng{s: 0x76787265636f6e} // fixed seed: the demo is the same every time
	for i := range ids {
		ids[i] = uuidLike(r)
	}
	k := min(n, len(demoCases))
	step := n / k
	for i := range k {
		ids[i*step] = ID(demoCases[i], 1)
	}
	return ids
}

// uuidLike formats 128 bits from r as a version-4 UUID.
func uuidLike(r *rng) string {
	const hexDigits = "0123456789abcdef"
	a, b := r.next(), r.next()
	var raw [16]byte
	for i := range 8 {
		raw[i] = byte(a >> (8 * i))
		raw[8+i] = byte(b >> (8 * i))
	}
	raw[6] = raw[6]&0x0f | 0x40
	raw[8] = raw[8]&0x3f | 0x80
	out := make([]byte, 0, 36)
	for i, c := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return string(out)
}

// validID reports whether id is one the API could have issued: 1-128 letters, digits, '-',
// '_' or '.', the same rule vxrecon applies to its input.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}
