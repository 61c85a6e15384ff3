package pii

import (
	"fmt"
	"strings"
	"testing"
)

func TestMaskValue(t *testing.T) {
	tests := []struct {
		kind     Kind
		in, want string
	}{
		{Name, "Jane", "J***"},
		{Name, "  Jane  ", "J***"},
		{Name, "Ünal", "Ü***"},
		{Name, "東京", "東***"},
		{Name, "J", "J***"},
		{Name, "", ""},
		{Email, "jane.doe@example.com", "j***@example.com"},
		{Email, "j@example.com", "j***@example.com"},
		{Email, "@example.com", "***@example.com"},
		{Email, "a@b@example.com", "a***@example.com"},
		{Email, "no-at-sign", "n***"},
		{Phone, "+1 555 123 7890", "***-***-7890"},
		{Phone, "555-123-7890", "***-***-7890"},
		{Phone, "(555) 1237890", "***-***-7890"},
		{Phone, "7890", "***-***-****"},
		{Phone, "unknown", "***-***-****"},
		{DOB, "19900101", "1990-**-**"},
		{DOB, "1990-01-01", "1990-**-**"},
		{DOB, "1990/01/01", "1990-**-**"},
		{DOB, "01/02/1990", "1990-**-**"},
		{DOB, "1-2-3", "****-**-**"},
		{DOB, "", ""},
		{Other, "123-45-6789", "***"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.kind)+"/"+tt.in, func(t *testing.T) {
			got := MaskValue(tt.kind, tt.in)
			if got != tt.want {
				t.Errorf("MaskValue(%q, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
			}
			if in := strings.TrimSpace(tt.in); in != "" && got == in {
				t.Errorf("MaskValue returned the full value %q", got)
			}
		})
	}
}

func FuzzMaskValue(f *testing.F) {
	for _, s := range []string{"Jane", "jane@example.com", "555-123-7890", "19900101", "1990-01-01", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := strings.TrimSpace(s)
		for _, kind := range []Kind{Name, Email, Phone, DOB, Other} {
			// An already masked value ("J***") may mask to itself; anything else must change.
			if got := MaskValue(kind, s); v != "" && got == v && !strings.Contains(v, "*") {
				t.Fatalf("MaskValue(%v, %q) returned the value", kind, s)
			}
		}
	})
}

func TestMaskIdempotent(t *testing.T) {
	for _, tc := range []struct {
		kind  Kind
		value string
	}{
		{Name, "Jane"}, {Name, "Zoë"}, {Email, "jane.doe@example.com"}, {Email, "nodomain"},
		{Phone, "123-456-7890"}, {Phone, "+1 (555) 010-0199"}, {Phone, "12"},
		{DOB, "19900101"}, {DOB, "1990-01-01"}, {DOB, "unknown"},
	} {
		once := MaskValue(tc.kind, tc.value)
		if twice := MaskValue(tc.kind, once); twice != once {
			t.Errorf("MaskValue(%v, MaskValue(%q)) = %q, want %q", tc.kind, tc.value, twice, once)
		}
	}
}
