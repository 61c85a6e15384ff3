// Package files writes the files a run leaves behind safely: whole or not at all (a temporary
// file beside the target, synced and renamed), into a folder checked beforehand, and never
// over another file of the same run.
package files

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteAtomic writes a file whole or not at all, so a run that fails or is killed halfway
// never leaves a half-written workbook where finance expects one: write gets a buffered
// temporary file beside path (same folder, so the rename cannot cross file systems), which is
// synced, given perm and renamed over path. On any error the temporary file is removed and an
// existing file at path is left untouched.
func WriteAtomic(path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".vxrecon-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				_ = tmp.Close()
			}
			_ = os.Remove(name)
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	closed = true
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(name, path); err != nil {
		return err
	}
	// Make the rename itself durable; not every system can sync a folder, so this is best
	// effort.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// CheckWritable tells before the first request whether the workbook can be written into dir,
// by creating and removing a temporary file there: a run of hours must not end in "permission
// denied".
func CheckWritable(dir string) error {
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, ".vxrecon-check-*.tmp")
	if err != nil {
		return fmt.Errorf("output folder not writable: %w", err)
	}
	name := f.Name()
	err = errors.Join(f.Close(), os.Remove(name))
	if err != nil {
		return fmt.Errorf("output folder not writable: %w", err)
	}
	return nil
}
