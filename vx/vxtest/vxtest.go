// Package vxtest is a real HTTP server standing in for the VX API, with the handlers and
// bodies the tests of the client (vx) and of the fan-out (batch) share. It knows nothing of
// the client.
package vxtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// ResultPath is the path of a result request, before the id (docs/api/).
const ResultPath = "/api/session/result/"

// The documented bodies of the answers that are not a session.
const (
	Body500 = `{"message":"INTERNAL SERVER ERROR","detail":"An unexpected error occurred while processing your request."}`
	Body202 = `{"message":"IN PROGRESS","detail":"Session result not found, but user started the process."}`
	Body404 = `{"message":"NOT FOUND","detail":"Session result not found, user did not start the process or your request_id is invalid."}`
)

// Server is a real HTTP server standing in for the VX API. It counts requests and the
// most that were in flight at once, and remembers each request URI.
type Server struct {
	*httptest.Server
	Hits      atomic.Int64  // result requests received
	Cur, Peak atomic.Int64  // result requests in flight now, and the most at once
	Done      chan struct{} // closed at cleanup: releases handlers that wait forever

	mu   sync.Mutex
	uris []string
	hdrs []http.Header
}

// NewServer starts h behind the counting wrapper; it is closed when the test ends.
func NewServer(t testing.TB, h http.HandlerFunc) *Server {
	t.Helper()
	s := &Server{Done: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/oauth/") {
			h(w, r)
			return
		}
		s.Hits.Add(1)
		n := s.Cur.Add(1)
		defer s.Cur.Add(-1)
		for {
			p := s.Peak.Load()
			if n <= p || s.Peak.CompareAndSwap(p, n) {
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
	t.Cleanup(func() { close(s.Done) })
	return s
}

// URIs are the request URIs received, in order.
func (s *Server) URIs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.uris...)
}

// Headers are the headers of the requests received, in order.
func (s *Server) Headers() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]http.Header(nil), s.hdrs...)
}

// IDOf is the id a request asks for.
func IDOf(r *http.Request) string {
	return strings.TrimPrefix(r.URL.Path, ResultPath)
}

// SessionBody is a documented 200 body for id with the given status.
func SessionBody(id, status string) []byte {
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

// WriteJSON answers code with body as JSON.
func WriteJSON(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(body)
}

// Pass answers every id with a PASS session.
func Pass(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, 200, SessionBody(IDOf(r), "PASS"))
}

// Steps answers the n-th request (from 0) with steps[n], repeating the last step.
func Steps(s ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := min(int(n.Add(1))-1, len(s)-1)
		s[i](w, r)
	}
}

// Status answers code with body.
func Status(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, code, []byte(body))
	}
}

// Hang waits until the client gives up (or the test ends).
func Hang(s **Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-(*s).Done:
		}
	}
}

// MakeIDs is n distinct ids.
func MakeIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%05d", i)
	}
	return ids
}
