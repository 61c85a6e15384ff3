package vx

import (
	"github.com/vxrecon/vxrecon/recon"
	"github.com/vxrecon/vxrecon/vx/vxtest"

	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

// testToken is the static bearer token of the tests; every error text is checked for it.
const testToken = "test-token-7f3a9c"

// The server side of the tests, shared with batch's: package vxtest.
type apiServer = vxtest.Server

var (
	newServer   = vxtest.NewServer
	idOf        = vxtest.IDOf
	sessionBody = vxtest.SessionBody
	writeJSON   = vxtest.WriteJSON
	pass        = vxtest.Pass
	makeIDs     = vxtest.MakeIDs
)

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
