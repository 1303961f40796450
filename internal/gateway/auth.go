package gateway

import (
	"fmt"
	"strings"
)

// AuthScheme is the only Authorization scheme (and Wechatpay-Signature-Type)
// WeChat Pay knows.
const AuthScheme = "WECHATPAY2-SHA256-RSA2048"

// Authorization is a parsed Authorization header.
type Authorization struct {
	MchID     string
	NonceStr  string
	Timestamp string // as sent: decimal Unix seconds
	SerialNo  string
	Signature string // Base64, as sent
}

// authItems are the items of an Authorization header, each required once.
var authItems = []string{"mchid", "nonce_str", "timestamp", "serial_no", "signature"}

func formatError(issue string) *AuthError {
	return &AuthError{
		Field:   "authorization",
		Issue:   issue,
		Message: "Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》",
	}
}

// ParseAuthorization parses the value of an Authorization header:
// `WECHATPAY2-SHA256-RSA2048 ` followed by the five key="value" items mchid,
// nonce_str, timestamp, serial_no and signature, in any order, separated by
// commas (spaces after a comma are tolerated). Unknown or repeated keys,
// unquoted or empty values are refused with an *AuthError.
func ParseAuthorization(value string) (Authorization, error) {
	var a Authorization
	rest, ok := strings.CutPrefix(value, AuthScheme+" ")
	if !ok {
		return a, formatError("scheme is not " + AuthScheme)
	}
	seen := map[string]bool{}
	for rest != "" {
		key, val, after, err := nextItem(rest)
		if err != nil {
			return a, err
		}
		if seen[key] {
			return a, formatError(key + " appears twice")
		}
		seen[key] = true
		if err := a.set(key, val); err != nil {
			return a, err
		}
		if rest = after; rest != "" {
			if rest, ok = strings.CutPrefix(rest, ","); !ok {
				return a, formatError("items are not separated by ','")
			}
			if rest == "" {
				return a, formatError("trailing ','")
			}
		}
	}
	for _, k := range authItems {
		if !seen[k] {
			return a, formatError("missing " + k)
		}
	}
	return a, nil
}

// nextItem cuts the first key="value" item off s (leading spaces allowed).
func nextItem(s string) (key, val, rest string, err *AuthError) {
	key, after, ok := strings.Cut(strings.TrimLeft(s, " "), "=")
	if !ok {
		return "", "", "", formatError("item without '='")
	}
	if !strings.HasPrefix(after, `"`) {
		return "", "", "", formatError("value of " + key + " is not quoted")
	}
	val, rest, ok = strings.Cut(after[1:], `"`)
	if !ok {
		return "", "", "", formatError("value of " + key + " has no closing quote")
	}
	if val == "" {
		return "", "", "", formatError("value of " + key + " is empty")
	}
	return key, val, rest, nil
}

func (a *Authorization) set(key, val string) *AuthError {
	switch key {
	case "mchid":
		a.MchID = val
	case "nonce_str":
		a.NonceStr = val
	case "timestamp":
		a.Timestamp = val
	case "serial_no":
		a.SerialNo = val
	case "signature":
		a.Signature = val
	default:
		return formatError(fmt.Sprintf("unknown item %q", key))
	}
	return nil
}

// String writes a back in canonical form (the order of authItems).
func (a Authorization) String() string {
	return fmt.Sprintf(`%s mchid="%s",nonce_str="%s",timestamp="%s",serial_no="%s",signature="%s"`,
		AuthScheme, a.MchID, a.NonceStr, a.Timestamp, a.SerialNo, a.Signature)
}
