package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// dataFile is the JSON document of the data file.
type dataFile struct {
	Version int     `json:"sandbox_data_version"`
	Cards   []*card `json:"cards"`
}

const dataVersion = 1

func readDataFile(path string) ([]*card, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: data file: %w", err)
	}
	var f dataFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("sandbox: data file %s: %w", path, err)
	}
	if f.Version != dataVersion {
		return nil, fmt.Errorf("sandbox: data file %s: version %d, want %d", path, f.Version, dataVersion)
	}
	seen := map[string]bool{}
	for _, c := range f.Cards {
		if c == nil || c.OutCardCode == "" || seen[c.OutCardCode] {
			return nil, fmt.Errorf("sandbox: data file %s: a card without out_card_code or a repeated one", path)
		}
		seen[c.OutCardCode] = true
	}
	return f.Cards, nil
}

// writeFileAtomic replaces path with data: it writes a temporary file in the
// same directory, syncs it, renames it over path and syncs the directory, so
// that a crash leaves either the old file or the new one, never a mix.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

// persister writes the store to the data file with group commit: a change
// waits until a snapshot taken after it is on disk; one write covers every
// change made while the previous write ran.
type persister struct {
	path string
	st   *store
	logf func(string, ...any)

	mu      sync.Mutex
	cond    *sync.Cond
	saved   uint64 // version on disk
	want    uint64 // highest version waited for
	err     error  // of the last write
	closed  bool
	running bool
	done    chan struct{}
}

func newPersister(path string, st *store, logf func(string, ...any)) *persister {
	p := &persister{path: path, st: st, logf: logf, done: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	st.snapshot(func(_ []*card, v uint64) { p.saved = v })
	go p.loop()
	return p
}

// wait returns once version is on disk, or the error of the write that
// should have put it there.
func (p *persister) wait(ctx context.Context, version uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if version > p.want {
		p.want = version
		p.err = nil // a new attempt
		p.cond.Broadcast()
	}
	for p.saved < version {
		if p.closed {
			return errors.New("sandbox: closed")
		}
		if p.err != nil && !p.running {
			return p.err
		}
		p.cond.Wait()
	}
	return nil
}

func (p *persister) loop() {
	defer close(p.done)
	p.mu.Lock()
	for {
		for p.want <= p.saved && !p.closed {
			p.cond.Wait()
		}
		if p.closed && p.want <= p.saved {
			p.mu.Unlock()
			return
		}
		p.running = true
		p.mu.Unlock()

		var data []byte
		var version uint64
		var err error
		p.st.snapshot(func(cards []*card, v uint64) {
			version = v
			data, err = json.MarshalIndent(dataFile{Version: dataVersion, Cards: cards}, "", " ")
		})
		if err == nil {
			err = writeFileAtomic(p.path, append(data, '\n'), 0o600)
		}
		if err != nil {
			p.logf("sandbox: writing %s: %v", p.path, err)
		}

		p.mu.Lock()
		p.running = false
		p.err = err
		if err == nil {
			p.saved = version
		} else if p.want > p.saved {
			// Give up on the versions waited for; later changes try again.
			p.want = p.saved
		}
		p.cond.Broadcast()
	}
}

// close writes what is not on disk yet, then stops.
func (p *persister) close() error {
	var latest uint64
	p.st.snapshot(func(_ []*card, v uint64) { latest = v })
	err := p.wait(context.Background(), latest)
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast()
	p.mu.Unlock()
	<-p.done
	return err
}
