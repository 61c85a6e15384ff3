// Package files writes the files a run leaves behind safely: whole or not at all (a temporary
// file beside the target, synced and renamed), into a folder checked beforehand, and never
// over another file of the same run.
package files

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// WriteAtomic writes a file whole or not at all, so a run that fails or is killed halfway
// never leaves a half-written workbook where finance expects one: write gets a buffered
// temporary file beside path (same folder, so the rename cannot cross file systems), which is
// synced, given perm and renamed over path. On any error the temporary file is removed and an
// existing file at path is left untouched.
//
// Until it is renamed, the temporary file is known to RemoveTemps, which a second interrupt
// calls before the process ends at once.
func WriteAtomic(path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := temps.create(dir)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, Bare(err))
	}
	name := tmp.Name()
	closed, done := false, false
	defer func() {
		if done {
			return
		}
		// Any way out but success, a panic in write too, removes the temporary file.
		if !closed {
			_ = tmp.Close()
		}
		temps.remove(name)
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, Bare(err))
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
	if err = temps.rename(name, path); err != nil {
		return err
	}
	done = true
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
		return fmt.Errorf("output folder %s not writable: %w", dir, Bare(err))
	}
	name := f.Name()
	err = errors.Join(f.Close(), os.Remove(name))
	if err != nil {
		return fmt.Errorf("output folder %s not writable: %w", dir, Bare(err))
	}
	return nil
}

// Bare is err without the path and operation a *fs.PathError carries: a message names the
// user's file once, in its own words, and never a temporary file of ours.
func Bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// temps are the temporary files WriteAtomic has not renamed yet.
var temps = &tempFiles{names: map[string]bool{}}

type tempFiles struct {
	mu    sync.Mutex
	names map[string]bool
	ended bool // RemoveTemps ran: the process is ending, nothing new is created
}

var errEnding = errors.New("the run is ending")

func (t *tempFiles) create(dir string) (*os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return nil, errEnding
	}
	f, err := os.CreateTemp(dir, ".vxrecon-*.tmp")
	if err == nil {
		t.names[f.Name()] = true
	}
	return f, err
}

// rename puts a finished file in place; under the lock, so RemoveTemps sees either the
// temporary file or the finished one, never a half-way state.
func (t *tempFiles) rename(name, path string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return errEnding
	}
	delete(t.names, name)
	return os.Rename(name, path)
}

func (t *tempFiles) remove(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.names, name)
	_ = os.Remove(name)
}

// RemoveTemps removes every temporary file WriteAtomic is writing, and makes every later
// WriteAtomic fail: for a process about to end at once (a second interrupt), so that no
// half-written file stays behind. The files already in place stay.
func RemoveTemps() {
	temps.mu.Lock()
	defer temps.mu.Unlock()
	temps.ended = true
	for name := range temps.names {
		_ = os.Remove(name)
	}
	clear(temps.names)
}
