package sandbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// loadTemplate has one reward worth 10,000 fen; every load record uses 100,
// so a card holds at most 100 of them.
func loadTemplate() sandbox.Template {
	return sandbox.Template{
		CardTemplateID: "load-template",
		Objectives:     []sandbox.TemplateObjective{{ObjectiveID: "o1", Name: "下单", Count: 3, Unit: "次"}},
		Rewards: []sandbox.TemplateReward{
			{RewardID: "r1", Name: "立减", CountType: "COUNT_UNLIMITED", Count: 1, Unit: "次", Amount: 10000},
		},
	}
}

// TestLoadSmall is the bounded load test at a size that suits -race.
func TestLoadSmall(t *testing.T) {
	runLoad(t, 32, 600)
}

// TestLoadDataFile is the small load test with -data: every change is on
// disk before it is acknowledged (group commit), and the file read back
// holds every record.
func TestLoadDataFile(t *testing.T) {
	data := filepath.Join(t.TempDir(), "sandbox.db")
	e := runLoad(t, 32, 600, withDataFile(data))
	e.hs.Close()
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}
	e.start() // reopens the data file
	if n, err := e.srv.StoredRecords(); err != nil || n != 540 {
		t.Errorf("data file holds %d records (%v), want 540", n, err)
	}
}

// runLoad sends total add-user-records from clients goroutines, 10% of them
// repeats of serial numbers sent earlier, over enough cards to stay within
// the reward, with reads in between; then checks that every record is there
// exactly once and that nothing failed.
func runLoad(t *testing.T, clients, total int, opts ...envOption) *env {
	e, _ := runLoadWith(t, clients, total, nil, opts...)
	return e
}

