package sandbox

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// The store is the sandbox's state in one bbolt file: B+trees of JSON
// documents, each change one transaction committed (and, with a data file,
// fsynced) before it is acknowledged, so that a 2xx means stored and a
// failed write (a full or read-only disk) answers 500 with nothing left
// behind, in memory or on disk. A write touches the pages of the keys it
// changes, whatever the number of records.
//
// Buckets, one per kind of thing; keys are the business identifiers, so
// that a kind is a bucket with the same helpers and its notifications join
// the same outbox (payment orders and refunds: payments.go):
//
//	cards     out_card_code                          -> card
//	records   out_card_code 0x00 kind 0x00 seq(8)     -> objectiveRecord | rewardRecord
//	serials   out_card_code 0x00 kind 0x00 serial     -> seq(8)  (idempotency keys)
//	outbox    seq(8)                                  -> delivery (a notification not yet acknowledged)
//	meta      "version"                              -> schemaVersion
var (
	bucketCards   = []byte("cards")
	bucketRecords = []byte("records")
	bucketSerials = []byte("serials")
	bucketOutbox  = []byte("outbox")
	bucketMeta    = []byte("meta")
	allBuckets    = [][]byte{bucketCards, bucketRecords, bucketSerials, bucketOutbox, bucketMeta,
		bucketOrders, bucketTxIDs, bucketRefunds, bucketRefundDue} // payments.go
)

const schemaVersion = "2"

// Record kinds, in the records and serials keys.
const (
	kindObjective = "o"
	kindReward    = "r"
)

type store struct {
	db     *bolt.DB
	path   string
	temp   bool   // a file of our own, removed on close (no Config.DataFile)
	idBase uint64 // random, drawn when the file is made: see enqueue
}

// openStore opens (or creates) the data file at path; "" stores in a
// temporary file, unsynced, removed on close.
func openStore(path string) (*store, error) {
	st := &store{path: path}
	opts := &bolt.Options{Timeout: time.Second} // a second sandbox on the same file fails instead of waiting
	if path == "" {
		f, err := os.CreateTemp("", "wxpay-sandbox-*.db")
		if err != nil {
			return nil, fmt.Errorf("sandbox: store: %w", err)
		}
		f.Close()
		os.Remove(f.Name()) // bbolt creates it afresh
		st.path, st.temp = f.Name(), true
		opts.NoSync = true // nothing survives the process anyway
	}
	db, err := bolt.Open(st.path, 0o600, opts)
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			err = errors.New("in use by another sandbox")
		}
		return nil, fmt.Errorf("sandbox: data file %s: %w", st.path, err)
	}
	// Group commit: concurrent changes share one transaction and one fsync.
	db.MaxBatchDelay = time.Millisecond
	st.db = db
	if st.ready() {
		// Opening an existing store writes nothing: it opens on a full disk.
		return st, nil
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get([]byte("version")); {
		case v == nil:
			base, _ := strconv.ParseUint(gateway.RandomFrom(gateway.Digits, 7), 10, 64)
			if err := meta.Put([]byte("id_base"), be64(base)); err != nil {
				return err
			}
			if err := meta.Put([]byte("version"), []byte(schemaVersion)); err != nil {
				return err
			}
		case string(v) != schemaVersion:
			return fmt.Errorf("schema version %s, want %s", v, schemaVersion)
		}
		if b := meta.Get([]byte("id_base")); len(b) == 8 {
			st.idBase = binary.BigEndian.Uint64(b)
		}
		return nil
	})
	if err != nil {
		st.close()
		return nil, fmt.Errorf("sandbox: data file %s: %w", st.path, err)
	}
	return st, nil
}

// ready reports a store of this schema with every bucket, and reads its id
// base.
func (st *store) ready() bool {
	ok := false
	st.db.View(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				return nil
			}
		}
		meta := tx.Bucket(bucketMeta)
		if string(meta.Get([]byte("version"))) != schemaVersion {
			return nil
		}
		if b := meta.Get([]byte("id_base")); len(b) == 8 {
			st.idBase = binary.BigEndian.Uint64(b)
		}
		ok = true
		return nil
	})
	return ok
}

func (st *store) close() error {
	err := st.db.Close()
	if st.temp {
		os.Remove(st.path)
	}
	return err
}

// refusal is a business answer from inside a transaction: the transaction
// is rolled back, and the answer is sent.
type refusal struct{ e *gateway.Error }

func (r refusal) Error() string { return r.e.Error() }

// refuse aborts a transaction with the answer e.
func refuse(e *gateway.Error) error { return refusal{e} }

// tx is a write transaction with the helpers the rules use.
type tx struct {
	b        *bolt.Tx
	idBase   uint64
	enqueued []*delivery
}

// update runs fn in a write transaction shared with concurrent changes
// (bbolt's Batch: fn may run more than once, so it must only touch the
// transaction and variables it sets afresh each time). It returns nil and
// the notifications fn queued once committed; the answer of a refusal; or
// 500 SYSTEM_ERROR when the change could not be stored, having stored
// nothing.
func (s *Server) update(fn func(t *tx) error) ([]*delivery, *gateway.Error) {
	var last *tx
	err := s.store.db.Batch(func(b *bolt.Tx) error {
		last = &tx{b: b, idBase: s.store.idBase}
		return fn(last)
	})
	var r refusal
	switch {
	case errors.As(err, &r):
		return nil, r.e
	case err != nil:
		s.cfg.Logf("sandbox: storing a change in %s: %v", s.store.path, err)
		return nil, &gateway.Error{Status: 500, Code: "SYSTEM_ERROR", Message: "系统异常，请稍后重试"}
	}
	return last.enqueued, nil
}

