package sandbox_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// TestRestart: everything acknowledged before a restart is there after it,
// with -data (a kill -9 is TestKillAndRestart's).
func TestRestart(t *testing.T) {
	data := filepath.Join(t.TempDir(), "state", "sandbox.db")
	if err := os.MkdirAll(filepath.Dir(data), 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, withDataFile(data))
	ctx := ctxT(t)
	tmpl := e.cfg.Template
	reward := tmpl.Rewards[1].RewardID

	pendingToken := e.prepare("pending")
	e.claim("ongoing")
	e.claim("ended")
	add := func(code, serial string, amount int64) {
		t.Helper()
		_, err := e.client.V3.DiscountCard.Cards.OutCardCode(code).AddUserRecords.Post(ctx, &wechatpay.AddUserRecordsRequest{
			CardTemplateID:             tmpl.CardTemplateID,
			ObjectiveCompletionRecords: []wechatpay.ObjectiveCompletionRecord{completion(tmpl.Objectives[0].ObjectiveID, "o"+serial, wechatpay.CompletionTypeIncrease, 1)},
			RewardUsageRecords:         []wechatpay.RewardUsageRecord{usage(reward, serial, wechatpay.UsageTypeIncrease, 1, amount)},
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	var writers sync.WaitGroup
	for w := 0; w < 8; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; i < 5; i++ {
				add("ongoing", fmt.Sprintf("w%dn%d", w, i), 10)
			}
		}()
	}
	writers.Wait()
	add("ended", "e1", 70)
	if _, err := e.srv.End(ctx, "ended", sandbox.EndOptions{State: "UNFINISHED", Reason: "EARLY_QUIT"}); err != nil {
		t.Fatal(err)
	}
	e.next()
	e.next()

	// A second sandbox on the same file is refused while the first runs.
	if second, err := sandbox.New(e.cfg); err == nil {
		second.Close()
		t.Error("a second sandbox opened the data file in use")
	} else if !strings.Contains(err.Error(), "in use") {
		t.Errorf("second sandbox: %v", err)
	}

	snapshot := func(c *wechatpay.Client) map[string]string {
		out := map[string]string{}
		for _, code := range []string{"ongoing", "ended"} {
			_, resp, err := c.V3.DiscountCard.Cards.OutCardCode(code).Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out[code] = string(resp.Body)
		}
		return out
	}
	before := snapshot(e.client)

	// Restart.
	e.hs.Close()
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}
	e.start()
	e.clientCfg.BaseURL, e.clientCfg.BackupBaseURL = e.hs.URL, e.hs.URL
	e.client = e.newClient(e.clientCfg)
	after := snapshot(e.client)
	for code := range before {
		if before[code] != after[code] {
			t.Errorf("%s changed across the restart:\nbefore %s\nafter  %s", code, before[code], after[code])
		}
	}
	var card wechatpay.Card
	json.Unmarshal([]byte(after["ongoing"]), &card)
	if n := len(card.Rewards[1].RewardUsageRecords); n != 40 || *card.TotalAmount != 400 {
		t.Errorf("ongoing: %d records, total %d", n, *card.TotalAmount)
	}
	// The pending card is still pending, with its token; serial numbers
	// still make repeats no-ops.
	if tok := e.prepare("pending"); tok != pendingToken {
		t.Errorf("token after restart %q, want %q", tok, pendingToken)
	}
	add("ongoing", "w0n0", 10)
	if c, _, _ := e.client.V3.DiscountCard.Cards.OutCardCode("ongoing").Get(ctx); *c.TotalAmount != 400 {
		t.Errorf("a repeat after the restart was applied: total %d", *c.TotalAmount)
	}
	if _, err := e.srv.Accept(ctx, "pending", sandbox.AcceptOptions{}); err != nil {
		t.Errorf("accepting the pending card after the restart: %v", err)
	}
	e.next()

	// No temporary files are left behind; the file is private.
	entries, _ := os.ReadDir(filepath.Dir(data))
	for _, en := range entries {
		if en.Name() != "sandbox.db" {
			t.Errorf("left behind: %s", en.Name())
		}
	}
	if fi, err := os.Stat(data); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("data file mode %v %v", fi.Mode(), err)
	}
}

func TestDataFileErrors(t *testing.T) {
	cfg, err := sandbox.LoadDir(sharedDir)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, content := range map[string]string{
		"garbage": "{not a database",
		"json":    `{"sandbox_data_version": 1, "cards": []}`, // the data file of earlier versions
	} {
		p := filepath.Join(dir, name+".db")
		os.WriteFile(p, []byte(content), 0o600)
		cfg.DataFile = p
		if s, err := sandbox.New(cfg); err == nil {
			s.Close()
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
	// A file that does not exist yet is an empty sandbox, created at once.
	cfg.DataFile = filepath.Join(dir, "new.db")
	s, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(cfg.DataFile); err != nil {
		t.Errorf("new data file: %v", err)
	}
	// A data file that cannot be written is refused at start.
	cfg.DataFile = filepath.Join(dir, "missing", "data.db")
	if s, err := sandbox.New(cfg); err == nil {
		s.Close()
		t.Error("unwritable data file accepted")
	}
}

// TestRestartInTheMiddleOfAQueue: a card's queue holds AGREEMENT_ENDED
// (being retried: the merchant refuses it) and USER_PAID behind it when the
// sandbox stops; after the restart both arrive, in order, with the ids
// they had. Before the outbox, both were lost.
func TestRestartInTheMiddleOfAQueue(t *testing.T) {
	data := filepath.Join(t.TempDir(), "sandbox.db")
	e := newEnv(t, withDataFile(data))
	ctx := ctxT(t)
	e.claim("queued")
	reward := e.cfg.Template.Rewards[1].RewardID
	if _, err := e.client.V3.DiscountCard.Cards.OutCardCode("queued").AddUserRecords.Post(ctx, &wechatpay.AddUserRecordsRequest{
		CardTemplateID:     e.cfg.Template.CardTemplateID,
		RewardUsageRecords: []wechatpay.RewardUsageRecord{usage(reward, "u1", wechatpay.UsageTypeIncrease, 1, 300)},
	}); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	e.failNext = 1 << 30
	e.mu.Unlock()
	if _, err := e.srv.End(ctx, "queued", sandbox.EndOptions{State: "UNFINISHED"}); err != nil {
		t.Fatal(err)
	}
	for e.srv.NotificationStats().Attempts < 3 { // AGREEMENT_ENDED refused at least twice
		time.Sleep(5 * time.Millisecond)
	}
	e.hs.Close()
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}

	e.mu.Lock()
	e.failNext = 0
	e.mu.Unlock()
	e.start()
	ended, paid := e.next(), e.next()
	if ended.eventType != wechatpay.EventTypeAgreementEnded || paid.eventType != wechatpay.EventTypeUserPaid ||
		ended.ended.OutCardCode != "queued" || paid.paid.PayInformation.PayAmount != 300 {
		t.Errorf("after the restart: %+v then %+v", ended, paid)
	}
	if err := e.srv.WaitNotifications(ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.srv.NotificationStats(); st.Delivered != 2 {
		t.Errorf("stats after the restart %+v", st)
	}
}
