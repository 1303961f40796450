// Command wxpay-sandbox runs a local stand-in for WeChat Pay APIv3 on
// loopback, over plain HTTP, for developing and testing merchant code: it
// serves every operation of a spec folder (the bundled spec/ by default),
// the discount card (微信先享卡) with its business rules, every other
// operation with its example or a programmed answer.
//
// Usage:
//
//	wxpay-sandbox init [-force] [-mchid ID] [-base-url URL] DIR
//	wxpay-sandbox serve -dir DIR [-spec SPEC_DIR] [-addr 127.0.0.1:8780] [-data FILE] [-mode pubkey|cert|both] [-fault SPEC]... [-refund-delay D] [-check-responses] [-v]
//	wxpay-sandbox accept -addr ADDR [-openid OPENID] [-sharer-openid OPENID] OUT_CARD_CODE
//	wxpay-sandbox end -addr ADDR -state FINISHED|UNFINISHED [-reason DUE_TO_QUIT|EARLY_QUIT] [-pay-amount N] OUT_CARD_CODE
//	wxpay-sandbox pay -addr ADDR [-openid OPENID] [-bank-type TYPE] OUT_TRADE_NO
//	wxpay-sandbox payerror -addr ADDR OUT_TRADE_NO
//	wxpay-sandbox order -addr ADDR OUT_TRADE_NO
//	wxpay-sandbox refund-success|refund-abnormal|refund-closed -addr ADDR OUT_REFUND_NO
//	wxpay-sandbox refund -addr ADDR OUT_REFUND_NO
//	wxpay-sandbox fault -addr ADDR SPEC      ("" clears the faults)
//	wxpay-sandbox answer -addr ADDR [-status N] [-code CODE] [-message TEXT] [-body JSON] [-times N] OPERATION_ID
//	wxpay-sandbox answer -addr ADDR -clear [OPERATION_ID]
//	wxpay-sandbox -version
//
// init writes keys, certificates, an APIv3 key, a card template and the
// wxpay.json that apiv3.LoadConfigFile reads. serve prints
// "listening on http://ADDR" once it accepts connections. accept and end
// simulate the user claiming a card and the agreement ending; both make the
// sandbox send the notifications WeChat Pay would; pay and payerror
// simulate the user paying an order (TRANSACTION.SUCCESS) or failing to,
// refund-success, refund-abnormal and refund-closed settle a refund (with
// its REFUND.* notification), order and refund show one. See package
// internal/sandbox for the rules the sandbox enforces.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/payments"
	"github.com/wxpaygen/wxpaygen/internal/sandbox"
	"github.com/wxpaygen/wxpaygen/internal/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage:
  wxpay-sandbox init [-force] [-mchid ID] [-base-url URL] DIR
  wxpay-sandbox serve -dir DIR [-spec SPEC_DIR] [-addr 127.0.0.1:8780] [-data FILE] [-mode pubkey|cert|both] [-fault SPEC]... [-refund-delay D] [-check-responses] [-v]
  wxpay-sandbox accept -addr ADDR [-openid OPENID] [-sharer-openid OPENID] OUT_CARD_CODE
  wxpay-sandbox end -addr ADDR -state FINISHED|UNFINISHED [-reason DUE_TO_QUIT|EARLY_QUIT] [-pay-amount N] OUT_CARD_CODE
  wxpay-sandbox pay -addr ADDR [-openid OPENID] [-bank-type TYPE] OUT_TRADE_NO
  wxpay-sandbox payerror -addr ADDR OUT_TRADE_NO
  wxpay-sandbox order -addr ADDR OUT_TRADE_NO
  wxpay-sandbox refund-success|refund-abnormal|refund-closed -addr ADDR OUT_REFUND_NO
  wxpay-sandbox refund -addr ADDR OUT_REFUND_NO
  wxpay-sandbox fault -addr ADDR SPEC
  wxpay-sandbox answer -addr ADDR [-status N] [-code CODE] [-message TEXT] [-body JSON] [-times N] OPERATION_ID
  wxpay-sandbox answer -addr ADDR -clear [OPERATION_ID]
  wxpay-sandbox -version

fault SPEC: rules separated by ';', each KIND[=DELAY][,times=N][,op=OPERATION_ID]
  KIND: latency=DURATION, 202, 429, 500, drop, drop-after, badsig, stale; "" clears.
