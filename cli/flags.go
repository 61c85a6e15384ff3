package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/batch"
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
func inputFlags(fs *flag.FlagSet, c *batch.Config) {
	fs.StringVar(&c.Input, "input", c.Input, "CSV or .xlsx `path` of request ids, or - for stdin (required)")
	fs.StringVar(&c.Column, "column", c.Column, "`header` of the request id column; none = detected (request_id, Request ID, requestId, …)")
	fs.StringVar(&c.Sheet, "sheet", c.Sheet, "the `sheet` to read when the input is an .xlsx workbook; none = the first")
	fs.StringVar(&c.Delimiter, "delimiter", c.Delimiter, "the CSV `delimiter`: , ; | or tab; none = detected from the header line")
	fs.StringVar(&c.Previous, "previous", c.Previous, "an earlier run's workbook or journal `file`: adds the Changes sheet")
	fs.StringVar(&c.AmountColumn, "amount-column", c.AmountColumn, "`header` of the billed amount column (adds the Billing sheet); none = detected (amount, price, cost, fee, charge), - = no amount column")
}

// outputFlags are the files a run writes and what they show.
func outputFlags(fs *flag.FlagSet, c *batch.Config) {
	fs.StringVar(&c.Out, "out", c.Out, "the .xlsx `path` to write")
	fs.StringVar(&c.Journal, "journal", c.Journal, "JSON-lines `file` of every answer; a rerun with it reuses PASS and FAIL answers")
	fs.StringVar(&c.SummaryJSON, "summary-json", c.SummaryJSON, "`file` to write the machine-readable run summary to")
	fs.StringVar((*string)(&c.PII), "pii", string(c.PII), "personal fields in the workbook: mask, omit or full")
	fs.StringVar(&c.MetricsFile, "metrics-file", c.MetricsFile, "Prometheus text `file` (node_exporter textfile collector) written at the end of every run")
	fs.Var((*fileMode)(&c.FileMode), "file-mode", "octal `mode` of the workbook, journal, summary JSON and metrics file, e.g. 0640")
}

// fileMode is a flag holding an octal file mode ("0640").
type fileMode os.FileMode

func (m *fileMode) String() string { return fmt.Sprintf("%04o", uint32(*m)) }

func (m *fileMode) Set(s string) error {
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o777 || v == 0 {
		return errors.New("want an octal mode such as 0600 or 0640")
	}
	*m = fileMode(v)
	return nil
}

// concurrencyFlag is the one API flag the demo shares.
func concurrencyFlag(fs *flag.FlagSet, c *batch.Config) {
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "requests in flight at most")
}

