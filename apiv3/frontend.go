package apiv3

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSAPIPayParams are the parameters a page inside WeChat passes to
// WeixinJSBridge.invoke("getBrandWCPayRequest", params, callback) and a mini
// program to wx.requestPayment, built by Client.JSAPIPayParams from the
// prepay_id of a JSAPI prepay. Marshalled as JSON they have the field names
// the front ends expect, so a handler can write them as they are:
//
//	{"appId":"…","timeStamp":"…","nonceStr":"…","package":"prepay_id=…","signType":"RSA","paySign":"…"}
//
// A mini program ignores appId (its own AppID is used); it must still be the
// AppID the order was created with, since paySign covers it.
type JSAPIPayParams struct {
	AppID     string `json:"appId"`
	TimeStamp string `json:"timeStamp"` // Unix seconds, as a string
	NonceStr  string `json:"nonceStr"`
	Package   string `json:"package"`  // "prepay_id=" + the prepay_id
	SignType  string `json:"signType"` // always "RSA"
	PaySign   string `json:"paySign"`
}

// AppPayParams are the fields of the WeChat OpenSDK's PayReq that an app
// sends to WeChat, built by Client.AppPayParams from the prepay_id of an App
// prepay. Marshalled as JSON they have the OpenSDK's field names:
//
//	{"appid":"…","partnerid":"…","prepayid":"…","package":"Sign=WXPay","noncestr":"…","timestamp":"…","sign":"…"}
type AppPayParams struct {
	AppID     string `json:"appid"`
	PartnerID string `json:"partnerid"` // the merchant ID (mchid)
	PrepayID  string `json:"prepayid"`
	Package   string `json:"package"` // always "Sign=WXPay"
	NonceStr  string `json:"noncestr"`
	TimeStamp string `json:"timestamp"` // Unix seconds, as a string
	Sign      string `json:"sign"`
}

// The constant values of the front-end parameters.
const (
	// PaySignTypeRSA is JSAPIPayParams.SignType: paySign is SHA256withRSA.
	PaySignTypeRSA = "RSA"
	// AppPayPackage is AppPayParams.Package.
	AppPayPackage = "Sign=WXPay"
)

// maxFrontendNonce is the longest nonce the front ends take (nonceStr,
// noncestr: at most 32 characters).
const maxFrontendNonce = 32

// JSAPIPayParams signs the parameters that start paying prepayID (the
// prepay_id of a JSAPI or mini-program prepay, valid for 2 hours) in a page
// inside WeChat or in a mini program. appID must be the AppID the order was
// created with. The signature, by the merchant private key (SHA256withRSA,
// Base64), covers the four lines
//
//	appId\ntimeStamp\nnonceStr\npackage\n
//
// with the timestamp and the nonce taken from the client's clock and nonce
// source (WithClock, WithNonceSource), as for request signatures. Whether
// the user paid is known from TRANSACTION.SUCCESS or from the order query,
// never from what the front end reports.
func (c *Client) JSAPIPayParams(appID, prepayID string) (JSAPIPayParams, error) {
	if err := checkFrontendArgs("JSAPIPayParams", appID, prepayID); err != nil {
		return JSAPIPayParams{}, err
	}
	ts, nonce, err := c.frontendTimeAndNonce("JSAPIPayParams")
	if err != nil {
		return JSAPIPayParams{}, err
	}
	p := JSAPIPayParams{AppID: appID, TimeStamp: ts, NonceStr: nonce, Package: "prepay_id=" + prepayID, SignType: PaySignTypeRSA}
	if p.PaySign, err = c.Sign(frontendMessage(appID, ts, nonce, p.Package)); err != nil {
		return JSAPIPayParams{}, fmt.Errorf("apiv3: JSAPIPayParams: %w", err)
	}
	return p, nil
}

// AppPayParams signs the parameters that start paying prepayID (the
// prepay_id of an App prepay, valid for 2 hours) in the merchant's app
// through the WeChat OpenSDK. appID must be the app's AppID the order was
// created with; partnerid is the client's merchant ID. The signature, by the
// merchant private key (SHA256withRSA, Base64), covers the four lines
//
//	appid\ntimestamp\nnoncestr\nprepayid\n
//
// with the timestamp and the nonce taken from the client's clock and nonce
// source (WithClock, WithNonceSource).
func (c *Client) AppPayParams(appID, prepayID string) (AppPayParams, error) {
	if err := checkFrontendArgs("AppPayParams", appID, prepayID); err != nil {
		return AppPayParams{}, err
	}
	ts, nonce, err := c.frontendTimeAndNonce("AppPayParams")
	if err != nil {
		return AppPayParams{}, err
	}
	p := AppPayParams{AppID: appID, PartnerID: c.MchID(), PrepayID: prepayID, Package: AppPayPackage, NonceStr: nonce, TimeStamp: ts}
	if p.Sign, err = c.Sign(frontendMessage(appID, ts, nonce, prepayID)); err != nil {
		return AppPayParams{}, fmt.Errorf("apiv3: AppPayParams: %w", err)
	}
	return p, nil
}

// checkFrontendArgs refuses what would make the signed message ambiguous
// (a line break, any space or control character) or sign something WeChat
// Pay refuses: an empty value, a prepay_id passed as the package.
func checkFrontendArgs(fn, appID, prepayID string) error {
	for _, a := range [...]struct{ name, v string }{{"appID", appID}, {"prepayID", prepayID}} {
		if err := checkFrontendValue(a.v); err != nil {
			return fmt.Errorf("apiv3: %s: %s %v", fn, a.name, err)
		}
	}
	if strings.HasPrefix(prepayID, "prepay_id=") {
		return fmt.Errorf("apiv3: %s: prepayID %q: pass the prepay_id of the prepay answer as it is, without \"prepay_id=\"", fn, prepayID)
	}
	return nil
}

// checkFrontendValue accepts a non-empty value of printable characters
// without spaces.
func checkFrontendValue(v string) error {
	if v == "" {
		return fmt.Errorf("is empty")
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%q is not UTF-8", v)
	}
	for _, r := range v {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%q contains a space or control character (%q)", v, r)
		}
	}
	return nil
}

// frontendTimeAndNonce takes the timestamp and nonce of one front-end
// signature from the client's clock and nonce source.
func (c *Client) frontendTimeAndNonce(fn string) (ts, nonce string, err error) {
	nonce, err = c.creds.nonce()
	if err != nil {
		return "", "", fmt.Errorf("apiv3: %s: nonce source: %w", fn, err)
	}
	if err := checkFrontendValue(nonce); err != nil {
		return "", "", fmt.Errorf("apiv3: %s: the nonce source returned a bad nonce: %v", fn, err)
	}
	if n := utf8.RuneCountInString(nonce); n > maxFrontendNonce {
		return "", "", fmt.Errorf("apiv3: %s: the nonce source returned %d characters; the front ends take at most %d", fn, n, maxFrontendNonce)
	}
	return strconv.FormatInt(c.creds.clock().Unix(), 10), nonce, nil
}

// frontendMessage is the four lines a front-end signature covers, each
// ending with "\n".
func frontendMessage(lines ...string) []byte {
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b := make([]byte, 0, n)
	for _, l := range lines {
		b = append(b, l...)
		b = append(b, '\n')
	}
	return b
}
