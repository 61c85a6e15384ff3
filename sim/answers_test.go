package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestLargeBodies checks what a memory test relies on: every id of a large case, even the
// longest valid one, gets a body under 8 MiB with the right Content-Length and request_id, the
// same body SessionBody gives, and one rendering serves every id.
func TestLargeBodies(t *testing.T) {
	srv := setup(t, Options{})
	client := &http.Client{Timeout: time.Minute} // generous: 8 MB under the race detector on a busy machine
	for _, c := range largeCases {
		t.Run(string(c), func(t *testing.T) {
			short := ID(c, 1)
			long := short + "-" + strings.Repeat("x", 128-len(short)-1)
			var bodies [][]byte
			for _, id := range []string{short, long} {
				resp, body, err := get(t.Context(), t, client, srv, id, "x")
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" ||
					resp.ContentLength != int64(len(body)) || len(body) >= 8<<20 {
					t.Fatalf("status %d, Content-Type %q, Content-Length %d, %d bytes", resp.StatusCode,
						resp.Header.Get("Content-Type"), resp.ContentLength, len(body))
				}
				// TestCases decodes a whole large body; the leading fields are enough here.
				if got := leadingFields(t, body); got["request_id"] != id || got["status"] != "PASS" {
					t.Errorf("request_id %q status %q, want %q PASS", got["request_id"], got["status"], id)
				}
				if !bytes.Equal(body, SessionBody(id)) {
					t.Errorf("the server's body is not SessionBody(%q)", id)
				}
				bodies = append(bodies, body)
			}
			if !bytes.Equal(bytes.Replace(bodies[1], []byte(long), []byte(short), 1), bodies[0]) {
				t.Error("the bodies of two ids differ in more than their request_id")
			}
		})
	}
}

// leadingFields returns the string fields at the start of a body's top object, up to the
// first field that is not a string.
func leadingFields(t *testing.T, body []byte) map[string]string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("body starts with %v: %v", tok, err)
	}
	fields := map[string]string{}
	for {
		key, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		val, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		s, ok := val.(string)
		if !ok {
			return fields
		}
		fields[key.(string)] = s
	}
}
