package vx

import (
	"github.com/vxrecon/vxrecon/recon"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testClientID     = "client-42"
	testClientSecret = "secret-9b1e55d0"
)

// oauthAPI is the token endpoint and the API in one server: tokens live lifetime(n)
// seconds, and the API refuses a token that is unknown, expired or revoked.
type oauthAPI struct {
	lifetime func(n int) int  // seconds for the n-th token (from 1)
	revoked  func(n int) bool // the API refuses the n-th token anyway
	delay    time.Duration    // per API request

	issued   atomic.Int64
	refusals atomic.Int64
	mu       sync.Mutex
	tokens   map[string]tokenInfo
}

type tokenInfo struct {
	n      int
	expiry time.Time
}

func (a *oauthAPI) handler(t *testing.T) http.HandlerFunc {
	a.tokens = map[string]tokenInfo{}
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			if r.Method != http.MethodPost || r.ParseForm() != nil {
				t.Errorf("token request: %s %v", r.Method, r.ParseForm())
			}
			f := r.PostForm
			if f.Get("grant_type") != "client_credentials" || f.Get("audience") != "dcams.app" ||
				f.Get("client_id") != testClientID {
				t.Errorf("token request form: %v", f)
			}
			if f.Get("client_secret") != testClientSecret {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(401)
				fmt.Fprintf(w, `{"error":"access_denied","error_description":"Unauthorized: %s"}`, f.Get("client_secret"))
				return
			}
			n := int(a.issued.Add(1))
			life := a.lifetime(n)
			tok := fmt.Sprintf("access-%d-%d", n, time.Now().UnixNano())
			a.mu.Lock()
			a.tokens[tok] = tokenInfo{n, time.Now().Add(time.Duration(life) * time.Second)}
			a.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "expires_in": life, "token_type": "Bearer"})
			return
		}
		time.Sleep(a.delay)
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		a.mu.Lock()
		info, ok := a.tokens[tok]
		a.mu.Unlock()
		if !ok || time.Now().After(info.expiry) || (a.revoked != nil && a.revoked(info.n)) {
			a.refusals.Add(1)
			writeJSON(w, 401, []byte(`{"message":"UNAUTHORIZED"}`))
			return
		}
		pass(w, r)
	}
}

func oauthConfig(base string) Config {
	cfg := testConfig(base)
	cfg.Credentials = Credentials{ClientID: testClientID, ClientSecret: testClientSecret, AuthURL: base + "/oauth/token"}
	return cfg
}

// TestOAuthRenewal runs for a few seconds with tokens that expire every 1 or 2 seconds:
// every id passes, and several tokens are issued.
func TestOAuthRenewal(t *testing.T) {
	if testing.Short() {
		t.Skip("takes 3 s")
	}
	t.Parallel() // it mostly waits
	api := &oauthAPI{lifetime: func(n int) int { return 1 + n%2 }, delay: 20 * time.Millisecond}
	srv := newServer(t, api.handler(t))
	ids := makeIDs(600)
	res, err := collect(t, context.Background(), newClient(t, oauthConfig(srv.URL)), ids, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Class != recon.Pass {
			t.Errorf("%+v", r)
		}
	}
	if n := api.issued.Load(); n < 3 {
		t.Errorf("%d tokens issued over the run, want several", n)
	}
	t.Logf("%d tokens issued, %d refusals", api.issued.Load(), api.refusals.Load())
}

// TestOAuth401Renews: a token the API refuses is renewed once and the request repeated.
func TestOAuth401Renews(t *testing.T) {
	api := &oauthAPI{lifetime: func(int) int { return 3600 }, revoked: func(n int) bool { return n == 1 }}
	srv := newServer(t, api.handler(t))
	r := newClient(t, oauthConfig(srv.URL)).Fetch(context.Background(), "x")
	if r.Class != recon.Pass || r.Attempts != 2 {
		t.Errorf("got %+v", r)
	}
	if api.issued.Load() != 2 {
		t.Errorf("%d tokens issued, want 2", api.issued.Load())
	}
}

// TestOAuth401BurstRenewsOnce: many workers refused with the same token cause one renewal.
func TestOAuth401BurstRenewsOnce(t *testing.T) {
	api := &oauthAPI{lifetime: func(int) int { return 3600 }, revoked: func(n int) bool { return n == 1 },
		delay: 10 * time.Millisecond}
	srv := newServer(t, api.handler(t))
	cfg := oauthConfig(srv.URL)
	cfg.Concurrency = 16
	res, err := collect(t, context.Background(), newClient(t, cfg), makeIDs(64), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Class != recon.Pass {
			t.Errorf("%+v", r)
		}
	}
	if api.issued.Load() != 2 {
		t.Errorf("%d tokens issued, want 2", api.issued.Load())
	}
}

