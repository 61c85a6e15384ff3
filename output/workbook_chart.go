package output

import (
	"bytes"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/vxrecon/vxrecon/recon"
)

// The class chart's size in pixels.
const (
	chartWidth  = 480
	chartHeight = 290
)

// axisFont is dark grey: excelize's default axis text is too pale to read once printed.
var axisFont = excelize.Font{Color: "404040"}

// chartPart is the zip part of the Summary's chart, the workbook's only one.
const chartPart = "xl/charts/chart1.xml"

// addClassChart draws the class counts as columns in their class colours, each with its count
// above it. The chart refers to the Summary cells; it is not a formula cell.
func (w *Workbook) addClassChart(header, first, last int) error {
	ref := func(col string, a, b int) string {
		return SheetSummary + "!$" + col + "$" + strconv.Itoa(a) + ":$" + col + "$" + strconv.Itoa(b)
	}
	vary := false // every column gets its colour from its own data point
	err := w.f.AddChart(SheetSummary, "E3", &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{
			Name:              SheetSummary + "!$B$" + strconv.Itoa(header),
			Categories:        ref("A", first, last),
			Values:            ref("B", first, last),
			DataLabelPosition: excelize.ChartDataLabelsPositionOutsideEnd,
		}},
		VaryColors: &vary,
		XAxis:      excelize.ChartAxis{Font: axisFont},
		YAxis:      excelize.ChartAxis{Font: axisFont},
		PlotArea:   excelize.ChartPlotArea{ShowVal: true},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Results by class"}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		Dimension:  excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
	})
	if err != nil {
		return err
	}
	w.colourClassPoints()
	return nil
}

// colourClassPoints gives each column of the class chart its class colours: fill, and an
// outline in the class's font colour so the pale fills stand out on white.
//
// excelize (2.11) writes a series' DataPoint only for pie and doughnut charts and drops it
// for columns, so Excel and LibreOffice both drew their own palette. The chart part excelize
// keeps in File.Pkg is therefore given its <c:dPt> elements here, as Excel itself writes
// them for a column: idx, invertIfNegative, bubble3D, spPr. They go before the series'
// <c:dLbls>, where the schema puts them. Should a later excelize write the chart otherwise,
// the chart keeps the default colours (a test checks the points are there).
func (w *Workbook) colourClassPoints() {
	v, ok := w.f.Pkg.Load(chartPart)
	if !ok {
		return
	}
	part, ok := v.([]byte)
	if !ok {
		return
	}
	ser := bytes.Index(part, []byte("<ser>"))
	if ser < 0 {
		return
	}
	at := bytes.Index(part[ser:], []byte("<dLbls>"))
	if at < 0 {
		return
	}
	at += ser
	var pts []byte
	for i, c := range recon.Classes {
		fill, line := c.Colors()
		pts = append(pts, `<dPt><idx val="`...)
		pts = strconv.AppendInt(pts, int64(i), 10)
		pts = append(pts, `"/><invertIfNegative val="0"/><bubble3D val="0"/><spPr><a:solidFill><a:srgbClr val="`...)
		pts = append(pts, fill...)
		pts = append(pts, `"/></a:solidFill><a:ln w="9525"><a:solidFill><a:srgbClr val="`...)
		pts = append(pts, line...)
		pts = append(pts, `"/></a:solidFill></a:ln></spPr></dPt>`...)
	}
	out := make([]byte, 0, len(part)+len(pts))
	out = append(append(append(out, part[:at]...), pts...), part[at:]...)
	w.f.Pkg.Store(chartPart, out)
}

// addNightsChart draws "Last 30 nights" (header row header, n nights below it) beside its
// table: a column per class stacked in the class colours, and the pass rate as a line on
// its own axis, 0 to 100 %.
func (w *Workbook) addNightsChart(header, n int) error {
	first, last := header+1, header+n
	ref := func(col string) string {
		return SheetSummary + "!$" + col + "$" + strconv.Itoa(first) + ":$" + col + "$" + strconv.Itoa(last)
	}
	cats := ref("A")
	var bars []excelize.ChartSeries
	for i, c := range recon.Classes {
		col, _ := excelize.ColumnNumberToName(2 + i)
		fill, _ := c.Colors()
		if c == recon.Error {
			fill = "C00000" // the class's pale fill vanishes in a thin column
		}
		bars = append(bars, excelize.ChartSeries{
			Name:       SheetSummary + "!$" + col + "$" + strconv.Itoa(header),
			Categories: cats,
			Values:     ref(col),
			Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
		})
	}
	rateCol, _ := excelize.ColumnNumberToName(3 + recon.NumClasses)
	lo, hi := 0.0, 1.0
	anchor, _ := excelize.ColumnNumberToName(4 + recon.NumClasses) // right of Pass rate
	vary := false
	err := w.f.AddChart(SheetSummary, anchor+strconv.Itoa(header), &excelize.Chart{
		Type:       excelize.ColStacked,
		Series:     bars,
		VaryColors: &vary,
		XAxis:      excelize.ChartAxis{Font: axisFont, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "mm-dd"}},
		YAxis:      excelize.ChartAxis{Font: axisFont, MajorGridLines: true},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Last 30 nights"}}},
		Legend:     excelize.ChartLegend{Position: "bottom"},
		Dimension:  excelize.ChartDimension{Width: chartWidth + 160, Height: chartHeight},
	}, &excelize.Chart{
		Type: excelize.Line,
		Series: []excelize.ChartSeries{{
			Name:       SheetSummary + "!$" + rateCol + "$" + strconv.Itoa(header),
			Categories: cats,
			Values:     ref(rateCol),
			Line:       excelize.LineOptions{Width: 2.25},
			Marker:     excelize.ChartMarker{Symbol: "circle", Size: 5},
		}},
		YAxis: excelize.ChartAxis{Secondary: true, Font: axisFont, Minimum: &lo, Maximum: &hi,
			NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
	})
	if err != nil {
		return err
	}
	w.nightsAsCategories()
	return nil
}

// nightsChartPart is the zip part of the nights' chart, made after the class chart.
const nightsChartPart = "xl/charts/chart2.xml"

// nightsAsCategories makes the nights' chart show one column per night in the table: its
// categories are dates, and with <c:auto val="1"/> (excelize's) Excel and LibreOffice draw a
// date axis, with a gap for every night without a run.
func (w *Workbook) nightsAsCategories() {
	v, ok := w.f.Pkg.Load(nightsChartPart)
	if !ok {
		return
	}
	if part, ok := v.([]byte); ok {
		w.f.Pkg.Store(nightsChartPart, bytes.ReplaceAll(part, []byte(`<auto val="1"></auto>`), []byte(`<auto val="0"></auto>`)))
	}
}
