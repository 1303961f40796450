package sandbox

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SeedRecords stores cards claimed cards of perCard reward records each
// directly, in large transactions, as add-user-records would store them:
// the load test's 100,000-record store without 100,000 signed calls.
func SeedRecords(s *Server, prefix string, cards, perCard int) error {
	for c := 0; c < cards; c++ {
		err := s.store.db.Update(func(b *bolt.Tx) error {
			t := &tx{b: b}
			code := fmt.Sprintf("%s-%05d", prefix, c)
			cd := &card{OutCardCode: code, CardTemplateID: s.cfg.Template.CardTemplateID, AppID: "wxd678efh567hg6787",
				NotifyURL: "http://127.0.0.1:9/n", Token: "seed", State: stateOngoing, CardID: "seed",
				Objectives: s.cfg.Template.Objectives, Rewards: s.cfg.Template.Rewards}
			var recs []rewardRecord
			for i := 0; i < perCard; i++ {
				r := rewardRecord{SerialNo: fmt.Sprintf("seed%06d", i), RewardID: s.cfg.Template.Rewards[0].RewardID,
					UsageTime: "2026-05-20T13:29:35.120+08:00", UsageType: "INCREASE", Description: "购买商品", UsageCount: 1, Amount: 1}
				if err := t.addRecord(code, kindReward, r.SerialNo, r); err != nil {
					return err
				}
				recs = append(recs, r)
			}
			cd.apply(nil, recs)
			return t.putCard(cd)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
