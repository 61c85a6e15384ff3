package vx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vxrecon/vxrecon/recon"
)

// elsewhere is a second server that must never be contacted: it counts what reaches it.
type elsewhere struct {
	*httptest.Server
	hits, withAuth, withSecret atomic.Int64
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			e.withAuth.Add(1)
		}
		r.ParseForm()
		if r.PostForm.Get("client_secret") != "" {
			e.withSecret.Add(1)
		}
		pass(w, r)
	}))
	t.Cleanup(e.Close)
	return e
}

// TestRedirectsNeverFollowed: a 3xx from the API, to another host or from https to plain
// http on the same host, is an error naming the target host, not retried, and nothing is
// sent to the target.
func TestRedirectsNeverFollowed(t *testing.T) {
	target := newElsewhere(t)
	targetURL, _ := url.Parse(target.URL)
	for _, code := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target.URL+r.URL.Path, code) // https → plain http
			}))
			t.Cleanup(api.Close)
			cfg := testConfig(api.URL)
			cfg.HTTPClient = api.Client()
			r := newClient(t, cfg).Fetch(context.Background(), "abc")
			want := "unexpected redirect to " + targetURL.Host
			if r.Class != recon.Error || !strings.Contains(r.Err, want) || r.Attempts != 1 || r.HTTPStatus != code {
				t.Errorf("got %+v, want an error %q after 1 attempt", r, want)
			}
			if n := target.hits.Load(); n != 0 {
				t.Errorf("the redirect target got %d requests", n)
			}
		})
	}
}

// TestTokenEndpointRedirectRefused: a token endpoint answering 307 is a refusal of the
// credentials (exit 3 for a run); the secret is re-posted nowhere.
func TestTokenEndpointRedirectRefused(t *testing.T) {
	target := newElsewhere(t)
	targetURL, _ := url.Parse(target.URL)
	var apiHits atomic.Int64
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			http.Redirect(w, r, target.URL+"/oauth/token", http.StatusTemporaryRedirect)
			return
		}
		apiHits.Add(1)
		pass(w, r)
	})
	c := newClient(t, oauthConfig(srv.URL))
	res, err := collect(t, context.Background(), c, makeIDs(5), nil)
	var ae *AuthError
	if !errors.As(err, &ae) || !ae.Token || ae.Code != 307 || ae.Redirect != targetURL.Host {
		t.Fatalf("Run = %v, want a refusal by the token endpoint naming %s", err, targetURL.Host)
	}
	if !strings.Contains(err.Error(), "unexpected redirect to "+targetURL.Host) {
		t.Errorf("error %q does not name the target", err)
	}
	if target.hits.Load() != 0 || target.withSecret.Load() != 0 || apiHits.Load() != 0 {
		t.Errorf("target %d requests (%d with the secret), API %d", target.hits.Load(), target.withSecret.Load(), apiHits.Load())
	}
	for _, r := range res {
		if r.Class != recon.Error {
			t.Errorf("%+v", r)
		}
		noSecret(t, "Err", r.Err, testClientSecret)
	}
}

// TestEchoedCredentialsRedacted: a server that echoes the Authorization value into every
// text of a 200 session gets none of it into the result (and so into the workbook and the
// journal), with a static token and with an OAuth token.
func TestEchoedCredentialsRedacted(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request, extra string) {
		auth := r.Header.Get("Authorization") + extra
		tok := strings.TrimPrefix(auth, "Bearer ")
		body, _ := json.Marshal(map[string]any{
			"request_id": idOf(r), "status": "PASS", "fn": auth, "ln": tok, "reference": "ref " + tok,
			"dcams_plus": map[string]any{"service": tok, "detail": "token " + auth, "action": "PASS",
				"issues": []string{"A", tok, "escaped <" + tok + ">"}},
			"journey": map[string]any{"stops": []map[string]string{{"timestamp": "2024-08-19 20:56:25", "source": tok, "detail": auth}}},
		})
		writeJSON(w, 200, body)
	}
	t.Run("static token", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { echo(w, r, "") })
		r := newClient(t, testConfig(srv.URL)).Fetch(context.Background(), "abc")
		checkRedacted(t, r, testToken)
	})
	t.Run("oauth token and secret", func(t *testing.T) {
		api := &oauthAPI{lifetime: func(int) int { return 3600 }}
		h := api.handler(t)
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/oauth/token" {
				h(w, r)
				return
			}
			echo(w, r, " "+testClientSecret)
		})
		r := newClient(t, oauthConfig(srv.URL)).Fetch(context.Background(), "abc")
		checkRedacted(t, r, "access-", testClientSecret)
	})
}

func checkRedacted(t *testing.T, r recon.Result, secrets ...string) {
	t.Helper()
	if r.Class != recon.Pass || r.Session == nil {
		t.Fatalf("got %+v", r)
	}
	b, _ := json.Marshal(r)
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Errorf("result holds %q: %s", s, b)
		}
	}
	if !strings.Contains(r.Session.Plus.Detail, "[redacted]") || !strings.HasPrefix(r.Session.Journey.Stops[0].Source, "[redacted]") {
		t.Errorf("echoed values not redacted: %s", b)
	}
}
