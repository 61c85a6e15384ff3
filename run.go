package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/vxrecon/vxrecon/job"
)

// env is what a command receives from the outside world; nothing else reads the process state.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// run is the whole program: main only maps its result to an exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return exitUsage
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], e)
	case "check":
		return cmdCheck(ctx, args[1:], e)
	case "demo":
		return cmdDemo(ctx, args[1:], e)
	case "simulate":
		return cmdSimulate(ctx, args[1:], e)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	case "help", "-h", "-help", "--help":
		switch {
		case len(args) > 1 && commands[args[1]]:
			return run(ctx, []string{args[1], "-h"}, getenv, stdin, stdout, stderr)
		case len(args) > 1 && !strings.HasPrefix(args[1], "-") && args[1] != "help":
			fmt.Fprintf(stderr, "vxrecon help: unknown command %q\n\n%s", args[1], usageText)
			return exitUsage
		}
		fmt.Fprint(stdout, usageText)
		fmt.Fprint(stdout, "\nFlags of vxrecon run (each also settable by its env var; a flag wins):\n")
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		c, o := runDefaults()
		runFlags(fs, &c, &o)
		printFlags(stdout, fs, true)
		return exitOK
	default:
		fmt.Fprintf(stderr, "vxrecon: unknown command %q\n\n%s", args[0], usageText)
		return exitUsage
	}
}

// memoryLimit is the heap the garbage collector aims to stay under unless GOMEMLIMIT says
// otherwise: a run's live data is far smaller (about 60 MB at a million ids), and without a
// limit the heap grows to twice the live data between collections.
const memoryLimit = 192 << 20

// commands are the commands with flags of their own, which `help COMMAND` shows.
var commands = map[string]bool{"run": true, "check": true, "demo": true, "simulate": true}

// The exit codes, as docs/SPEC.md "Exit codes and files" defines them (job owns them).
const (
	exitOK         = job.ExitOK
	exitIncomplete = job.ExitIncomplete
	exitUsage      = job.ExitUsage
	exitAuth       = job.ExitAuth
)

const usageText = `vxrecon reconciles VX identity-verification results into one Excel workbook.

Usage:
  vxrecon run -input F -out R.xlsx [flags]   the job (vxrecon run -h lists every flag)
  vxrecon check -input F -out R.xlsx [flags] what run checks before its first request, and the credentials
  vxrecon demo [-out R.xlsx] [-n N]          the whole job against the built-in simulated API
  vxrecon simulate [-addr 127.0.0.1:8080]    serve the simulated API alone
  vxrecon version                            version, commit and Go version
  vxrecon help [command]                     this text, or a command's flags

Credentials (never as a flag value): VXRECON_TOKEN or -token-file PATH, or
VXRECON_CLIENT_ID + VXRECON_CLIENT_SECRET (OAuth2 client credentials, -auth-url).

Exit codes: 0 done; 1 workbook written but errors over -max-error-rate, or cut short;
2 bad usage or bad input (nothing requested, nothing written); 3 credentials refused.
`
