package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/vxrecon/vxrecon/vx"
)

// readCredentials finds the one set of credentials the run uses. Nothing here ever puts a
// token or secret in an error message.
func readCredentials(getenv func(string) string, tokenFile, authURL string) (vx.Credentials, error) {
	token, hasToken := lookupEnv(getenv, "VXRECON_TOKEN")
	id, hasID := lookupEnv(getenv, "VXRECON_CLIENT_ID")
	secret, hasSecret := lookupEnv(getenv, "VXRECON_CLIENT_SECRET")
	if tokenFile != "" {
		if hasToken {
			return vx.Credentials{}, errors.New("both VXRECON_TOKEN and -token-file are set: keep one")
		}
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return vx.Credentials{}, fmt.Errorf("read token file: %w", err)
		}
		token, hasToken = strings.TrimSpace(string(b)), true
		if token == "" {
			return vx.Credentials{}, fmt.Errorf("token file %s is empty", tokenFile)
		}
	}
	token = strings.TrimSpace(token)
	if hasToken && strings.ContainsAny(token, " \t\r\n") {
		return vx.Credentials{}, errors.New("the token holds spaces or several lines: want one bearer token")
	}
	switch {
	case hasToken && (hasID || hasSecret):
		return vx.Credentials{}, errors.New("both a token and VXRECON_CLIENT_ID/SECRET are set: keep one")
	case hasToken:
		return vx.Credentials{Token: token}, nil
	case hasID != hasSecret:
		return vx.Credentials{}, errors.New("OAuth2 needs both VXRECON_CLIENT_ID and VXRECON_CLIENT_SECRET")
	case hasID:
		return vx.Credentials{ClientID: id, ClientSecret: secret, AuthURL: authURL, Audience: "dcams.app"}, nil
	default:
		return vx.Credentials{}, errors.New("no credentials: set VXRECON_TOKEN, or -token-file PATH, or VXRECON_CLIENT_ID and VXRECON_CLIENT_SECRET")
	}
}

// checkURL allows https anywhere and plain http only to a loopback host (or with -allow-http):
// a bearer token or a client secret must not cross a network in clear text by accident.
func checkURL(flagName, raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s %q: want an absolute URL such as https://vx.dcams.app", flagName, raw)
	}
	if u.User != nil {
		return fmt.Errorf("%s must not hold credentials: use the VXRECON_* variables", flagName)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if allowHTTP || vx.IsLoopback(u) {
			return nil
		}
		return fmt.Errorf("%s %s: plain http only to a loopback host (or add -allow-http)", flagName, u.Redacted())
	default:
		return fmt.Errorf("%s %q: want http or https", flagName, raw)
	}
}

// apiHost is the base URL as the report shows it: scheme and host only.
func apiHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
