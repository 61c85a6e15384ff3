package files

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDistinct: the same file under other spellings, through a symbolic link or a hard link,
// is caught; different files, stdin and unset flags are not.
func TestDistinct(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(dir, "r.xlsx")
	if err := os.WriteFile(book, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(book, filepath.Join(dir, "link.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(book, filepath.Join(dir, "hard.xlsx")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(sub, filepath.Join(dir, "subl")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, tc := range []struct {
		name string
		a, b string
		same bool
	}{
		{"absolute and relative", book, "r.xlsx", true},
		{"dot dot", book, "sub/../r.xlsx", true},
		{"symbolic link", "link.xlsx", book, true},
		{"hard link", "hard.xlsx", book, true},
		{"not yet there, through a linked folder", "subl/new.json", "sub/new.json", true},
		{"different files", book, "sub/other.xlsx", false},
		{"stdin", "-", "-", false},
		{"unset", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Distinct(Named{"-out", tc.a}, Named{"-summary-json", tc.b})
			if (err != nil) != tc.same {
				t.Fatalf("Distinct(%q, %q) = %v, want same=%v", tc.a, tc.b, err, tc.same)
			}
			if err != nil && (!strings.Contains(err.Error(), "-out") || !strings.Contains(err.Error(), "-summary-json")) {
				t.Errorf("error %q does not name both flags", err)
			}
		})
	}
}
