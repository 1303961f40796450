package apiv3

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
)

// secResponseFixture returns the openssl-signed 200 response.
func secResponseFixture(t testing.TB, serial string) (http.Header, []byte) {
	body := secFixture(t, "response_body.json")
	sig := strings.TrimSpace(string(secFixture(t, "response_signature.b64")))
	return secHeader(secFixtureTS, "RESPONSENONCE0000000000000000001", sig, serial), body
}

func TestVerifyKnownAnswer(t *testing.T) {
	pub := secCredentials(t, secConfig())
	h, body := secResponseFixture(t, testkeys.PublicKeyID)
	if err := pub.verify(h, body); err != nil {
		t.Errorf("public-key mode: %v", err)
	}

	// Migration: both keys, chosen by serial.
	mig := secCredentials(t, secMigrationConfig())
	for _, serial := range []string{testkeys.PublicKeyID, testkeys.PlatformSerial} {
		h, body := secResponseFixture(t, serial)
		if err := mig.verify(h, body); err != nil {
			t.Errorf("migration, serial %s: %v", serial, err)
		}
	}

	// 204: the body line is empty.
	sig := strings.TrimSpace(string(secFixture(t, "response_empty_signature.b64")))
	h = secHeader(secFixtureTS, "RESPONSENONCE0000000000000000002", sig, testkeys.PublicKeyID)
	if err := pub.verify(h, nil); err != nil {
		t.Errorf("204: %v", err)
	}
	if err := pub.verify(h, []byte{}); err != nil {
		t.Errorf("204, empty slice: %v", err)
	}
}

// TestVerifyTamper changes each byte of each signed part in turn.
func TestVerifyTamper(t *testing.T) {
	c := secCredentials(t, secMigrationConfig())
	h0, body0 := secResponseFixture(t, testkeys.PlatformSerial)
	flip := func(s string, i int) string {
		b := []byte(s)
		b[i] ^= 0x01
		return string(b)
	}
	check := func(t *testing.T, what string, h http.Header, body []byte, want error) {
		t.Helper()
		err := c.verify(h, body)
		var ve *VerificationError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: error %v, want a *VerificationError", what, err)
		}
		if !errors.Is(err, want) {
			t.Errorf("%s: error %v, want %v", what, err, want)
		}
		if ve.RequestID != "08F78BB5AF0610D302A7D2BD0128F0F83D1E" {
			t.Errorf("%s: RequestID %q", what, ve.RequestID)
		}
	}
	t.Run("body", func(t *testing.T) {
		for i := range body0 {
			b := []byte(string(body0))
			b[i] ^= 0x01
			check(t, "body byte "+strconv.Itoa(i), h0, b, ErrBadSignature)
		}
		check(t, "body appended", h0, append([]byte(string(body0)), ' '), ErrBadSignature)
		check(t, "body truncated", h0, body0[:len(body0)-1], ErrBadSignature)
	})
	for _, part := range []string{HeaderTimestamp, HeaderNonce, HeaderSignature, HeaderSerial} {
		t.Run(part, func(t *testing.T) {
			v := h0.Get(part)
			for i := range v {
				h := h0.Clone()
				nv := flip(v, i)
				h.Set(part, nv)
				want := ErrBadSignature
				switch part {
				case HeaderSerial:
					want = ErrUnknownSerial
				case HeaderTimestamp:
					sec, err := strconv.ParseInt(nv, 10, 64)
					switch {
					case err != nil || nv[0] == '+' || nv[0] == '-':
						want = ErrMissingSignatureHeaders
					case secAbs(time.Unix(sec, 0).Sub(secNow)) >= DefaultMaxSkew:
						want = ErrTimestampSkew
					}
				}
				check(t, part+" byte "+strconv.Itoa(i), h, body0, want)
			}
		})
	}
	t.Run("timestamp within skew", func(t *testing.T) {
		h := h0.Clone()
		h.Set(HeaderTimestamp, "1764000001")
		check(t, "timestamp+1", h, body0, ErrBadSignature)
	})
	t.Run("signature from another key", func(t *testing.T) {
		h := h0.Clone()
		h.Set(HeaderSignature, strings.TrimSpace(string(secFixture(t, "request_signature.b64"))))
		check(t, "merchant signature", h, body0, ErrBadSignature)
	})
	t.Run("signature truncated", func(t *testing.T) {
		h := h0.Clone()
		h.Set(HeaderSignature, h0.Get(HeaderSignature)[:40])
		check(t, "short signature", h, body0, ErrBadSignature)
	})
}

