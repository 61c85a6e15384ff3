package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
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

// checkEcho checks that every string CaseEcho promises holds what the client sent: whole, the
// Authorization value, or tok, its bare token (as the body holds them).
func checkEcho(t *testing.T, s session, whole, tok string) {
	t.Helper()
	if s.Plus == nil || s.Journey == nil {
		t.Fatal("dcams_plus or journey missing")
	}
	var source, detail string
	for _, st := range s.Journey.Stops {
		if strings.Contains(st.Source, tok) {
			source, detail = st.Source, st.Detail
		}
	}
	for _, f := range []struct{ name, value, want string }{
		{"fn", s.FN, tok},
		{"ln", s.LN, whole},
		{"reference", s.Reference, tok},
		{"dcams_plus.detail", s.Plus.Detail, whole},
		{"dcams_plus.issues", strings.Join(s.Plus.Issues, "\n"), whole},
		{"dcams_plus.issues", strings.Join(s.Plus.Issues, "\n"), "TOKEN " + tok},
		{"a stop's source", source, whole},
		{"a stop's detail", detail, tok},
	} {
		if !strings.Contains(f.value, f.want) {
			t.Errorf("%s %q does not hold %q", f.name, f.value, f.want)
		}
	}
}

func TestEcho(t *testing.T) {
	tests := []struct {
		name       string
		opts       Options
		header     string
		whole, tok string // as the body must hold them
	}{
		{"static token", Options{Token: "s3cret-Tok.en_1"}, "Bearer s3cret-Tok.en_1", "Bearer s3cret-Tok.en_1", "s3cret-Tok.en_1"},
		{"JSON metacharacters", Options{}, `Bearer a"b\c/</script>{}`, `Bearer a"b\c/</script>{}`, `a"b\c/</script>{}`},
		{"lower-case scheme, inner spaces", Options{}, "bearer   tok en", "bearer   tok en", "tok en"},
		{"UTF-8", Options{}, "Bearer tøken-日本", "Bearer tøken-日本", "tøken-日本"},
		{"invalid UTF-8", Options{}, "Bearer tok\xff\xfeen", "Bearer tok\uFFFDen", "tok\uFFFDen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := setup(t, tt.opts)
			id := ID(CaseEcho, 5)
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/session/result/"+id, nil)
			req.Header.Set("Authorization", tt.header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(resp.Body); err != nil {
				t.Fatal(err)
			}
			body := buf.Bytes()
			if resp.StatusCode != 200 || resp.ContentLength != int64(len(body)) || !utf8.Valid(body) || !json.Valid(body) {
				t.Fatalf("status %d, Content-Length %d, %d bytes, not valid UTF-8 JSON: %.300s", resp.StatusCode, resp.ContentLength, len(body), body)
			}
			s := decodeSession(t, body)
			if s.Status != "PASS" || s.RequestID != id || s.Plus.Action != "PASS" {
				t.Errorf("status %q action %q request_id %q, want PASS %q", s.Status, s.Plus.Action, s.RequestID, id)
			}
			checkEcho(t, s, tt.whole, tt.tok)
		})
	}
}
