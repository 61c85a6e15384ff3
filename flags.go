package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

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

// printFlags lists every flag with its default and its env var.
func printFlags(w io.Writer, fs *flag.FlagSet) {
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
		fmt.Fprintf(w, "  %s\n    \t%s (default %s; env %s)\n", arg, usage, def, envName(f.Name))
	})
}

// newFlagSet returns a flag set that reports errors instead of exiting and prints help with
// env vars.
func newFlagSet(name, synopsis string, out io.Writer, extra string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: %s\n\nFlags (each also settable by its env var; a flag wins):\n", synopsis)
		printFlags(out, fs)
		if extra != "" {
			fmt.Fprint(out, "\n"+extra)
		}
	}
	return fs
}
