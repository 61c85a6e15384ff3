package report

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// documentedBody is the 200 example of docs/api/get-session-result.md, trimmed to what the
// Session type decodes.
const documentedBody = `{
    "fn": "John", "ln": "Doe", "dob": "19900101",
    "status": "PASS",
    "request_id": "19fe3b9e-384e-41d1-bded-8de9ef3abacb",
    "dcams_plus": {
        "service": "PhoneMatch5.0.Smart2FA.SMS",
        "confirmation": 180603431,
        "action": "PASS",
        "detail": "ALL CHECKS PASSED",
        "issues": ["OUT-OF-BAND SUCCESSFUL"]
    },
    "journey": {
        "stops": [
            {"timestamp": "2024-08-19 20:56:25.223174", "type": "NEW REGISTRATION"},
            {"timestamp": "2024-08-19 20:56:41.280685", "type": "Data Service", "status": "PENDING"},
            {"timestamp": "2024-08-19 20:56:57.448256", "type": "Data Service", "status": "PASS"}
        ],
        "duration": "00h 00m 32s"
    },
    "documents": null
}`

func decode(t *testing.T, body string) *recon.Result {
	t.Helper()
	var s recon.Session
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return &recon.Result{ID: s.RequestID, Class: recon.Pass, Session: &s}
}

func TestDeriveDocumented(t *testing.T) {
	d := Derive(decode(t, documentedBody))
	start := time.Date(2024, 8, 19, 20, 56, 25, 223174000, time.UTC)
	want := Derived{
		Service:     "PhoneMatch5.0.Smart2FA.SMS",
		Issues:      []string{"OUT-OF-BAND SUCCESSFUL"},
		Duration:    32 * time.Second,
		HasDuration: true,
		Started:     start,
		Finished:    time.Date(2024, 8, 19, 20, 56, 57, 448256000, time.UTC),
		Stops: []StopTime{
			{At: start, Elapsed: 0, OK: true},
			{At: time.Date(2024, 8, 19, 20, 56, 41, 280685000, time.UTC), Elapsed: 16057511 * time.Microsecond, OK: true},
			{At: time.Date(2024, 8, 19, 20, 56, 57, 448256000, time.UTC), Elapsed: 32225082 * time.Microsecond, OK: true},
		},
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("Derive(documented) =\n%+v\nwant\n%+v", d, want)
	}
}

