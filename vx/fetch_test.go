package vx

import (
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/vx/vxtest"

	"context"
	"errors"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var (
	steps  = vxtest.Steps
	status = vxtest.Status
	hang   = vxtest.Hang
)

func session(st string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, sessionBody(idOf(r), st))
	}
}

func raw(body string) http.HandlerFunc { return status(200, body) }

// hijack writes text on the raw connection and closes it.
func hijack(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		buf.WriteString(text)
		buf.Flush()
		conn.Close()
	}
}

const (
	body500 = vxtest.Body500
	body202 = vxtest.Body202
	body404 = vxtest.Body404
)

func TestFetchClassification(t *testing.T) {
	const id = "19fe3b9e-384e-41d1-bded-8de9ef3abacb"
	var srv *apiServer
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		cfg       func(*Config)
		class     recon.Class
		err       string // wanted Err, exactly; "~x" = contains x
		attempts  int
		code      int
		message   string
		session   bool
		maxWall   time.Duration
		serverHit int64
	}{
		{name: "200 PASS", handler: session("PASS"), class: recon.Pass, attempts: 1, code: 200, session: true},
		{name: "200 FAIL", handler: session("FAIL"), class: recon.Fail, attempts: 1, code: 200, session: true},
		{name: "200 PENDING", handler: session("PENDING"), class: recon.InProgress, attempts: 1, code: 200, session: true},
		{name: "200 REVIEW", handler: session("REVIEW"), class: recon.InProgress, attempts: 1, code: 200, session: true},
		{name: "200 status in other case and spaces", handler: session(" pass\t"), class: recon.Pass, attempts: 1, code: 200, session: true},
		{name: "202 with body", handler: status(202, body202), class: recon.InProgress, attempts: 1, code: 202, message: "IN PROGRESS"},
		{name: "202 without body", handler: status(202, ""), class: recon.InProgress, attempts: 1, code: 202},
		{name: "202 with a non-JSON body", handler: status(202, "<html>"), class: recon.InProgress, attempts: 1, code: 202},
		{name: "404", handler: status(404, body404), class: recon.NotFound, attempts: 1, code: 404, message: "NOT FOUND"},
		{name: "500 after retries", handler: status(500, body500), class: recon.Error, err: "http 500: INTERNAL SERVER ERROR after 3 attempts",
			attempts: 3, code: 500, message: "INTERNAL SERVER ERROR", serverHit: 3},
		{name: "500 without retries", handler: status(500, body500), cfg: func(c *Config) { c.Retries = 0 }, class: recon.Error,
			err: "http 500: INTERNAL SERVER ERROR", attempts: 1, code: 500, message: "INTERNAL SERVER ERROR", serverHit: 1},
		{name: "429 every time", handler: status(429, ""), class: recon.Error, err: "http 429 after 3 attempts", attempts: 3, code: 429},
		{name: "408 then 200", handler: steps(status(408, ""), session("PASS")), class: recon.Pass, attempts: 2, code: 200, session: true},
		{name: "502 then 200", handler: steps(status(502, ""), session("FAIL")), class: recon.Fail, attempts: 2, code: 200, session: true},
		{name: "503 then 200", handler: steps(status(503, ""), session("PASS")), class: recon.Pass, attempts: 2, code: 200, session: true},
		{name: "504 then 504 then 200", handler: steps(status(504, ""), status(504, ""), session("PASS")), class: recon.Pass, attempts: 3, code: 200, session: true},
		{name: "400 not retried", handler: status(400, `{"message":"BAD REQUEST"}`), class: recon.Error, err: "http 400: BAD REQUEST", attempts: 1, code: 400, message: "BAD REQUEST", serverHit: 1},
		{name: "400 without body", handler: status(400, ""), class: recon.Error, err: "http 400", attempts: 1, code: 400},
		{name: "501 not retried", handler: status(501, ""), class: recon.Error, err: "http 501", attempts: 1, code: 501},
		{name: "204 is not an answer", handler: status(204, ""), class: recon.Error, err: "http 204", attempts: 1, code: 204},
		{name: "401 with a static token", handler: status(401, ""), class: recon.Error, err: "credentials refused (http 401)", attempts: 1, code: 401, serverHit: 1},
		{name: "403 with a static token", handler: status(403, ""), class: recon.Error, err: "credentials refused (http 403)", attempts: 1, code: 403},
		{name: "bad JSON", handler: raw(`{nope`), class: recon.Error, err: "~bad JSON: ", attempts: 1, code: 200, serverHit: 1},
		{name: "truncated JSON", handler: raw(`{"request_id":"` + id + `","status":"PA`), class: recon.Error, err: "bad JSON: truncated JSON", attempts: 1, code: 200},
		{name: "trailing garbage", handler: raw(string(sessionBody(id, "PASS")) + `x`), class: recon.Error, err: "~bad JSON: ", attempts: 1, code: 200},
		{name: "two objects", handler: raw(`{"request_id":"` + id + `","status":"PASS"}{}`), class: recon.Error, err: "~bad JSON: ", attempts: 1, code: 200},
		{name: "JSON null", handler: raw(`null`), class: recon.Error, err: "bad JSON: not an object", attempts: 1, code: 200},
		{name: "JSON array", handler: raw(`[]`), class: recon.Error, err: "bad JSON: not an object", attempts: 1, code: 200},
		{name: "empty 200", handler: raw(``), class: recon.Error, err: "bad JSON: empty body", attempts: 1, code: 200},
		{name: "status of the wrong type", handler: raw(`{"request_id":"` + id + `","status":1}`), class: recon.Error, err: "~bad JSON: ", attempts: 1, code: 200},
		{name: "request_id mismatch", handler: raw(string(sessionBody("other-id", "PASS"))), class: recon.Error,
			err: `request_id mismatch: got "other-id"`, attempts: 1, code: 200, session: false},
		{name: "request_id missing", handler: raw(`{"status":"PASS"}`), class: recon.Error, err: `request_id mismatch: got ""`, attempts: 1, code: 200, session: false},
		{name: "a case variant of status does not override it", handler: raw(`{"request_id":"` + id + `","status":"FAIL","STATUS":"PASS"}`),
			class: recon.Fail, attempts: 1, code: 200, session: true},
		{name: "a case variant of status alone is no status", handler: raw(`{"request_id":"` + id + `","Status":"PASS"}`),
			class: recon.Error, err: `undocumented status ""`, attempts: 1, code: 200, session: true},
		{name: "a case variant of request_id is not the id", handler: raw(`{"request_id":"other","Request_ID":"` + id + `","status":"PASS"}`),
			class: recon.Error, err: `request_id mismatch: got "other"`, attempts: 1, code: 200},
		{name: "status twice", handler: raw(`{"request_id":"` + id + `","status":"FAIL","status":"PASS"}`),
			class: recon.Error, err: `bad JSON: the key "status" appears more than once`, attempts: 1, code: 200},
		{name: "request_id twice", handler: raw(`{"request_id":"x","status":"PASS","request_id":"` + id + `"}`),
			class: recon.Error, err: `bad JSON: the key "request_id" appears more than once`, attempts: 1, code: 200},
		{name: "action twice", handler: raw(`{"request_id":"` + id + `","status":"PASS","dcams_plus":{"action":"FAIL","action":"PASS"}}`),
			class: recon.Error, err: `bad JSON: the key "action" appears more than once`, attempts: 1, code: 200},
		{name: "a case variant of action is dropped", handler: raw(`{"request_id":"` + id + `","status":"PASS","dcams_plus":{"action":"FAIL","ACTION":"PASS"}}`),
			class: recon.Pass, attempts: 1, code: 200, session: true},
		{name: "undocumented status", handler: session("MAYBE"), class: recon.Error, err: `undocumented status "MAYBE"`, attempts: 1, code: 200, session: true},
		{name: "empty status", handler: session(""), class: recon.Error, err: `undocumented status ""`, attempts: 1, code: 200, session: true},
		{name: "body over the limit", handler: raw(strings.Repeat(" ", 2000)), cfg: func(c *Config) { c.MaxBody = 1024 },
			class: recon.Error, err: "body over 1 KiB", attempts: 1, code: 200},
		{name: "no answer", handler: hang(&srv), cfg: func(c *Config) { c.Timeout = 200 * time.Millisecond; c.Retries = 1 },
			class: recon.Error, err: "timeout (200ms) after 2 attempts", attempts: 2, maxWall: 20 * time.Second},
		{name: "no answer, one attempt", handler: hang(&srv), cfg: func(c *Config) { c.Timeout = 100 * time.Millisecond; c.Retries = 0 },
			class: recon.Error, err: "timeout after 100ms", attempts: 1, maxWall: 20 * time.Second},
		{name: "stall mid-body", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "500")
			w.WriteHeader(200)
			w.Write([]byte(`{"request_id":`))
			http.NewResponseController(w).Flush()
			hang(&srv)(w, r)
		}, cfg: func(c *Config) { c.Timeout = 200 * time.Millisecond; c.Retries = 0 },
			class: recon.Error, err: "timeout after 200ms", attempts: 1, code: 200, maxWall: 20 * time.Second},
		{name: "connection closed", handler: hijack(""), class: recon.Error, err: "~connection error: ", attempts: 3},
		{name: "connection closed then 200", handler: steps(hijack(""), session("PASS")), class: recon.Pass, attempts: 2, code: 200, session: true},
		{name: "short Content-Length", handler: hijack("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"request_id\":"),
			class: recon.Error, err: "truncated body after 3 attempts", attempts: 3, code: 200},
		{name: "short Content-Length then 200", handler: steps(hijack("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"), session("PASS")),
			class: recon.Pass, attempts: 2, code: 200, session: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv = newServer(t, tt.handler)
			cfg := testConfig(srv.URL)
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			c := newClient(t, cfg)
			start := time.Now()
			r := c.Fetch(context.Background(), id)
			wall := time.Since(start)
			if r.ID != id {
				t.Errorf("ID = %q", r.ID)
			}
			if r.Class != tt.class {
				t.Errorf("Class = %q, want %q (err %q)", r.Class, tt.class, r.Err)
			}
			if want, ok := strings.CutPrefix(tt.err, "~"); ok {
				if !strings.Contains(r.Err, want) {
					t.Errorf("Err = %q, want it to contain %q", r.Err, want)
				}
			} else if r.Err != tt.err {
				t.Errorf("Err = %q, want %q", r.Err, tt.err)
			}
			if r.Attempts != tt.attempts {
				t.Errorf("Attempts = %d, want %d", r.Attempts, tt.attempts)
			}
			if r.HTTPStatus != tt.code {
				t.Errorf("HTTPStatus = %d, want %d", r.HTTPStatus, tt.code)
			}
			if r.Message != tt.message {
				t.Errorf("Message = %q, want %q", r.Message, tt.message)
			}
			if (r.Session != nil) != tt.session {
				t.Errorf("Session = %v, want present=%v", r.Session, tt.session)
			}
			if r.FetchedAt.IsZero() || r.FetchedAt.Location() != time.UTC {
				t.Errorf("FetchedAt = %v, want a UTC time", r.FetchedAt)
			}
			if tt.maxWall > 0 && wall > tt.maxWall {
				t.Errorf("took %v, want at most %v", wall, tt.maxWall)
			}
			if tt.serverHit > 0 && srv.Hits.Load() != tt.serverHit {
				t.Errorf("server saw %d requests, want %d", srv.Hits.Load(), tt.serverHit)
			}
			noSecret(t, "Err", r.Err)
		})
	}
}

