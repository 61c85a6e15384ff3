package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/vxrecon/vxrecon/batch"
	"github.com/vxrecon/vxrecon/ledger"
)

const reportExtra = `The month-end workbook, from the ledger alone: every id recorded by a run whose night falls
in the period, with its latest answer, aging as of -to, Billing (when the runs' inputs had
amounts), the period's nights with a chart, and the runs it drew from. It sends no request
and needs no token; it reads the ledger without locking it, so it may run beside a night's run.

The ledger comes from -ledger, else VXRECON_LEDGER. Flags may hold {date}, {yesterday} (today
and the day before, YYYY-MM-DD), {month} and {lastmonth} (YYYY-MM), in local time. On the 1st
of each month, for the month before:
  vxrecon report -month {lastmonth} -out month-{lastmonth}.xlsx

Exit codes: 0 written (a period with no runs too: the workbook says so); 1 interrupted or the
workbook could not be written; 2 bad usage or a ledger that cannot be read (nothing written).
`

// cmdReport is `vxrecon report`: the month-end workbook.
func cmdReport(ctx context.Context, args []string, e *env) int {
	c := batch.ReportConfig{PII: "mask", FileMode: 0o600}
	o := options{LogFormat: "auto", LogLevel: "info", Progress: "off"}
	var month string
	fs := newFlagSet("report", "vxrecon report -ledger DSN (-from DATE -to DATE | -month YYYY-MM) -out R.xlsx [flags]", false, reportExtra)
	fs.StringVar(&c.Ledger, "ledger", "", "the ledger: a SQLite `file` or a postgres:// URL; none = VXRECON_LEDGER")
	fs.StringVar(&c.From, "from", "", "the period's first night, a `date` (YYYY-MM-DD)")
	fs.StringVar(&c.To, "to", "", "the period's last night, a `date` (YYYY-MM-DD)")
	fs.StringVar(&month, "month", "", "the period is this `month` (YYYY-MM), instead of -from and -to")
	fs.StringVar(&c.Out, "out", "", "the .xlsx `path` to write")
	fs.StringVar((*string)(&c.PII), "pii", string(c.PII), "personal fields in the workbook: mask, omit or full (never more than the ledger kept)")
	fs.Var((*fileMode)(&c.FileMode), "file-mode", "octal `mode` of the workbook, e.g. 0640")
	fs.StringVar(&o.LogFormat, "log-format", o.LogFormat, "json or console; auto = console on a terminal, JSON otherwise")
	fs.StringVar(&o.LogLevel, "log-level", o.LogLevel, "debug, info, warn or error")
	if code, ok := parseFlags(fs, args, e, false); !ok { // a nightly run's VXRECON_OUT must not steer the report
		return code
	}
	if c.Ledger == "" {
		c.Ledger = e.getenv("VXRECON_LEDGER")
	}
	r := dateReplacer(time.Now())
	for _, p := range []*string{&c.Ledger, &c.From, &c.To, &month, &c.Out} {
		*p = r.Replace(*p)
	}
	if month != "" {
		if c.From != "" || c.To != "" {
			return usageError(e, "report", fmt.Errorf("-month %s: give either -month or -from and -to", month))
		}
		m, err := time.Parse("2006-01", month)
		if err != nil {
			return usageError(e, "report", fmt.Errorf("-month %q: want a month such as 2026-11, or {lastmonth}", month))
		}
		c.From, c.To = m.Format(time.DateOnly), m.AddDate(0, 1, -1).Format(time.DateOnly)
	}
	if err := o.validate(); err != nil {
		return usageError(e, "report", err)
	}
	c.Version, _, _ = buildVersion()
	log := newLogger(e.stderr, o.LogFormat, o.LogLevel, isTerminal(e.stderr))
	out := batch.Report(ctx, c, log)
	if out.Status == batch.BadInput {
		return usageError(e, "report", out.Err)
	}
	if out.Err != nil {
		log.Error().Err(out.Err).Str("ledger", ledger.Redact(c.Ledger)).Msg("month-end workbook not written")
	}
	if out.Workbook {
		fmt.Fprintln(e.stdout, out.Line(c.Out))
	}
	return out.Status.ExitCode()
}