func secAbs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func TestVerifyRefusals(t *testing.T) {
	c := secCredentials(t, secConfig())
	h0, body := secResponseFixture(t, testkeys.PublicKeyID)
	tests := []struct {
		name string
		edit func(h http.Header)
		want error
	}{
		{"no timestamp", func(h http.Header) { h.Del(HeaderTimestamp) }, ErrMissingSignatureHeaders},
		{"no nonce", func(h http.Header) { h.Del(HeaderNonce) }, ErrMissingSignatureHeaders},
		{"no signature", func(h http.Header) { h.Del(HeaderSignature) }, ErrMissingSignatureHeaders},
		{"no serial", func(h http.Header) { h.Del(HeaderSerial) }, ErrMissingSignatureHeaders},
		{"empty signature", func(h http.Header) { h.Set(HeaderSignature, "") }, ErrMissingSignatureHeaders},
		{"repeated signature", func(h http.Header) { h.Add(HeaderSignature, h.Get(HeaderSignature)) }, ErrMissingSignatureHeaders},
		{"nonce with newline", func(h http.Header) { h[HeaderNonce] = []string{"a\nb"} }, ErrMissingSignatureHeaders},
		{"timestamp in ms", func(h http.Header) { h.Set(HeaderTimestamp, "1764000000000") }, ErrMissingSignatureHeaders},
		{"signed timestamp", func(h http.Header) { h.Set(HeaderTimestamp, "+764000000") }, ErrMissingSignatureHeaders},
		{"probe", func(h http.Header) { h.Set(HeaderSignature, "WECHATPAY/SIGNTEST/"+h.Get(HeaderSignature)) }, ErrSignatureProbe},
		{"unknown serial", func(h http.Header) { h.Set(HeaderSerial, testkeys.PlatformSerial) }, ErrUnknownSerial},
		{"SM2 signature type", func(h http.Header) { h.Set(HeaderSignatureType, "WECHATPAY2-SM2-WITH-SM3") }, ErrBadSignature},
		{"not Base64", func(h http.Header) { h.Set(HeaderSignature, "!!!!") }, ErrBadSignature},
		{"old", func(h http.Header) { h.Set(HeaderTimestamp, "1763999700") }, ErrTimestampSkew},
		{"future", func(h http.Header) { h.Set(HeaderTimestamp, "1764000300") }, ErrTimestampSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := h0.Clone()
			tt.edit(h)
			err := c.verify(h, body)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			var ve *VerificationError
			if !errors.As(err, &ve) {
				t.Fatalf("%T is not a *VerificationError", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "Request-ID 08F78BB5AF0610D302A7D2BD0128F0F83D1E") {
				t.Errorf("message %q lacks the Request-ID", msg)
			}
			for _, other := range []error{ErrMissingSignatureHeaders, ErrUnknownSerial, ErrBadSignature, ErrSignatureProbe, ErrTimestampSkew} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("error %v is also %v", err, other)
				}
			}
		})
	}
}

// TestVerifySkewBoundary: |now - timestamp| >= maxSkew is refused.
func TestVerifySkewBoundary(t *testing.T) {
	h, body := secResponseFixture(t, testkeys.PublicKeyID)
	for _, tc := range []struct {
		offset time.Duration
		ok     bool
	}{
		{0, true},
		{DefaultMaxSkew - time.Nanosecond, true},
		{-(DefaultMaxSkew - time.Nanosecond), true},
		{DefaultMaxSkew, false},
		{-DefaultMaxSkew, false},
		{time.Hour, false},
	} {
		s := secSettings()
		s.clock = func() time.Time { return secNow.Add(tc.offset) }
		c, err := newCredentials(secConfig(), s)
		if err != nil {
			t.Fatal(err)
		}
		err = c.verify(h, body)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrTimestampSkew)) {
			t.Errorf("clock offset %v: error %v, want ok=%v", tc.offset, err, tc.ok)
		}
	}
	// A configured skew replaces the default.
	s := secSettings()
	s.maxSkew = time.Second
	s.clock = func() time.Time { return secNow.Add(time.Second) }
	c, _ := newCredentials(secConfig(), s)
	if err := c.verify(h, body); !errors.Is(err, ErrTimestampSkew) {
		t.Errorf("maxSkew 1s, offset 1s: %v", err)
	}
}

