package recon

import (
	"strings"
	"testing"
	"unicode/utf16"
)

func TestClasses(t *testing.T) {
	if len(Classes) != NumClasses || NumClasses != 5 {
		t.Fatalf("%d classes, NumClasses %d", len(Classes), NumClasses)
	}
	for i, c := range Classes {
		if c.Index() != i || !c.Valid() {
			t.Errorf("%s: index %d, want %d", c, c.Index(), i)
		}
		if fill, font := c.Colors(); len(fill) != 6 || len(font) != 6 || fill == font {
			t.Errorf("%s: colours %q %q", c, fill, font)
		}
	}
	if Class("MAYBE").Valid() || Class("MAYBE").Index() != -1 || Class("MAYBE").Final() {
		t.Error("an unknown class is valid")
	}
	if !Pass.Final() || !Fail.Final() || InProgress.Final() || NotFound.Final() || Error.Final() {
		t.Error("only PASS and FAIL are final")
	}
	if InProgress.Key() != "IN_PROGRESS" || Error.Key() != "error" {
		t.Errorf("keys %q %q", InProgress.Key(), Error.Key())
	}
}

func TestCounts(t *testing.T) {
	var n Counts
	for _, c := range []Class{Pass, Pass, Fail, Error, "MAYBE"} {
		n.Add(c)
	}
	if n.Of(Pass) != 2 || n.Of(Fail) != 1 || n.Of(Error) != 2 || n.Of("MAYBE") != 0 || n.Total() != 5 {
		t.Errorf("counts %v", n)
	}
}

func TestClip(t *testing.T) {
	if n := len(utf16.Encode([]rune(CutMarker))); n != cutMarkerUnits {
		t.Fatalf("cutMarkerUnits = %d, the marker has %d", cutMarkerUnits, n)
	}
	for _, tt := range []struct {
		name string
		in   string
		cut  bool
	}{
		{"empty", "", false},
		{"at the limit", strings.Repeat("x", MaxText), false},
		{"one over", strings.Repeat("x", MaxText+1), true},
		{"multibyte at the limit", strings.Repeat("é", MaxText), false},
		{"emoji count two", strings.Repeat("🚀", MaxText/2+1), true},
		{"emoji at the limit", strings.Repeat("🚀", MaxText/2) + "x", false},
		{"7.9 MB", strings.Repeat("LONG DETAIL ", 7_900_000/12), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Clip(tt.in)
			n := len(utf16.Encode([]rune(got)))
			if n > MaxText {
				t.Errorf("%d UTF-16 units, want <= %d", n, MaxText)
			}
			if cut := strings.HasSuffix(got, CutMarker); cut != tt.cut {
				t.Errorf("cut = %v, want %v", cut, tt.cut)
			}
			if !tt.cut && got != tt.in {
				t.Error("a text within the limit changed")
			}
			if tt.cut && n < MaxText-1 {
				t.Errorf("cut too short: %d units", n)
			}
		})
	}
}