func TestFetchSessionFields(t *testing.T) {
	srv := newServer(t, pass)
	c := newClient(t, testConfig(srv.URL))
	r := c.Fetch(context.Background(), "abc-1")
	s := r.Session
	if r.Class != recon.Pass || s == nil {
		t.Fatalf("got %+v", r)
	}
	if s.FirstName != "Jane" || s.Reference != "ref-1" || s.DOB != "19900101" {
		t.Errorf("personal fields: %+v", s)
	}
	if s.Plus == nil || s.Plus.Service != "PhoneMatch5.0.Smart2FA.SMS" || s.Plus.Confirmation != "180603431" ||
		len(s.Plus.Issues) != 1 || s.Plus.Issues[0] != "OUT-OF-BAND SUCCESSFUL" {
		t.Errorf("dcams_plus: %+v", s.Plus)
	}
	if s.Journey == nil || len(s.Journey.Stops) != 2 || string(s.Journey.Duration) != `"00h 00m 32s"` {
		t.Errorf("journey: %+v", s.Journey)
	}
}

// TestFetchHugeBody streams 64 MiB: the result must come quickly, from at most 8 MiB read.
func TestFetchHugeBody(t *testing.T) {
	var written atomic.Int64
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		chunk := []byte(strings.Repeat("x", 64<<10))
		for range 1024 { // 64 MiB
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	cfg := testConfig(srv.URL)
	cfg.Timeout = time.Minute // reading 8 MiB on a busy machine must not turn into a timeout
	c := newClient(t, cfg)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	r := c.Fetch(context.Background(), "big")
	runtime.ReadMemStats(&after)
	if r.Err != "body over 8 MiB" || r.Attempts != 1 {
		t.Errorf("got Err %q, attempts %d", r.Err, r.Attempts)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48<<20 {
		t.Errorf("allocated %d MiB for one body", alloc>>20)
	}
	srv.Close() // waits for the handler, which must have stopped writing
	if w := written.Load(); w >= 64<<20 {
		t.Errorf("server wrote the whole body (%d bytes): the client read it all", w)
	}
}

// TestFetchDeclaredHugeBody: a Content-Length over the limit is refused without reading.
func TestFetchDeclaredHugeBody(t *testing.T) {
	srv := newServer(t, hijack("HTTP/1.1 200 OK\r\nContent-Length: 67108864\r\n\r\n{"))
	r := newClient(t, testConfig(srv.URL)).Fetch(context.Background(), "big")
	if r.Err != "body over 8 MiB" || r.Attempts != 1 || r.HTTPStatus != 200 {
		t.Errorf("got %+v", r)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	tests := []struct {
		name  string
		value func() string
		want  time.Duration
	}{
		{"seconds, capped", func() string { return "7" }, 30 * time.Millisecond},
		{"zero seconds", func() string { return "0" }, 0},
		{"HTTP date, capped", func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }, 30 * time.Millisecond},
		{"HTTP date in the past", func() string { return "Mon, 02 Jan 2006 15:04:05 GMT" }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, steps(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tt.value())
				w.WriteHeader(429)
			}, session("PASS")))
			cfg := testConfig(srv.URL)
			cfg.RetryAfterMax = 30 * time.Millisecond
			cfg.BackoffMin, cfg.BackoffMax = time.Hour, time.Hour // a backoff would hang the test
			var waits []time.Duration
			cfg.OnRetry = func(id string, attempt int, err error, wait time.Duration) {
				var se *StatusError
				if id != "x" || attempt != 1 || !errors.As(err, &se) || se.Code != 429 {
					t.Errorf("OnRetry(%q, %d, %v)", id, attempt, err)
				}
				waits = append(waits, wait)
			}
			r := newClient(t, cfg).Fetch(context.Background(), "x")
			if r.Class != recon.Pass || r.Attempts != 2 {
				t.Errorf("got %s after %d attempts (%s)", r.Class, r.Attempts, r.Err)
			}
			if len(waits) != 1 || waits[0] != tt.want {
				t.Errorf("waits = %v, want [%v]", waits, tt.want)
			}
		})
	}
}

