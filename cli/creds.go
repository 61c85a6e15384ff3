package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vxrecon/vxrecon/batch"
	"github.com/vxrecon/vxrecon/files"
)

// maxTokenFile bounds what is read of -token-file: a token is a few KiB at most.
const maxTokenFile = 64 << 10

// readCredentials finds the one set of credentials the run uses and puts it in c. Nothing
// here ever puts a token or secret in an error message. A token file is read up to
// maxTokenFile, and a pipe as token file within files.Wait or until ctx ends; waiting hears
// that the run waits for it.
func readCredentials(ctx context.Context, getenv func(string) string, tokenFile string, c *batch.Config, waiting func(string)) error {
	token, hasToken := lookupEnv(getenv, "VXRECON_TOKEN")
	id, hasID := lookupEnv(getenv, "VXRECON_CLIENT_ID")
	secret, hasSecret := lookupEnv(getenv, "VXRECON_CLIENT_SECRET")
	if tokenFile != "" {
		if hasToken {
			return errors.New("both VXRECON_TOKEN and -token-file are set: keep one")
		}
		c.TokenFile = tokenFile
		b, err := files.ReadSmall(ctx, "-token-file", tokenFile, maxTokenFile, waiting)
		if err != nil {
			return err
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
