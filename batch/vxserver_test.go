package batch

// A real HTTP server standing in for the VX API, for the tests of fetchAll: the same helpers
// as vx's tests have (vx's are internal to its package).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/vx"
)

// testToken is the static bearer token of the tests; every error text is checked for it.
const testToken = "test-token-7f3a9c"

// apiServer is a real HTTP server standing in for the VX API. It counts requests and the
// most that were in flight at once, and remembers each request URI.
type apiServer struct {
	*httptest.Server
	hits      atomic.Int64
	cur, peak atomic.Int64
	done      chan struct{} // closed at cleanup: releases handlers that wait forever

	mu   sync.Mutex
	uris []string
	hdrs []http.Header
}

// newServer starts h behind the counting wrapper; it is closed when the test ends.
func newServer(t testing.TB, h http.HandlerFunc) *apiServer {
	t.Helper()
	s := &apiServer{done: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/oauth/") {
			h(w, r)
			return
		}
		s.hits.Add(1)
		n := s.cur.Add(1)
		defer s.cur.Add(-1)
		for {
			p := s.peak.Load()
			if n <= p || s.peak.CompareAndSwap(p, n) {
				break
			}
		}
		s.mu.Lock()
		s.uris = append(s.uris, r.RequestURI)
		s.hdrs = append(s.hdrs, r.Header.Clone())
		s.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	t.Cleanup(func() { close(s.done) })
	return s
}

// idOf is the id a request asks for.
func idOf(r *http.Request) string {
	return strings.TrimPrefix(r.URL.Path, resultPath)
}

// clientConfig is a fast configuration for a test server: short backoffs, a short timeout.
func clientConfig(base string) vx.Config {
	return vx.Config{
		BaseURL:       base,
		Credentials:   vx.Credentials{Token: testToken},
		Concurrency:   4,
		Timeout:       2 * time.Second,
		Retries:       2,
		BackoffMin:    time.Millisecond,
		BackoffMax:    4 * time.Millisecond,
		RetryAfterMax: time.Second,
	}
}

func newClient(t testing.TB, cfg vx.Config) *vx.Client {
	t.Helper()
	c, err := vx.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// sessionBody is a documented 200 body for id with the given status.
func sessionBody(id, status string) []byte {
	b, err := json.Marshal(map[string]any{
		"fn": "Jane", "ln": "Doe", "addr": "", "dob": "19900101",
		"email": "jane@example.com", "phone": "555-555-0100", "reference": "ref-1",
		"status": status, "request_id": id,
		"additionalData": map[string]string{"customKey": "customValue"},
		"dcams_plus": map[string]any{
			"document_data": map[string]any{}, "api_processing_error": false,
			"service": "PhoneMatch5.0.Smart2FA.SMS", "confirmation": 180603431,
			"action": status, "detail": "ALL CHECKS PASSED",
			"issues": []string{"OUT-OF-BAND SUCCESSFUL"},
		},
		"storage": map[string]any{"success": nil},
		"journey": map[string]any{
			"stops": []map[string]string{
				{"timestamp": "2024-08-19 20:56:25.223174", "type": "NEW REGISTRATION"},
				{"timestamp": "2024-08-19 20:56:57.448256", "type": "Data Service",
					"source": "PhoneMatch5.0.Smart2FA.SMS", "status": status, "action": status},
			},
			"duration": "00h 00m 32s",
		},
		"documents": nil,
	})
	if err != nil {
		panic(err)
	}
	return b
}

func writeJSON(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(body)
}

// pass answers every id with a PASS session.
func pass(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, sessionBody(idOf(r), "PASS"))
}

// noSecret fails the test if s holds any of the test credentials.
func noSecret(t testing.TB, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range append(secrets, testToken) {
		if strings.Contains(s, sec) {
			t.Errorf("%s holds a credential: %q", what, s)
		}
	}
}

// steps answers the n-th request (from 0) with steps[n], repeating the last step.
func steps(s ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := min(int(n.Add(1))-1, len(s)-1)
		s[i](w, r)
	}
}

func status(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, code, []byte(body))
	}
}

// hang waits until the client gives up (or the test ends).
func hang(s **apiServer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-(*s).done:
		}
	}
}

const (
	body500 = `{"message":"INTERNAL SERVER ERROR","detail":"An unexpected error occurred while processing your request."}`
	body202 = `{"message":"IN PROGRESS","detail":"Session result not found, but user started the process."}`
	body404 = `{"message":"NOT FOUND","detail":"Session result not found, user did not start the process or your request_id is invalid."}`
)

// collect runs fetchAll over ids and returns the delivered results by index, checking that
// each index came exactly once and with its own id.
func collect(t testing.TB, ctx context.Context, c *vx.Client, ids []string, prior func(int) (recon.Result, bool)) ([]recon.Result, error) {
	t.Helper()
	out := make([]recon.Result, len(ids))
	seen := make([]bool, len(ids))
	var mu sync.Mutex
	err := fetchAll(ctx, c, len(ids), func(i int) string { return ids[i] }, prior, func(i int, r *recon.Result) error {
		mu.Lock()
		defer mu.Unlock()
		if seen[i] {
			t.Errorf("index %d delivered twice", i)
		}
		seen[i] = true
		if r.ID != ids[i] {
			t.Errorf("deliver %d: id %q, want %q", i, r.ID, ids[i])
		}
		out[i] = *r
		return nil
	})
	for i, ok := range seen {
		if !ok {
			t.Errorf("index %d never delivered", i)
		}
	}
	return out, err
}

// makeIDs is n distinct ids.
func makeIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%05d", i)
	}
	return ids
}

// resultPath is the path of a result request, before the id.
const resultPath = "/api/session/result/"
