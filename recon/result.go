package recon

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Result is the classified answer for one request id. A failed fetch is a Result too, with
// Class Error and the reason in Err. The JSON form is the journal's line.
type Result struct {
	ID         string    `json:"id"`
	Class      Class     `json:"class"`
	HTTPStatus int       `json:"http_status,omitempty"`
	Attempts   int       `json:"attempts"`
	Err        string    `json:"error,omitempty"`
	Message    string    `json:"message,omitempty"` // the "message" of a 202/404/5xx body
	Detail     string    `json:"detail,omitempty"`  // the "detail" of a 202/404/5xx body
	Session    *Session  `json:"session,omitempty"` // the decoded 200 body
	FetchedAt  time.Time `json:"fetched_at,omitzero"`
	// PII is set only on journal lines: the -pii mode the personal fields were kept under
	// ("" = as the API sent them), so a rerun that wants more asks the API again.
	PII string `json:"pii,omitempty"`
}

// NotFetched is the result of an id that was never asked: Class Error, "not fetched: why".
func NotFetched(id, why string) Result {
	return Result{ID: id, Class: Error, Err: "not fetched: " + why}
}

// Session is the part of a 200 session-result body that vxrecon uses (docs/api/).
type Session struct {
	RequestID string   `json:"request_id"`
	Status    string   `json:"status"`
	Reference string   `json:"reference,omitempty"`
	FirstName string   `json:"fn,omitempty"`
	LastName  string   `json:"ln,omitempty"`
	Email     string   `json:"email,omitempty"`
	Phone     string   `json:"phone,omitempty"`
	DOB       string   `json:"dob,omitempty"`
	Plus      *Plus    `json:"dcams_plus,omitempty"`
	Journey   *Journey `json:"journey,omitempty"`
}

// Plus is the dcams_plus block: the most recent verification transaction.
type Plus struct {
	Service      string     `json:"service,omitempty"`
	Confirmation FlexString `json:"confirmation,omitempty"`
	Action       string     `json:"action,omitempty"`
	Detail       string     `json:"detail,omitempty"`
	Issues       []string   `json:"issues,omitempty"`
	// IssuesCut counts the issues dropped beyond what the Issues cell can show (MaxText).
	IssuesCut int `json:"issues_cut,omitempty"`
}

// Journey is the list of stops a session went through.
type Journey struct {
	Stops []Stop `json:"stops,omitempty"`
	// StopsCut counts the stops dropped beyond MaxStops or MaxSessionText.
	StopsCut int `json:"stops_cut,omitempty"`
	// Duration is kept raw: the API sends text ("00h 00m 32s") or integer milliseconds.
	Duration json.RawMessage `json:"duration,omitempty"`
}

// Stop is one journey stop.
type Stop struct {
	Timestamp string `json:"timestamp"`
	Type      string `json:"type,omitempty"`
	Source    string `json:"source,omitempty"`
	Status    string `json:"status,omitempty"`
	Action    string `json:"action,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// FlexString accepts a JSON string, number, bool or null and keeps its text; the API's
// "confirmation" is documented as a number, but a careful reader takes either.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (s *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = FlexString(v)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9') || string(b) == "true" || string(b) == "false":
		*s = FlexString(b)
	default:
		return fmt.Errorf("confirmation: want a string or number, got %.20s", b)
	}
	return nil
}
