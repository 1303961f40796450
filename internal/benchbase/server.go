package benchbase

import (
	"crypto/rsa"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/testkeys"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// Handler is the benchmark server: for every request it reads the body,
// checks the Authorization header as WeChat Pay does (format, mchid,
// serial_no, timestamp within 5 minutes, RSA signature with the test merchant
// key, through wxtest), and answers add-user-records with 204, getCard with
// CardJSON (200), anything else with 404, each signed with the test platform
// key under Wechatpay-Serial testkeys.PublicKeyID (wxtest.SignResponse). A
// request whose signature fails gets 401 SIGN_ERROR, signed too.
//
// It is leaner than wxtest.Server (no routing by spec, no recording), so that
// the benchmark server does only the work WeChat Pay's gateway would.
func Handler() http.Handler {
	pub := wxtest.MerchantPublicKey()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		status, answer := http.StatusNoContent, []byte(nil)
		if err := checkAuthorization(r, body, pub); err != nil {
			status, answer = http.StatusUnauthorized, []byte(fmt.Sprintf(`{"code":"SIGN_ERROR","message":%q}`, err.Error()))
		} else {
			switch {
			case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/add-user-records"):
			case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v3/discount-card/cards/"):
				status, answer = http.StatusOK, []byte(CardJSON)
			default:
				status, answer = http.StatusNotFound, []byte(`{"code":"NOT_FOUND","message":"no such operation"}`)
			}
		}
		h := w.Header()
		h.Set("Request-ID", "08F78BB5AF0610D302A9A2E2018A0F0A0C")
		if answer != nil {
			h.Set("Content-Type", "application/json")
		}
		wxtest.SignResponse(h, answer)
		w.WriteHeader(status)
		w.Write(answer)
	})
}

func checkAuthorization(r *http.Request, body []byte, pub *rsa.PublicKey) error {
	a, err := wxtest.ParseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	if a.MchID != testkeys.MchID || a.SerialNo != testkeys.MerchantSerial {
		return fmt.Errorf("mchid %q or serial_no %q is not the test merchant's", a.MchID, a.SerialNo)
	}
	return wxtest.VerifyAuthorization(r, body, pub, time.Now())
}

// Serve listens on a free loopback port, writes the base URL and a newline
// to announce, and serves Handler until the listener fails. It is the server
// process of the benchmarks and of scripts/callgrind.sh.
func Serve(announce io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(announce, "http://%s\n", ln.Addr()); err != nil {
		return err
	}
	srv := &http.Server{Handler: Handler(), ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}
