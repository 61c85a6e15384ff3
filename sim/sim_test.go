package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "test-token"

// setup starts a server for one test and closes it when the test ends.
func setup(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// get asks for id's result with token ("" for no Authorization header).
func get(ctx context.Context, t *testing.T, c *http.Client, s *Server, id, token string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/session/result/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// session mirrors the documented 200 body, independently of the client in package vx.
type session struct {
	FN        string          `json:"fn"`
	LN        string          `json:"ln"`
	Addr      string          `json:"addr"`
	DOB       string          `json:"dob"`
	Email     string          `json:"email"`
	Phone     string          `json:"phone"`
	Reference string          `json:"reference"`
	Status    string          `json:"status"`
	RequestID string          `json:"request_id"`
	Extra     json.RawMessage `json:"additionalData"`
	Plus      *struct {
		Service      string      `json:"service"`
		Confirmation json.Number `json:"confirmation"`
		Action       string      `json:"action"`
		Detail       string      `json:"detail"`
		Issues       []string    `json:"issues"`
	} `json:"dcams_plus"`
	Journey *struct {
		Stops []struct {
			Timestamp string `json:"timestamp"`
			Type      string `json:"type"`
			Source    string `json:"source"`
			Status    string `json:"status"`
			Action    string `json:"action"`
			Detail    string `json:"detail"`
		} `json:"stops"`
		Duration json.RawMessage `json:"duration"`
	} `json:"journey"`
	Documents json.RawMessage `json:"documents"`
}

var (
	durationText = regexp.MustCompile(`^"(\d{2,})h (\d{2})m (\d{2})s"$`)
	dobText      = regexp.MustCompile(`^19\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d)$`)
	phoneText    = regexp.MustCompile(`^\d{3}-\d{3}-\d{4}$`)
)

// decodeSession decodes a 200 body and checks what every 200 body must satisfy.
func decodeSession(t *testing.T, body []byte) session {
	t.Helper()
	var s session
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("decode: %v\n%.300s", err, body)
	}
	if !dobText.MatchString(s.DOB) || !phoneText.MatchString(s.Phone) || !strings.HasSuffix(s.Email, "@example.com") {
		t.Errorf("personal fields not in the documented shape: dob %q phone %q email %q", s.DOB, s.Phone, s.Email)
	}
	if string(s.Documents) != "null" {
		t.Errorf("documents = %s, want null", s.Documents)
	}
	if s.Plus != nil {
		if _, err := s.Plus.Confirmation.Int64(); err != nil || !knownService(s.Plus.Service) {
			t.Errorf("dcams_plus confirmation %q service %q", s.Plus.Confirmation, s.Plus.Service)
		}
	}
	if s.Journey != nil {
		checkJourney(t, s)
	}
	return s
}

func knownService(name string) bool {
	for _, s := range services {
		if s == name {
			return true
		}
	}
	return false
}

// checkJourney checks stops (1-4, increasing) and that the duration is last minus first.
func checkJourney(t *testing.T, s session) {
	t.Helper()
	j := s.Journey
	if n := len(j.Stops); n < 1 || n > 4 && n != manyStops {
		t.Fatalf("%d stops, want 1-4 (or %d for %s)", n, manyStops, CaseManyStops)
	}
	var times []time.Time
	for i, st := range j.Stops {
		ts, err := time.Parse(stampLayout, st.Timestamp)
		if err != nil {
			t.Fatalf("stop %d: %v", i+1, err)
		}
		if i > 0 && !ts.After(times[i-1]) {
			t.Errorf("stop %d at %s is not after stop %d", i+1, st.Timestamp, i)
		}
		want := "Data Service"
		if i == 0 {
			want = "NEW REGISTRATION"
		}
		if st.Type != want {
			t.Errorf("stop %d type %q, want %q", i+1, st.Type, want)
		}
		times = append(times, ts)
	}
	if n := len(j.Stops); n > 1 && j.Stops[n-1].Status != s.Status {
		t.Errorf("last stop status %q, session status %q", j.Stops[n-1].Status, s.Status)
	}
	d := times[len(times)-1].Sub(times[0])
	if m := durationText.FindStringSubmatch(string(j.Duration)); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		sec, _ := strconv.Atoi(m[3])
		if got := time.Duration(h*3600+mi*60+sec) * time.Second; got != d.Truncate(time.Second) {
			t.Errorf("duration %s, stops span %s", j.Duration, d)
		}
		return
	}
	ms, err := strconv.ParseInt(string(j.Duration), 10, 64)
	if err != nil || ms != d.Milliseconds() {
		t.Errorf("duration %s, stops span %d ms", j.Duration, d.Milliseconds())
	}
}

