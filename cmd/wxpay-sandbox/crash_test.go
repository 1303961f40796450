package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generated/wechatpay"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
)

// TestMain lets a test run this command in a process of its own (the test
// binary, re-executed), so that it can be killed with SIGKILL.
func TestMain(m *testing.M) {
	if args := os.Getenv("WXPAY_SANDBOX_ARGS"); args != "" {
		ctx, stop := signalContext()
		code := run(ctx, strings.Split(args, "\x1f"), os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// process is the command running in a child process.
type process struct {
	cmd  *exec.Cmd
	addr string
	errb *syncBuffer
}

// startProcess runs `wxpay-sandbox args...` in a child process (wrapped by
// wrap, e.g. unshare, when not nil) and waits for "listening on".
func startProcess(t *testing.T, wrap []string, args ...string) *process {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	argv := append(append([]string(nil), wrap...), exe, "-test.run=^$")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "WXPAY_SANDBOX_ARGS="+strings.Join(args, "\x1f"))
	p := &process{cmd: cmd, errb: &syncBuffer{}}
	cmd.Stderr = p.errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill() })
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on http://")
	if err != nil || !ok {
		t.Fatalf("sandbox printed %q (%v); stderr: %s", line, err, p.errb.String())
	}
	go io.Copy(io.Discard, out)
	p.addr = addr
	return p
}

// kill sends SIGKILL: nothing is flushed, nothing closed.
func (p *process) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// merchant is a notification endpoint that deduplicates by notification
// id, as WeChat Pay asks merchants to: it counts first deliveries and
// repeats, and acknowledges only while accepting says so.
type merchant struct {
	mu        sync.Mutex
	accept    func(first int) bool // whether to acknowledge, given the first deliveries so far
	seen      map[string]bool
	repeats   int
	firstSeen chan struct{} // receives once per first delivery
}

func newMerchant(t *testing.T, c *wechatpay.Client) (*merchant, string) {
	m := &merchant{seen: map[string]bool{}, firstSeen: make(chan struct{}, 100000), accept: func(int) bool { return true }}
	h := c.Runtime()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n, err := h.ParseNotification(r.Header, body)
		if err != nil {
			t.Errorf("notification refused: %v", err)
			w.WriteHeader(400)
			return
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		if !m.accept(len(m.seen)) && !m.seen[n.ID] {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if m.seen[n.ID] {
			m.repeats++
		} else {
			m.seen[n.ID] = true
			m.firstSeen <- struct{}{}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hs.Close)
	return m, hs.URL + "/notify"
}

func (m *merchant) counts() (first, repeats int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.seen), m.repeats
}

// notificationsAcrossKill is the number of cards (one USER_ACCEPTED each)
// of TestKillAndRestart; WXPAY_CRASH_NOTIFICATIONS raises it for the
// measured run (docs/PERFORMANCE.md: 1,000).
func notificationsAcrossKill() int {
	if n, err := strconv.Atoi(os.Getenv("WXPAY_CRASH_NOTIFICATIONS")); err == nil && n > 0 {
		return n
	}
	return 60
}

// TestKillAndRestart: notifications queued, some delivered and the rest
// being retried, survive a kill -9 of the sandbox: after the restart every
// one reaches the merchant; none is lost. A deduplicating merchant sees
// each once (a repeat is possible for one acknowledged just before the
// kill: at least once). Before the outbox, every queued notification was
// lost.
func TestKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the sandbox in a child process")
	}
	n := notificationsAcrossKill()
	dir := filepath.Join(t.TempDir(), "dev")
	if code, _, errs := runCmd(t, "init", dir); code != 0 {
		t.Fatal(errs)
	}
	data := filepath.Join(t.TempDir(), "sandbox.db")
	cfg, err := apiv3.LoadConfigFile(filepath.Join(dir, sandbox.FileClientConfig))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := sandbox.LoadDir(dir)
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
	m, notifyURL := newMerchant(t, client("127.0.0.1:1"))
	// A quarter is acknowledged at once; the rest is refused, so it waits
	// in the outbox, being retried, when the sandbox is killed.
	m.accept = func(first int) bool { return first < n/4 }

	p := startProcess(t, nil, "serve", "-dir", dir, "-data", data, "-addr", "127.0.0.1:0")
	c := client(p.addr)
	ctx := context.Background()
	start := time.Now()
	for i := range n {
		code := fmt.Sprintf("crash-%05d", i)
		if _, _, err := c.V3.DiscountCard.Cards.Post(ctx, &wechatpay.PrepareCardRequest{OutCardCode: code,
			CardTemplateID: tmpl.Template.CardTemplateID, AppID: "wxd678efh567hg6787", NotifyURL: notifyURL}); err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post("http://"+p.addr+"/sandbox/cards/"+code+"/accept", "application/json", nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("accept %s: %v %v", code, resp, err)
		}
		resp.Body.Close()
	}
	queued := time.Since(start)
	waitFirst(t, m, n/4, 30*time.Second)
	time.Sleep(100 * time.Millisecond) // retries under way
	p.kill()
	before, _ := m.counts()

	m.mu.Lock()
	m.accept = func(int) bool { return true }
	m.mu.Unlock()
	restart := time.Now()
	p = startProcess(t, nil, "serve", "-dir", dir, "-data", data, "-addr", "127.0.0.1:0")
	waitFirst(t, m, n-before, 60*time.Second)
	first, repeats := m.counts()
	t.Logf("%d notifications: %d queued in %v, %d delivered before kill -9; after the restart all %d delivered in %v; %d repeats seen by the deduplicating handler",
		n, n, queued.Round(time.Millisecond), before, first, time.Since(restart).Round(time.Millisecond), repeats)
	if first != n {
		t.Errorf("%d of %d notifications delivered", first, n)
	}
	// Nothing is left in the outbox once the acknowledgements are in.
	if st := waitIdle(t, p.addr, 10*time.Second); st.Pending != 0 || st.Delivered+before < n {
		t.Errorf("after the restart: %+v", st)
	}
}

// waitIdle polls the delivery counters until nothing is pending.
func waitIdle(t *testing.T, addr string, limit time.Duration) sandbox.NotificationStats {
	t.Helper()
	var st sandbox.NotificationStats
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/sandbox/notifications")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if st.Pending == 0 {
			break
		}
	}
	return st
}

// waitFirst waits for want more first deliveries.
func waitFirst(t *testing.T, m *merchant, want int, limit time.Duration) {
	t.Helper()
	deadline := time.After(limit)
	for range want {
		select {
		case <-m.firstSeen:
		case <-deadline:
			first, _ := m.counts()
			t.Fatalf("only %d notifications delivered within %v", first, limit)
		}
	}
}
