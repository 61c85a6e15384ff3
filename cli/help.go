package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
)

// cmdHelp is `vxrecon help [command]`: the usage and the flags of run, or a command's flags.
func cmdHelp(ctx context.Context, args []string, e *env) int {
	switch {
	case len(args) > 0 && commands[args[0]]:
		return run(ctx, []string{args[0], "-h"}, e.getenv, e.stdin, e.stdout, e.stderr)
	case len(args) > 0 && !strings.HasPrefix(args[0], "-") && args[0] != "help":
		fmt.Fprintf(e.stderr, "vxrecon help: unknown command %q\n\n%s", args[0], usageText)
		return exitUsage
	}
	fmt.Fprint(e.stdout, usageText)
	fmt.Fprint(e.stdout, "\nFlags of vxrecon run (each also settable by its env var; a flag wins):\n")
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	c, o := runDefaults()
	runFlags(fs, &c, &o)
	printFlags(e.stdout, fs, true)
	return exitOK
}

// commands are the commands with flags of their own, which `help COMMAND` shows.
var commands = map[string]bool{"run": true, "check": true, "demo": true, "simulate": true, "report": true}

const usageText = `vxrecon reconciles VX identity-verification results into one Excel workbook.

Usage:
  vxrecon run -input F -out R.xlsx [flags]   the job (vxrecon run -h lists every flag)
  vxrecon check -input F -out R.xlsx [flags] what run checks before its first request, and the credentials
  vxrecon demo [-out R.xlsx] [-n N]          the whole job against the built-in simulated API
  vxrecon simulate [-addr 127.0.0.1:8080]    serve the simulated API alone
  vxrecon report -ledger DSN -month YYYY-MM -out R.xlsx
                                             the month-end workbook, from the ledger alone
  vxrecon version                            version, commit and Go version
  vxrecon help [command]                     this text, or a command's flags

Credentials (never as a flag value): VXRECON_TOKEN or -token-file PATH, or
VXRECON_CLIENT_ID + VXRECON_CLIENT_SECRET (OAuth2 client credentials, -auth-url).

Exit codes: 0 done; 1 workbook written but errors over -max-error-rate, or cut short;
2 bad usage or bad input (nothing requested, nothing written); 3 credentials refused.
`
