package vx

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/vxrecon/vxrecon/recon"
)

// TestLimitSession: a body near the 8 MiB limit, whether one huge text, 300,000 issues or
// 40,000 stops, decodes to a session that keeps no more than the workbook can show, with the
// cut marked and counted.
func TestLimitSession(t *testing.T) {
	issues := make([]string, 300_000)
	for i := range issues {
		issues[i] = fmt.Sprintf("ISSUE %06d", i)
	}
	stops := make([]map[string]string, 40_000)
	for i := range stops {
		stops[i] = map[string]string{"timestamp": "2024-08-19 20:56:25", "type": "Data Service", "detail": strings.Repeat("d", 150)}
	}
	for _, tc := range []struct {
		name  string
		plus  map[string]any
		stops []map[string]string
		check func(t *testing.T, s *recon.Session)
	}{
		{"7.9 MB detail", map[string]any{"detail": strings.Repeat("LONG DETAIL ", 7_900_000/12)}, nil, func(t *testing.T, s *recon.Session) {
			d := s.Plus.Detail
			if n := len(utf16.Encode([]rune(d))); n > recon.MaxText || !strings.HasSuffix(d, recon.CutMarker) {
				t.Errorf("detail: %d units, marker %v", n, strings.HasSuffix(d, recon.CutMarker))
			}
		}},
		{"300k issues", map[string]any{"issues": issues}, nil, func(t *testing.T, s *recon.Session) {
			p := s.Plus
			joined := strings.Join(p.Issues, "; ")
			if len(joined) > recon.MaxText-64+len("; ISSUE 000000") || len(joined) < recon.MaxText-100 {
				t.Errorf("kept %d issues, %d characters joined", len(p.Issues), len(joined))
			}
			if p.IssuesCut+len(p.Issues) != len(issues) {
				t.Errorf("kept %d + cut %d != %d", len(p.Issues), p.IssuesCut, len(issues))
			}
		}},
		{"40k stops", nil, stops, func(t *testing.T, s *recon.Session) {
			j := s.Journey
			if len(j.Stops) != recon.MaxStops || j.StopsCut != len(stops)-recon.MaxStops {
				t.Errorf("kept %d stops, cut %d", len(j.Stops), j.StopsCut)
			}
		}},
		{"1,000 stops of 32k text", nil, func() []map[string]string {
			big := make([]map[string]string, 1000)
			for i := range big {
				big[i] = map[string]string{"timestamp": "2024-08-19 20:56:25", "detail": strings.Repeat("x", 40_000)}
			}
			return big
		}(), func(t *testing.T, s *recon.Session) {
			j := s.Journey
			text := 0
			for _, st := range j.Stops {
				text += len(st.Detail) + len(st.Timestamp)
			}
			if text > recon.MaxSessionText+recon.MaxText+64 || j.StopsCut == 0 {
				t.Errorf("kept %d stops holding %d bytes of text, cut %d", len(j.Stops), text, j.StopsCut)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{"request_id": "big", "status": "PASS"}
			if tc.plus != nil {
				body["dcams_plus"] = tc.plus
			}
			if tc.stops != nil {
				body["journey"] = map[string]any{"stops": tc.stops}
			}
			b, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			r := Classify("big", 200, b)
			if r.Class != recon.Pass || r.Session == nil {
				t.Fatalf("%s: %s", r.Class, r.Err)
			}
			tc.check(t, r.Session)
			// What the journal keeps is bounded too.
			if line, _ := json.Marshal(r); len(line) > recon.MaxSessionText+2*recon.MaxText {
				t.Errorf("journal line of %d bytes", len(line))
			}
		})
	}
}
