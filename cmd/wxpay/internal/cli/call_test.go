package cli

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wxpaygen/wxpaygen/generator/load"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// TestCallAgainstTheSandbox walks a card through its life with wxpay call
// alone, in the folder wxpay-sandbox init wrote, as the README shows.
func TestCallAgainstTheSandbox(t *testing.T) {
	sb := newSandbox(t, sandbox.ModePublicKey)
	inSetup(t)
	env := sb.env()

	// prepareCard, the body from a file, from stdin and inline.
	bodyFile := filepath.Join(t.TempDir(), "prepare.json")
	if err := os.WriteFile(bodyFile, []byte(prepareBody("cli-1", sb.notifyURL)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, stdin string
		args        []string
	}{
		{"file", "", []string{"-d", "@" + bodyFile}},
		{"stdin", prepareBody("cli-1", sb.notifyURL), []string{"-d", "@-"}},
		{"inline", "", []string{"-d", prepareBody("cli-1", sb.notifyURL)}},
	} {
		r := wxpay(t, env, tc.stdin, append([]string{"call", "POST", "v3/discount-card/cards"}, tc.args...)...)
		var out struct {
			Token string `json:"prepare_card_token"`
		}
		if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &out) != nil || len(out.Token) != 32 {
			t.Fatalf("prepareCard, body %s:\n%s", tc.name, r)
		}
		if !strings.Contains(r.stderr, "HTTP 200 OK (signature verified)\nRequest-ID: ") || !strings.Contains(r.stdout, "\n  \"prepare_card_token\"") {
			t.Errorf("prepareCard, body %s: status, Request-ID or indented JSON missing:\n%s", tc.name, r)
		}
	}

	if _, err := sb.srv.Accept(context.Background(), "cli-1", sandbox.AcceptOptions{}); err != nil {
		t.Fatal(err)
	}
	<-sb.notes

	// getCard by its template and -p, flags after the path.
	r := wxpay(t, env, "", "call", "GET", "v3/discount-card/cards/{out_card_code}", "-p", "out_card_code=cli-1")
	var card struct {
		State      string `json:"state"`
		Objectives []struct {
			ID string `json:"objective_id"`
		} `json:"objectives"`
	}
	if r.code != ExitOK || json.Unmarshal([]byte(r.stdout), &card) != nil || card.State != "ONGOING" || len(card.Objectives) == 0 {
		t.Fatalf("getCard:\n%s", r)
	}

	// add-user-records answers 204: status and Request-ID, no body.
	records := `{"card_template_id":"` + setup.Template.CardTemplateID + `","objective_completion_records":[{"objective_completion_serial_no":"s1","objective_id":"` +
		card.Objectives[0].ID + `","completion_time":"2026-05-20T13:29:35.120+08:00","completion_type":"INCREASE","description":"购买商品","completion_count":1}]}`
	r = wxpay(t, env, "", "call", "-d", records, "POST", "/v3/discount-card/cards/{out_card_code}/add-user-records", "-p", "out_card_code=cli-1")
	if r.code != ExitOK || r.stdout != "" || !strings.Contains(r.stderr, "HTTP 204 No Content (signature verified)") {
		t.Fatalf("addUserRecords:\n%s", r)
	}

	// A path instead of a template works too.
	if r := wxpay(t, env, "", "call", "get", "v3/discount-card/cards/cli-1"); r.code != ExitOK || !strings.Contains(r.stdout, `"objective_completion_serial_no": "s1"`) {
		t.Fatalf("getCard by path:\n%s", r)
	}
}

