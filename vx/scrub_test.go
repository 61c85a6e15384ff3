package vx_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/vx"
)

// TestEchoedTokenNeverLeaks: a server that echoes the Authorization header into its error text
// must not get the token into a result, a retry log or an error.
func TestEchoedTokenNeverLeaks(t *testing.T) {
	const token = "echo-me-t0ken-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"message":"bad token %s","detail":"%s"}`, r.Header.Get("Authorization"), r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	var retryTexts []string
	c, err := vx.New(vx.Config{
		BaseURL: srv.URL, Credentials: vx.Credentials{Token: token}, Retries: 2,
		BackoffMin: time.Millisecond, BackoffMax: time.Millisecond,
		OnRetry: func(id string, attempt int, err error, wait time.Duration) {
			mu.Lock()
			retryTexts = append(retryTexts, err.Error())
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := c.Fetch(context.Background(), "abc")
	if r.Class != recon.Error || r.Attempts != 3 || len(retryTexts) != 2 {
		t.Fatalf("result %+v, %d retry logs", r, len(retryTexts))
	}
	for _, s := range append(retryTexts, r.Err, r.Message, r.Detail) {
		if strings.Contains(s, token) {
			t.Errorf("token in %q", s)
		}
	}
	if !strings.Contains(retryTexts[0], "[redacted]") {
		t.Errorf("retry text %q: want the echoed token redacted", retryTexts[0])
	}
}