func decodeMessage(t *testing.T, body []byte, want string) {
	t.Helper()
	var m struct{ Message, Detail string }
	if err := json.Unmarshal(body, &m); err != nil || m.Message != want || m.Detail == "" {
		t.Errorf("body %s (%v), want message %q with a detail", body, err, want)
	}
}

func TestCases(t *testing.T) {
	type check func(t *testing.T, id string, resp *http.Response, body []byte)
	status := func(want string) check {
		return func(t *testing.T, id string, _ *http.Response, body []byte) {
			s := decodeSession(t, body)
			if s.Status != want || s.RequestID != id {
				t.Errorf("status %q request_id %q, want %q %q", s.Status, s.RequestID, want, id)
			}
			if s.Plus == nil || s.Journey == nil {
				t.Errorf("dcams_plus or journey missing")
			}
		}
	}
	message := func(want string) check {
		return func(t *testing.T, _ string, _ *http.Response, body []byte) { decodeMessage(t, body, want) }
	}
	// large checks what every large body must satisfy, then more.
	large := func(more func(t *testing.T, s session)) check {
		return func(t *testing.T, id string, resp *http.Response, body []byte) {
			if resp.ContentLength != int64(len(body)) || len(body) >= 8<<20 {
				t.Errorf("Content-Length %d, body %d bytes, want equal and under 8 MiB", resp.ContentLength, len(body))
			}
			s := decodeSession(t, body)
			if s.Status != "PASS" || s.RequestID != id || s.Plus == nil || s.Journey == nil {
				t.Fatalf("status %q request_id %q, want PASS %q with dcams_plus and journey", s.Status, s.RequestID, id)
			}
			more(t, s)
		}
	}
	invalid := func(t *testing.T, _ string, resp *http.Response, body []byte) {
		if json.Valid(body) {
			t.Errorf("body is valid JSON: %.200s", body)
		}
		if resp.ContentLength != int64(len(body)) {
			t.Errorf("Content-Length %d, body %d bytes", resp.ContentLength, len(body))
		}
	}
	tests := []struct {
		c     Case
		codes []int // successive attempts
		check check // on the last answer
	}{
		{CasePass, []int{200, 200}, status("PASS")},
		{CaseFail, []int{200}, func(t *testing.T, id string, r *http.Response, b []byte) {
			status("FAIL")(t, id, r, b)
			if s := decodeSession(t, b); s.Plus.Action != "FAIL" || len(s.Plus.Issues) == 0 || s.Plus.Detail != s.Plus.Issues[0] {
				t.Errorf("dcams_plus %+v", s.Plus)
			}
		}},
		{CasePending, []int{200}, status("PENDING")},
		{CaseReview, []int{200}, status("REVIEW")},
		{CaseInProgress, []int{202, 202}, message("IN PROGRESS")},
		{CaseNotFound, []int{404}, message("NOT FOUND")},
		{CaseNoJourney, []int{200}, func(t *testing.T, id string, _ *http.Response, b []byte) {
			if s := decodeSession(t, b); s.Status != "PASS" || s.Journey != nil || s.Plus == nil || !strings.Contains(string(b), `"journey":null`) {
				t.Errorf("want PASS with journey null: %s", b)
			}
		}},
		{CaseMsDuration, []int{200}, func(t *testing.T, id string, _ *http.Response, b []byte) {
			s := decodeSession(t, b)
			if _, err := strconv.Atoi(string(s.Journey.Duration)); err != nil || s.Status != "PASS" {
				t.Errorf("duration %s, want integer milliseconds", s.Journey.Duration)
			}
		}},
		{CaseNoPlus, []int{200}, func(t *testing.T, id string, _ *http.Response, b []byte) {
			if s := decodeSession(t, b); s.Status != "PASS" || s.Plus != nil || !strings.Contains(string(b), `"dcams_plus":null`) {
				t.Errorf("want PASS with dcams_plus null: %s", b)
			}
		}},
		{CaseServerError, []int{500, 500, 500, 500}, message("INTERNAL SERVER ERROR")},
		{CaseFlaky, []int{500, 500, 200}, status("PASS")},
		{CaseRateLimited, []int{429, 200}, status("PASS")},
		{CaseRetryAfterDate, []int{429, 200}, status("PASS")},
		{CaseTimeout408, []int{408, 200}, status("PASS")},
		{Case502, []int{502, 200}, status("PASS")},
		{Case503, []int{503, 200}, status("PASS")},
		{Case504, []int{504, 200}, status("PASS")},
		{CaseBadJSON, []int{200}, invalid},
		{CaseTruncated, []int{200}, func(t *testing.T, id string, r *http.Response, b []byte) {
			invalid(t, id, r, b)
			if full := appendSession(nil, id, CasePass); !strings.HasPrefix(string(full), string(b)) || len(b) < 100 {
				t.Errorf("not a prefix of the PASS body: %.100s", b)
			}
		}},
		{CaseMismatch, []int{200}, func(t *testing.T, id string, _ *http.Response, b []byte) {
			if s := decodeSession(t, b); s.RequestID == id || s.RequestID == "" || s.Status != "PASS" {
				t.Errorf("request_id %q, want another id than %q", s.RequestID, id)
			}
		}},
		{CaseBadStatus, []int{200}, status("MAYBE")},
		{CaseBadRequest, []int{400, 400}, message("BAD REQUEST")},
		{CaseSlow, []int{200}, status("PASS")},
		{CaseUnauthorized, []int{401, 401}, message("UNAUTHORIZED")},
		{CaseForbidden, []int{403}, message("FORBIDDEN")},
		{CaseHostile, []int{200}, func(t *testing.T, id string, _ *http.Response, b []byte) {
			s := decodeSession(t, b)
			longest := 0
			for _, st := range s.Journey.Stops {
				longest = max(longest, len(st.Detail))
			}
			if s.Status != "PASS" || s.FN != hostileFirst || s.LN != hostileLast || s.Plus.Detail != hostileDetail ||
				s.Plus.Issues[0] != hostileIssue || s.Reference != "Zoë 日本 🚀" || !strings.Contains(s.Addr, "\x00") ||
				!strings.Contains(s.Addr, "\x1b") || longest != 40000 {
				t.Errorf("not hostile enough: %+v (longest detail %d)", s, longest)
			}
		}},
		{CaseBigDetail, []int{200}, large(func(t *testing.T, s session) {
			last := s.Journey.Stops[len(s.Journey.Stops)-1]
			if len(s.Plus.Detail) != bigDetailSize || last.Detail != detailPassed {
				t.Errorf("detail of %d bytes, last stop's %.40q", len(s.Plus.Detail), last.Detail)
			}
		})},
		{CaseManyIssues, []int{200}, large(func(t *testing.T, s session) {
			distinct := map[string]bool{}
			for _, is := range s.Plus.Issues {
				distinct[is] = true
			}
			if n := len(s.Plus.Issues); n != manyIssuesCount || len(distinct) < n*8/10 || len(distinct) == n {
				t.Errorf("%d issues, %d distinct; want %d, mostly distinct, some repeated", n, len(distinct), manyIssuesCount)
			}
		})},
		{CaseManyStops, []int{200}, large(func(t *testing.T, s session) {
			if n := len(s.Journey.Stops); n != manyStops { // checkJourney checked their order and the duration
				t.Errorf("%d stops, want %d", n, manyStops)
			}
		})},
		{CaseRedirect, []int{302, 302}, func(t *testing.T, id string, r *http.Response, b []byte) {
			if loc := r.Header.Get("Location"); loc != "https://elsewhere.invalid/api/session/result/"+id {
				t.Errorf("Location %q", loc)
			}
			decodeMessage(t, b, "FOUND")
		}},
		{CaseEcho, []int{200}, func(t *testing.T, id string, r *http.Response, b []byte) {
			status("PASS")(t, id, r, b)
			checkEcho(t, decodeSession(t, b), "Bearer "+testToken, testToken)
		}},
	}
	srv := setup(t, Options{Token: testToken, SlowDelay: 50 * time.Millisecond})
	client := &http.Client{
		Timeout: 30 * time.Second, // generous: the large bodies under the race detector on a busy machine
		// CaseRedirect's answer is the point; following it would leave loopback.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	seen := map[Case]bool{}
	for _, tt := range tests {
		seen[tt.c] = true
		t.Run(string(tt.c), func(t *testing.T) {
			id := ID(tt.c, 3)
			for i, want := range tt.codes {
				start := time.Now()
				resp, body, err := get(t.Context(), t, client, srv, id, testToken)
				if err != nil {
					t.Fatalf("attempt %d: %v", i+1, err)
				}
				if resp.StatusCode != want {
					t.Fatalf("attempt %d: status %d, want %d: %.200s", i+1, resp.StatusCode, want, body)
				}
				if ct := resp.Header.Get("Content-Type"); want != 502 && ct != "application/json" {
					t.Errorf("Content-Type %q", ct)
				}
				if want == 429 {
					checkRetryAfter(t, tt.c, resp.Header.Get("Retry-After"))
				}
				if tt.c == CaseSlow && time.Since(start) < 50*time.Millisecond {
					t.Errorf("slow answered in %s", time.Since(start))
				}
				if i == len(tt.codes)-1 {
					tt.check(t, id, resp, body)
				}
			}
			if got := srv.RequestsFor(id); got != len(tt.codes) {
				t.Errorf("RequestsFor = %d, want %d", got, len(tt.codes))
			}
		})
	}
	for _, c := range []Case{CaseHang, CaseStall, CaseClose, CaseShortBody, CaseHuge} {
		seen[c] = true // TestBrokenAnswers
	}
	for _, c := range Cases() {
		if !seen[c] {
			t.Errorf("case %s is not tested", c)
		}
	}
}

func checkRetryAfter(t *testing.T, c Case, v string) {
	t.Helper()
	if c == CaseRateLimited {
		if v != "1" {
			t.Errorf("Retry-After %q, want 1", v)
		}
		return
	}
	at, err := http.ParseTime(v)
	if err != nil {
		t.Fatalf("Retry-After %q: %v", v, err)
	}
	if d := time.Until(at); d < 0 || d > 2500*time.Millisecond {
		t.Errorf("Retry-After %q is %s ahead, want about 1s", v, d)
	}
}

func TestBrokenAnswers(t *testing.T) {
	srv := setup(t, Options{})
	client := &http.Client{}
	tests := []struct {
		c   Case
		err func(err error) bool
	}{
		{CaseHang, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{CaseStall, func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }},
		{CaseClose, func(err error) bool { return err != nil && !errors.Is(err, context.DeadlineExceeded) }},
		{CaseShortBody, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
	}
	for _, tt := range tests {
		t.Run(string(tt.c), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
			defer cancel()
			resp, body, err := get(ctx, t, client, srv, ID(tt.c, 1), "any")
			if !tt.err(err) {
				t.Fatalf("err = %v (response %v, %d bytes)", err, resp, len(body))
			}
		})
	}
	t.Run("stall sends half a body", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/session/result/"+ID(CaseStall, 1), nil)
		req.Header.Set("Authorization", "Bearer x")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		buf := make([]byte, 100)
		if n, err := io.ReadAtLeast(resp.Body, buf, 100); err != nil || resp.StatusCode != 200 || resp.ContentLength <= int64(n) {
			t.Errorf("status %d, Content-Length %d, read %d: %v", resp.StatusCode, resp.ContentLength, n, err)
		}
	})
	t.Run("huge", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/session/result/"+ID(CaseHuge, 1), nil)
		req.Header.Set("Authorization", "Bearer x")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ends headTail
		n, err := io.Copy(&ends, resp.Body)
		if err != nil || n < hugeSize {
			t.Fatalf("read %d bytes: %v", n, err)
		}
		if want := `{"request_id":"sim-huge-000001","status":"PASS","fn":"AAAA`; !strings.HasPrefix(string(ends.head), want) || string(ends.tail[len(ends.tail)-4:]) != `AA"}` {
			t.Errorf("body %q ... %q", ends.head, ends.tail)
		}
	})
	t.Run("huge abandoned", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/session/result/"+ID(CaseHuge, 2), nil)
		req.Header.Set("Authorization", "Bearer x")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.ContentLength != -1 {
			t.Errorf("Content-Length %d, want chunked", resp.ContentLength)
		}
		n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if n != 8<<20 {
			t.Errorf("read %d", n)
		}
		waitIdle(t, srv)
	})
}

