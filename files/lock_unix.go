//go:build unix

package files

import (
	"errors"
	"os"
	"syscall"
)

// Lock takes an exclusive kernel lock (flock) on f without waiting: ErrLocked if another
// open file holds it. The kernel drops it when the file is closed or the process dies, so a
// killed run never leaves a stale lock behind.
func Lock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return ErrLocked
		default:
			return err
		}
	}
}

// Unlock releases the lock Lock took.
func Unlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
