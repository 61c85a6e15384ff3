package files

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrLocked is the error of a file another process holds.
var ErrLocked = errors.New("held by another process")

// ErrNotRegular refuses a file that must be a regular one (a journal, a ledger) but is a FIFO,
// a device or a folder: opening or reading it could block forever or never end.
var ErrNotRegular = errors.New("not a regular file")

// OpenLocked opens the regular file at path with flag (os.O_RDWR|os.O_CREATE to create it with
// perm) and takes its exclusive kernel lock for as long as the file stays open: one run per
// file. Anything but a regular file is ErrNotRegular, refused before it is opened (a FIFO
// would block the open) and again once it is; a file another process holds is ErrLocked. The
// errors of os.OpenFile come back as they are (fs.ErrNotExist without os.O_CREATE).
func OpenLocked(path string, flag int, perm os.FileMode) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular(fi.Mode())
	}
	f, err := os.OpenFile(path, flag, perm)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = notRegular(fi.Mode())
	}
	if err == nil {
		err = Lock(f)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// notRegular is ErrNotRegular naming what the file is instead.
func notRegular(m fs.FileMode) error {
	kind := "mode " + m.String()
	switch {
	case m.IsDir():
		kind = "a folder"
	case m&fs.ModeNamedPipe != 0:
		kind = "a FIFO"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	}
	return fmt.Errorf("%w (%s)", ErrNotRegular, kind)
}
