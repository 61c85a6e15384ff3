package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/vx"
)

// jobConfig is everything a run needs, read from flags and env vars by cmdRun (or set by the demo).
type jobConfig struct {
	Input        string
	Out          string
	BaseURL      string
	Column       string
	Concurrency  int
	Rate         float64
	Timeout      time.Duration
	Retries      int
	MaxErrorRate float64
	Journal      string
	SummaryJSON  string
	PII          string
	LogFormat    string
	LogLevel     string
	Progress     string
	TokenFile    string
	AuthURL      string
	AllowHTTP    bool

	// Set by the caller, not by flags.
	creds     vx.Credentials
	tuneBatch func(*vx.Config) // the demo and tests shorten backoffs here
	maxRows   int              // rows per sheet; 0 = Excel's limit
}

const runExtra = `Credentials, never as a flag value:
  VXRECON_TOKEN                                 a bearer token (or -token-file PATH)
  VXRECON_CLIENT_ID + VXRECON_CLIENT_SECRET     OAuth2 client credentials, token from -auth-url

Exit codes: 0 done; 1 workbook written but errors over -max-error-rate, or cut short;
2 bad usage or bad input; 3 credentials refused.
`

// runFlags registers the run flags on fs, bound to c.
func runFlags(fs *flag.FlagSet, c *jobConfig) {
	fs.StringVar(&c.Input, "input", "", "CSV `path` of request ids, or - for stdin (required)")
	fs.StringVar(&c.Out, "out", "", "the .xlsx `path` to write (required)")
	fs.StringVar(&c.BaseURL, "base-url", "https://vx.dcams.app", "API base `URL`; plain http:// only to a loopback host unless -allow-http")
	fs.StringVar(&c.Column, "column", "", "`header` of the request id column; none = detected (request_id, Request ID, requestId, …)")
	fs.IntVar(&c.Concurrency, "concurrency", 8, "requests in flight at most")
	fs.Float64Var(&c.Rate, "rate", 0, "requests per second at most, 0 = no limit")
	fs.DurationVar(&c.Timeout, "timeout", 30*time.Second, "one attempt's time limit")
	fs.IntVar(&c.Retries, "retries", 4, "extra attempts for a retryable failure")
	fs.Float64Var(&c.MaxErrorRate, "max-error-rate", 0, "share (0..1) of ids allowed to end as error or invalid before the exit code says failure")
	fs.StringVar(&c.Journal, "journal", "", "JSON-lines `file` of every answer; a rerun with it reuses PASS and FAIL answers")
	fs.StringVar(&c.SummaryJSON, "summary-json", "", "`file` to write the machine-readable run summary to")
	fs.StringVar(&c.PII, "pii", "mask", "personal fields in the workbook: mask, omit or full")
	fs.StringVar(&c.LogFormat, "log-format", "auto", "json or console; auto = console on a terminal, JSON otherwise")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.Progress, "progress", "auto", "progress bar on stderr: auto (on a terminal only), on or off")
	fs.StringVar(&c.TokenFile, "token-file", "", "`file` holding the bearer token (instead of VXRECON_TOKEN)")
	fs.StringVar(&c.AuthURL, "auth-url", "https://auth.dcams.app/oauth/token", "OAuth2 token `URL` for VXRECON_CLIENT_ID/SECRET")
	fs.BoolVar(&c.AllowHTTP, "allow-http", false, "allow plain http:// to a non-loopback host")
}

// parseFlags parses args and the env vars; help goes to stdout (exit 0), errors to stderr (exit 2).
// It returns ok=false with the exit code when the command should stop.
func parseFlags(fs *flag.FlagSet, args []string, e *env, useEnv bool) (code int, ok bool) {
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		io.Copy(e.stdout, &buf)
		return exitOK, false
	}
	if err != nil {
		io.Copy(e.stderr, &buf)
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "vxrecon %s: unexpected argument %q (flags come as -name value)\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	if !useEnv {
		return 0, true
	}
	if err := applyEnv(fs, e.getenv); err != nil {
		fmt.Fprintf(e.stderr, "vxrecon %s: %v\n", fs.Name(), err)
		return exitUsage, false
	}
	return 0, true
}

func cmdRun(ctx context.Context, args []string, e *env) int {
	var c jobConfig
	fs := newFlagSet("run", "vxrecon run -input F -out R.xlsx [flags]", e.stderr, runExtra)
	runFlags(fs, &c)
	if code, ok := parseFlags(fs, args, e, true); !ok {
		return code
	}
	creds, err := readCredentials(e.getenv, c.TokenFile, c.AuthURL)
	if err != nil {
		fmt.Fprintf(e.stderr, "vxrecon run: %v\n", err)
		return exitUsage
	}
	c.creds = creds
	if err := c.validate(); err != nil {
		fmt.Fprintf(e.stderr, "vxrecon run: %v\n", err)
		return exitUsage
	}
	in, name := e.stdin, "stdin"
	if c.Input != "-" {
		f, err := os.Open(c.Input)
		if err != nil {
			fmt.Fprintf(e.stderr, "vxrecon run: open input: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		in, name = f, filepath.Base(c.Input)
	}
	code, _ := runJob(ctx, &c, in, name, e)
	return code
}

// validate checks the flag values that need no I/O.
func (c *jobConfig) validate() error {
	switch {
	case c.Input == "":
		return errors.New("-input is required (a CSV path, or - for stdin)")
	case c.Out == "":
		return errors.New("-out is required (the .xlsx to write)")
	case !strings.EqualFold(filepath.Ext(c.Out), ".xlsx"):
		return fmt.Errorf("-out %s: the workbook name must end in .xlsx", c.Out)
	case c.Concurrency < 1 || c.Concurrency > 1024:
		return fmt.Errorf("-concurrency %d: want 1..1024", c.Concurrency)
	case c.Rate < 0:
		return fmt.Errorf("-rate %g: want 0 (no limit) or more", c.Rate)
	case c.Timeout <= 0:
		return fmt.Errorf("-timeout %s: want a positive duration such as 30s", c.Timeout)
	case c.Retries < 0 || c.Retries > 100:
		return fmt.Errorf("-retries %d: want 0..100", c.Retries)
	case c.MaxErrorRate < 0 || c.MaxErrorRate > 1:
		return fmt.Errorf("-max-error-rate %g: want a share between 0 and 1", c.MaxErrorRate)
	}
	if err := oneOf("-pii", c.PII, "mask", "omit", "full"); err != nil {
		return err
	}
	if err := oneOf("-log-format", c.LogFormat, "auto", "json", "console"); err != nil {
		return err
	}
	if err := oneOf("-log-level", c.LogLevel, "debug", "info", "warn", "error"); err != nil {
		return err
	}
	if err := oneOf("-progress", c.Progress, "auto", "on", "off"); err != nil {
		return err
	}
	files := []struct{ flag, path string }{{"-input", c.Input}, {"-out", c.Out}, {"-journal", c.Journal}, {"-summary-json", c.SummaryJSON}}
	for i, a := range files {
		for _, b := range files[i+1:] {
			if a.path != "" && a.path != "-" && filepath.Clean(a.path) == filepath.Clean(b.path) {
				return fmt.Errorf("%s and %s name the same file %s", a.flag, b.flag, a.path)
			}
		}
	}
	if c.creds.AuthURL != "" {
		if err := checkURL("-auth-url", c.creds.AuthURL, c.AllowHTTP); err != nil {
			return err
		}
	}
	return checkURL("-base-url", c.BaseURL, c.AllowHTTP)
}

func oneOf(flagName, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s %q: want one of %s", flagName, v, strings.Join(allowed, ", "))
}
