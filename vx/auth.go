package vx

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Default OAuth2 settings, from the vendor's documentation (docs/api/NOTES.md).
const (
	DefaultAuthURL  = "https://auth.dcams.app/oauth/token"
	DefaultAudience = "dcams.app"
)

// Credentials says how requests are authorised: a static bearer Token, or an OAuth2 client
// (ClientID and ClientSecret) whose tokens come from AuthURL. With neither, requests carry no
// Authorization header (main insists on credentials for a real API; the simulator needs
// none). No credential ever appears in an error or a recon.Result made by this package.
type Credentials struct {
	Token                  string // static bearer token, or
	ClientID, ClientSecret string // OAuth2 client credentials
	AuthURL                string // token URL; default DefaultAuthURL
	Audience               string // default DefaultAudience
}

// AuthError means the credentials were refused: the API answered 401 or 403 (after one
// renewal, with OAuth2), or the token endpoint refused the client. Retrying cannot help, so
// a run stops at once; main maps it to exit code 3. The message names the status only.
type AuthError struct {
	Code      int    // HTTP status of the refusal
	Token     bool   // true when the token endpoint refused, not the API
	OAuthCode string // RFC 6749 "error" from the token endpoint, when it sent a plain one
	Redirect  string // the host a token endpoint's redirect pointed to (never followed)
}

// Error reads like "credentials refused (http 401)".
func (e *AuthError) Error() string {
	if !e.Token {
		return "credentials refused (http " + strconv.Itoa(e.Code) + ")"
	}
	s := "credentials refused by token endpoint (http " + strconv.Itoa(e.Code)
	if e.OAuthCode != "" {
		s += " " + e.OAuthCode
	}
	if e.Redirect != "" {
		s += ": unexpected redirect to " + e.Redirect
	}
	return s + ")"
}

// bearer is one token ready to send, kept as the header value so a request costs no
// string building, and compared by pointer to tell which token a 401 was for.
type bearer struct {
	header  []string // {"Bearer <token>"}
	renewAt time.Time
	// final is set on a token fetched because the API refused the one before it: until
	// then, a refusal of it means the API refuses the client, not a stale token, and stops
	// the run (a later refusal is the token expiring early, and is renewed as usual).
	final time.Time
}

// tokens hands out the bearer for each attempt. A static token never changes; an OAuth2
// token is fetched on first use, renewed shortly before it expires, and renewed at once when
// the API refuses it (invalidate). One mutex serialises fetches, so a burst of workers that
// all need a token, or all saw the same 401, cause a single request to the token endpoint.
type tokens struct {
	static *bearer // set for a static token (or none: nil header)

	cc      *clientcredentials.Config
	client  *http.Client // the run's client, bounded by timeout, for the token endpoint
	timeout time.Duration

	// recent are the latest access tokens, newest first, read without the mutex to scrub
	// text: an answer to a request sent just before a renewal echoes the token before.
	recent atomic.Pointer[[]string]

	mu       sync.Mutex
	cur      *bearer
	refused  *AuthError // the token endpoint refused the client: it will again
	renewing bool       // the API refused the current token: the next one is a renewal
}

