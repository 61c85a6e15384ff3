package files

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// leftoverFiles lists the files in dir other than keep.
func leftoverFiles(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if !slices.Contains(keep, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xlsx")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := WriteAtomic(path, 0o600, write("first")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", fi.Mode().Perm())
	}
	if got := string(readFileT(t, path)); got != "first" {
		t.Errorf("content = %q", got)
	}
	if err := WriteAtomic(path, 0o600, write("second")); err != nil {
		t.Fatal(err)
	}
	if got := string(readFileT(t, path)); got != "second" {
		t.Errorf("content after replace = %q", got)
	}

	t.Run("failed write leaves the old file", func(t *testing.T) {
		boom := errors.New("boom")
		err := WriteAtomic(path, 0o600, func(w io.Writer) error {
			_, _ = io.WriteString(w, strings.Repeat("half", 100000))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if got := string(readFileT(t, path)); got != "second" {
			t.Errorf("existing file changed to %.20q", got)
		}
		if l := leftoverFiles(t, dir, "report.xlsx"); len(l) > 0 {
			t.Errorf("left behind: %q", l)
		}
	})
	t.Run("failed write leaves nothing new", func(t *testing.T) {
		p := filepath.Join(dir, "new.xlsx")
		if err := WriteAtomic(p, 0o600, func(io.Writer) error { return io.ErrUnexpectedEOF }); err == nil {
			t.Fatal("no error")
		}
		if l := leftoverFiles(t, dir, "report.xlsx"); len(l) > 0 {
			t.Errorf("left behind: %q", l)
		}
	})
	t.Run("path is a folder", func(t *testing.T) {
		sub := filepath.Join(dir, "sub")
		if err := os.Mkdir(sub, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, "x"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := WriteAtomic(sub, 0o600, write("x")); err == nil {
			t.Fatal("renamed over a folder")
		}
		if l := leftoverFiles(t, dir, "report.xlsx", "sub"); len(l) > 0 {
			t.Errorf("left behind: %q", l)
		}
	})
	t.Run("missing folder", func(t *testing.T) {
		if err := WriteAtomic(filepath.Join(dir, "nope", "r.xlsx"), 0o600, write("x")); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
		ok   bool
	}{
		{"writable", dir, true},
		{"missing", filepath.Join(dir, "missing"), false},
		{"a file", file, false},
	}
	if os.Geteuid() != 0 { // root writes through a read-only mode
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct {
			name string
			dir  string
			ok   bool
		}{"read-only", ro, false})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckWritable(tt.dir)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckWritable(%s) = %v, want ok %v", tt.dir, err, tt.ok)
			}
			want := "output folder " + tt.dir + " not writable: "
			if err != nil && (!strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), ".vxrecon-")) {
				t.Errorf("message = %q, want it to start %q and name no temporary file", err, want)
			}
		})
	}
	if l := leftoverFiles(t, dir, "file", "ro"); len(l) > 0 {
		t.Errorf("left behind: %q", l)
	}
}

func readFileT(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRemoveTemps: a file being written when the process must end at once is removed, and
// no write that comes later leaves one; files already in place stay.
func TestRemoveTemps(t *testing.T) {
	defer func() { temps = &tempFiles{names: map[string]bool{}} }()
	dir := t.TempDir()
	done := filepath.Join(dir, "done.json")
	if err := WriteAtomic(done, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, "{}"); return err }); err != nil {
		t.Fatal(err)
	}
	started, release := make(chan struct{}), make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		errc <- WriteAtomic(filepath.Join(dir, "r.xlsx"), 0o600, func(w io.Writer) error {
			io.WriteString(w, "half a workbook")
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	if l := leftoverFiles(t, dir, "done.json"); len(l) != 1 {
		t.Fatalf("while writing: %q, want one temporary file", l)
	}
	RemoveTemps()
	if l := leftoverFiles(t, dir, "done.json"); len(l) != 0 {
		t.Errorf("after RemoveTemps: %q left", l)
	}
	close(release)
	if err := <-errc; err == nil {
		t.Error("the write went on after RemoveTemps")
	}
	if err := WriteAtomic(filepath.Join(dir, "late.json"), 0o600, func(io.Writer) error { return nil }); err == nil {
		t.Error("a write started after RemoveTemps")
	}
	if l := leftoverFiles(t, dir, "done.json"); len(l) != 0 {
		t.Errorf("at the end: %q left", l)
	}
}

// TestRemoveStale: a temporary file of ours that no process holds, older than StaleAge, is
// removed; one a live writer holds, a young one, and other files stay.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * StaleAge)
	mk := func(name string, age time.Time) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, age, age); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := mk(".vxrecon-123.tmp", old)
	young := mk(".vxrecon-456.tmp", time.Now())
	other := mk("notes-123.tmp", old)
	// A live writer: WriteAtomic in the middle of its write holds its temporary file.
	held := make(chan string)
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- WriteAtomic(filepath.Join(dir, "r.xlsx"), 0o600, func(w io.Writer) error {
			m, _ := filepath.Glob(filepath.Join(dir, ".vxrecon-*.tmp"))
			for _, p := range m {
				if p != stale && p != young {
					os.Chtimes(p, old, old)
					held <- p
				}
			}
			<-release
			_, err := w.Write([]byte("whole"))
			return err
		})
	}()
	live := <-held
	removed := RemoveStale(dir)
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the live write failed: %v", err)
	}
	if len(removed) != 1 || removed[0] != filepath.Base(stale) {
		t.Errorf("removed %v, want only %s", removed, filepath.Base(stale))
	}
	for _, p := range []string{young, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed", p)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale file stays: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "r.xlsx")); err != nil || string(b) != "whole" {
		t.Errorf("the live writer's file: %q, %v (its temporary file %s was taken)", b, err, live)
	}
}
