package wechatpay

// Benchmarks and budgets of issue 6 (client half); docs/PERFORMANCE.md
// reports them. This file is hand-written: it is an internal test so that
// BenchmarkPathBuild can measure the generated path builder itself.
//
// The calls go over loopback to internal/benchbase's server, which verifies
// every request signature and signs every answer like WeChat Pay. It runs in
// a separate process (this test binary re-executed, see
// TestBenchServerProcess), so that B/op and allocs/op, and the instruction
// counts of scripts/callgrind.sh, are the client's alone.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/internal/benchbase"
	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

const benchServerEnv = "WXPAYGEN_BENCH_SERVER"

// TestBenchServerProcess is not a test: it is the benchmark server when the
// test binary is re-executed with WXPAYGEN_BENCH_SERVER=1, and skips
// otherwise. The server stops when its standard input closes, that is when
// the parent test process ends or closes it.
func TestBenchServerProcess(t *testing.T) {
	if os.Getenv(benchServerEnv) != "1" {
		t.Skip("the benchmark server process; runs only when re-executed by the benchmarks")
	}
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	if err := benchbase.Serve(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var benchServer struct {
	once  sync.Once
	url   string
	err   error
	stdin io.WriteCloser // held open (and so from the finalizer) until we exit
}

// serverURL starts the benchmark server process once per test binary and
// returns its base URL; it ends with this process (its stdin closes).
func serverURL(tb testing.TB) string {
	tb.Helper()
	benchServer.once.Do(func() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$")
		cmd.Env = append(os.Environ(), benchServerEnv+"=1")
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			benchServer.err = err
			return
		}
		benchServer.stdin = stdin
		out, err := cmd.StdoutPipe()
		if err != nil {
			benchServer.err = err
			return
		}
		if err := cmd.Start(); err != nil {
			benchServer.err = err
			return
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			benchServer.err = fmt.Errorf("benchmark server process: %v", err)
			return
		}
		benchServer.url = strings.TrimSpace(line)
	})
	if benchServer.err != nil {
		tb.Fatal(benchServer.err)
	}
	return benchServer.url
}

// benchConfig is the test merchant in public-key mode.
func benchConfig(baseURL string) apiv3.Config {
	return apiv3.Config{
		BaseURL:                   baseURL,
		MchID:                     testkeys.MchID,
		MerchantCertificateSerial: testkeys.MerchantSerial,
		MerchantPrivateKeyPEM:     testkeys.MerchantKeyPEM,
		APIv3Key:                  testkeys.APIv3Key,
		WechatPayPublicKeyID:      testkeys.PublicKeyID,
		WechatPayPublicKeyPEM:     testkeys.PlatformPublicKeyPEM,
	}
}

