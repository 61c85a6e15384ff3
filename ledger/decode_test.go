package ledger

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
)

// storedSamples are answers as Append stores them: every field set, none, and the shapes
// json.Marshal writes for each.
func storedSamples() [][]byte {
	full := recon.Result{ID: "sim-pass-000001", Class: recon.Pass, HTTPStatus: 200, Attempts: 2,
		FetchedAt: time.Date(2026, 11, 1, 2, 3, 4, 5000, time.UTC), PII: "mask",
		Session: &recon.Session{RequestID: "sim-pass-000001", Status: "PASS", Reference: "REF-1", FirstName: "J***",
			LastName: "D***", Email: "j***@example.com", Phone: "***-***-0148", DOB: "1982-**-**",
			Plus: &recon.Plus{Service: "IDMatch5.0", Confirmation: "180603431", Action: "PASS", Detail: "ALL CHECKS PASSED",
				Issues: []string{"NO MATCH", "Ünïcode ✓"}, IssuesCut: 3},
			Journey: &recon.Journey{Stops: []recon.Stop{{Timestamp: "2026-11-01 02:03:04", Type: "start", Source: "web",
				Status: "PASS", Action: "PASS", Detail: "ok"}, {Timestamp: "2026-11-01 02:04:05"}}, StopsCut: 1,
				Duration: json.RawMessage(`"00h 01m 01s"`)}}}
	ms := full
	ms.Session = &recon.Session{RequestID: "x", Status: "FAIL", Plus: &recon.Plus{}, Journey: &recon.Journey{Duration: json.RawMessage(`61000`), Stops: []recon.Stop{}}}
	escaped := full
	escaped.Session = &recon.Session{RequestID: "x", Status: "PASS", Plus: &recon.Plus{Detail: `A & B <tag> "quoted" \ tab	end`}}
	var out [][]byte
	for _, r := range []recon.Result{full, ms, escaped, {ID: "a", Class: recon.Fail}} {
		b, _ := json.Marshal(&r)
		out = append(out, b)
	}
	return append(out, []byte(`{"id":"a","class":"PASS","session":{"request_id":"a","status":"PASS"},"session":{"reference":"r"}}`),
		[]byte(`{"ID":"a"}`), []byte(`{"id":"a","attempts":1e2}`), []byte(`{"id":"a","attempts":-0}`), []byte(` {"id" : "a" } `),
		[]byte(`{"id":"a","fetched_at":"2026-11-01T02:03:04.5+01:00"}`), []byte(`{"id":"a","session":null}`), []byte(`{"id":"\xff"}`))
}

// TestDecodeStored: the hand-read stored answers are what json.Unmarshal makes of them.
func TestDecodeStored(t *testing.T) {
	for _, b := range storedSamples() {
		checkDecode(t, b)
	}
}

// FuzzDecodeStored: whatever the bytes, decode agrees with json.Unmarshal.
func FuzzDecodeStored(f *testing.F) {
	for _, b := range storedSamples() {
		f.Add(b)
	}
	f.Fuzz(checkDecode)
}

func checkDecode(t *testing.T, b []byte) {
	var want recon.Result
	werr := json.Unmarshal(b, &want)
	var got recon.Result
	ok := decode(string(b), &got)
	if ok != (werr == nil && len(b) > 0) {
		t.Fatalf("%q: decode %v, json.Unmarshal %v", b, ok, werr)
	}
	if ok && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %+v\nwant %+v", b, got, want)
	}
	if werr == nil {
		checkEncode(t, &want)
	}
}

// checkEncode: encode writes what json.Marshal writes.
func checkEncode(t *testing.T, r *recon.Result) {
	t.Helper()
	want, werr := json.Marshal(r)
	got, err := encode(r)
	if (err == nil) != (werr == nil) || string(got) != string(want) {
		t.Fatalf("encode(%+v):\n got %s (%v)\nwant %s (%v)", r, got, err, want, werr)
	}
}

// TestEncodeStored: answers of every shape, and strings json.Marshal escapes, are stored as
// json.Marshal writes them.
func TestEncodeStored(t *testing.T) {
	var rs []recon.Result
	for _, b := range storedSamples() {
		var r recon.Result
		if json.Unmarshal(b, &r) == nil {
			rs = append(rs, r)
		}
	}
	for _, s := range []string{"plain", "", "a\"b", `back\slash`, "<", ">", "&", "tab\t", "nl\n", "\x7f", "Zoë 名前 🙂",
		"\u2028", "\u2029", "\xff", "a\xc3", "\x00"} {
		for _, d := range []string{`"` + s + `"`, `61000`, `-5`, ` 61000`, `01`, `1.5`, `{"h":1}`, `null`, `"a"`} {
			rs = append(rs, recon.Result{ID: s, Class: recon.Class(s), Err: s, Message: s, Detail: s, PII: s, Attempts: -1,
				Session: &recon.Session{RequestID: s, Status: s, Reference: s, FirstName: s, DOB: s,
					Plus:    &recon.Plus{Service: s, Confirmation: recon.FlexString(s), Issues: []string{"x", s}},
					Journey: &recon.Journey{Stops: []recon.Stop{{Timestamp: s, Detail: s}, {}}, Duration: json.RawMessage(d)}}})
		}
	}
	rs = append(rs, recon.Result{}, recon.Result{Session: &recon.Session{Journey: &recon.Journey{Stops: []recon.Stop{}}}},
		recon.Result{FetchedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		recon.Result{FetchedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))})
	for i := range rs {
		checkEncode(t, &rs[i])
	}
}

// BenchmarkEncodeStored: one answer of the simulator's kind, stored.
func BenchmarkEncodeStored(b *testing.B) {
	var r recon.Result
	if err := json.Unmarshal(storedSamples()[0], &r); err != nil {
		b.Fatal(err)
	}
	b.Run("hand", func(b *testing.B) {
		for b.Loop() {
			_, _ = encode(&r)
		}
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(&r)
		}
	})
}

// BenchmarkDecodeStored: one stored answer of the simulator's kind.
func BenchmarkDecodeStored(b *testing.B) {
	blob := storedSamples()[0]
	stored := string(blob)
	b.Run("hand", func(b *testing.B) {
		for b.Loop() {
			var r recon.Result
			decode(stored, &r)
		}
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			var r recon.Result
			_ = json.Unmarshal(blob, &r)
		}
	})
}

// TestFirstLine: the first of an answer's input lines, as Append writes them.
func TestFirstLine(t *testing.T) {
	for in, want := range map[string]int{"": 0, "2": 2, "12, 40": 12, " 7": 7, "x": 0, "3,4": 3} {
		if got := firstLine([]byte(in)); got != want {
			t.Errorf("firstLine(%q) = %d, want %d", in, got, want)
		}
	}
}
