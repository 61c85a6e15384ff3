package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// tokenKeys is checkKeys done the slow, obvious way, with json.Decoder's tokens: the oracle
// FuzzDecode holds the byte scanner to.
func tokenKeys(body []byte) (dup string, variant bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var value func(ks *keySet) bool
	value = func(ks *keySet) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('['):
			for dec.More() {
				if !value(ks) {
					return false
				}
			}
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return false
				}
				key, _ := tok.(string)
				var child *keySet
				if ks != nil {
					switch {
					case ks.names[key]:
						if ks.strict[key] && seen[key] && dup == "" {
							dup = key
						}
						seen[key] = true
						child = ks.children[key]
					case ks.folded[strings.ToLower(key)]:
						variant = true
					}
				}
				if !value(child) {
					return false
				}
			}
		default:
			return true
		}
		_, err = dec.Token()
		return err == nil
	}
	if !value(sessionKeys) {
		return "", false
	}
	return dup, variant
}

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
	f.Add(id, 200, []byte(`{"request_id":"`+id+`","status":"FAIL","STATUS":"PASS"}`))
	f.Add(id, 200, []byte(`{"request_id":"`+id+`","st\u0061tus":"FAIL","status":"PASS","dcams_plus":{"action":"A","Action":"B"}}`))
	f.Fuzz(func(t *testing.T, id string, code int, body []byte) {
		if json.Valid(body) {
			dup, variant := checkKeys(body)
			if wdup, wvariant := tokenKeys(body); dup != wdup || variant != wvariant {
				t.Fatalf("checkKeys(%q) = %q %v, tokens say %q %v", body, dup, variant, wdup, wvariant)
			}
		}
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
