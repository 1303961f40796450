package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// TestFullAndReadOnlyDisk puts the data file on a real small file system
// (a 128 KiB tmpfs, mounted in a user and mount namespace of its own, which
// needs no privileges: `unshare -Urm`) and fills it: once the disk is full
// every change answers 500 and a retry answers 500 again, never 204; after
// a kill -9 and a restart on the full disk, every acknowledged record is
// there and no refused one is. The same file system remounted read-only
// refuses to start the sandbox (no answer is ever given that could not be
// stored). Skipped where user namespaces are not allowed.
func TestFullAndReadOnlyDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the sandbox in child processes")
	}
	if os.Getenv("WXPAY_IN_NAMESPACE") == "" {
		unshare, err := exec.LookPath("unshare")
		if err != nil {
			t.Skip("no unshare")
		}
		if out, err := exec.Command(unshare, "-Urm", "true").CombinedOutput(); err != nil {
			t.Skipf("user namespaces not available: %v %s", err, out)
		}
		exe, _ := os.Executable()
		cmd := exec.Command(unshare, "-Urm", exe, "-test.run=^TestFullAndReadOnlyDisk$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "WXPAY_IN_NAMESPACE=1")
		out, err := cmd.CombinedOutput()
		t.Logf("in the namespace:\n%s", out)
		if err != nil {
			t.Fatalf("the test in the namespace failed: %v", err)
		}
		return
	}
	disk := t.TempDir()
	if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=128k"); err != nil {
		t.Fatalf("mounting a tmpfs: %v", err)
	}
	defer syscall.Unmount(disk, syscall.MNT_DETACH)
	dir := filepath.Join(t.TempDir(), "dev") // the setup, on the ordinary disk
	if code, _, errs := runCmd(t, "init", dir); code != 0 {
		t.Fatal(errs)
	}
	data := filepath.Join(disk, "sandbox.db")
	cfg, err := apiv3.LoadConfigFile(filepath.Join(dir, sandbox.FileClientConfig))
	if err != nil {
		t.Fatal(err)
	}
	setup, err := sandbox.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	client := func(addr string) *wechatpay.Client {
		c := cfg
		c.BaseURL, c.BackupBaseURL = "http://"+addr, "http://"+addr
		cl, err := wechatpay.NewClient(c, apiv3.WithoutRetry())
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	ctx := context.Background()
	tmpl := setup.Template
	reward := tmpl.Rewards[1] // COUNT_UNLIMITED
	_, notifyURL := newMerchant(t, client("127.0.0.1:1"))

	p := startProcess(t, nil, "serve", "-dir", dir, "-data", data, "-addr", "127.0.0.1:0")
	c := client(p.addr)
	if _, _, err := c.V3.DiscountCard.Cards.Post(ctx, &wechatpay.PrepareCardRequest{OutCardCode: "full",
		CardTemplateID: tmpl.CardTemplateID, AppID: "wxd678efh567hg6787", NotifyURL: notifyURL}); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCmd(t, "accept", "-addr", p.addr, "full"); code != 0 {
		t.Fatalf("accept: %s %s", out, errs)
	}
	add := func(c *wechatpay.Client, serial string) error {
		_, err := c.V3.DiscountCard.Cards.OutCardCode("full").AddUserRecords.Post(ctx, &wechatpay.AddUserRecordsRequest{
			CardTemplateID: tmpl.CardTemplateID,
			RewardUsageRecords: []wechatpay.RewardUsageRecord{{RewardUsageSerialNo: serial, RewardID: reward.RewardID,
				UsageTime: apiv3.NewTime(time.Now()), UsageType: wechatpay.UsageTypeIncrease,
				Description: strings.Repeat("买", 20), UsageCount: 1, Amount: 1}},
		})
		return err
	}
	var acked, refused []string
	for i := 0; len(refused) < 20 && i < int(reward.Amount); i++ {
		serial := fmt.Sprintf("s%05d", i)
		err := add(c, serial)
		var ae *apiv3.APIError
		switch {
		case err == nil:
			if len(refused) > 0 {
				t.Errorf("%s acknowledged after %d refusals", serial, len(refused))
			}
			acked = append(acked, serial)
		case errors.As(err, &ae) && ae.StatusCode == 500 && ae.Code == "SYSTEM_ERROR":
			refused = append(refused, serial)
		default:
			t.Fatalf("%s: %v", serial, err)
		}
	}
	if len(refused) == 0 {
		t.Fatalf("the disk never filled (%d records)", len(acked))
	}
	for _, serial := range refused[:3] { // retries meet the same full disk
		if err := add(c, serial); err == nil {
			t.Errorf("the retry of %s was acknowledged on a full disk", serial)
		}
	}
	p.kill()

	// Restart on the full disk: what was acknowledged is there, nothing else.
	p = startProcess(t, nil, "serve", "-dir", dir, "-data", data, "-addr", "127.0.0.1:0")
	card, _, err := client(p.addr).V3.DiscountCard.Cards.OutCardCode("full").Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range card.Rewards[1].RewardUsageRecords {
		got[r.RewardUsageSerialNo] = true
	}
	for _, s := range acked {
		if !got[s] {
			t.Errorf("acknowledged record %s lost", s)
		}
	}
	for _, s := range refused {
		if got[s] {
			t.Errorf("refused record %s stored", s)
		}
	}
	if len(got) != len(acked) || *card.TotalAmount != int64(len(acked)) {
		t.Errorf("%d records, total %d; want %d", len(got), *card.TotalAmount, len(acked))
	}
	t.Logf("full disk: %d records acknowledged, then %d refused with 500 (and their retries); after kill -9 and a restart on the full disk, %d of %d acknowledged present, 0 refused present",
		len(acked), len(refused), len(got), len(acked))
	p.kill()

	// Read-only: the sandbox refuses to start rather than acknowledge what it
	// could not store.
	if err := syscall.Mount("", disk, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCmd(t, "serve", "-dir", dir, "-data", data, "-addr", "127.0.0.1:0"); code != 1 || !strings.Contains(errs, "read-only") {
		t.Errorf("serve on a read-only disk: exit %d, %s", code, errs)
	}
}