// headTail keeps the first and last bytes of what is written to it.
type headTail struct{ head, tail []byte }

func (h *headTail) Write(p []byte) (int, error) {
	if len(h.head) < 64 {
		h.head = append(h.head, p[:min(len(p), 64-len(h.head))]...)
	}
	h.tail = append(h.tail, p[max(0, len(p)-64):]...)
	h.tail = h.tail[max(0, len(h.tail)-64):]
	return len(p), nil
}

// waitIdle waits until no result handler runs.
func waitIdle(t *testing.T, s *Server) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for s.inFlight.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d handlers still running", s.inFlight.Load())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAuth(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		header string // "" = no header
		want   int
	}{
		{"open: any bearer", Options{}, "Bearer whatever", 200},
		{"open: lower-case scheme", Options{}, "bearer whatever", 200},
		{"open: no header", Options{}, "", 401},
		{"open: empty token", Options{}, "Bearer ", 401},
		{"open: basic", Options{}, "Basic dXNlcjpwYXNz", 401},
		{"token: right", Options{Token: testToken}, "Bearer " + testToken, 200},
		{"token: wrong", Options{Token: testToken}, "Bearer nope", 401},
		{"token: prefix", Options{Token: testToken}, "Bearer " + testToken[:4], 401},
		{"token: no header", Options{Token: testToken}, "", 401},
		{"oauth only: static token refused", Options{ClientID: "id", ClientSecret: "s"}, "Bearer " + testToken, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := setup(t, tt.opts)
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/session/result/"+ID(CasePass, 1), nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			wantUnauth := int64(0)
			if tt.want == 401 {
				wantUnauth = 1
				decodeMessage(t, body, "UNAUTHORIZED")
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Error("no WWW-Authenticate")
				}
			}
			if srv.Unauthorized() != wantUnauth || srv.Requests() != 1 {
				t.Errorf("Unauthorized %d Requests %d", srv.Unauthorized(), srv.Requests())
			}
		})
	}
}