// runLoadWith is runLoad with before run on the sandbox first (seeding the
// store); it returns the rate of requests in the load.
func runLoadWith(t *testing.T, clients, total int, before func(*env), opts ...envOption) (*env, float64) {
	e := newEnv(t, append([]envOption{withTemplate(loadTemplate())}, opts...)...)
	if before != nil {
		before(e)
	}
	const perCard = 90 // of the 100 the reward allows
	repeats := total / 10
	unique := total - repeats
	cards := (unique + perCard - 1) / perCard
	for i := 0; i < cards; i++ {
		e.claim(fmt.Sprintf("load-%03d", i))
	}

	type job struct {
		card, serial string
		original     int // index of the original for a repeat, else -1
	}
	jobs := make([]job, 0, total)
	for i := 0; i < unique; i++ {
		jobs = append(jobs, job{card: fmt.Sprintf("load-%03d", i%cards), serial: fmt.Sprintf("s%05d", i), original: -1})
	}
	// Insert each repeat at least 64 jobs after its original, so that the
	// original was handed out before (the worker then waits for it).
	for r := 0; r < repeats; r++ {
		orig := (r * 7919) % (unique - 64)
		pos := orig + 64 + (r*31)%(len(jobs)-orig-64+1)
		j := jobs[orig]
		j.original = orig
		jobs = append(jobs[:pos], append([]job{j}, jobs[pos:]...)...)
	}
	// Map originals to their final positions.
	posOf := map[string]int{}
	for i, j := range jobs {
		if j.original < 0 {
			posOf[j.serial] = i
		}
	}
	done := make([]chan struct{}, len(jobs))
	for i := range done {
		done[i] = make(chan struct{})
	}

	var failures, reads atomic.Int64
	next := atomic.Int64{}
	cpu0 := processCPU()
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				j := jobs[i]
				if j.original >= 0 {
					<-done[posOf[j.serial]]
				}
				body := &wechatpay.AddUserRecordsRequest{CardTemplateID: "load-template",
					RewardUsageRecords: []wechatpay.RewardUsageRecord{usage("r1", j.serial, wechatpay.UsageTypeIncrease, 1, 100)}}
				if _, err := e.client.V3.DiscountCard.Cards.OutCardCode(j.card).AddUserRecords.Post(context.Background(), body); err != nil {
					failures.Add(1)
					t.Errorf("add-user-records %s/%s: %v", j.card, j.serial, err)
				}
				close(done[i])
				if n%20 == 19 {
					if _, _, err := e.client.V3.DiscountCard.Cards.OutCardCode(j.card).Get(context.Background()); err != nil {
						failures.Add(1)
						t.Errorf("getCard %s: %v", j.card, err)
					}
					reads.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	requests := int64(len(jobs)) + reads.Load()
	rate := float64(requests) / took.Seconds()
	cpu := (processCPU() - cpu0) / time.Duration(requests)
	t.Logf("%d add-user-records (%d repeats) and %d reads over %d cards from %d clients in %v (%.0f requests/s, %v CPU per request, both sides)",
		len(jobs), repeats, reads.Load(), cards, clients, took.Round(time.Millisecond), rate, cpu.Round(time.Microsecond))
	if failures.Load() > 0 {
		t.Fatalf("%d calls failed", failures.Load())
	}

	ctx := ctxT(t) // the load itself may take a while on a busy machine
	want := map[string]map[string]bool{}
	for i := 0; i < unique; i++ {
		j := jobs[posOf[fmt.Sprintf("s%05d", i)]]
		if want[j.card] == nil {
			want[j.card] = map[string]bool{}
		}
		want[j.card][j.serial] = true
	}
	seen := 0
	for code, serials := range want {
		card, _, err := e.client.V3.DiscountCard.Cards.OutCardCode(code).Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range card.Rewards[0].RewardUsageRecords {
			got[r.RewardUsageSerialNo]++
		}
		for s := range serials {
			if got[s] != 1 {
				t.Errorf("%s: record %s present %d times", code, s, got[s])
			}
		}
		if len(got) != len(serials) || *card.TotalAmount != int64(100*len(serials)) {
			t.Errorf("%s: %d records, total %d; want %d records", code, len(got), *card.TotalAmount, len(serials))
		}
		seen += len(got)
	}
	if seen != unique {
		t.Errorf("%d records in all, want %d", seen, unique)
	}
	return e, rate
}

// processCPU is the CPU time the test process used so far (user and
// system): a measure of cost that a busy shared machine disturbs less than
// wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkAddUserRecords measures signed, validated, verified
// add-user-records round trips through the generated client, in parallel.
func BenchmarkAddUserRecords(b *testing.B) {
	tmpl := loadTemplate()
	tmpl.Rewards[0].Amount = 1 << 50
	e := newEnv(b, withTemplate(tmpl), withoutResponseValidation)
	e.claim("bench")
	add := e.client.V3.DiscountCard.Cards.OutCardCode("bench").AddUserRecords
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := &wechatpay.AddUserRecordsRequest{CardTemplateID: "load-template",
				RewardUsageRecords: []wechatpay.RewardUsageRecord{usage("r1", fmt.Sprintf("b%d", n.Add(1)), wechatpay.UsageTypeIncrease, 1, 1)}}
			if _, err := add.Post(context.Background(), body); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkGetCard measures getCard on a card with 100 records.
func BenchmarkGetCard(b *testing.B) {
	e := newEnv(b, withTemplate(loadTemplate()), withoutResponseValidation)
	e.claim("bench")
	get := e.client.V3.DiscountCard.Cards.OutCardCode("bench")
	for i := 0; i < 100; i++ {
		body := &wechatpay.AddUserRecordsRequest{CardTemplateID: "load-template",
			RewardUsageRecords: []wechatpay.RewardUsageRecord{usage("r1", fmt.Sprintf("g%d", i), wechatpay.UsageTypeIncrease, 1, 100)}}
		if _, err := get.AddUserRecords.Post(context.Background(), body); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := get.Get(context.Background()); err != nil {
				b.Error(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}