`

// run is the command with its streams and arguments injected; it returns
// the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "init":
		err = cmdInit(args[1:], stdout, stderr)
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "accept":
		err = cmdAccept(ctx, args[1:], stdout, stderr)
	case "end":
		err = cmdEnd(ctx, args[1:], stdout, stderr)
	case "pay", "payerror", "order":
		err = cmdOrder(ctx, args[0], args[1:], stdout, stderr)
	case "refund-success", "refund-abnormal", "refund-closed", "refund":
		err = cmdRefund(ctx, args[0], args[1:], stdout, stderr)
	case "fault", "faults":
		err = cmdFault(ctx, args[1:], stdout, stderr)
	case "answer", "answers":
		err = cmdAnswer(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, version.Line("wxpay-sandbox"))
		return 0
	default:
		fmt.Fprintf(stderr, "wxpay-sandbox: unknown command %q\n%s", args[0], usage)
		return 2
	}
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "wxpay-sandbox %s: %v\n%s", args[0], err, usage)
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "wxpay-sandbox %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

type usageError string

func (e usageError) Error() string { return string(e) }

// parse parses flags placed before or after the positional arguments and
// returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func cmdInit(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("init", stderr)
	force := fs.Bool("force", false, "write into a non-empty directory")
	mchID := fs.String("mchid", sandbox.DefaultMchID, "merchant ID")
	baseURL := fs.String("base-url", "", "base_url (and backup_base_url) for wxpay.json, e.g. http://127.0.0.1:8780")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("init needs exactly one DIR")
	}
	if *baseURL != "" {
		u, err := url.Parse(*baseURL)
		if err != nil || u.Scheme != "http" || !sandbox.IsLoopbackAddr(u.Host) {
			return usageError("-base-url must be http://LOOPBACK_HOST:PORT")
		}
	}
	st, err := sandbox.Init(pos[0], sandbox.InitOptions{MchID: *mchID, BaseURL: *baseURL, Force: *force})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s:\n", st.Dir)
	for _, f := range st.Files {
		fmt.Fprintf(stdout, "  %s\n", f)
	}
	fmt.Fprintf(stdout, "mchid %s, merchant certificate serial %s\n", st.MchID, st.MerchantSerial)
	fmt.Fprintf(stdout, "WeChat Pay public key ID %s, platform certificate serial %s\n", st.PublicKeyID, st.PlatformSerial)
	fmt.Fprintf(stdout, "card_template_id %s\n", st.Template.CardTemplateID)
	return nil
}

type faultFlags []string

func (f *faultFlags) String() string     { return strings.Join(*f, ";") }
func (f *faultFlags) Set(v string) error { *f = append(*f, v); return nil }

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	dir := fs.String("dir", "", "setup directory written by init (required)")
	addr := fs.String("addr", "127.0.0.1:8780", "loopback address to listen on (port 0 picks one)")
	data := fs.String("data", "", "store `FILE` keeping the state and unacknowledged notifications across restarts (a bbolt database)")
	specDir := fs.String("spec", "", "spec folder to serve, every *.yaml of it (default: the bundled spec/)")
	mode := fs.String("mode", "pubkey", "signing mode: pubkey, cert or both")
	checkResponses := fs.Bool("check-responses", false, "log answers that do not match the OpenAPI document")
	verbose := fs.Bool("v", false, "log notification deliveries")
	refundDelay := fs.Duration("refund-delay", 0, "refunds succeed by themselves after this `duration` (0: only refund-success, refund-abnormal and refund-closed settle them)")
	var faults faultFlags
	fs.Var(&faults, "fault", "fault `SPEC` to inject (repeatable)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *dir == "" {
		return usageError("serve needs -dir DIR and no arguments")
	}
	if !sandbox.IsLoopbackAddr(*addr) {
		return usageError(fmt.Sprintf("-addr %s is not a loopback address: the sandbox listens on loopback only", *addr))
	}
	cfg, err := sandbox.LoadDir(*dir)
	if err != nil {
		return err
	}
	if cfg.Mode, err = sandbox.ParseMode(*mode); err != nil {
		return usageError(err.Error())
	}
	if cfg.Faults, err = sandbox.ParseFaults(faults.String()); err != nil {
		return usageError(err.Error())
	}
	if *refundDelay < 0 {
		return usageError("-refund-delay must not be negative")
	}
	cfg.DataFile = *data
	cfg.SpecDir = *specDir
	cfg.RefundDelay = *refundDelay
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, time.Now().Format("15:04:05.000 ")+format+"\n", args...)
	}
	if *verbose {
		cfg.Logf = logf
	}
	if *checkResponses {
		cfg.CheckResponses = func(_ string, _ int, err error) {
			if err != nil {
				logf("%v", err)
			}
		}
	}
	srv, err := sandbox.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		srv.Close()
		return err
	}
	// The body has its own deadline (Config.BodyTimeout, set per request by
	// the sandbox); these bound the headers and idle connections.
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	if f, ok := stdout.(interface{ Sync() error }); ok {
		f.Sync()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = hs.Shutdown(sctx)
		cancel()
	}
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// controlFlags are the flags of the commands that talk to a running sandbox.
func controlAddr(fs *flag.FlagSet) *string {
	return fs.String("addr", "127.0.0.1:8780", "address of the running sandbox")
}

func cmdAccept(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("accept", stderr)
	addr := controlAddr(fs)
	openid := fs.String("openid", "", "openid of the user (default: random)")
	sharer := fs.String("sharer-openid", "", "openid of the inviter (邀请有礼)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("accept needs exactly one OUT_CARD_CODE")
	}
	return post(ctx, *addr, "/sandbox/cards/"+url.PathEscape(pos[0])+"/accept",
		sandbox.AcceptOptions{OpenID: *openid, SharerOpenID: *sharer}, stdout)
}

func cmdEnd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("end", stderr)
	addr := controlAddr(fs)
	state := fs.String("state", "", "FINISHED or UNFINISHED (required)")
	reason := fs.String("reason", "", "UNFINISHED: DUE_TO_QUIT (default) or EARLY_QUIT")
	payAmount := fs.Int64("pay-amount", -1, "UNFINISHED: amount the user pays back, fen (default: the discount enjoyed)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *state == "" {
		return usageError("end needs -state and exactly one OUT_CARD_CODE")
	}
	opts := sandbox.EndOptions{State: *state, Reason: *reason}
	if *payAmount >= 0 {
		opts.PayAmount = payAmount
	}
	return post(ctx, *addr, "/sandbox/cards/"+url.PathEscape(pos[0])+"/end", opts, stdout)
}

// cmdOrder simulates the user paying (pay) or failing to pay (payerror)
// an order, or shows it (order); it prints the order as the order query
// shows it.
func cmdOrder(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(name, stderr)
	addr := controlAddr(fs)
	var opts payments.PayOptions
	if name == "pay" {
		fs.StringVar(&opts.OpenID, "openid", "", "openid of the payer (default: the JSAPI payer, else random)")
		fs.StringVar(&opts.BankType, "bank-type", "", "bank_type of the payment (default OTHERS)")
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(name + " needs exactly one OUT_TRADE_NO")
	}
	path := "/sandbox/orders/" + url.PathEscape(pos[0])
	if name == "order" {
		return send(ctx, http.MethodGet, *addr, path, nil, stdout)
	}
	return post(ctx, *addr, path+"/"+name, opts, stdout)
}

// cmdRefund settles a PROCESSING refund (refund-success, refund-abnormal,
// refund-closed) or shows it (refund); it prints the refund as the refund
// query shows it.
func cmdRefund(ctx context.Context, name string, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(name, stderr)
	addr := controlAddr(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(name + " needs exactly one OUT_REFUND_NO")
	}
	path := "/sandbox/refunds/" + url.PathEscape(pos[0])
	if name == "refund" {
		return send(ctx, http.MethodGet, *addr, path, nil, stdout)
	}
	return post(ctx, *addr, path+"/"+strings.TrimPrefix(name, "refund-"), nil, stdout)
}

func cmdFault(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fault", stderr)
	addr := controlAddr(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError(`fault needs exactly one SPEC ("" clears)`)
	}
	if _, err := sandbox.ParseFaults(pos[0]); err != nil {
		return usageError(err.Error())
	}
	return post(ctx, *addr, "/sandbox/faults", map[string]string{"spec": pos[0]}, stdout)
}

func cmdAnswer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("answer", stderr)
	addr := controlAddr(fs)
	status := fs.Int("status", 0, "HTTP status (default 200 with -body, 204 without, 400 with -code)")
	code := fs.String("code", "", "a WeChat Pay error code, e.g. ORDER_NOT_EXIST")
	message := fs.String("message", "", "the error's message")
	body := fs.String("body", "", "the JSON body of a success")
	times := fs.Int("times", 0, "for the next N requests only (default: until cleared)")
	clear := fs.Bool("clear", false, "clear the answer of OPERATION_ID, or every answer")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *clear {
		if len(pos) > 1 {
			return usageError("answer -clear takes at most one OPERATION_ID")
		}
		q := ""
		if len(pos) == 1 {
			q = "?op=" + url.QueryEscape(pos[0])
		}
		return send(ctx, http.MethodDelete, *addr, "/sandbox/answers"+q, nil, stdout)
	}
	if len(pos) != 1 {
		return usageError("answer needs exactly one OPERATION_ID")
	}
	a := sandbox.Answer{Status: *status, Code: *code, Message: *message, Times: *times}
	if *body != "" {
		a.Body = json.RawMessage(*body)
	}
	if err := a.Check(); err != nil {
		return usageError(err.Error())
	}
	return post(ctx, *addr, "/sandbox/answers", struct {
		Op string `json:"op"`
		sandbox.Answer
	}{pos[0], a}, stdout)
}

// post sends a control request and prints the answer.
func post(ctx context.Context, addr, path string, body any, stdout io.Writer) error {
	return send(ctx, http.MethodPost, addr, path, body, stdout)
}

// send sends a control request (body nil: none) and prints the answer.
func send(ctx context.Context, method, addr, path string, body any, stdout io.Writer) error {
	if !sandbox.IsLoopbackAddr(addr) {
		return usageError(fmt.Sprintf("-addr %s is not a loopback address", addr))
	}
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, "http://"+addr+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Code, Message string }
		if json.Unmarshal(out, &e) == nil && e.Code != "" {
			return fmt.Errorf("%d %s: %s", resp.StatusCode, e.Code, e.Message)
		}
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(out)))
	}
	stdout.Write(out)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		fmt.Fprintln(stdout)
	}
	return nil
}
