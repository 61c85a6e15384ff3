package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/vxrecon/vxrecon/job"
)

const runExtra = `Credentials, never as a flag value:
  VXRECON_TOKEN                                 a bearer token (or -token-file PATH)
  VXRECON_CLIENT_ID + VXRECON_CLIENT_SECRET     OAuth2 client credentials, token from -auth-url

Exit codes: 0 done; 1 workbook written but errors over -max-error-rate, or cut short;
2 bad usage or bad input; 3 credentials refused.
`

func cmdRun(ctx context.Context, args []string, e *env) int {
	c, o := runDefaults()
	fs := newFlagSet("run", "vxrecon run -input F -out R.xlsx [flags]", true, runExtra)
	runFlags(fs, &c, &o)
	if code, ok := parseFlags(fs, args, e, true); !ok {
		return code
	}
	if err := o.validate(); err != nil {
		return usageError(e, "run", err)
	}
	if err := readCredentials(e.getenv, o.TokenFile, &c); err != nil {
		return usageError(e, "run", err)
	}
	c.Version, _, _ = buildVersion()
	c.InputName = "stdin"
	if c.Input != "-" && c.Input != "" {
		c.InputName = filepath.Base(c.Input)
	}
	if err := c.Validate(); err != nil {
		return usageError(e, "run", err)
	}
	in := e.stdin
	if c.Input != "-" {
		f, err := os.Open(c.Input)
		if err != nil {
			return usageError(e, "run", fmt.Errorf("open input: %w", err))
		}
		defer f.Close()
		in = f
	}
	return runJob(ctx, c, o, in, e)
}

// usageError reports bad usage or bad input on stderr, in the one form every such message has.
func usageError(e *env, cmd string, err error) int {
	fmt.Fprintf(e.stderr, "vxrecon %s: %v\n", cmd, err)
	return job.ExitUsage
}

// runJob runs the job with a logger and, on a terminal, a progress bar, then prints the
// one-line summary on stdout and returns the exit code.
func runJob(ctx context.Context, c job.Config, o options, in io.Reader, e *env) int {
	defer startProfiles(e.getenv)()
	tty := isTerminal(e.stderr)
	bar := showBar(o.Progress, tty, e.getenv("TERM"))
	trk := newTracker()
	var logw io.Writer = e.stderr
	var barw io.Writer
	if bar {
		logw = barSafeWriter{t: trk, w: e.stderr}
		barw = e.stderr
	}
	log := newLogger(logw, o.LogFormat, o.LogLevel, tty)
	logEvery := progressEvery
	if tty && o.LogFormat != "json" {
		logEvery = 0
	}
	trk.run(log, barw, logEvery)
	out := job.Run(ctx, c, in, log, trk)
	trk.finish()
	if out.Status == job.BadInput {
		return usageError(e, "run", out.Err)
	}
	if out.Workbook {
		fmt.Fprintln(e.stdout, out.Line(c.Out))
	}
	return out.Status.ExitCode()
}