// apiFlags are how the API is asked.
func apiFlags(fs *flag.FlagSet, c *batch.Config, o *options) {
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
func runDefaults() (batch.Config, options) {
	return batch.Config{
			BaseURL:     batch.DefaultBaseURL,
			AuthURL:     batch.DefaultAuthURL,
			Concurrency: 8,
			Timeout:     30 * time.Second,
			Retries:     4,
			PII:         "mask",
			FileMode:    0o600,
		}, options{
			LogFormat: "auto",
			LogLevel:  "info",
			Progress:  "auto",
		}
}

// runFlags registers every flag of run (and check) on fs.
func runFlags(fs *flag.FlagSet, c *batch.Config, o *options) {
	inputFlags(fs, c)
	outputFlags(fs, c)
	historyFlags(fs, c)
	apiFlags(fs, c, o)
	logFlags(fs, o)
}

// historyFlags are the ledger of every night.
func historyFlags(fs *flag.FlagSet, c *batch.Config) {
	fs.StringVar(&c.Ledger, "ledger", c.Ledger, "the ledger of every run and answer: a SQLite `file` (created if missing) or a postgres:// URL; final answers from earlier nights are reused, not asked again")
	fs.StringVar(&c.Night, "night", c.Night, "the `date` (YYYY-MM-DD) this run counts as, for the ledger and {date}; none = today, local time")
	fs.BoolVar(&c.Refetch, "refetch", c.Refetch, "ask for every id, even those the ledger has a final answer for")
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
func applyEnv(fs *flag.FlagSet, getenv func(string) string, fromEnv map[string]bool) error {
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
		fromEnv[f.Name] = true
		if serr := fs.Set(f.Name, v); serr != nil {
			// The flag's own words, named by the env var: "VXRECON_TIMEOUT=30: want a duration …".
			hint := valueHint(f)
			if hint == "" {
				hint = serr.Error()
			}
			err = fmt.Errorf("%s=%s: %s (as for -%s)", name, strconv.Quote(v), hint, f.Name)
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

// parseFlags parses args and, with useEnv, the env vars; help goes to stdout (exit 0), an
// error to stderr as one line that says how to fix it (exit 2). It returns ok=false with the
// exit code when the command should stop.
func parseFlags(fs *flag.FlagSet, args []string, e *env, useEnv bool) (code int, ok bool) {
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		io.Copy(e.stdout, &buf)
		return batch.ExitOK, false
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "vxrecon %s: %s; run 'vxrecon %s -h' for help\n", fs.Name(), flagProblem(fs, err), fs.Name())
		return batch.ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "vxrecon %s: unexpected argument %q (flags come as -name value); run 'vxrecon %s -h' for help\n", fs.Name(), fs.Arg(0), fs.Name())
		return batch.ExitUsage, false
	}
	if !useEnv {
		return 0, true
	}
	e.fromEnv = map[string]bool{}
	if err := applyEnv(fs, e.getenv, e.fromEnv); err != nil {
		fmt.Fprintf(e.stderr, "vxrecon %s: %v\n", fs.Name(), err)
		return batch.ExitUsage, false
	}
	return 0, true
}

// flagProblem words a parse error of the flag package for a person: an unknown flag with
// the one it most likely meant, a value with how to write it.
func flagProblem(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		if near := nearestFlag(fs, name); near != "" {
			return fmt.Sprintf("unknown flag -%s (did you mean -%s?)", name, near)
		}
		return "unknown flag -" + name
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return "-" + name + " needs a value"
	}
	// invalid value "30" for flag -timeout: parse error
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		value, after, _ := strings.Cut(rest, " for flag -")
		name, why, _ := strings.Cut(after, ": ")
		hint := valueHint(fs.Lookup(name))
		if hint == "" {
			hint = why
		}
		return fmt.Sprintf("-%s %s: %s", name, value, hint)
	}
	return msg
}

// valueHint says how to write a value of f's kind; "" for a kind whose own error says it.
func valueHint(f *flag.Flag) string {
	if f == nil {
		return "not a valid value"
	}
	switch f.Value.(type) {
	case *fileMode:
		return "want an octal mode such as 0600 or 0640"
	}
	switch fmt.Sprintf("%T", f.Value) {
	case "*flag.durationValue":
		return "want a duration with its unit, such as 30s, 2m or 1h30m"
	case "*flag.intValue":
		return "want a whole number"
	case "*flag.float64Value":
		return "want a number such as 0.05"
	case "*flag.boolValue":
		return "want true or false"
	}
	return ""
}

// nearestFlag is the flag name most likely meant: the one flag name starts (-in → -input),
// else the defined flag closest to name, when one is close enough to be a typo.
func nearestFlag(fs *flag.FlagSet, name string) string {
	var starts []string
	fs.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, name) {
			starts = append(starts, f.Name)
		}
	})
	if len(starts) == 1 {
		return starts[0]
	}
	best, bestD := "", 3
	fs.VisitAll(func(f *flag.Flag) {
		if d := editDistance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// editDistance is the Damerau–Levenshtein distance (adjacent swaps count one) of a and b.
func editDistance(a, b string) int {
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// inEnvWords names, in a message about a flag's value, the env var the value came from when it
// did: "-pii \"some\": want …" becomes "VXRECON_PII=\"some\": want …".
func (e *env) inEnvWords(err error) error {
	msg := err.Error()
	for name := range e.fromEnv {
		flagName := "-" + name
		if rest, ok := strings.CutPrefix(msg, flagName+" "); ok {
			return errors.New(envName(name) + "=" + rest)
		}
		if rest, ok := strings.CutPrefix(msg, flagName+":"); ok {
			return errors.New(envName(name) + ":" + rest)
		}
	}
	return err
}
