package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/job"
)

// options are the settings main keeps for itself: how to log and show progress, and where
// the token is. Everything else goes into the job's Config.
type options struct {
	LogFormat string
	LogLevel  string
	Progress  string
	TokenFile string
}

// The flags are registered in groups, once each, so that run, check and demo describe a
// flag in the same words. Each group binds its flags to c or o and takes the values they hold
// as the defaults, so a command that wants another default sets it before registering.

// inputFlags are where the ids come from.
func inputFlags(fs *flag.FlagSet, c *job.Config) {
	fs.StringVar(&c.Input, "input", c.Input, "CSV `path` of request ids, or - for stdin (required)")
	fs.StringVar(&c.Column, "column", c.Column, "`header` of the request id column; none = detected (request_id, Request ID, requestId, …)")
	fs.StringVar(&c.Sheet, "sheet", c.Sheet, "the `sheet` to read when the input is an .xlsx workbook; none = the first")
	fs.StringVar(&c.Delimiter, "delimiter", c.Delimiter, "the CSV `delimiter`: , ; | or tab; none = detected from the header line")
	fs.StringVar(&c.AmountColumn, "amount-column", c.AmountColumn, "`header` of the billed amount column (adds the Billing sheet); none = detected (amount, price, cost, fee, charge), - = no amount column")
}

// outputFlags are the files a run writes and what they show.
func outputFlags(fs *flag.FlagSet, c *job.Config) {
	fs.StringVar(&c.Out, "out", c.Out, "the .xlsx `path` to write")
	fs.StringVar(&c.Journal, "journal", c.Journal, "JSON-lines `file` of every answer; a rerun with it reuses PASS and FAIL answers")
	fs.StringVar(&c.SummaryJSON, "summary-json", c.SummaryJSON, "`file` to write the machine-readable run summary to")
	fs.StringVar((*string)(&c.PII), "pii", string(c.PII), "personal fields in the workbook: mask, omit or full")
}

// concurrencyFlag is the one API flag the demo shares.
func concurrencyFlag(fs *flag.FlagSet, c *job.Config) {
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "requests in flight at most")
}

// apiFlags are how the API is asked.
func apiFlags(fs *flag.FlagSet, c *job.Config, o *options) {
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "API base `URL`; plain http:// only to a loopback host unless -allow-http")
	concurrencyFlag(fs, c)
	fs.Float64Var(&c.Rate, "rate", c.Rate, "requests per second at most, 0 = no limit")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "one attempt's time limit, e.g. 30s or 1m")
	fs.IntVar(&c.Retries, "retries", c.Retries, "extra attempts for a retryable failure")
	fs.Float64Var(&c.MaxErrorRate, "max-error-rate", c.MaxErrorRate, "share (0..1) of ids allowed to end as error or invalid before the exit code says failure")
	fs.StringVar(&o.TokenFile, "token-file", o.TokenFile, "`file` holding the bearer token (instead of VXRECON_TOKEN)")
	fs.StringVar(&c.AuthURL, "auth-url", c.AuthURL, "OAuth2 token `URL` for VXRECON_CLIENT_ID/SECRET")
	fs.BoolVar(&c.AllowHTTP, "allow-http", c.AllowHTTP, "allow plain http:// to a non-loopback host")
}

// logFlags are how a run talks to the person or the machine watching it.
func logFlags(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.LogFormat, "log-format", o.LogFormat, "json or console; auto = console on a terminal, JSON otherwise")
	fs.StringVar(&o.LogLevel, "log-level", o.LogLevel, "debug, info, warn or error")
	fs.StringVar(&o.Progress, "progress", o.Progress, "progress bar on stderr: auto (on a terminal only), on or off")
}