// TestOAuth401AfterRenewal: a renewed token refused again is fatal.
func TestOAuth401AfterRenewal(t *testing.T) {
	api := &oauthAPI{lifetime: func(int) int { return 3600 }, revoked: func(int) bool { return true }}
	srv := newServer(t, api.handler(t))
	ids := makeIDs(50)
	res, err := collect(t, context.Background(), newClient(t, oauthConfig(srv.URL)), ids, nil)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Code != 401 || ae.Token {
		t.Fatalf("Run = %v, want *AuthError from the API", err)
	}
	refused := 0
	for _, r := range res {
		switch {
		case r.Err == "credentials refused (http 401)" && r.Attempts <= 2:
			refused++ // refused, renewed, refused again; or refused with the renewed token
		case r.Err == "not fetched: credentials refused":
		case strings.HasPrefix(r.Err, "credentials refused (http 401)") && strings.HasSuffix(r.Err, "retries stopped"):
			// refused once; the run stopped before the renewed attempt
		default:
			t.Errorf("unexpected %+v", r)
		}
	}
	if refused == 0 {
		t.Error("no result was refused after a renewal")
	}
	if n := api.issued.Load(); n > 2 {
		t.Errorf("%d tokens issued", n)
	}
}

// TestOAuthBadSecret: the token endpoint refusing the client is fatal, and its answer, which
// echoes the secret, appears nowhere.
func TestOAuthBadSecret(t *testing.T) {
	api := &oauthAPI{lifetime: func(int) int { return 3600 }}
	srv := newServer(t, api.handler(t))
	cfg := oauthConfig(srv.URL)
	cfg.Credentials.ClientSecret = "wrong-secret-0451"
	ids := makeIDs(30)
	res, err := collect(t, context.Background(), newClient(t, cfg), ids, nil)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.Code != 401 || !ae.Token || ae.OAuthCode != "access_denied" {
		t.Fatalf("Run = %#v, want *AuthError from the token endpoint", err)
	}
	noSecret(t, "Run error", err.Error(), "wrong-secret-0451")
	for _, r := range res {
		noSecret(t, "Err", r.Err, "wrong-secret-0451")
		if !strings.HasPrefix(r.Err, "credentials refused") && r.Err != "not fetched: credentials refused" {
			t.Errorf("%+v", r)
		}
	}
	if srv.Hits.Load() != 0 {
		t.Errorf("API asked %d times without a token", srv.Hits.Load())
	}
	refused := 0
	for _, r := range res {
		if r.Err == "credentials refused by token endpoint (http 401 access_denied)" {
			refused++
		}
	}
	if refused == 0 || api.issued.Load() != 0 {
		t.Errorf("%d results refused by the token endpoint, %d tokens issued", refused, api.issued.Load())
	}
}

// TestOAuthTokenEndpointDown: a token endpoint that fails is a retryable failure.
func TestOAuthTokenEndpointDown(t *testing.T) {
	var calls atomic.Int64
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			calls.Add(1)
			w.WriteHeader(503)
			return
		}
		pass(w, r)
	})
	r := newClient(t, oauthConfig(srv.URL)).Fetch(context.Background(), "x")
	if r.Err != "token endpoint: http 503 after 3 attempts" || r.Attempts != 3 || calls.Load() != 3 {
		t.Errorf("got %+v after %d token calls", r, calls.Load())
	}
}

// TestAuthErrorText: messages name the status only.
func TestAuthErrorText(t *testing.T) {
	for _, tt := range []struct {
		e    AuthError
		want string
	}{
		{AuthError{Code: 401}, "credentials refused (http 401)"},
		{AuthError{Code: 403, Token: true}, "credentials refused by token endpoint (http 403)"},
		{AuthError{Code: 400, Token: true, OAuthCode: "invalid_client"}, "credentials refused by token endpoint (http 400 invalid_client)"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.e, got, tt.want)
		}
	}
	if oauthCode("Unauthorized: secret") != "" || oauthCode("invalid_client") != "invalid_client" {
		t.Error("oauthCode keeps text that is not an RFC 6749 code")
	}
}