// tokenRequest sends one token request; form is url-encoded unless asJSON.
func postToken(t *testing.T, s *Server, form url.Values, asJSON bool, basicUser, basicPass string) (int, map[string]any) {
	t.Helper()
	var body io.Reader
	ctype := "application/x-www-form-urlencoded"
	if asJSON {
		m := map[string]string{}
		for k := range form {
			m[k] = form.Get(k)
		}
		b, _ := json.Marshal(m)
		body, ctype = strings.NewReader(string(b)), "application/json"
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oauth/token", body)
	req.Header.Set("Content-Type", ctype)
	if basicUser != "" {
		// As golang.org/x/oauth2 does with AuthStyleInHeader.
		req.SetBasicAuth(url.QueryEscape(basicUser), url.QueryEscape(basicPass))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("token answer: %v", err)
	}
	return resp.StatusCode, out
}

func TestOAuth(t *testing.T) {
	const id, secret = "client-1", "s3cret/+&="
	good := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "audience": {Audience}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for key, vals := range good {
			f[key] = vals
		}
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return f
	}
	tests := []struct {
		name       string
		form       url.Values
		asJSON     bool
		basic      bool // credentials in Basic auth instead of the form
		want       int
		wantErrStr string
	}{
		{"form", good, false, false, 200, ""},
		{"json", good, true, false, 200, ""},
		{"basic auth", with("client_secret", ""), false, true, 200, ""},
		{"wrong secret", with("client_secret", "nope"), false, false, 401, "access_denied"},
		{"wrong id", with("client_id", "other"), true, false, 401, "access_denied"},
		{"no audience", with("audience", ""), false, false, 403, "access_denied"},
		{"wrong grant", with("grant_type", "password"), false, false, 400, "unsupported_grant_type"},
	}
	srv := setup(t, Options{ClientID: id, ClientSecret: secret})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, pass := "", ""
			form := tt.form
			if tt.basic {
				user, pass = id, secret
				form = with("client_id", "")
				form.Del("client_secret")
			}
			before := srv.TokensIssued()
			code, out := postToken(t, srv, form, tt.asJSON, user, pass)
			if code != tt.want {
				t.Fatalf("status %d, want %d: %v", code, tt.want, out)
			}
			if tt.want != 200 {
				if out["error"] != tt.wantErrStr || srv.TokensIssued() != before {
					t.Errorf("answer %v, tokens issued %d", out, srv.TokensIssued())
				}
				return
			}
			tok, _ := out["access_token"].(string)
			if tok == "" || out["token_type"] != "Bearer" || out["expires_in"] != float64(3600) || srv.TokensIssued() != before+1 {
				t.Fatalf("answer %v", out)
			}
			resp, _, err := get(t.Context(), t, http.DefaultClient, srv, ID(CasePass, 1), tok)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("result with issued token: %v %v", resp, err)
			}
		})
	}

	t.Run("disabled without a client id", func(t *testing.T) {
		open := setup(t, Options{})
		resp, err := http.PostForm(open.URL+"/oauth/token", good)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("status %d, want 404", resp.StatusCode)
		}
	})
}