func TestRequestShape(t *testing.T) {
	tests := []struct{ base, id, uri string }{
		{"", "19fe3b9e-384e-41d1-bded-8de9ef3abacb", "/api/session/result/19fe3b9e-384e-41d1-bded-8de9ef3abacb"},
		{"", "a.b-c_D.9", "/api/session/result/a.b-c_D.9"},
		{"/", "x", "/api/session/result/x"},
		{"/v2/", "x", "/v2/api/session/result/x"},
		{"", "a/b c?d#e", "/api/session/result/a%2Fb%20c%3Fd%23e"},
		{"", "..", "/api/session/result/%2E%2E"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 404, []byte(body404))
			})
			cfg := testConfig(srv.URL + tt.base)
			cfg.UserAgent = "vxrecon-test/1"
			r := newClient(t, cfg).Fetch(context.Background(), tt.id)
			if r.Class != recon.NotFound {
				t.Fatalf("got %+v", r)
			}
			if len(srv.URIs()) != 1 || srv.URIs()[0] != tt.uri {
				t.Fatalf("server saw %q, want %q", srv.URIs(), tt.uri)
			}
			h := srv.Headers()[0]
			for k, want := range map[string]string{
				"Authorization": "Bearer " + testToken,
				"Accept":        "application/json",
				"Content-Type":  "application/json",
				"User-Agent":    "vxrecon-test/1",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func TestFetchCancelled(t *testing.T) {
	srv := newServer(t, pass)
	c := newClient(t, testConfig(srv.URL))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := c.Fetch(ctx, "x")
	if r.Class != recon.Error || r.Err != "not fetched: interrupted" || r.Attempts != 0 {
		t.Errorf("got %+v", r)
	}
	if srv.Hits.Load() != 0 {
		t.Errorf("server saw %d requests", srv.Hits.Load())
	}
}

// TestFetchCancelledDuringBackoff: the context ends while waiting to retry; no retry is sent.
func TestFetchCancelledDuringBackoff(t *testing.T) {
	srv := newServer(t, status(503, ""))
	cfg := testConfig(srv.URL)
	cfg.BackoffMin, cfg.BackoffMax = time.Hour, time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	cfg.OnRetry = func(string, int, error, time.Duration) { cancel() }
	start := time.Now()
	r := newClient(t, cfg).Fetch(ctx, "x")
	if r.Err != "http 503, retries stopped" || r.Attempts != 1 || r.HTTPStatus != 503 {
		t.Errorf("got %+v", r)
	}
	if srv.Hits.Load() != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("server saw %d requests in %v", srv.Hits.Load(), time.Since(start))
	}
}