// view runs fn in a read transaction.
func (s *Server) view(fn func(b *bolt.Tx) error) *gateway.Error {
	err := s.store.db.View(fn)
	var r refusal
	switch {
	case errors.As(err, &r):
		return r.e
	case err != nil:
		s.cfg.Logf("sandbox: reading %s: %v", s.store.path, err)
		return &gateway.Error{Status: 500, Code: "SYSTEM_ERROR", Message: "系统异常，请稍后重试"}
	}
	return nil
}

func getJSON(b *bolt.Tx, bucket []byte, key string, v any) (bool, error) {
	data := b.Bucket(bucket).Get([]byte(key))
	if data == nil {
		return false, nil
	}
	return true, json.Unmarshal(data, v)
}

func putJSON(b *bolt.Tx, bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Bucket(bucket).Put(key, data)
}

// card reads a card; nil when there is none.
func getCard(b *bolt.Tx, code string) (*card, error) {
	var c card
	ok, err := getJSON(b, bucketCards, code, &c)
	if !ok || err != nil {
		return nil, err
	}
	return &c, nil
}

func (t *tx) putCard(c *card) error { return putJSON(t.b, bucketCards, []byte(c.OutCardCode), c) }

func be64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func childKey(code, kind string, rest []byte) []byte {
	k := make([]byte, 0, len(code)+len(kind)+2+len(rest))
	k = append(k, code...)
	k = append(k, 0)
	k = append(k, kind...)
	k = append(k, 0)
	return append(k, rest...)
}

// hasSerial reports whether the card has a record of kind with serial.
func (t *tx) hasSerial(code, kind, serial string) bool {
	return t.b.Bucket(bucketSerials).Get(childKey(code, kind, []byte(serial))) != nil
}

// addRecord stores a record of the card and its serial number.
func (t *tx) addRecord(code, kind, serial string, rec any) error {
	recs := t.b.Bucket(bucketRecords)
	seq, err := recs.NextSequence()
	if err != nil {
		return err
	}
	if err := putJSON(t.b, bucketRecords, childKey(code, kind, be64(seq)), rec); err != nil {
		return err
	}
	return t.b.Bucket(bucketSerials).Put(childKey(code, kind, []byte(serial)), be64(seq))
}

// eachRecord calls fn with every record of kind of the card, in the order
// they were added.
func eachRecord(b *bolt.Tx, code, kind string, fn func(data []byte) error) error {
	prefix := childKey(code, kind, nil)
	c := b.Bucket(bucketRecords).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// enqueue queues a notification in the transaction that causes it (a
// transactional outbox): it is sent once the change is committed, and is
// in the file until acknowledged, so that neither a crash before the send
// nor one during the retries loses it.
func (t *tx) enqueue(queue, url, eventType string, now time.Time, plaintext []byte) error {
	ob := t.b.Bucket(bucketOutbox)
	seq, err := ob.NextSequence()
	if err != nil {
		return err
	}
	d := &delivery{Seq: seq, Queue: queue, URL: url, EventType: eventType, Created: now,
		// EV- and the Beijing time to the second as WeChat Pay's ids, then 7
		// digits counting from the store's random base (not random each
		// time): two notifications of one store never share an id, which a
		// deduplicating handler would take for a repeat, and two stores (a
		// sandbox restarted without a data file) are unlikely to.
		ID:        "EV-" + now.In(gateway.Beijing).Format("20060102150405") + fmt.Sprintf("%07d", (t.idBase+seq)%10_000_000),
		Plaintext: plaintext}
	if err := putJSON(t.b, bucketOutbox, be64(seq), d); err != nil {
		return err
	}
	t.enqueued = append(t.enqueued, d)
	return nil
}

// pending returns the outbox, in the order the notifications were queued.
func (st *store) pending() ([]*delivery, error) {
	var out []*delivery
	err := st.db.View(func(b *bolt.Tx) error {
		return b.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var d delivery
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("outbox entry %x: %w", k, err)
			}
			d.Seq = binary.BigEndian.Uint64(k)
			out = append(out, &d)
			return nil
		})
	})
	return out, err
}

// delivered removes a notification from the outbox (acknowledged, or given
// up on).
func (st *store) delivered(seq uint64) error {
	return st.db.Batch(func(b *bolt.Tx) error { return b.Bucket(bucketOutbox).Delete(be64(seq)) })
}

// countRecords counts the stored records (for tests and the load test).
func (st *store) countRecords() (n int, err error) {
	err = st.db.View(func(b *bolt.Tx) error {
		n = b.Bucket(bucketRecords).Stats().KeyN
		return nil
	})
	return n, err
}

// StoredRecords counts the add-user-records records in the store.
func (s *Server) StoredRecords() (int, error) { return s.store.countRecords() }