func TestTokenExpiry(t *testing.T) {
	srv := setup(t, Options{Token: testToken, ClientID: "c", ClientSecret: "s", TokenTTL: 150 * time.Millisecond})
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"c"}, "client_secret": {"s"}, "audience": {Audience}}
	code, out := postToken(t, srv, form, false, "", "")
	if code != 200 || out["expires_in"] != float64(1) {
		t.Fatalf("status %d answer %v, want expires_in 1", code, out)
	}
	tok := out["access_token"].(string)
	status := func() int {
		resp, _, err := get(t.Context(), t, http.DefaultClient, srv, ID(CasePass, 1), tok)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	if got := status(); got != 200 {
		t.Fatalf("fresh token: %d", got)
	}
	time.Sleep(200 * time.Millisecond)
	if got := status(); got != 401 {
		t.Fatalf("expired token: %d, want 401", got)
	}
	// The static token still works alongside.
	if resp, _, _ := get(t.Context(), t, http.DefaultClient, srv, ID(CasePass, 1), testToken); resp.StatusCode != 200 {
		t.Errorf("static token: %d", resp.StatusCode)
	}

	_, out = postToken(t, srv, form, false, "", "")
	tok = out["access_token"].(string)
	srv.ExpireTokens()
	if got := status(); got != 401 {
		t.Errorf("after ExpireTokens: %d, want 401", got)
	}
	if srv.TokensIssued() != 2 || srv.Unauthorized() != 2 {
		t.Errorf("TokensIssued %d Unauthorized %d", srv.TokensIssued(), srv.Unauthorized())
	}
}

