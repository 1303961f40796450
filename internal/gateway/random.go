package gateway

import (
	"crypto/rand"
	"time"
)

// Alphanumeric and Digits are alphabets for RandomFrom.
const (
	Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	Digits       = "0123456789"
)

// RandomFrom returns n characters drawn uniformly from alphabet (1 to 256
// letters) with crypto/rand, by rejection sampling.
func RandomFrom(alphabet string, n int) string {
	b := make([]byte, n)
	limit := 256 - 256%len(alphabet)
	var buf [64]byte
	for i := 0; i < n; {
		rand.Read(buf[:])
		for _, c := range buf {
			if int(c) >= limit {
				continue
			}
			b[i] = alphabet[int(c)%len(alphabet)]
			i++
			if i == n {
				break
			}
		}
	}
	return string(b)
}

// RandomString returns n random alphanumeric characters.
func RandomString(n int) string { return RandomFrom(Alphanumeric, n) }

// Nonce returns 32 random alphanumeric characters, a nonce as WeChat Pay
// sends in Wechatpay-Nonce.
func Nonce() string { return RandomString(32) }

// NewRequestID returns a new Request-ID (32 alphanumeric characters).
func NewRequestID() string { return RandomString(32) }

// NewEventID returns a notification id like WeChat Pay's
// EV-2018022511223320873: EV-, the Beijing time of now to the second, then
// 7 random digits.
func NewEventID(now time.Time) string {
	return "EV-" + now.In(Beijing).Format("20060102150405") + RandomFrom(Digits, 7)
}
