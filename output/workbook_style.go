package output

import (
	"math"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/recon"
)

// Number formats.
const (
	fmtDateTime = "yyyy-mm-dd hh:mm:ss"
	fmtDuration = "[h]:mm:ss"
	fmtPercent  = "0.0%"
	fmtSeconds  = "0.000"    // the "(s)" columns: to the millisecond, always three decimals
	fmtMoney    = "#,##0.00" // amounts: two decimals, thousands grouped
	fmtDate     = "yyyy-mm-dd"
)

// The workbook's font, named in every style: Excel's default.
const (
	fontFamily = "Calibri"
	fontSize   = 11
)

// styles are the workbook's cell style ids, created once.
type styles struct {
	header, bold, title, bad int
	dateTime, duration       int
	percent, seconds, money  int
	date                     int
	class                    [recon.NumClasses]int // index as recon.Classes
}

func newStyles(f *excelize.File) (*styles, error) {
	var st styles
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		// Every style names its font: a style without one is drawn by LibreOffice in its
		// default, a serif.
		if s.Font == nil {
			s.Font = &excelize.Font{}
		}
		if s.Font.Family == "" {
			s.Font.Family = fontFamily
		}
		if s.Font.Size == 0 {
			s.Font.Size = fontSize
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	numFmt := func(s string) *string { return &s }
	st.header = mk(&excelize.Style{
		Font:   &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
	})
	st.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	st.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	st.bad = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	st.dateTime = mk(&excelize.Style{CustomNumFmt: numFmt(fmtDateTime)})
	st.duration = mk(&excelize.Style{CustomNumFmt: numFmt(fmtDuration)})
	st.percent = mk(&excelize.Style{CustomNumFmt: numFmt(fmtPercent)})
	st.seconds = mk(&excelize.Style{CustomNumFmt: numFmt(fmtSeconds)})
	st.money = mk(&excelize.Style{CustomNumFmt: numFmt(fmtMoney)})
	st.date = mk(&excelize.Style{CustomNumFmt: numFmt(fmtDate)})
	for i, c := range recon.Classes {
		fill, font := c.Colors()
		st.class[i] = mk(&excelize.Style{
			Font: &excelize.Font{Color: font, Bold: c == recon.Error},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
		})
	}
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// excelEpoch is day 0 of Excel's 1900 date system (as Excel counts after February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()

// excelTime converts t's wall clock (Excel has no time zones) to an Excel serial date, or
// reports false for a time Excel cannot show (before 1900-03-01 or after 9999).
func excelTime(t time.Time) (float64, bool) {
	y, mo, d := t.Date()
	if y < 1900 || (y == 1900 && mo < 3) || y > 9999 {
		return 0, false
	}
	h, mi, s := t.Clock()
	days := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Unix() - excelEpoch
	secs := float64(h*3600+mi*60+s) + float64(t.Nanosecond())/1e9
	return float64(days/86400) + (secs+nudge)/86400, true
}

// nudge lifts a serial just above its exact value. The nearest float64 to 20:56:25 may lie a
// hair below it, and readers that truncate rather than round (LibreOffice) would then show
// 20:56:24; 10 µs is far above that error and far below what any format shows.
const nudge = 1e-5

// seconds is a duration in seconds to the millisecond, for the "(s)" columns (shown as
// fmtSeconds: 32.000).
func seconds(d time.Duration) float64 { return math.Round(d.Seconds()*1000) / 1000 }

// excelDuration is a duration in days, the unit of Excel's [h]:mm:ss.
func excelDuration(d time.Duration) float64 { return (d.Seconds() + nudge) / 86400 }