func TestDerive(t *testing.T) {
	t0 := time.Date(2024, 8, 19, 20, 56, 25, 0, time.UTC)
	stops := func(ts ...string) []recon.Stop {
		var out []recon.Stop
		for _, s := range ts {
			out = append(out, recon.Stop{Timestamp: s})
		}
		return out
	}
	session := func(p *recon.Plus, j *recon.Journey) *recon.Result {
		return &recon.Result{Class: recon.Pass, Session: &recon.Session{Status: "PASS", Plus: p, Journey: j}}
	}
	tests := []struct {
		name string
		r    *recon.Result
		want Derived
	}{
		{"nil result", nil, Derived{}},
		{"no session", &recon.Result{Class: recon.NotFound, HTTPStatus: 404}, Derived{}},
		{"nil plus, nil journey", session(nil, nil), Derived{}},
		{
			"no journey keeps service and issues",
			session(&recon.Plus{Service: "IDMatch5.0", Issues: []string{"NO MATCH"}}, nil),
			Derived{Service: "IDMatch5.0", Issues: []string{"NO MATCH"}},
		},
		{
			"duplicate issues",
			session(&recon.Plus{Service: " AgeMatch5.0 ", Issues: []string{"NO MATCH", " NO MATCH ", "", "  ", "POSSIBLE MINOR", "NO MATCH", "AGE NOT VERIFIED"}}, nil),
			Derived{Service: "AgeMatch5.0", Issues: []string{"NO MATCH", "POSSIBLE MINOR", "AGE NOT VERIFIED"}},
		},
		{
			"only empty issues",
			session(&recon.Plus{Issues: []string{"", " "}}, nil),
			Derived{},
		},
		{
			"missing duration: last minus first",
			session(nil, &recon.Journey{Stops: stops("2024-08-19 20:56:25", "2024-08-19 20:56:30", "2024-08-19 20:57:05.5")}),
			Derived{
				Duration: 40500 * time.Millisecond, HasDuration: true,
				Started: t0, Finished: t0.Add(40500 * time.Millisecond),
				Stops: []StopTime{
					{At: t0, OK: true},
					{At: t0.Add(5 * time.Second), Elapsed: 5 * time.Second, OK: true},
					{At: t0.Add(40500 * time.Millisecond), Elapsed: 40500 * time.Millisecond, OK: true},
				},
			},
		},
		{
			"null duration falls back",
			session(nil, &recon.Journey{Stops: stops("2024-08-19 20:56:25", "2024-08-19 20:56:30"), Duration: json.RawMessage(`null`)}),
			Derived{
				Duration: 5 * time.Second, HasDuration: true, Started: t0, Finished: t0.Add(5 * time.Second),
				Stops: []StopTime{{At: t0, OK: true}, {At: t0.Add(5 * time.Second), Elapsed: 5 * time.Second, OK: true}},
			},
		},
		{
			"unreadable duration and stops: skip the bad stop",
			session(nil, &recon.Journey{Stops: stops("soon", "2024-08-19 20:56:25", "2024-08-19 20:56:35"), Duration: json.RawMessage(`"later"`)}),
			Derived{
				Duration: 10 * time.Second, HasDuration: true, Started: t0, Finished: t0.Add(10 * time.Second),
				Stops: []StopTime{{}, {At: t0, OK: true}, {At: t0.Add(10 * time.Second), Elapsed: 10 * time.Second, OK: true}},
			},
		},
		{
			"one stop: no duration",
			session(nil, &recon.Journey{Stops: stops("2024-08-19 20:56:25")}),
			Derived{Started: t0, Finished: t0, Stops: []StopTime{{At: t0, OK: true}}},
		},
		{
			"negative duration refused",
			session(nil, &recon.Journey{Stops: stops("2024-08-19 20:56:25"), Duration: json.RawMessage(`-5000`)}),
			Derived{Started: t0, Finished: t0, Stops: []StopTime{{At: t0, OK: true}}},
		},
		{
			"ms duration wins over stops",
			session(nil, &recon.Journey{Stops: stops("2024-08-19 20:56:25", "2024-08-19 20:56:30"), Duration: json.RawMessage(`21000`)}),
			Derived{
				Duration: 21 * time.Second, HasDuration: true, Started: t0, Finished: t0.Add(5 * time.Second),
				Stops: []StopTime{{At: t0, OK: true}, {At: t0.Add(5 * time.Second), Elapsed: 5 * time.Second, OK: true}},
			},
		},
		{
			"times going backwards: min and max",
			session(nil, &recon.Journey{Stops: stops("2024-08-19 20:56:30", "2024-08-19 20:56:25", "2024-08-19 20:56:45", "2024-08-19 20:56:40")}),
			Derived{
				Duration: 20 * time.Second, HasDuration: true, Started: t0, Finished: t0.Add(20 * time.Second),
				Stops: []StopTime{
					{At: t0.Add(5 * time.Second), OK: true},
					{At: t0, Elapsed: -5 * time.Second, OK: true},
					{At: t0.Add(20 * time.Second), Elapsed: 15 * time.Second, OK: true},
					{At: t0.Add(15 * time.Second), Elapsed: 10 * time.Second, OK: true},
				},
			},
		},
		{
			"zoned stops in UTC",
			session(nil, &recon.Journey{Stops: stops("2024-08-19T22:56:25+02:00", "2024-08-19T20:56:26Z")}),
			Derived{
				Duration: time.Second, HasDuration: true, Started: t0, Finished: t0.Add(time.Second),
				Stops: []StopTime{{At: t0, OK: true}, {At: t0.Add(time.Second), Elapsed: time.Second, OK: true}},
			},
		},
		{
			"empty journey",
			session(nil, &recon.Journey{}),
			Derived{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Derive(tt.r)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Derive =\n%+v\nwant\n%+v", got, tt.want)
			}
			// DeriveBrief: the same service, issues and duration.
			b := DeriveBrief(tt.r)
			if b.Service != got.Service || !reflect.DeepEqual(b.Issues, got.Issues) || b.HasDuration != got.HasDuration || b.Duration != got.Duration {
				t.Errorf("DeriveBrief =\n%+v\nDerive\n%+v", b, got)
			}
		})
	}
}

func TestDeriveManyIssues(t *testing.T) {
	// Past the small-list scan, de-duplication switches to a map; the result must not change.
	var in []string
	for i := range 1000 {
		in = append(in, []string{"A", " B", "C ", ""}[i%4])
	}
	d := Derive(&recon.Result{Session: &recon.Session{Plus: &recon.Plus{Issues: in}}})
	if want := []string{"A", "B", "C"}; !reflect.DeepEqual(d.Issues, want) {
		t.Errorf("Issues = %q, want %q", d.Issues, want)
	}
}
