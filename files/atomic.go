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
	"time"
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

// tempPattern names the temporary files of WriteAtomic (and of CheckWritable, which starts
// with ".vxrecon-check-").
const tempPattern = ".vxrecon-*.tmp"

// StaleAge is how old a temporary file of ours must be before RemoveStale may remove it:
// far longer than the instant between its creation and its lock.
const StaleAge = time.Minute

// RemoveStale removes, in dir, the temporary files of our naming that a run killed while
// writing left behind (kill -9 gives no chance to clean up), and returns their names. A file
// is stale when no live process holds it: WriteAtomic holds an exclusive kernel lock (flock)
// on its file for as long as it writes, and the kernel drops the lock when the process dies.
// A file younger than StaleAge is left alone, whatever its lock.
func RemoveStale(dir string) []string {
	if dir == "" {
		dir = "."
	}
	names, _ := filepath.Glob(filepath.Join(dir, tempPattern))
	var removed []string
	for _, name := range names {
		fi, err := os.Lstat(name)
		if err != nil || !fi.Mode().IsRegular() || time.Since(fi.ModTime()) < StaleAge {
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		if Lock(f) == nil && os.Remove(name) == nil {
			removed = append(removed, filepath.Base(name))
		}
		f.Close()
	}
	return removed
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
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return nil, err
	}
	// Held while it is written: RemoveStale tells a live file from debris by this lock.
	if err := Lock(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	t.names[f.Name()] = true
	return f, nil
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
