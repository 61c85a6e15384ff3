package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/batch"
)

// expandDates puts the run's date into the file flags: {date} is the night the run counts as
// (-night, else today) and {yesterday} the day before, as YYYY-MM-DD in local time (TZ);
// {month} is the night's month and {lastmonth} the one before, as YYYY-MM. So a nightly run
// names its files without a shell to compute the date (the container image has none).
// -night must be a date.
func expandDates(c *batch.Config, now time.Time) error {
	if c.Night != "" {
		night, err := time.ParseInLocation(time.DateOnly, c.Night, now.Location())
		if err != nil {
			return fmt.Errorf("-night %q: want a date such as %s", c.Night, now.Format(time.DateOnly))
		}
		now = night
	}
	c.Night = now.Format(time.DateOnly)
	r := dateReplacer(now)
	for _, p := range []*string{&c.Input, &c.Out, &c.Journal, &c.SummaryJSON, &c.MetricsFile, &c.Previous, &c.Ledger} {
		*p = r.Replace(*p)
	}
	return nil
}

// dateReplacer replaces the date placeholders of file flags, for the night now.
func dateReplacer(now time.Time) *strings.Replacer {
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	return strings.NewReplacer(
		"{date}", now.Format(time.DateOnly),
		"{yesterday}", now.AddDate(0, 0, -1).Format(time.DateOnly),
		"{month}", month.Format("2006-01"),
		"{lastmonth}", month.AddDate(0, -1, 0).Format("2006-01"),
	)
}
