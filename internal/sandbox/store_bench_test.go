package sandbox

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkStoreAddRecord is the store's part of one add-user-records: read
// the card, check the serial, store the record and the card, commit (with
// fsync on a data file). It must cost the same whatever the store holds;
// the JSON snapshot it replaced rewrote every record on every change.
func BenchmarkStoreAddRecord(b *testing.B) {
	for _, stored := range []int{10, 100_000} {
		for _, durable := range []bool{false, true} {
			b.Run(fmt.Sprintf("stored=%d/fsync=%v", stored, durable), func(b *testing.B) {
				s := newTestServer(b, func(c *Config) {
					if durable {
						c.DataFile = filepath.Join(b.TempDir(), "sandbox.db")
					}
				})
				perCard := min(stored, 100)
				if err := SeedRecords(s, "seed", stored/perCard, perCard); err != nil {
					b.Fatal(err)
				}
				code := "seed-00000"
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					serial := fmt.Sprintf("b%08d", i)
					if _, e := s.update(func(t *tx) error {
						c, err := getCard(t.b, code)
						if err != nil {
							return err
						}
						if t.hasSerial(code, kindReward, serial) {
							return nil
						}
						r := rewardRecord{SerialNo: serial, RewardID: c.Rewards[0].RewardID, UsageType: "INCREASE", UsageCount: 1, Amount: 1}
						if err := t.addRecord(code, kindReward, serial, r); err != nil {
							return err
						}
						c.apply(nil, []rewardRecord{r})
						return t.putCard(c)
					}); e != nil {
						b.Fatal(e)
					}
				}
			})
		}
	}
}
