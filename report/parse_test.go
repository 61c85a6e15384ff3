package report

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want time.Duration
		ok   bool
	}{
		// text, as the API documents it
		{"documented", `"00h 00m 32s"`, 32 * time.Second, true},
		{"minutes", `"00h 01m 14s"`, 74 * time.Second, true},
		{"hours past a day", `"26h 03m 10s"`, 26*time.Hour + 3*time.Minute + 10*time.Second, true},
		{"no seconds", `"1h 2m"`, time.Hour + 2*time.Minute, true},
		{"seconds only", `"32s"`, 32 * time.Second, true},
		{"no spaces", `"1h2m3s"`, time.Hour + 2*time.Minute + 3*time.Second, true},
		{"upper case", `"00H 00M 32S"`, 32 * time.Second, true},
		{"padded", `"  00h  00m  32s "`, 32 * time.Second, true},
		{"space before unit", `"1 h 5 s"`, time.Hour + 5*time.Second, true},
		{"words", `"1 hour 2 minutes 3 seconds"`, time.Hour + 2*time.Minute + 3*time.Second, true},
		{"fractional seconds", `"1.5s"`, 1500 * time.Millisecond, true},
		{"milliseconds unit", `"250ms"`, 250 * time.Millisecond, true},
		{"zero", `"00h 00m 00s"`, 0, true},
		{"clock", `"00:01:14"`, 74 * time.Second, true},
		{"clock long hours", `"100:00:01"`, 100*time.Hour + time.Second, true},
		{"clock spaced", `" 0 : 01 : 14 "`, 74 * time.Second, true},
		{"clock fraction", `"00:00:01.25"`, 1250 * time.Millisecond, true},
		// milliseconds
		{"ms integer", `21000`, 21 * time.Second, true},
		{"ms integer spaced", " 21000\n", 21 * time.Second, true},
		{"ms numeric string", `"21000"`, 21 * time.Second, true},
		{"ms zero", `0`, 0, true},
		{"ms fraction", `1.5`, 1500 * time.Microsecond, true},
		{"ms exponent", `2.1e4`, 21 * time.Second, true},
		{"ms at the limit", `9223372036854`, 9223372036854 * time.Millisecond, true},
		// refused
		{"absent", ``, 0, false},
		{"null", `null`, 0, false},
		{"null spaced", ` null `, 0, false},
		{"empty string", `""`, 0, false},
		{"blank string", `"   "`, 0, false},
		{"garbage", `"soon"`, 0, false},
		{"garbage json", `{"h":1}`, 0, false},
		{"array", `[32]`, 0, false},
		{"bool", `true`, 0, false},
		{"bad json string", `"00h`, 0, false},
		{"unknown unit", `"3d"`, 0, false},
		{"number without unit", `"1h 30"`, 0, false},
		{"unit without number", `"h"`, 0, false},
		{"negative ms", `-21000`, 0, false},
		{"negative ms string", `"-21000"`, 0, false},
		{"negative text", `"-32s"`, 0, false},
		{"negative clock", `"-00:00:32"`, 0, false},
		{"plus sign", `+21000`, 0, false},
		{"ms overflow", `9223372036855`, 0, false},
		{"ms huge", `1e300`, 0, false},
		{"ms inf", `"Infinity"`, 0, false},
		{"ms nan", `"NaN"`, 0, false},
		{"ms hex", `"0x10"`, 0, false},
		{"hours overflow", `"9999999999h"`, 0, false},
		{"sum overflow", `"2562047h 2562047h"`, 0, false},
		{"clock two parts", `"01:14"`, 0, false},
		{"clock minutes 60", `"00:60:00"`, 0, false},
		{"clock seconds 60", `"00:00:60"`, 0, false},
		{"clock letters", `"aa:bb:cc"`, 0, false},
		{"clock empty part", `"1::2"`, 0, false},
		{"double dot", `"1..5s"`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseDuration([]byte(tt.raw))
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v, %v", tt.raw, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseStopTime(t *testing.T) {
	want := time.Date(2024, 8, 19, 20, 56, 25, 223174000, time.UTC)
	whole := time.Date(2024, 8, 19, 20, 56, 25, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024-08-19 20:56:25.223174", want, true},
		{"0001-01-01 00:00:00", time.Time{}, false}, // a placeholder, not a time
		{"9999-12-31 23:59:59", time.Time{}, false},
		{"  2024-08-19 20:56:25.223174\t", want, true},
		{"2024-08-19 20:56:25", whole, true},
		{"2024-08-19T20:56:25.223174", want, true},
		{"2024-08-19T20:56:25", whole, true},
		{"2024-08-19T20:56:25.223174Z", want, true},
		{"2024-08-19T22:56:25.223174+02:00", want, true},
		{"2024-08-19T15:56:25-05:00", whole, true},
		{"2024-08-19 22:56:25+02:00", whole, true},
		{"2024-08-19 22:56:25 +0200", whole, true},
		{"2024-08-19 20:56:25.223174000", want, true},
		{"", time.Time{}, false},
		{"2024-08-19", time.Time{}, false},
		{"20:56:25", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"2024-13-19 20:56:25", time.Time{}, false},
		{"2024-08-19 25:56:25", time.Time{}, false},
		{"19/08/2024 20:56:25", time.Time{}, false},
		{"2024-08-19 20:56:25.223174 garbage", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseStopTime(tt.in)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Fatalf("ParseStopTime(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("ParseStopTime(%q) location = %v, want UTC", tt.in, got.Location())
			}
		})
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{`"00h 00m 32s"`, `21000`, `"21000"`, `"00:01:14"`, `null`, `"1h 2m"`, `-5`, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, ok := ParseDuration(raw)
		if ok && d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, a negative duration accepted", raw, d)
		}
		if !ok && d != 0 {
			t.Fatalf("ParseDuration(%q) = %v with ok false, want 0", raw, d)
		}
	})
}

func FuzzParseStopTime(f *testing.F) {
	for _, s := range []string{"2024-08-19 20:56:25.223174", "2024-08-19T22:56:25+02:00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseStopTime(s)
		if ok && got.Location() != time.UTC {
			t.Fatalf("ParseStopTime(%q) location = %v, want UTC", s, got.Location())
		}
		if !ok && !got.IsZero() {
			t.Fatalf("ParseStopTime(%q) = %v with ok false, want zero", s, got)
		}
	})
}
