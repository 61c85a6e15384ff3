package output

import (
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	tests := []struct {
		kind, in, want string
	}{
		{"name", "Jane", "J***"},
		{"name", "  Jane  ", "J***"},
		{"name", "Ünal", "Ü***"},
		{"name", "東京", "東***"},
		{"name", "J", "J***"},
		{"name", "", ""},
		{"email", "jane.doe@example.com", "j***@example.com"},
		{"email", "j@example.com", "j***@example.com"},
		{"email", "@example.com", "***@example.com"},
		{"email", "a@b@example.com", "a***@example.com"},
		{"email", "no-at-sign", "n***"},
		{"phone", "+1 555 123 7890", "***-***-7890"},
		{"phone", "555-123-7890", "***-***-7890"},
		{"phone", "(555) 1237890", "***-***-7890"},
		{"phone", "7890", "***-***-****"},
		{"phone", "unknown", "***-***-****"},
		{"dob", "19900101", "1990-**-**"},
		{"dob", "1990-01-01", "1990-**-**"},
		{"dob", "1990/01/01", "1990-**-**"},
		{"dob", "01/02/1990", "1990-**-**"},
		{"dob", "1-2-3", "****-**-**"},
		{"dob", "", ""},
		{"ssn", "123-45-6789", "***"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+"/"+tt.in, func(t *testing.T) {
			got := Mask(tt.kind, tt.in)
			if got != tt.want {
				t.Errorf("Mask(%q, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
			}
			if in := strings.TrimSpace(tt.in); in != "" && got == in {
				t.Errorf("Mask returned the full value %q", got)
			}
		})
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"Jane", "jane@example.com", "555-123-7890", "19900101", "1990-01-01", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := strings.TrimSpace(s)
		for _, kind := range []string{"name", "email", "phone", "dob", "other"} {
			// An already masked value ("J***") may mask to itself; anything else must change.
			if got := Mask(kind, s); v != "" && got == v && !strings.Contains(v, "*") {
				t.Fatalf("Mask(%q, %q) returned the value", kind, s)
			}
		}
	})
}

func TestMaskIdempotent(t *testing.T) {
	for _, tc := range []struct{ kind, value string }{
		{"name", "Jane"}, {"name", "Zoë"}, {"email", "jane.doe@example.com"}, {"email", "nodomain"},
		{"phone", "123-456-7890"}, {"phone", "+1 (555) 010-0199"}, {"phone", "12"},
		{"dob", "19900101"}, {"dob", "1990-01-01"}, {"dob", "unknown"},
	} {
		once := Mask(tc.kind, tc.value)
		if twice := Mask(tc.kind, once); twice != once {
			t.Errorf("Mask(%s, Mask(%q)) = %q, want %q", tc.kind, tc.value, twice, once)
		}
	}
}
