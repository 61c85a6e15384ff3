package output

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "ALL CHECKS PASSED", "ALL CHECKS PASSED"},
		{"formula kept literal", "=1+1", "=1+1"},
		{"tab and newline kept", "a\tb\nc", "a\tb\nc"},
		{"C0 removed", "a\x00b\x01c\x1bd\re", "abcde"},
		{"DEL removed", "a\x7fb", "ab"},
		{"C1 removed", "a\u0085b\u009fc", "abc"},
		{"invalid UTF-8 removed", "a\xffb\xc3", "ab"},
		{"non-characters removed", "a\ufffeb\uffffc", "abc"},
		{"unicode kept", unicodeText, unicodeText},
		{"replacement char kept", "a\ufffdb", "a\ufffdb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeCut(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cut  bool
	}{
		{"at the limit", strings.Repeat("x", MaxCellChars), false},
		{"one over", strings.Repeat("x", MaxCellChars+1), true},
		{"40,000", strings.Repeat("x", 40000), true},
		{"multibyte under the limit", strings.Repeat("é", MaxCellChars), false},
		{"emoji count two", strings.Repeat("🚀", MaxCellChars/2+1), true},
		{"emoji at the limit", strings.Repeat("🚀", MaxCellChars/2) + "x", false},
		{"CJK", strings.Repeat("東", 40000), true},
		{"dirty and long", strings.Repeat("a\x00", 40000), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sanitize(tt.in)
			n := len(utf16.Encode([]rune(got)))
			if n > MaxCellChars {
				t.Errorf("%d UTF-16 units, want <= %d", n, MaxCellChars)
			}
			if !utf8.ValidString(got) {
				t.Error("cut inside a rune")
			}
			if cut := strings.HasSuffix(got, CutMarker); cut != tt.cut {
				t.Errorf("cut = %v, want %v", cut, tt.cut)
			}
			if tt.cut && n < MaxCellChars-1 {
				t.Errorf("cut too short: %d units", n)
			}
		})
	}

}

func TestSanitizeNoAlloc(t *testing.T) {
	s := "OUT-OF-BAND SUCCESSFUL " + unicodeText
	if n := testing.AllocsPerRun(100, func() { _ = Sanitize(s) }); n != 0 {
		t.Errorf("Sanitize of clean text allocates %v times", n)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range append([]string{"", "a\x00b", "\xff", unicodeText, strings.Repeat("🚀", 20000)}, hostileTexts...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Sanitize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		for _, r := range got {
			if (r < 0x20 && r != '\t' && r != '\n') || (r >= 0x7f && r <= 0x9f) || r == 0xfffe || r == 0xffff {
				t.Fatalf("control character %U left in %q", r, got)
			}
		}
		if n := len(utf16.Encode([]rune(got))); n > MaxCellChars {
			t.Fatalf("%d UTF-16 units", n)
		}
		if again := Sanitize(got); again != got {
			t.Fatalf("not idempotent: %q then %q", got, again)
		}
	})
}
