package cli

import (
	"strings"
	"time"

	"github.com/vxrecon/vxrecon/batch"
)

// expandDates puts the run's date into the file flags: {date} is today and {yesterday} the
// day before, as YYYY-MM-DD in local time (TZ), so a nightly run names its files without a
// shell to compute the date (the container image has none).
func expandDates(c *batch.Config, now time.Time) {
	r := strings.NewReplacer(
		"{date}", now.Format(time.DateOnly),
		"{yesterday}", now.AddDate(0, 0, -1).Format(time.DateOnly),
	)
	for _, p := range []*string{&c.Input, &c.Out, &c.Journal, &c.SummaryJSON, &c.MetricsFile, &c.Previous} {
		*p = r.Replace(*p)
	}
}