// TestInFlightSurvivesCancel: an answer on its way when the context ends is kept.
func TestInFlightSurvivesCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		time.Sleep(50 * time.Millisecond)
		pass(w, r)
	})
	r := newClient(t, testConfig(srv.URL)).Fetch(ctx, "x")
	if r.Class != recon.Pass {
		t.Errorf("got %+v", r)
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"https", Config{BaseURL: "https://vx.dcams.app"}, true},
		{"http loopback", Config{BaseURL: "http://127.0.0.1:8080/"}, true},
		{"no scheme", Config{BaseURL: "vx.dcams.app"}, false},
		{"ftp", Config{BaseURL: "ftp://vx.dcams.app"}, false},
		{"no host", Config{BaseURL: "https:///x"}, false},
		{"query", Config{BaseURL: "https://vx.dcams.app/?a=b"}, false},
		{"user info", Config{BaseURL: "https://u:p@vx.dcams.app"}, false},
		{"token and client", Config{BaseURL: "https://x", Credentials: Credentials{Token: "t", ClientID: "i", ClientSecret: "secret-value-1"}}, false},
		{"client without secret", Config{BaseURL: "https://x", Credentials: Credentials{ClientID: "i"}}, false},
		{"token with newline", Config{BaseURL: "https://x", Credentials: Credentials{Token: "a\nb"}}, false},
		{"bad auth url", Config{BaseURL: "https://x", Credentials: Credentials{ClientID: "i", ClientSecret: "secret-value-1", AuthURL: "::"}}, false},
		{"negative rate", Config{BaseURL: "https://x", Rate: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if (err == nil) != tt.ok {
				t.Errorf("New: %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				noSecret(t, "New error", err.Error(), "secret-value-1")
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://127.0.0.1:8080":   true,
		"http://127.9.9.9":        true,
		"http://[::1]:80":         true,
		"http://localhost:1":      true,
		"http://LOCALHOST.":       true,
		"http://a.localhost":      false, // a resolver may send it to DNS
		"http://10.0.0.1":         false,
		"http://vx.dcams.app":     false,
		"http://localhost.evil":   false,
		"http://127.0.0.1.nip.io": false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsLoopback(u); got != want {
			t.Errorf("IsLoopback(%s) = %v, want %v", raw, got, want)
		}
	}
	if IsLoopback(nil) {
		t.Error("IsLoopback(nil) = true")
	}
}

func TestBackoff(t *testing.T) {
	min, max := 100*time.Millisecond, time.Second
	for attempt := 1; attempt <= 10; attempt++ {
		ceiling := min << (attempt - 1)
		if ceiling > max {
			ceiling = max
		}
		for range 50 {
			d := backoff(attempt, min, max, "", time.Minute)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", attempt, d, ceiling)
			}
		}
	}
	if d := backoff(1, min, max, "3", time.Minute); d != 3*time.Second {
		t.Errorf("Retry-After 3: %v", d)
	}
	if d := backoff(1, min, max, "3", 2*time.Second); d != 2*time.Second {
		t.Errorf("Retry-After 3 capped at 2s: %v", d)
	}
	if d := backoff(1, min, max, "soon", time.Minute); d > min {
		t.Errorf("bad Retry-After must fall back to the backoff: %v", d)
	}
	if d := backoff(1000, min, max, "", time.Minute); d > max {
		t.Errorf("large attempt: %v", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"99999999999999999999", 0, false},
		{strconv.Itoa(1 << 40), 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRateFromHeaders(t *testing.T) {
	for _, tc := range []struct {
		h    map[string]string
		want float64
	}{
		{map[string]string{}, 0},
		{map[string]string{"RateLimit-Policy": "500;w=1"}, 500},
		{map[string]string{"RateLimit-Policy": "300;w=60"}, 5},
		{map[string]string{"RateLimit-Limit": "100, 100;w=10"}, 10},
		{map[string]string{"RateLimit-Limit": "300", "RateLimit-Reset": "1"}, 300},
		{map[string]string{"RateLimit-Limit": "300", "RateLimit-Reset": "0"}, 300},
		{map[string]string{"RateLimit-Limit": "300"}, 300},
		{map[string]string{"RateLimit-Limit": "600", "RateLimit-Reset": "2"}, 300},
		{map[string]string{"RateLimit-Limit": "lots"}, 0},
		{map[string]string{"RateLimit-Limit": "-5"}, 0},
	} {
		h := http.Header{}
		for k, v := range tc.h {
			h.Set(k, v)
		}
		if got := rateFromHeaders(h); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.h, got, tc.want)
		}
	}
}
