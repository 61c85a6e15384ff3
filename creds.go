package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/vxrecon/vxrecon/job"
)

// readCredentials finds the one set of credentials the run uses and puts it in c. Nothing
// here ever puts a token or secret in an error message.
func readCredentials(getenv func(string) string, tokenFile string, c *job.Config) error {
	token, hasToken := lookupEnv(getenv, "VXRECON_TOKEN")
	id, hasID := lookupEnv(getenv, "VXRECON_CLIENT_ID")
	secret, hasSecret := lookupEnv(getenv, "VXRECON_CLIENT_SECRET")
	if tokenFile != "" {
		if hasToken {
			return errors.New("both VXRECON_TOKEN and -token-file are set: keep one")
		}
		c.TokenFile = tokenFile
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return fmt.Errorf("read token file: %w", err)
		}
		token, hasToken = strings.TrimSpace(string(b)), true
		if token == "" {
			return fmt.Errorf("token file %s is empty", tokenFile)
		}
	}
	token = strings.TrimSpace(token)
	if hasToken && strings.ContainsAny(token, " \t\r\n") {
		return errors.New("the token holds spaces or several lines: want one bearer token")
	}
	switch {
	case hasToken && (hasID || hasSecret):
		return errors.New("both a token and VXRECON_CLIENT_ID/SECRET are set: keep one")
	case hasToken:
		c.Token = token
		return nil
	case hasID != hasSecret:
		return errors.New("OAuth2 needs both VXRECON_CLIENT_ID and VXRECON_CLIENT_SECRET")
	case hasID:
		c.ClientID, c.ClientSecret = id, secret
		return nil
	default:
		return errors.New("no credentials: set VXRECON_TOKEN, or -token-file PATH, or VXRECON_CLIENT_ID and VXRECON_CLIENT_SECRET")
	}
}