func TestCallErrors(t *testing.T) {
	sb := newSandbox(t, sandbox.ModePublicKey)
	inSetup(t)
	env := sb.env()
	sec := secrets(t, setupDir)
	tests := []struct {
		name     string
		args     []string
		code     int
		sent     bool     // the request reached the sandbox
		want     []string // in stderr
		wantOut  string   // in stdout
		dontWant string
	}{
		{"API error", []string{"GET", "v3/discount-card/cards/{out_card_code}", "-p", "out_card_code=nope"}, ExitFailure, true,
			[]string{"HTTP 404 Not Found (signature verified)", "RESOURCE_NOT_EXISTS", "cause: *apiv3.APIError (HTTP 404, code RESOURCE_NOT_EXISTS, signature verified)"},
			`"code": "RESOURCE_NOT_EXISTS"`, ""},
		{"body the spec refuses", []string{"POST", "v3/discount-card/cards", "-d", `{"out_card_code":"x"}`}, ExitUsage, false,
			[]string{"refused before sending: prepareCard would be answered PARAM_ERROR: body", "card_template_id", "-no-validate"}, "", ""},
		{"body the spec refuses, sent anyway", []string{"POST", "v3/discount-card/cards", "-no-validate", "-d", `{"out_card_code":"x"}`}, ExitFailure, true,
			[]string{"HTTP 400", "PARAM_ERROR", "cause: *apiv3.APIError (HTTP 400, code PARAM_ERROR"}, "", ""},
		{"query the spec refuses", []string{"GET", "v3/bill/tradebill", "-q", "bill_date=yesterday"}, ExitUsage, false,
			[]string{"getTradeBill would be answered PARAM_ERROR: query bill_date"}, "", ""},
		{"path value the runtime refuses", []string{"GET", "v3/discount-card/cards/{out_card_code}", "-p", "out_card_code=.."}, ExitUsage, false,
			[]string{"out_card_code", "cause: *apiv3.ValidationError (1 violations)"}, "", ""},
		{"outside the spec", []string{"GET", "v3/marketing/favor/stocks"}, ExitFailure, true,
			[]string{"note: GET /v3/marketing/favor/stocks is not in the bundled spec: sent as it is", "HTTP 404", "NOT_FOUND"}, "", ""},
		{"method outside the spec", []string{"DELETE", "v3/discount-card/cards/{out_card_code}", "-p", "out_card_code=x"}, ExitFailure, true,
			[]string{"is not in the bundled spec", "HTTP 405"}, "", ""},
		{"not JSON", []string{"POST", "v3/discount-card/cards", "-d", "{"}, ExitUsage, false, []string{"the body is not JSON"}, "", ""},
		{"missing value", []string{"GET", "v3/discount-card/cards/{out_card_code}"}, ExitUsage, false, []string{"no value for {out_card_code}: add -p out_card_code=VALUE"}, "", ""},
		{"unused value", []string{"GET", "v3/discount-card/cards/x", "-p", "a=b"}, ExitUsage, false, []string{"-p a: PATH /v3/discount-card/cards/x has no such {parameter}"}, "", ""},
		{"one argument", []string{"GET"}, ExitUsage, false, []string{"call needs METHOD and PATH"}, "", ""},
		{"bad method", []string{"G T", "v3/x"}, ExitUsage, false, []string{`METHOD "G T"`}, "", ""},
		{"download without digest", []string{"GET", "v3/billdownload/file", "-q", "token=t"}, ExitUsage, false, []string{"downloadBill answers with a file WeChat Pay does not sign: give -digest"}, "", ""},
		{"Authorization header", []string{"GET", "v3/discount-card/cards/x", "-H", "Authorization: x"}, ExitUsage, false, []string{"must not set Authorization"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := sb.requests.Load()
			r := wxpay(t, env, "", append([]string{"call"}, tt.args...)...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d", r.code, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q", w)
				}
			}
			if !strings.Contains(r.stdout, tt.wantOut) {
				t.Errorf("stdout lacks %q", tt.wantOut)
			}
			if sent := sb.requests.Load() > before; sent != tt.sent {
				t.Errorf("reached the sandbox: %v, want %v", sent, tt.sent)
			}
			if t.Failed() {
				t.Log(r)
			}
			checkNoSecrets(t, r, sec)
		})
	}
}

// TestCallVerbose: -v shows each attempt as sent, signatures redacted, and
// the runtime's attempt record with the retry decision.
func TestCallVerbose(t *testing.T) {
	sb := newSandbox(t, sandbox.ModePublicKey)
	inSetup(t)
	faults, err := sandbox.ParseFaults("500,times=1,op=getCard")
	if err != nil {
		t.Fatal(err)
	}
	sb.srv.SetFaults(faults)
	r := wxpay(t, sb.env(), "", "call", "-v", "GET", "v3/discount-card/cards/{out_card_code}", "-p", "out_card_code=ab|cd*")
	if r.code != ExitFailure {
		t.Fatalf("want the 404 of an unknown card after a retry:\n%s", r)
	}
	for _, want := range []string{
		"* configuration from wxpay.json, $WXPAY_BASE_URL\n",
		"> GET " + sb.url + "/v3/discount-card/cards/ab%7Ccd%2A\n",
		`> Authorization: WECHATPAY2-SHA256-RSA2048 mchid="` + setup.MchID + `",serial_no="` + setup.MerchantSerial + `",signature=<redacted>`,
		"< HTTP 500 Internal Server Error",
		"< Wechatpay-Signature: <redacted>",
		`* attempt operation=getCard method=GET path=/v3/discount-card/cards/{out_card_code} host=` + strings.TrimPrefix(sb.url, "http://") + ` attempt=1 status=500`,
		`retry="HTTP 500" wait=`,
		"< HTTP 404 Not Found",
		"attempt=2 status=404",
		"cause: *apiv3.RetryError (2 attempts), *apiv3.APIError (HTTP 404, code RESOURCE_NOT_EXISTS, signature verified)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if strings.Count(r.stderr, "> GET ") != 2 {
		t.Errorf("%d attempts shown, want 2", strings.Count(r.stderr, "> GET "))
	}
	checkNoSecrets(t, r, secrets(t, setupDir))
	if t.Failed() {
		t.Log(r)
	}
}

func TestCallVerificationError(t *testing.T) {
	sb := newSandbox(t, sandbox.ModePublicKey)
	inSetup(t)
	faults, _ := sandbox.ParseFaults("badsig,times=1")
	sb.srv.SetFaults(faults)
	r := wxpay(t, sb.env(), "", "call", "POST", "v3/discount-card/cards", "-d", prepareBody("bad-1", sb.notifyURL))
	if r.code != ExitFailure || !strings.Contains(r.stderr, "HTTP 200 OK (signature REFUSED)") ||
		!strings.Contains(r.stderr, "cause: *apiv3.VerificationError, apiv3.ErrBadSignature") || r.stdout != "" {
		t.Errorf("a bad signature: want exit 1, the typed cause and no body shown:\n%s", r)
	}
}

