package sandbox

import (
	"reflect"
	"strings"
	"testing"
)

func FuzzParseAuthorization(f *testing.F) {
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="abc",timestamp="1554208460",serial_no="1DDE",signature="c2ln"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n", signature="s",timestamp="1",serial_no="x"`)
	f.Add(`WECHATPAY2-SHA256-RSA2048 mchid=1`)
	f.Add(`Basic abc`)
	f.Fuzz(func(t *testing.T, v string) {
		a, err := parseAuthorization(v)
		if err != nil {
			if err.field != "authorization" || err.message == "" {
				t.Fatalf("error %+v", err)
			}
			return
		}
		for _, s := range []string{a.mchID, a.nonce, a.timestamp, a.serial, a.signature} {
			if s == "" || strings.Contains(s, `"`) {
				t.Fatalf("parsed %q into %+v", v, a)
			}
		}
		// What was parsed, written back canonically, parses to the same.
		canon := authScheme + ` mchid="` + a.mchID + `",nonce_str="` + a.nonce + `",timestamp="` + a.timestamp +
			`",serial_no="` + a.serial + `",signature="` + a.signature + `"`
		b, err := parseAuthorization(canon)
		if err != nil || b != a {
			t.Fatalf("%q: round trip %+v %v", v, b, err)
		}
	})
}

func FuzzParseFaults(f *testing.F) {
	f.Add("latency=300ms,op=getCard;429,times=2;drop")
	f.Add("500,times=1,op=addUserRecords;badsig;stale;202;drop-after")
	f.Add(";;")
	f.Fuzz(func(t *testing.T, spec string) {
		faults, err := ParseFaults(spec)
		if err != nil {
			return
		}
		back, err := ParseFaults(FormatFaults(faults))
		if err != nil || !reflect.DeepEqual(back, faults) {
			t.Fatalf("%q: %+v round-trips to %+v (%v)", spec, faults, back, err)
		}
	})
}
