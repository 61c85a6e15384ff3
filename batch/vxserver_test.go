package batch

// The client side of the tests of fetchAll; the server side, shared with vx's tests, is
// package vx/vxtest.

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/vx"
)

// testToken is the static bearer token of the tests; every error text is checked for it.
const testToken = "test-token-7f3a9c"

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

// noSecret fails the test if s holds any of the test credentials.
func noSecret(t testing.TB, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range append(secrets, testToken) {
		if strings.Contains(s, sec) {
			t.Errorf("%s holds a credential: %q", what, s)
		}
	}
}

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
