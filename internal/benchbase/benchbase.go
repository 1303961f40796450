// Package benchbase is the bare baseline the generated client is measured
// against (issue 6): a hand-written WeChat Pay APIv3 call that puts the same
// bytes on the wire as the generated client, with only what a call needs:
// encoding/json, one RSA-2048 PKCS#1 v1.5 SHA-256 signature, the HTTP round
// trip, one RSA verification of the answer, and encoding/json again for a
// body. No validation, no options, no retries, no error types.
//
// It deliberately imports neither apiv3 nor the generated package, so that
// the baseline shares no code with what it measures; the test
// TestBaselineSendsTheSameBytes in generated/wechatpay proves that both send
// the same request except for the nonce, the timestamp and the signature.
//
// The package also holds the benchmark server (Handler, Serve): a loopback
// stand-in for WeChat Pay that verifies every request signature and signs
// every answer, which the benchmarks and scripts/callgrind.sh run in a
// separate process so that what they count is the client alone.
package benchbase

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Config is what the baseline needs to call WeChat Pay as one merchant in
// public-key mode.
type Config struct {
	BaseURL    string // e.g. http://127.0.0.1:41234, no trailing slash
	MchID      string
	Serial     string          // merchant certificate serial (serial_no)
	PrivateKey *rsa.PrivateKey // merchant key: signs requests
	// PublicKeyID is sent as Wechatpay-Serial and must come back as the
	// Wechatpay-Serial of every answer; PublicKey verifies the answers.
	PublicKeyID string
	PublicKey   *rsa.PublicKey
	UserAgent   string
	HTTPClient  *http.Client // nil: a client on a clone of http.DefaultTransport
}

// Client is the baseline client. It is safe for concurrent use.
type Client struct {
	cfg Config
	hc  *http.Client
}

// New returns a baseline client for cfg.
func New(cfg Config) *Client {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	return &Client{cfg: cfg, hc: hc}
}

// AddUserRecords calls POST /v3/discount-card/cards/{out_card_code}/add-user-records
// with body encoded by encoding/json (a *AddUserRecordsRequest, or any value
// that encodes to the same JSON); outCardCode must need no escaping (the
// baseline does not escape).
func (c *Client) AddUserRecords(ctx context.Context, outCardCode string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, "/v3/discount-card/cards/"+outCardCode+"/add-user-records", b, nil)
}

// GetCard calls GET /v3/discount-card/cards/{out_card_code} and decodes the
// card into out with encoding/json (a *Card, or any type the card decodes
// into).
func (c *Client) GetCard(ctx context.Context, outCardCode string, out any) error {
	return c.do(ctx, http.MethodGet, "/v3/discount-card/cards/"+outCardCode, nil, out)
}

// do signs, sends, verifies and decodes one call. path is the request-target.
func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, rd)
	if err != nil {
		return err
	}
	authz, err := c.authorization(method, path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Wechatpay-Serial", c.cfg.PublicKeyID)
	req.Header.Set("Authorization", authz)

	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("benchbase: %s %s: HTTP %d: %s", method, path, resp.StatusCode, rb)
	}
	if err := c.verify(resp.Header, rb); err != nil {
		return err
	}
	if out != nil && len(rb) > 0 {
		return json.Unmarshal(rb, out)
	}
	return nil
}

// authorization returns the Authorization header value: one RSA signature
// over "METHOD\nTARGET\nTIMESTAMP\nNONCE\nBODY\n".
func (c *Client) authorization(method, target string, body []byte) (string, error) {
	nonce, err := newNonce()
	if err != nil {
		return "", err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	h := sha256.New()
	io.WriteString(h, method+"\n"+target+"\n"+ts+"\n"+nonce+"\n")
	h.Write(body)
	h.Write([]byte{'\n'})
	sig, err := rsa.SignPKCS1v15(nil, c.cfg.PrivateKey, crypto.SHA256, h.Sum(nil))
	if err != nil {
		return "", err
	}
	return `WECHATPAY2-SHA256-RSA2048 mchid="` + c.cfg.MchID + `",nonce_str="` + nonce +
		`",timestamp="` + ts + `",serial_no="` + c.cfg.Serial +
		`",signature="` + base64.StdEncoding.EncodeToString(sig) + `"`, nil
}

// verify checks the answer's signature: one RSA verification over
// "TIMESTAMP\nNONCE\nBODY\n" with the key its Wechatpay-Serial names.
func (c *Client) verify(h http.Header, body []byte) error {
	ts, nonce := h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce")
	if h.Get("Wechatpay-Serial") != c.cfg.PublicKeyID {
		return errors.New("benchbase: unknown Wechatpay-Serial")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() >= 5*time.Minute {
		return errors.New("benchbase: bad Wechatpay-Timestamp")
	}
	sig, err := base64.StdEncoding.DecodeString(h.Get("Wechatpay-Signature"))
	if err != nil {
		return err
	}
	d := sha256.New()
	io.WriteString(d, ts+"\n"+nonce+"\n")
	d.Write(body)
	d.Write([]byte{'\n'})
	return rsa.VerifyPKCS1v15(c.cfg.PublicKey, crypto.SHA256, d.Sum(nil), sig)
}

// newNonce returns 32 upper-case hexadecimal characters from crypto/rand,
// the form the runtime sends.
func newNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	const digits = "0123456789ABCDEF"
	var s [32]byte
	for i, x := range b {
		s[2*i], s[2*i+1] = digits[x>>4], digits[x&15]
	}
	return string(s[:]), nil
}
