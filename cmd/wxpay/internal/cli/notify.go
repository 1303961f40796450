package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

// cmdNotify verifies and decrypts a captured notification, given as its
// headers and its body, or as the whole HTTP request, and prints the
// envelope and the decrypted resource as one JSON document.
func cmdNotify(args []string, env *Env) error {
	fs := newFlagSet("notify", env)
	cf := addConfigFlags(fs)
	headersFile := fs.String("headers", "", "`file` of the notification's headers, one 'Name: value' a line (a request line first is skipped)")
	bodyFile := fs.String("body", "", "`file` holding the body exactly as received (- for standard input)")
	requestFile := fs.String("request", "", "`file` holding the whole HTTP request as received (- for standard input), instead of -headers and -body")
	maxSkew := fs.Duration("max-skew", apiv3.DefaultMaxSkew, "how old (or new) Wechatpay-Timestamp may be: raise it to check an older capture")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("notify takes no arguments")
	case *requestFile != "" && (*headersFile != "" || *bodyFile != ""):
		return usagef("give -request, or -headers and -body, not both")
	case *requestFile == "" && (*headersFile == "" || *bodyFile == ""):
		return usagef("notify needs -headers FILE and -body FILE, or -request FILE")
	}
	var header http.Header
	var body []byte
	if *requestFile != "" {
		header, body, err = readCapturedRequest(*requestFile, env.Stdin)
	} else {
		header, body, err = readHeadersAndBody(*headersFile, *bodyFile, env.Stdin)
	}
	if err != nil {
		return err
	}
	cfg, _, err := cf.load(fs, env)
	if err != nil {
		return err
	}
	client, err := apiv3.NewClient(cfg, apiv3.WithMaxSkew(*maxSkew))
	if err != nil {
		return refused(err)
	}
	n, err := client.ParseNotification(header, body)
	if err != nil {
		return withNotificationHint(err, header, body, *maxSkew)
	}
	out := struct {
		Envelope  *apiv3.Notification `json:"envelope"`
		Plaintext any                 `json:"plaintext"`
	}{Envelope: n, Plaintext: string(n.Plaintext)}
	if json.Valid(n.Plaintext) {
		out.Plaintext = json.RawMessage(n.Plaintext)
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// withNotificationHint adds what most often explains a refusal of a
// captured notification.
func withNotificationHint(err error, h http.Header, body []byte, maxSkew time.Duration) error {
	switch {
	case errors.Is(err, apiv3.ErrBadSignature) && bytes.HasSuffix(body, []byte("\n")):
		return fmt.Errorf("%w\nhint: the body ends with a line break; it must hold the bytes exactly as received (an editor may have added one)", err)
	case errors.Is(err, apiv3.ErrTimestampSkew):
		return fmt.Errorf("%w\nhint: Wechatpay-Timestamp %s is more than %v from now; to check an older capture, raise -max-skew", err, h.Get("Wechatpay-Timestamp"), maxSkew)
	}
	return err
}

func readInput(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(stdin)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return b, nil
}

// requestLine is the first line of a request, which a headers file may keep.
var requestLine = regexp.MustCompile(`^[A-Z]+ \S+ HTTP/\d(\.\d)?\r?$`)

// readHeadersAndBody reads a headers file (curl -D style: 'Name: value'
// lines) and the body, untouched.
func readHeadersAndBody(headersFile, bodyFile string, stdin io.Reader) (http.Header, []byte, error) {
	if headersFile == "-" && bodyFile == "-" {
		return nil, nil, usagef("-headers and -body cannot both be standard input")
	}
	hb, err := readInput(headersFile, stdin)
	if err != nil {
		return nil, nil, err
	}
	text := strings.TrimLeft(string(hb), "\r\n")
	if first, rest, _ := strings.Cut(text, "\n"); requestLine.MatchString(first) {
		text = rest
	}
	text = strings.TrimRight(text, "\r\n") + "\r\n\r\n"
	mh, err := textproto.NewReader(bufio.NewReader(strings.NewReader(text))).ReadMIMEHeader()
	if err != nil {
		return nil, nil, usagef("-headers %s: %v", headersFile, err)
	}
	body, err := readInput(bodyFile, stdin)
	if err != nil {
		return nil, nil, err
	}
	return http.Header(mh), body, nil
}

// readCapturedRequest reads a whole HTTP/1.x request: request line,
// headers, body (by Content-Length or chunked).
func readCapturedRequest(name string, stdin io.Reader) (http.Header, []byte, error) {
	raw, err := readInput(name, stdin)
	if err != nil {
		return nil, nil, err
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, nil, usagef("-request %s: not an HTTP request: %v", name, err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, nil, usagef("-request %s: reading the body: %v", name, err)
	}
	return req.Header, body, nil
}