func TestMaxInFlight(t *testing.T) {
	srv := setup(t, Options{Latency: 100 * time.Millisecond})
	const n = 6
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, _, err := get(t.Context(), t, http.DefaultClient, srv, ID(CasePass, i), "x")
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("request %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if got := srv.MaxInFlight(); got != n {
		t.Errorf("MaxInFlight = %d, want %d", got, n)
	}
	if got := srv.Requests(); got != n {
		t.Errorf("Requests = %d, want %d", got, n)
	}
	srv.Reset()
	if srv.MaxInFlight() != 0 || srv.Requests() != 0 || srv.RequestsFor(ID(CasePass, 0)) != 0 {
		t.Errorf("Reset left MaxInFlight %d Requests %d", srv.MaxInFlight(), srv.Requests())
	}
}

func TestResetReplaysFaults(t *testing.T) {
	srv := setup(t, Options{})
	id := ID(CaseRateLimited, 1)
	codes := func() (c []int) {
		for range 2 {
			resp, _, err := get(t.Context(), t, http.DefaultClient, srv, id, "x")
			if err != nil {
				t.Fatal(err)
			}
			c = append(c, resp.StatusCode)
		}
		return c
	}
	first := fmt.Sprint(codes())
	srv.Reset()
	if again := fmt.Sprint(codes()); first != "[429 200]" || again != first {
		t.Errorf("codes %s then %s, want [429 200] twice", first, again)
	}
}

