package recon

// MaxText is the most a text value keeps, in UTF-16 code units: what one Excel cell shows.
// Every text the API sends is cut to it as soon as it is decoded, so neither memory, the
// journal nor the workbook ever holds more of it than a cell can show.
const MaxText = 32767

// CutMarker ends a text that was cut to MaxText, so a reader sees that it was.
const CutMarker = "… [cut]"

// cutMarkerUnits is CutMarker's length in UTF-16 code units.
const cutMarkerUnits = 7

// The most of a session kept beyond single texts: a body of the maximum size can hold
// hundreds of thousands of issues or stops, which no sheet can usefully show. The cut is
// counted (Plus.IssuesCut, Journey.StopsCut) and shown where the rest would have been.
const (
	MaxStops = 1000 // journey stops kept per session
	// MaxSessionText bounds the bytes of text one session keeps in all its fields, so a
	// result costs at most about this much memory whatever its body.
	MaxSessionText = 1 << 20
)

// Clip shortens s to MaxText UTF-16 code units, CutMarker included, never splitting a rune;
// a shorter s is returned as it is, without allocating.
func Clip(s string) string {
	if len(s) <= MaxText { // a UTF-16 code unit takes at least one byte
		return s
	}
	units, end := 0, -1
	for i, r := range s {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if end < 0 && units+n > MaxText-cutMarkerUnits {
			end = i
		}
		units += n
		if units > MaxText {
			return s[:end] + CutMarker
		}
	}
	return s
}
