package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"testing"
)

// FuzzDecode feeds the result decoder any status and body: it never panics, always picks
// one of recon.Classes, and sets Err exactly when the class is Error.
func FuzzDecode(f *testing.F) {
	const id = "19fe3b9e-384e-41d1-bded-8de9ef3abacb"
	f.Add(id, 200, sessionBody(id, "PASS"))
	f.Add(id, 200, sessionBody(id, "REVIEW"))
	f.Add(id, 200, sessionBody("other", "FAIL"))
	f.Add(id, 200, []byte(`{"request_id":"`+id+`","status":"PASS","dcams_plus":{"confirmation":"abc"},"journey":{"duration":21000}}`))
	f.Add(id, 200, []byte(`{"request_id":"`+id+`","status":"PASS","dcams_plus":{"confirmation":{}}}`))
	f.Add(id, 200, []byte(`{"request_id":"`+id+`","status":"PA`))
	f.Add(id, 200, []byte(`null`))
	f.Add(id, 202, []byte(body202))
	f.Add(id, 404, []byte(body404))
	f.Add(id, 500, []byte(body500))
	f.Add(id, 401, []byte(``))
	f.Add("", 200, []byte(`{"request_id":"","status":"FAIL"}`))
	f.Fuzz(func(t *testing.T, id string, code int, body []byte) {
		r := classify(id, code, body)
		if r.Class.Index() < 0 {
			t.Fatalf("class %q not in Classes", r.Class)
		}
		if (r.Class == recon.Error) != (r.Err != "") {
			t.Fatalf("class %q with Err %q", r.Class, r.Err)
		}
		if r.ID != id || r.HTTPStatus != code {
			t.Fatalf("ID %q, status %d", r.ID, r.HTTPStatus)
		}
		if r.Class == recon.Pass || r.Class == recon.Fail {
			if code != 200 || r.Session == nil || r.Session.RequestID != id {
				t.Fatalf("final class %s from %d %q", r.Class, code, body)
			}
		}
		if len(r.Err) > 4*maxReason {
			t.Fatalf("reason of %d bytes", len(r.Err))
		}
	})
}