// clients returns the generated client and the baseline, both against
// baseURL; the baseline sends the generated client's User-Agent. Options go
// to the generated client.
func clients(tb testing.TB, baseURL string, opts ...apiv3.Option) (*Client, *benchbase.Client) {
	tb.Helper()
	gen, err := NewClient(benchConfig(baseURL), opts...)
	if err != nil {
		tb.Fatal(err)
	}
	req, err := gen.V3.DiscountCard.Cards.OutCardCode(benchbase.SeedOutCardCode).NewGetRequest(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := benchbase.TestConfig(baseURL, req.Header.Get("User-Agent"))
	if err != nil {
		tb.Fatal(err)
	}
	return gen, benchbase.New(cfg)
}

// seedRequest is benchbase.SeedAddUserRecords in the generated types.
func seedRequest() *AddUserRecordsRequest {
	t := apiv3.MustParseTime(benchbase.SeedTime)
	return &AddUserRecordsRequest{
		CardTemplateID: benchbase.SeedCardTemplateID,
		ObjectiveCompletionRecords: []ObjectiveCompletionRecord{{
			ObjectiveCompletionSerialNo: "578354545",
			ObjectiveID:                 "123456",
			CompletionTime:              t,
			CompletionType:              CompletionTypeIncrease,
			Description:                 benchbase.SeedDescription,
			CompletionCount:             1,
			Remark:                      apiv3.Ptr(benchbase.SeedRemark),
		}},
		RewardUsageRecords: []RewardUsageRecord{{
			RewardUsageSerialNo: "578354",
			RewardID:            "123456",
			UsageTime:           t,
			UsageType:           UsageTypeIncrease,
			Description:         benchbase.SeedDescription,
			UsageCount:          1,
			Amount:              100,
			Remark:              apiv3.Ptr(benchbase.SeedRemark),
		}},
	}
}

// plainHTTPClient is the *http.Client of the baseline: the default transport,
// no timeouts. The runtime's default client bounds each exchange with a
// connection deadline (apiv3's deadlineConn), which costs no allocation;
// "generated-samehttp" gives the generated client this one, to show what the
// runtime itself adds.
func plainHTTPClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// benchCalls returns the benchmarked calls against baseURL.
func benchCalls(tb testing.TB, baseURL string) []call {
	gen, base := clients(tb, baseURL)
	same, _ := clients(tb, baseURL, apiv3.WithHTTPClient(plainHTTPClient()))
	return calls(gen, same, base)
}

// call is one way of making one benchmarked call.
type call struct {
	name string
	do   func(ctx context.Context) error
}

// calls returns the benchmarked calls, generated next to baseline for each
// operation. "baseline" uses the baseline's plain types (date-times as
// strings); "baseline-typed" sends and decodes the generated types through
// the baseline, which isolates what the runtime adds from what typed
// date-times cost.
func calls(gen, same *Client, base *benchbase.Client) []call {
	seed, plain := seedRequest(), benchbase.SeedAddUserRecords()
	code := benchbase.SeedOutCardCode
	getCard := func(c *Client) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			card, _, err := c.V3.DiscountCard.Cards.OutCardCode(code).Get(ctx)
			if err == nil && card.CardID == "" {
				err = fmt.Errorf("empty card")
			}
			return err
		}
	}
	return []call{
		{"addUserRecords/generated", func(ctx context.Context) error {
			_, err := gen.V3.DiscountCard.Cards.OutCardCode(code).AddUserRecords.Post(ctx, seed)
			return err
		}},
		{"addUserRecords/generated-samehttp", func(ctx context.Context) error {
			_, err := same.V3.DiscountCard.Cards.OutCardCode(code).AddUserRecords.Post(ctx, seed)
			return err
		}},
		{"addUserRecords/baseline", func(ctx context.Context) error {
			return base.AddUserRecords(ctx, code, plain)
		}},
		{"addUserRecords/baseline-typed", func(ctx context.Context) error {
			return base.AddUserRecords(ctx, code, seed)
		}},
		{"getCard/generated", getCard(gen)},
		{"getCard/generated-samehttp", getCard(same)},
		{"getCard/baseline", func(ctx context.Context) error {
			var card benchbase.Card
			err := base.GetCard(ctx, code, &card)
			if err == nil && card.CardID == "" {
				err = fmt.Errorf("empty card")
			}
			return err
		}},
		{"getCard/baseline-typed", func(ctx context.Context) error {
			var card Card
			err := base.GetCard(ctx, code, &card)
			if err == nil && card.CardID == "" {
				err = fmt.Errorf("empty card")
			}
			return err
		}},
	}
}