func newTokens(cred Credentials, hc *http.Client, timeout time.Duration) (*tokens, error) {
	token := strings.TrimSpace(cred.Token)
	id, secret := strings.TrimSpace(cred.ClientID), cred.ClientSecret
	switch {
	case token != "" && (id != "" || secret != ""):
		return nil, errors.New("credentials: give a token or a client id and secret, not both")
	case token != "":
		if !validHeaderValue(token) {
			return nil, errors.New("credentials: token holds characters not allowed in a header")
		}
		return &tokens{static: &bearer{header: []string{"Bearer " + token}}}, nil
	case id == "" && secret == "":
		return &tokens{static: &bearer{}}, nil
	case id == "" || secret == "":
		return nil, errors.New("credentials: client id and client secret go together")
	}
	authURL := cred.AuthURL
	if authURL == "" {
		authURL = DefaultAuthURL
	}
	u, err := url.Parse(authURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("credentials: auth url must be an absolute http(s) URL")
	}
	audience := cred.Audience
	if audience == "" {
		audience = DefaultAudience
	}
	client := *hc
	client.Timeout = timeout
	return &tokens{
		cc: &clientcredentials.Config{
			ClientID:       id,
			ClientSecret:   secret,
			TokenURL:       authURL,
			EndpointParams: url.Values{"audience": {audience}},
			// The vendor documents client_id and client_secret as body parameters;
			// sending them there also avoids auto-detection's second request.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		client:  &client,
		timeout: timeout,
	}, nil
}

// renewable reports whether a 401 for b may be answered by fetching a new token: with
// OAuth2, and not while b is itself a fresh renewal (see bearer.final).
func (t *tokens) renewable(b *bearer) bool {
	return t.cc != nil && !time.Now().Before(b.final)
}

// get returns the bearer to send now, fetching a token when there is none or it is about to
// expire. A refusal by the token endpoint is an *AuthError; any other failure is a
// *transportError (worth a retry).
func (t *tokens) get(ctx context.Context) (*bearer, error) {
	if t.static != nil {
		return t.static, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur != nil && time.Now().Before(t.cur.renewAt) {
		return t.cur, nil
	}
	if t.refused != nil {
		return nil, t.refused
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tctx, cancel := context.WithTimeout(context.WithValue(ctx, oauth2.HTTPClient, t.client), t.timeout)
	defer cancel()
	tok, err := t.cc.Token(tctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		err = tokenError(err, tctx.Err() != nil, t.timeout)
		var ae *AuthError
		if errors.As(err, &ae) {
			t.refused = ae
		}
		return nil, err
	}
	if tok.AccessToken == "" || !validHeaderValue(tok.AccessToken) {
		return nil, &transportError{reason: "token endpoint: unusable access token"}
	}
	recent := []string{tok.AccessToken}
	if old := t.recent.Load(); old != nil {
		recent = append(recent, (*old)[:min(len(*old), keptTokens-1)]...)
	}
	t.recent.Store(&recent)
	b := &bearer{header: []string{"Bearer " + tok.AccessToken}}
	if tok.Expiry.IsZero() {
		b.renewAt = time.Now().Add(100 * 365 * 24 * time.Hour)
	} else {
		// Renew a little early: a tenth of the lifetime, at most 30 s, so that a request
		// does not leave with a token that expires on the way.
		life := time.Until(tok.Expiry)
		b.renewAt = tok.Expiry.Add(-min(life/10, 30*time.Second))
	}
	if t.renewing {
		b.final = time.Now().Add(time.Until(b.renewAt) / 2)
		t.renewing = false
	}
	t.cur = b
	return b, nil
}

// keptTokens is how many of the latest access tokens are redacted from answers.
const keptTokens = 3

// invalidate forgets b after the API refused it, unless another worker already replaced it:
// comparing with the current bearer is what keeps a burst of 401s to one renewal.
func (t *tokens) invalidate(b *bearer) {
	if t.static != nil {
		return
	}
	t.mu.Lock()
	if t.cur == b {
		t.cur = nil
		t.renewing = true
	}
	t.mu.Unlock()
}

// tokenError words a failed token request without its body, which may echo what was sent.
func tokenError(err error, timedOut bool, timeout time.Duration) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		code := re.Response.StatusCode
		if code >= 300 && code < 400 {
			// Never followed (see newHTTPClient): a token endpoint that sends the client
			// elsewhere is refused, so the secret is posted nowhere else.
			return &AuthError{Code: code, Token: true, Redirect: redirectTarget(re.Response)}
		}
		if code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests {
			return &AuthError{Code: code, Token: true, OAuthCode: oauthCode(re.ErrorCode)}
		}
		return &transportError{reason: "token endpoint: http " + strconv.Itoa(code)}
	}
	if timedOut {
		return &transportError{reason: "token endpoint: timeout after " + timeout.String()}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &transportError{reason: "token endpoint: connection error: " + clip(ue.Err.Error(), maxReason)}
	}
	return &transportError{reason: "token endpoint: " + clip(err.Error(), maxReason)}
}

// oauthCode keeps an RFC 6749 error code only when it looks like one (lower-case letters and
// underscores), so no server text of other shapes reaches a message.
func oauthCode(s string) string {
	if s == "" || len(s) > 40 {
		return ""
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && c != '_' {
			return ""
		}
	}
	return s
}

// validHeaderValue reports whether s can travel in a header unchanged: printable ASCII.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