func TestUnknownSerialHints(t *testing.T) {
	h, body := secResponseFixture(t, testkeys.PlatformSerial)
	err := secCredentials(t, secConfig()).verify(h, body)
	if !errors.Is(err, ErrUnknownSerial) || !strings.Contains(err.Error(), "no platform certificate is configured") {
		t.Errorf("certificate serial in public-key mode: %v", err)
	}
	h.Set(HeaderSerial, "PUB_KEY_ID_0000")
	err = secCredentials(t, secMigrationConfig()).verify(h, body)
	if !errors.Is(err, ErrUnknownSerial) || !strings.Contains(err.Error(), "configured public-key ID is "+testkeys.PublicKeyID) {
		t.Errorf("other public-key ID: %v", err)
	}
}

func TestVerificationErrorMessage(t *testing.T) {
	err := &VerificationError{Reason: ErrUnknownSerial, RequestID: "RID", Serial: "ABC"}
	want := "apiv3: signature verification failed: unknown Wechatpay-Serial (Wechatpay-Serial ABC) (Request-ID RID)"
	if err.Error() != want {
		t.Errorf("got %q\nwant %q", err.Error(), want)
	}
	// Hostile header values cannot forge log lines.
	h := http.Header{}
	h[HeaderSerial] = []string{"X\nFAKE LOG LINE"}
	e := secCredentials(t, secConfig()).verify(h, nil)
	if strings.Contains(e.Error(), "\n") {
		t.Errorf("message holds a newline: %q", e.Error())
	}
}

// FuzzVerify: never panics, refuses with a known reason, and accepts only a
// signature the platform key really made over the exact message.
func FuzzVerify(f *testing.F) {
	body := secFixture(f, "response_body.json")
	sig := strings.TrimSpace(string(secFixture(f, "response_signature.b64")))
	f.Add(secFixtureTS, "RESPONSENONCE0000000000000000001", sig, testkeys.PublicKeyID, body)
	f.Add(secFixtureTS, "RESPONSENONCE0000000000000000001", sig, testkeys.PlatformSerial, body)
	f.Add(secFixtureTS, "n", "WECHATPAY/SIGNTEST/"+sig, testkeys.PublicKeyID, []byte{})
	f.Add("", "", "", "", []byte(nil))
	f.Add("17640000001", "x\ny", "====", "PUB_KEY_ID_", []byte("{}"))
	c := secCredentials(f, secMigrationConfig())
	reasons := []error{ErrMissingSignatureHeaders, ErrUnknownSerial, ErrBadSignature, ErrSignatureProbe, ErrTimestampSkew}
	f.Fuzz(func(t *testing.T, ts, nonce, sig, serial string, body []byte) {
		h := http.Header{}
		for k, v := range map[string]string{HeaderTimestamp: ts, HeaderNonce: nonce, HeaderSignature: sig, HeaderSerial: serial} {
			if v != "" {
				h[k] = []string{v}
			}
		}
		err := c.verify(h, body)
		if err == nil {
			if serial != testkeys.PublicKeyID && serial != testkeys.PlatformSerial {
				t.Fatalf("accepted serial %q", serial)
			}
			if want := secSignPlatform(ts, nonce, body); sig != want {
				t.Fatalf("accepted a signature the platform key did not make: %q", sig)
			}
			return
		}
		var ve *VerificationError
		if !errors.As(err, &ve) {
			t.Fatalf("error %T %v", err, err)
		}
		n := 0
		for _, r := range reasons {
			if errors.Is(err, r) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("error %v matches %d reasons", err, n)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	c := secCredentials(b, secConfig())
	h, body := secResponseFixture(b, testkeys.PublicKeyID)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.verify(h, body); err != nil {
			b.Fatal(err)
		}
	}
}

// A header map with lower-case keys, as some frameworks and serverless
// events deliver it, verifies.
func TestVerifyNonCanonicalHeaderKeys(t *testing.T) {
	c := secCredentials(t, secConfig())
	h0, body := secResponseFixture(t, testkeys.PublicKeyID)
	h := http.Header{}
	for k, v := range h0 {
		h[strings.ToLower(k)] = v
	}
	if err := c.verify(h, body); err != nil {
		t.Error(err)
	}
	h["wechatpay-nonce"] = append(h["wechatpay-nonce"], "WECHATPAY-NONCE")
	if err := c.verify(h, body); !errors.Is(err, ErrMissingSignatureHeaders) {
		t.Errorf("repeated lower-case header: %v", err)
	}
}