// runDefaults are the defaults of run and check (docs/SPEC.md "Commands").
func runDefaults() (job.Config, options) {
	return job.Config{
			BaseURL:     job.DefaultBaseURL,
			AuthURL:     job.DefaultAuthURL,
			Concurrency: 8,
			Timeout:     30 * time.Second,
			Retries:     4,
			PII:         "mask",
		}, options{
			LogFormat: "auto",
			LogLevel:  "info",
			Progress:  "auto",
		}
}

// runFlags registers every flag of run (and check) on fs.
func runFlags(fs *flag.FlagSet, c *job.Config, o *options) {
	inputFlags(fs, c)
	outputFlags(fs, c)
	apiFlags(fs, c, o)
	logFlags(fs, o)
}

// validate checks main's own options.
func (o *options) validate() error {
	for _, f := range []struct {
		flag, v string
		allowed []string
	}{
		{"-log-format", o.LogFormat, []string{"auto", "json", "console"}},
		{"-log-level", o.LogLevel, []string{"debug", "info", "warn", "error"}},
		{"-progress", o.Progress, []string{"auto", "on", "off"}},
	} {
		if err := oneOf(f.flag, f.v, f.allowed...); err != nil {
			return err
		}
	}
	return nil
}

func oneOf(flagName, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%s %q: want one of %s", flagName, v, strings.Join(allowed, ", "))
}

// envName is the environment variable that sets a flag: VXRECON_ and the flag's name in upper
// case with dashes as underscores (-base-url -> VXRECON_BASE_URL).
func envName(flagName string) string {
	return "VXRECON_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets every flag not given on the command line from its environment variable, so that
// a flag always wins over its env var.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] {
			return
		}
		name := envName(f.Name)
		v, ok := lookupEnv(getenv, name)
		if !ok {
			return
		}
		if serr := fs.Set(f.Name, v); serr != nil {
			err = fmt.Errorf("%s: %v", name, serr)
		}
	})
	return err
}

// lookupEnv treats an empty variable as unset: cron and systemd files often carry VAR= lines.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

// printFlags lists every flag with its default and, when the command reads them, its env var.
func printFlags(w io.Writer, fs *flag.FlagSet, withEnv bool) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		arg := "-" + f.Name
		if name != "" {
			arg += " " + name
		}
		def := f.DefValue
		if def == "" {
			def = "none"
		}
		if withEnv {
			fmt.Fprintf(w, "  %s\n    \t%s (default %s; env %s)\n", arg, usage, def, envName(f.Name))
		} else {
			fmt.Fprintf(w, "  %s\n    \t%s (default %s)\n", arg, usage, def)
		}
	})
}

// newFlagSet returns a flag set that reports errors instead of exiting and prints help with
// env vars when the command reads them.
func newFlagSet(name, synopsis string, withEnv bool, extra string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		out := fs.Output()
		if withEnv {
			fmt.Fprintf(out, "Usage: %s\n\nFlags (each also settable by its env var; a flag wins):\n", synopsis)
		} else {
			fmt.Fprintf(out, "Usage: %s\n\nFlags:\n", synopsis)
		}
		printFlags(out, fs, withEnv)
		if extra != "" {
			fmt.Fprint(out, "\n"+extra)
		}
	}
	return fs
}

// parseFlags parses args and, with useEnv, the env vars; help goes to stdout (exit 0),
// errors to stderr (exit 2). It returns ok=false with the exit code when the command should
// stop.
func parseFlags(fs *flag.FlagSet, args []string, e *env, useEnv bool) (code int, ok bool) {
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		io.Copy(e.stdout, &buf)
		return job.ExitOK, false
	}
	if err != nil {
		io.Copy(e.stderr, &buf)
		return job.ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "vxrecon %s: unexpected argument %q (flags come as -name value)\n", fs.Name(), fs.Arg(0))
		return job.ExitUsage, false
	}
	if !useEnv {
		return 0, true
	}
	if err := applyEnv(fs, e.getenv); err != nil {
		fmt.Fprintf(e.stderr, "vxrecon %s: %v\n", fs.Name(), err)
		return job.ExitUsage, false
	}
	return 0, true
}
