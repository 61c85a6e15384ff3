package vx

import (
	"github.com/vxrecon/vxrecon/recon"

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

	"golang.org/x/sync/errgroup"
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

// testConfig is a fast configuration for a test server: short backoffs, a short timeout.
func testConfig(base string) Config {
	return Config{
		BaseURL:       base,
		Credentials:   Credentials{Token: testToken},
		Concurrency:   4,
		Timeout:       2 * time.Second,
		Retries:       2,
		BackoffMin:    time.Millisecond,
		BackoffMax:    4 * time.Millisecond,
		RetryAfterMax: time.Second,
	}
}

func newClient(t testing.TB, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
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

// collect fetches ids for the tests of the client, in a plain way (batch's fetchAll is the
// real one, tested there): each id in its goroutine, Workers at once, prior results taken as
// they are, and nothing more sent once credentials were refused or the breaker opened. It
// returns the results by index and the first fatal error.
func collect(t testing.TB, ctx context.Context, c *Client, ids []string, prior func(int) (recon.Result, bool)) ([]recon.Result, error) {
	t.Helper()
	out := make([]recon.Result, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.Workers())
	why := func() string {
		switch {
		case c.Refused():
			return "credentials refused"
		case c.Unavailable():
			return "API unavailable"
		}
		return "interrupted"
	}
	for i, id := range ids {
		if prior != nil {
			if r, ok := prior(i); ok {
				out[i] = r
				continue
			}
		}
		if gctx.Err() != nil || c.Refused() || c.Unavailable() {
			out[i] = recon.NotFetched(id, why())
			continue
		}
		g.Go(func() error {
			r, o, err := c.Try(gctx, id)
			switch o {
			case NotFetched:
				r = recon.NotFetched(id, why())
			case Down:
				if jerr := c.Judge(gctx); jerr != nil {
					err = jerr
				}
			}
			out[i] = r
			return err
		})
	}
	err := g.Wait()
	for i, r := range out {
		if r.ID != ids[i] {
			t.Errorf("result %d: id %q, want %q", i, r.ID, ids[i])
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
