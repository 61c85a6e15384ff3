package vx

import (
	"testing"

	"github.com/vxrecon/vxrecon/recon"
)

// TestExactKeys: case variants of documented keys are dropped at every level, the documented
// spelling wins whatever the order, and undocumented keys are left alone.
func TestExactKeys(t *testing.T) {
	body := `{"STATUS":"PASS","status":"FAIL","request_id":"a1","Fn":"X","fn":"Ann",` +
		`"dcams_plus":{"Action":"PASS","action":"FAIL","Service":"s2","service":"s1","extra":1},` +
		`"journey":{"Stops":[],"stops":[{"Status":"x","status":"done","timestamp":"t"}],"duration":1500}}`
	r := classify("a1", 200, []byte(body))
	if r.Class != recon.Fail || r.Session == nil {
		t.Fatalf("class %v (%s), want FAIL", r.Class, r.Err)
	}
	s := r.Session
	if s.FirstName != "Ann" || s.Plus.Action != "FAIL" || s.Plus.Service != "s1" ||
		len(s.Journey.Stops) != 1 || s.Journey.Stops[0].Status != "done" || string(s.Journey.Duration) != "1500" {
		t.Errorf("session %+v plus %+v journey %+v: a case variant was read", s, s.Plus, s.Journey)
	}
	if dup, variant := checkKeys([]byte(`{"request_id":"a","status":"PASS","stops":[{"status":1,"status":2}]}`)); dup != "" || variant {
		t.Errorf("an undocumented object's keys were judged: dup %q variant %v", dup, variant)
	}
}
