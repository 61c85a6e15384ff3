package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// StatusError is a non-2xx answer that is not one of the documented answers (202 and 404).
// Callers branch on Code with errors.As; Message is the "message" of a JSON error body.
type StatusError struct {
	Code    int
	Message string
}

// Error reads like "http 500: INTERNAL SERVER ERROR", or "http 400" without a message.
func (e *StatusError) Error() string {
	if e.Message == "" {
		return "http " + strconv.Itoa(e.Code)
	}
	return "http " + strconv.Itoa(e.Code) + ": " + e.Message
}

// errorBody is the JSON body the API sends with 202, 404 and 5xx answers.
type errorBody struct {
	Message string `json:"message"`
	Detail  string `json:"detail"`
}

// maxReason bounds any text taken from a body into an error reason, so that a hostile or
// broken server cannot fill logs and the Errors sheet.
const maxReason = 120

// clip makes s safe for a one-line reason: control characters become spaces, and text over
// n bytes is cut with an ellipsis.
func clip(s string, n int) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == utf8.RuneError {
				return ' '
			}
			return r
		}, s)
	}
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// parseErrorBody takes message and detail from a JSON object body; any other body gives
// empty strings. The body is optional on 202, 404 and errors, so a bad one is not a failure.
func parseErrorBody(body []byte) (message, detail string) {
	if !isObject(body) {
		return "", ""
	}
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return "", ""
	}
	return eb.Message, eb.Detail
}

// isObject reports whether body, after leading white space, starts like a JSON object.
func isObject(body []byte) bool {
	for _, c := range body {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return true
		default:
			return false
		}
	}
	return false
}

// checkResponse turns a status code that is not an answer into a typed error: *AuthError for
// 401 and 403, *StatusError for everything else. 200, 202 and 404 are answers (nil).
func checkResponse(code int, body []byte) error {
	switch code {
	case 200, 202, 404:
		return nil
	case 401, 403:
		return &AuthError{Code: code}
	}
	msg, _ := parseErrorBody(body)
	return &StatusError{Code: code, Message: clip(strings.TrimSpace(msg), maxReason)}
}

// Classify classifies one complete answer, the status code and the whole body, for the id
// that was asked, exactly as Fetch does once retries and transport failures are behind it
// (but for redacting credentials, which a Client knows). It lets benchmarks and tools replay
// recorded answers without a server.
func Classify(id string, status int, body []byte) recon.Result {
	r := classify(id, status, body)
	if r.Session != nil {
		limitSession(r.Session)
	}
	return r
}

// classify classifies one complete answer: the status code and the whole body of one attempt,
// for the id that was asked. It is the single place that applies the classification table of docs/SPEC.md;
// retries, timeouts and transport failures are decided before it is called. Class is Error
// exactly when Err is set.
//
// The top-level status is compared after trimming white space and without regard to case
// ("pass" is PASS): the documented values are upper case, and a server that changes case has
// not changed its meaning. Any other value, the empty one included, is an error.
func classify(id string, code int, body []byte) recon.Result {
	r := recon.Result{ID: id, HTTPStatus: code}
	if err := checkResponse(code, body); err != nil {
		r.Class = recon.Error
		r.Err = err.Error()
		r.Message, r.Detail = parseErrorBody(body)
		return r
	}
	switch code {
	case 202:
		r.Class = recon.InProgress
		r.Message, r.Detail = parseErrorBody(body)
		return r
	case 404:
		r.Class = recon.NotFound
		r.Message, r.Detail = parseErrorBody(body)
		return r
	}
	if !isObject(body) {
		r.Class = recon.Error
		if len(strings.TrimSpace(string(body))) == 0 {
			r.Err = "bad JSON: empty body"
		} else {
			r.Err = "bad JSON: not an object"
		}
		return r
	}
	dup, variant := checkKeys(body)
	if dup != "" {
		r.Class = recon.Error
		r.Err = fmt.Sprintf("bad JSON: the key %q appears more than once", dup)
		return r
	}
	if variant {
		if exact, err := exactKeys(body); err == nil {
			body = exact
		}
	}
	s := new(recon.Session)
	if err := json.Unmarshal(body, s); err != nil {
		r.Class = recon.Error
		r.Err = "bad JSON: " + clip(strings.TrimPrefix(jsonReason(err), "json: "), maxReason)
		return r
	}
	if s.RequestID != id {
		// Another session's data must not stand under the id asked: no Session, only the reason.
		r.Class = recon.Error
		r.Err = fmt.Sprintf("request_id mismatch: got %q", clip(s.RequestID, maxReason))
		return r
	}
	r.Session = s
	switch strings.ToUpper(strings.TrimSpace(s.Status)) {
	case "PASS":
		r.Class = recon.Pass
	case "FAIL":
		r.Class = recon.Fail
	case "PENDING", "REVIEW":
		r.Class = recon.InProgress
	default:
		r.Class = recon.Error
		r.Err = fmt.Sprintf("undocumented status %q", clip(s.Status, maxReason))
	}
	return r
}

// jsonReason words a decoding error; a body cut short reads as truncated JSON.
func jsonReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Error() == "unexpected end of JSON input" {
		return "truncated JSON"
	}
	return err.Error()
}
