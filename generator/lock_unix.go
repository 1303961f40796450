//go:build unix

package generator

import (
	"os"
	"syscall"
)

// lockDir takes an exclusive lock on the folder dir, held until the returned
// function is called, so that two writes to one folder take turns (the
// second one's start would otherwise remove the first one's temporary
// files). The lock goes with the process, so a killed write leaves none. On
// a file system without locks, writes go on unlocked.
func lockDir(dir string) (unlock func()) {
	f, err := os.Open(dir)
	if err != nil {
		return func() {}
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