func TestFailFirst(t *testing.T) {
	srv := setup(t, Options{FailFirst: 3, FailStatus: 503})
	var got []int
	for i := range 5 {
		resp, _, err := get(t.Context(), t, http.DefaultClient, srv, ID(CasePass, i), "x")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, resp.StatusCode)
	}
	if fmt.Sprint(got) != "[503 503 503 200 200]" {
		t.Errorf("codes %v", got)
	}
}

func TestBadPaths(t *testing.T) {
	srv := setup(t, Options{})
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/api/session/result/" + url.PathEscape("a b"), 404},
		{"/api/session/result/" + strings.Repeat("a", 129), 404},
		{"/api/session/result/", 404},
		{"/nope", 404},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+tt.path, nil)
		req.Header.Set("Authorization", "Bearer x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%.40s: status %d, want %d", tt.path, resp.StatusCode, tt.want)
		}
	}
}

func TestCloseWithHangingRequest(t *testing.T) {
	srv, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 2)
	for _, c := range []Case{CaseHang, CaseStall} {
		go func() {
			_, _, err := get(context.Background(), t, &http.Client{}, srv, ID(c, 1), "x")
			errc <- err
		}()
	}
	for srv.inFlight.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	srv.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %s", d)
	}
	if n := srv.inFlight.Load(); n != 0 {
		t.Errorf("%d handlers still running after Close", n)
	}
	for range 2 {
		select {
		case err := <-errc:
			if err == nil {
				t.Error("hanging request got an answer")
			}
		case <-time.After(2 * time.Second):
			t.Fatal("client still waiting after Close")
		}
	}
	srv.Close() // twice is fine
}

func TestListenAndServe(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- ListenAndServe(ctx, "127.0.0.1:0", Options{}, func(u string) { urls <- u }) }()
	base := <-urls
	srv := &Server{URL: base}
	resp, body, err := get(t.Context(), t, http.DefaultClient, srv, ID(CasePass, 1), "x")
	if err != nil || resp.StatusCode != 200 || !json.Valid(body) {
		t.Fatalf("%v %v", resp, err)
	}
	hung := make(chan error, 1)
	go func() {
		_, _, err := get(context.Background(), t, http.DefaultClient, srv, ID(CaseHang, 1), "x")
		hung <- err
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("ListenAndServe: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("ListenAndServe did not return")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %s", d)
	}
	<-hung

	if err := ListenAndServe(t.Context(), "127.0.0.1:-1", Options{}, nil); err == nil {
		t.Error("bad address: no error")
	}
}

func TestHandlerEmbeds(t *testing.T) {
	h := Handler(Options{})
	mux := http.NewServeMux()
	mux.Handle("/api/", h)
	ts := httptest.NewServer(mux)
	defer ts.Close()
	resp, _, err := get(t.Context(), t, http.DefaultClient, &Server{URL: ts.URL}, ID(CasePass, 1), "x")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	if s := h.(*Server); s.Requests() != 1 || s.RequestsFor(ID(CasePass, 1)) != 1 {
		t.Errorf("embedded handler counted %d", s.Requests())
	}
}
