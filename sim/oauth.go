package sim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Audience is the audience the token endpoint requires, as the vendor's does.
const Audience = "dcams.app"

// tokenRequest is a client-credentials request, from a form or a JSON body.
type tokenRequest struct {
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Audience     string `json:"audience"`
}

// serveToken is POST /oauth/token. It takes what golang.org/x/oauth2/clientcredentials sends
// (a form with the credentials in the body or in HTTP Basic auth, URL-encoded there) and the
// JSON body of the vendor's own examples.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if s.opts.ClientID == "" {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var req tokenRequest
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body is not valid JSON.")
			return
		}
	} else {
		if err := r.ParseForm(); err != nil {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body is not a valid form.")
			return
		}
		req = tokenRequest{
			GrantType:    r.PostForm.Get("grant_type"),
			ClientID:     r.PostForm.Get("client_id"),
			ClientSecret: r.PostForm.Get("client_secret"),
			Audience:     r.PostForm.Get("audience"),
		}
	}
	if user, pass, ok := r.BasicAuth(); ok {
		// RFC 6749 2.3.1: the id and secret are form-encoded before Basic auth.
		if u, err := url.QueryUnescape(user); err == nil {
			user = u
		}
		if p, err := url.QueryUnescape(pass); err == nil {
			pass = p
		}
		req.ClientID, req.ClientSecret = user, pass
	}

	switch {
	case req.GrantType != "client_credentials":
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Only client_credentials is supported.")
		return
	case subtle.ConstantTimeCompare([]byte(req.ClientID), []byte(s.opts.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(req.ClientSecret), []byte(s.opts.ClientSecret)) != 1:
		writeOAuthError(w, http.StatusUnauthorized, "access_denied", "Unauthorized")
		return
	case req.Audience != Audience:
		writeOAuthError(w, http.StatusForbidden, "access_denied", "Service not enabled within domain.")
		return
	}

	var raw [24]byte
	rand.Read(raw[:])
	tok := "sim_" + hex.EncodeToString(raw[:])
	s.tokens.Store(tok, time.Now().Add(s.tokenTTL).UnixNano())
	s.tokensIssued.Add(1)

	secs := int64((s.tokenTTL + time.Second - 1) / time.Second)
	b := append([]byte(`{"access_token":"`), tok...)
	b = append(b, `","expires_in":`...)
	b = strconv.AppendInt(b, max(secs, 1), 10)
	b = append(b, `,"token_type":"Bearer"}`...)
	w.Header().Set("Cache-Control", "no-store")
	writeBody(w, http.StatusOK, b)
}

func writeOAuthError(w http.ResponseWriter, code int, kind, desc string) {
	b := appendString([]byte(`{"error":`), kind)
	b = append(b, `,"error_description":`...)
	b = appendString(b, desc)
	b = append(b, '}')
	writeBody(w, code, b)
}