// BenchmarkCall is one call per op, on loopback, against the server process:
// the generated call (validate, encode, sign, send, verify, decode) next to
// the bare baseline. Run with -count N and compare medians (benchstat): the
// sub-benchmarks of one count run one after another, so counts interleave.
func BenchmarkCall(b *testing.B) {
	ctx := context.Background()
	for _, c := range benchCalls(b, serverURL(b)) {
		b.Run(c.name, func(b *testing.B) {
			if err := c.do(ctx); err != nil { // warm the connection
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := c.do(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var chainSink V3DiscountCardCardsOutCardCodeAddUserRecords

// BenchmarkChainWalk walks client.V3.DiscountCard.Cards.OutCardCode(c).AddUserRecords.
func BenchmarkChainWalk(b *testing.B) {
	client, err := NewClient(benchConfig(apiv3.DefaultBaseURL))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		chainSink = client.V3.DiscountCard.Cards.OutCardCode(benchbase.SeedOutCardCode).AddUserRecords
	}
}

var pathSink string

// BenchmarkPathBuild runs the generated path builder of add-user-records:
// the path parameter's validation (CheckPathParam, length, pattern, utf8mb4),
// its escaping and the concatenation. The concatenation is the one
// allocation.
func BenchmarkPathBuild(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		p, err := pathAddUserRecords(benchbase.SeedOutCardCode)
		if err != nil {
			b.Fatal(err)
		}
		pathSink = p
	}
}

// BenchmarkValidate validates the seed request.
func BenchmarkValidate(b *testing.B) {
	r := seedRequest()
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNotification handles one DISCOUNT_CARD.USER_ACCEPTED notification:
// the runtime verifies its signature (one RSA verification), checks its time
// and decrypts it (AES-256-GCM), and the generated Dispatch decodes the
// resource into a UserAcceptedResource and calls the handler.
func BenchmarkNotification(b *testing.B) {
	h, body, err := wxtest.BuildNotification(testkeys.APIv3Key, EventTypeUserAccepted, []byte(benchbase.CardJSON))
	if err != nil {
		b.Fatal(err)
	}
	built := time.Now()
	client, err := NewClient(benchConfig(apiv3.DefaultBaseURL), apiv3.WithClock(func() time.Time { return built }))
	if err != nil {
		b.Fatal(err)
	}
	handlers := NotificationHandlers{OnUserAccepted: func(_ context.Context, _ *apiv3.Notification, r *UserAcceptedResource) error {
		if r.OutCardCode == "" {
			return fmt.Errorf("empty resource")
		}
		return nil
	}}
	ctx := context.Background()
	rt := client.Runtime()
	b.ReportAllocs()
	for b.Loop() {
		n, err := rt.ParseNotification(h, body)
		if err != nil {
			b.Fatal(err)
		}
		if err := handlers.Dispatch(ctx, n); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBaselineSendsTheSameBytes proves that the baseline measures the same
// request: the generated call and the baseline put on the wire the same
// method, request-target, headers and body, except for the nonce, timestamp
// and signature inside Authorization; and the server verified both.
func TestBaselineSendsTheSameBytes(t *testing.T) {
	srv := wxtest.NewServer(t, wxtest.Options{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, benchbase.CardJSON)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})})
	all := benchCalls(t, srv.URL)
	ctx := context.Background()
	for _, pair := range [][2]string{{"addUserRecords/generated", "addUserRecords/baseline"}, {"getCard/generated", "getCard/baseline"}} {
		for _, c := range all {
			if c.name == pair[0] || c.name == pair[1] {
				if err := c.do(ctx); err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
			}
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 4 {
		t.Fatalf("the server saw %d requests, want 4", len(reqs))
	}
	for i := 0; i < 4; i += 2 {
		g, b := reqs[i], reqs[i+1]
		what := g.Method + " " + g.RequestURI
		if !g.Verified || !b.Verified {
			t.Errorf("%s: verified generated=%v (%v) baseline=%v (%v)", what, g.Verified, g.AuthError, b.Verified, b.AuthError)
		}
		if g.Method != b.Method || g.RequestURI != b.RequestURI {
			t.Errorf("request line: generated %s %s, baseline %s %s", g.Method, g.RequestURI, b.Method, b.RequestURI)
		}
		if string(g.Body) != string(b.Body) {
			t.Errorf("%s: body differs:\ngenerated %s\n baseline %s", what, g.Body, b.Body)
		}
		gh, bh := g.Header.Clone(), b.Header.Clone()
		ga, err := wxtest.ParseAuthorization(gh.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		ba, err := wxtest.ParseAuthorization(bh.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		if ga.MchID != ba.MchID || ga.SerialNo != ba.SerialNo || len(ga.NonceStr) != len(ba.NonceStr) ||
			len(ga.Timestamp) != len(ba.Timestamp) || len(ga.Signature) != len(ba.Signature) {
			t.Errorf("%s: Authorization differs beyond nonce, timestamp and signature:\ngenerated %+v\n baseline %+v", what, ga, ba)
		}
		if len(gh.Get("Authorization")) != len(bh.Get("Authorization")) {
			t.Errorf("%s: Authorization lengths differ", what)
		}
		gh.Del("Authorization")
		bh.Del("Authorization")
		if a, b := headerLines(gh), headerLines(bh); !slices.Equal(a, b) {
			t.Errorf("%s: headers differ:\ngenerated %q\n baseline %q", what, a, b)
		}
	}
	if t.Failed() {
		return
	}
	// And the bytes are the seed request, in the documented form.
	var back benchbase.AddUserRecordsRequest
	if err := json.Unmarshal(reqs[0].Body, &back); err != nil || back.RewardUsageRecords[0].UsageTime != benchbase.SeedTime {
		t.Errorf("body %s: %v", reqs[0].Body, err)
	}
}

func headerLines(h http.Header) []string {
	var lines []string
	for k, vs := range h {
		for _, v := range vs {
			lines = append(lines, k+": "+v)
		}
	}
	slices.Sort(lines)
	return lines
}

// raceEnabled reports whether this binary was built with -race, under which
// sync.Pool drops items at random and allocation counts vary.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

func TestPathBuildAllocatesOnce(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		pathSink, _ = pathAddUserRecords(benchbase.SeedOutCardCode)
	})
	if n > 1 {
		t.Errorf("building the add-user-records path allocates %.0f times, want at most 1", n)
	}
	n = testing.AllocsPerRun(100, func() {
		pathSink, _ = pathGetCard(benchbase.SeedOutCardCode)
	})
	if n > 1 {
		t.Errorf("building the getCard path allocates %.0f times, want at most 1", n)
	}
}

// callAllocBudget is how many allocations per call the generated client may
// make beyond the baseline (issue 6).
const callAllocBudget = 5

// callAllocPinned is, per operation, how many allocations per call beyond
// the baseline the generated client made when the runtime was last made
// leaner (proposals 2 and 3 of docs/PERFORMANCE.md): well inside the
// budget, and held there so that a regression fails here. The runtime's
// own counts are pinned exactly by apiv3's TestRuntimeAllocations.
var callAllocPinned = map[string]float64{
	"addUserRecords": 2,
	"getCard":        -7,
}

// TestCallAllocationsWithinBudget compares the allocations per call of the
// generated client and of the baseline, measured in this process while the
// server runs in another. Each is the least of interleaved rounds:
// AllocsPerRun also counts what net/http's connection goroutines allocate
// meanwhile, which only adds to a round. (The median, used before, read
// getCard one or two allocations off in about one run in ten, too often
// for a pin at the measured value.)
func TestCallAllocationsWithinBudget(t *testing.T) {
	if raceEnabled() {
		t.Skip("allocation counts vary under -race (sync.Pool drops items at random); make bench runs this test without it")
	}
	if testing.Short() {
		t.Skip("starts the benchmark server process")
	}
	byName := map[string]func(context.Context) error{}
	for _, c := range benchCalls(t, serverURL(t)) {
		byName[c.name] = c.do
	}
	ctx := context.Background()
	for _, op := range []string{"addUserRecords", "getCard"} {
		clients := []string{"baseline", "generated", "generated-samehttp"}
		rounds := make([][]float64, len(clients))
		for range 5 {
			for i, name := range clients {
				do := byName[op+"/"+name]
				rounds[i] = append(rounds[i], testing.AllocsPerRun(20, func() {
					if err := do(ctx); err != nil {
						t.Fatal(err)
					}
				}))
			}
		}
		least := make([]float64, len(clients))
		for i, r := range rounds {
			least[i] = slices.Min(r)
		}
		base := least[0]
		pinned := callAllocPinned[op]
		t.Logf("%s allocs/call: baseline %.0f, generated %.0f (%+.0f), generated with the baseline's http.Client %.0f (%+.0f); pinned %+.0f, budget +%d",
			op, base, least[1], least[1]-base, least[2], least[2]-base, pinned, callAllocBudget)
		if d := least[2] - base; d > pinned {
			t.Errorf("%s: the runtime allocates %+.0f times against the baseline on the same http.Client, pinned at %+.0f (budget +%d)", op, d, pinned, callAllocBudget)
		}
		if d := least[1] - base; d > pinned {
			t.Errorf("%s: the default generated client allocates %+.0f times against the baseline, pinned at %+.0f (budget +%d)", op, d, pinned, callAllocBudget)
		}
	}
}
