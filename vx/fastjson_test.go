package vx

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/sim"
)

// fastJSONSeeds are bodies the fast path must take or refuse; FuzzDecodeSession mutates them.
var fastJSONSeeds = []string{
	`{}`,
	` {"request_id":"a","status":"PASS"} `,
	`{"request_id":"a","status":null,"fn":"Zoë","dcams_plus":null,"journey":null}`,
	`{"dcams_plus":{"confirmation":180603431,"issues":[]},"journey":{"stops":[],"duration":21000}}`,
	`{"dcams_plus":{"confirmation":"abc","issues":["x",null,"y"]},"journey":{"stops":[null,{"type":"t"}],"duration":null}}`,
	`{"dcams_plus":{"confirmation":-1.5e+3},"journey":{"duration":{"a": [1, "b"]}}}`,
	`{"dcams_plus":{"confirmation":true}}`,
	`{"dcams_plus":{"confirmation":{}}}`,
	`{"dcams_plus":{"confirmation":01}}`,
	`{"Status":"PASS"}`,
	`{"status":"PASS","status":"FAIL"}`,
	`{"status":"P\u0041SS"}`,
	`{"status":"PA\tSS"}`,
	`{"status":5}`,
	`{"request_id":"a",}`,
	`{"x":"\uZZZZ"}`,
	`{"x":[1,2,{"y":"\n\u00e9"}],"status":"PASS"}`,
	`{"x":"\xff","status":"\xff"}`,
	`{"journey":{"stops":[{"timestamp":"t","Type":"x"}]}}`,
	`{"request_id":"a"} x`,
	`{"request_id":"a"`,
}

// FuzzDecodeSession checks the fast path against encoding/json: whenever it takes a body,
// the recon.Session must be exactly what json.Unmarshal makes of it, and json.Unmarshal must accept
// the body too.
func FuzzDecodeSession(f *testing.F) {
	for _, s := range fastJSONSeeds {
		f.Add([]byte(s))
	}
	f.Add(sessionBody("19fe3b9e-384e-41d1-bded-8de9ef3abacb", "PASS"))
	for _, c := range []sim.Case{sim.CasePass, sim.CaseFail, sim.CasePending, sim.CaseNoJourney, sim.CaseMsDuration, sim.CaseNoPlus, sim.CaseHostile} {
		f.Add(sim.SessionBody(sim.ID(c, 7)))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast recon.Session
		if !decodeSession(body, &fast) {
			return
		}
		var slow recon.Session
		if err := json.Unmarshal(body, &slow); err != nil {
			t.Fatalf("fast path took %q, json.Unmarshal refuses it: %v", body, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("body %q\nfast %#v\njson %#v", body, fast, slow)
		}
	})
}

// TestDecodeSessionTakesCommonBodies makes sure the fast path is the one used for what the
// API normally sends, not a dead branch behind json.Unmarshal.
func TestDecodeSessionTakesCommonBodies(t *testing.T) {
	bodies := map[string][]byte{"documented": sessionBody("id-1", "PASS")}
	for _, c := range []sim.Case{sim.CasePass, sim.CaseFail, sim.CasePending, sim.CaseReview, sim.CaseNoJourney, sim.CaseMsDuration, sim.CaseNoPlus} {
		bodies[string(c)] = sim.SessionBody(sim.ID(c, 3))
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			var s recon.Session
			if !decodeSession(body, &s) {
				t.Fatalf("fast path refused %s", body)
			}
			var want recon.Session
			if err := json.Unmarshal(body, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s, want) {
				t.Errorf("fast %#v\njson %#v", s, want)
			}
		})
	}
	for _, body := range []string{`{"status":"P\u0041SS"}`, `{"Status":"PASS"}`, `{"status":5}`, `{"a":1,"a":2,"status":"x","status":"y"}`} {
		if decodeSession([]byte(body), new(recon.Session)) {
			t.Errorf("fast path took %s", body)
		}
	}
}