// TestCallAgainstTheDouble sends operations the sandbox does not play to
// the loopback double, which validates requests against the same spec and
// answers with the spec's examples: the query goes as given.
func TestCallAgainstTheDouble(t *testing.T) {
	s, err := load.Load(filepath.Join("..", "..", "..", "..", "spec"))
	if err != nil {
		t.Fatal(err)
	}
	srv := wxtest.NewServer(t, wxtest.Options{Spec: s.Doc, Handler: wxtest.ValidExampleHandler(s.Doc), UnsignedFiles: true})
	t.Chdir(testkeysDir(t))
	env := map[string]string{"WXPAY_BASE_URL": srv.URL}
	r := wxpay(t, env, "", "call", "GET", "v3/pay/transactions/out-trade-no/{out_trade_no}",
		"-p", "out_trade_no=1217752501201407033233368018", "-q", "mchid=1230000109")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"trade_state"`) {
		t.Fatalf("queryOrderByOutTradeNo:\n%s", r)
	}
	reqs := srv.Requests()
	if got := reqs[len(reqs)-1]; !got.Verified || got.RequestURI != "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1230000109" {
		t.Errorf("the double received %s (signature verified: %v)", got.RequestURI, got.Verified)
	}
	// A download with its digest: the example file, unsigned, checked.
	r = wxpay(t, env, "", "call", "GET", "v3/billdownload/file", "-q", "token=t", "-digest", "SHA1:0000000000000000000000000000000000000000")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "apiv3.ErrDigestMismatch") {
		t.Errorf("a download whose digest does not match:\n%s", r)
	}
	file := wxtest.FileExample("text/plain")
	sum := sha1.Sum(file)
	r = wxpay(t, env, "", "call", "GET", "v3/billdownload/file", "-q", "token=t", "-digest", "SHA1:"+hex.EncodeToString(sum[:]))
	gz := wxtest.FileExample("application/gzip") // the double may answer either; the file is printed as received
	if r.code != ExitOK || (r.stdout != string(file) && r.stdout != string(gz)) || !strings.Contains(r.stderr, "(unsigned download, digest matched)") {
		t.Errorf("a download whose digest matches:\n%s", r)
	}
}

// TestCallOutcomeUnknown: a refund whose answer is lost is sent once, and
// the message names the query that settles it.
func TestCallOutcomeUnknown(t *testing.T) {
	s, err := load.Load(filepath.Join("..", "..", "..", "..", "spec"))
	if err != nil {
		t.Fatal(err)
	}
	var refunds atomic.Int32
	srv := wxtest.NewServer(t, wxtest.Options{Spec: s.Doc, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refunds.Add(1)
		panic(http.ErrAbortHandler) // read and checked, then no answer
	})})
	t.Chdir(testkeysDir(t))
	r := wxpay(t, map[string]string{"WXPAY_BASE_URL": srv.URL}, "", "call", "POST", "v3/refund/domestic/refunds",
		"-d", `{"out_trade_no":"T-1","out_refund_no":"R-1","amount":{"refund":1,"total":1,"currency":"CNY"}}`)
	if r.code != ExitFailure || !strings.Contains(r.stderr, "outcome unknown") ||
		!strings.Contains(r.stderr, "queryRefundByOutRefundNo (GET /v3/refund/domestic/refunds/{out_refund_no})") ||
		!strings.Contains(r.stderr, "apiv3.ErrOutcomeUnknown") {
		t.Errorf("a refund without an answer:\n%s", r)
	}
	if n := refunds.Load(); n != 1 {
		t.Errorf("the refund was sent %d times, want once", n)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, ExitUsage, "usage:"},
		{[]string{"frobnicate"}, ExitUsage, `unknown command "frobnicate"`},
		{[]string{"call", "-nope"}, ExitUsage, "flag provided but not defined: -nope"},
		{[]string{"call", "-h"}, ExitUsage, "-base-url"},
		{[]string{"ls", "a", "b"}, ExitUsage, "at most one PREFIX"},
		{[]string{"notify"}, ExitUsage, "notify needs -headers FILE and -body FILE, or -request FILE"},
		{[]string{"certificates", "x"}, ExitUsage, "takes no arguments"},
	} {
		r := wxpay(t, nil, "", tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("wxpay %q: want exit %d and %q\n%s", tc.args, tc.code, tc.want, r)
		}
	}
	if r := wxpay(t, nil, "", "help"); r.code != ExitOK || !strings.Contains(r.stdout, "wxpay call METHOD PATH") {
		t.Errorf("help:\n%s", r)
	}
	for _, arg := range []string{"-version", "--version", "version"} {
		if r := wxpay(t, nil, "", arg); r.code != ExitOK || !strings.HasPrefix(r.stdout, "wxpay devel (go") {
			t.Errorf("%s:\n%s", arg, r)
		}
	}
}
