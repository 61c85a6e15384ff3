package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/vxrecon/vxrecon/batch"
	"github.com/vxrecon/vxrecon/files"
)

const runExtra = `Credentials, never as a flag value:
  VXRECON_TOKEN                                 a bearer token (or -token-file PATH)
  VXRECON_CLIENT_ID + VXRECON_CLIENT_SECRET     OAuth2 client credentials, token from -auth-url

File flags may hold {date} (the night: -night, else today) and {yesterday}, as YYYY-MM-DD,
and {month} and {lastmonth}, as YYYY-MM, in local time.

Exit codes: 0 done; 1 workbook written but errors over -max-error-rate, or cut short;
2 bad usage or bad input; 3 credentials refused.
`

func cmdRun(ctx context.Context, args []string, e *env) int {
	return runOrCheck(ctx, "run", args, e)
}

// runOrCheck is run and check: the same flags and the same checks before the first request,
// in the order a person fixes them (usage, then input and files, then credentials). check
// then tries the credentials and stops; run does the job.
func runOrCheck(ctx context.Context, cmd string, args []string, e *env) int {
	c, o := runDefaults()
	synopsis := "vxrecon " + cmd + " -input F -out R.xlsx [flags]"
	fs := newFlagSet(cmd, synopsis, true, runExtra)
	runFlags(fs, &c, &o)
	if code, ok := parseFlags(fs, args, e, true); !ok {
		return code
	}
	if err := o.validate(); err != nil {
		return usageError(e, cmd, e.inEnvWords(err))
	}
	if err := expandDates(&c, time.Now()); err != nil {
		return usageError(e, cmd, err)
	}
	waiting := func(msg string) { fmt.Fprintf(e.stderr, "vxrecon %s: %s\n", cmd, msg) }
	credErr := readCredentials(ctx, e.getenv, o.TokenFile, &c, waiting)
	if credErr != nil && ctx.Err() != nil { // interrupted while a pipe kept us waiting for the token
		fmt.Fprintf(e.stderr, "vxrecon %s: %v\n", cmd, credErr)
		return batch.ExitIncomplete
	}
	c.Version, _, _ = buildVersion()
	c.InputName = "stdin"
	if c.Input != "-" && c.Input != "" {
		c.InputName = filepath.Base(c.Input)
	}
	if err := c.Validate(); err != nil {
		return usageError(e, cmd, e.inEnvWords(err))
	}
	in := e.stdin
	if c.Input != "-" {
		f, err := files.Open(ctx, "-input", c.Input, false, waiting)
		if err != nil {
			if ctx.Err() != nil {
				fmt.Fprintf(e.stderr, "vxrecon %s: %v\n", cmd, err)
				return batch.ExitIncomplete
			}
			return usageError(e, cmd, err)
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return usageError(e, cmd, fmt.Errorf("-input %s is a folder: want a CSV or .xlsx file", c.Input))
		}
		in = f
	}
	if cmd == "check" {
		return checkJob(ctx, c, o, in, credErr, e)
	}
	return runJob(ctx, c, o, in, credErr, e)
}

// usageError reports bad usage or bad input on stderr, in the one form every such message has.
func usageError(e *env, cmd string, err error) int {
	fmt.Fprintf(e.stderr, "vxrecon %s: %v\n", cmd, err)
	return batch.ExitUsage
}

// runJob runs the job with a logger and, on a terminal, a progress bar, then prints the
// one-line summary on stdout and returns the exit code. credErr, if set, is what stops the
// run once the input was found good.
func runJob(ctx context.Context, c batch.Config, o options, in io.Reader, credErr error, e *env) int {
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
	p, code := prepare(ctx, "run", c, in, credErr, log, e)
	if p == nil {
		return code
	}
	logEvery := progressEvery
	if tty && o.LogFormat != "json" {
		logEvery = 0
	}
	trk.width = func() int { return termWidth(e.stderr, e.getenv) }
	trk.run(log, barw, logEvery)
	out := p.Run(ctx, trk)
	trk.Finish()
	if out.Status == batch.BadInput && out.Err != nil {
		return usageError(e, "run", out.Err)
	}
	if out.Workbook {
		fmt.Fprintln(e.stdout, out.Line(c.Out))
	}
	return out.Status.ExitCode()
}

// prepare does what run and check do before their first request, the input and the files
// first, then the credentials (credErr is why they cannot be used). It returns nil and the
// exit code when the command must stop there.
func prepare(ctx context.Context, cmd string, c batch.Config, in io.Reader, credErr error, log zerolog.Logger, e *env) (*batch.Prepared, int) {
	p, out := batch.Prepare(ctx, c, in, log)
	if p == nil {
		if out.Status == batch.BadInput {
			return nil, usageError(e, cmd, out.Err)
		}
		return nil, out.Status.ExitCode()
	}
	if credErr != nil {
		p.Close()
		return nil, usageError(e, cmd, credErr)
	}
	return p, 0
}
