package front

import (
	"context"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// Handler is the business behaviour behind the front door. It sees only
// requests that passed every check. It returns nil for an operation it has
// no rules for, which then answers with its example.
type Handler interface {
	Serve(ctx context.Context, ex *Exchange) *gateway.Response
}

// HandlerFunc is a function as a Handler.
type HandlerFunc func(ctx context.Context, ex *Exchange) *gateway.Response

// Serve calls f.
func (f HandlerFunc) Serve(ctx context.Context, ex *Exchange) *gateway.Response { return f(ctx, ex) }

// Exchange is one request and its answer as they pass the front door.
type Exchange struct {
	Request *http.Request
	Body    []byte         // the request body as received
	Route   *gateway.Route // nil when the request matched no operation (or no Router)
	// AuthError says why the Authorization was refused (nil when it passed,
	// or when the request was answered before it was checked).
	AuthError error
	// Checked reports that the Authorization was checked (the body was
	// read and no fault answered first); with AuthError nil it passed.
	Checked bool
	// Admitted reports that the request passed every check and reached the
	// programmed answer, the Handler or the example.
	Admitted bool
	// Programmed reports that a programmed answer was sent.
	Programmed bool
	// Faults are the faults applied to the request.
	Faults gateway.Applied
	// Response is the answer; in Observe it is signed and about to be sent,
	// and Observe may still change it.
	Response *gateway.Response
	// Dropped reports that the connection was closed without an answer (a
	// drop or drop-after fault); Response is then what was not sent (nil
	// for a drop, which processes nothing).
	Dropped bool
}

// Server is the front door; set its fields, then serve. It is safe for
// concurrent use once serving.
type Server struct {
	Verifier gateway.Verifier
	Signer   gateway.Signer
	Mode     gateway.Mode
	// Router routes and validates requests; nil: every authenticated
	// request goes to Handler, unvalidated.
	Router *gateway.Router
	// Clock is the server time (default time.Now).
	Clock func() time.Time
	// MaxBodyBytes bounds request bodies (default 1 MiB: 413 beyond).
	MaxBodyBytes int64
	// BodyTimeout bounds the reading of a body (default 10 s; negative:
	// none).
	BodyTimeout time.Duration
	// Faults and Answers are consulted on every request when not nil.
	Faults  *gateway.FaultSet
	Answers *gateway.Answers
	// Handler is the business behaviour (nil: examples only).
	Handler Handler
	// Examples answers what nothing else answers (a zero value is ready).
	Examples Examples
	// UnsignedFiles sends 2xx answers whose body is not JSON (downloads)
	// without Wechatpay-* signature headers, as WeChat Pay does.
	UnsignedFiles bool
	// CheckResponse, when set, is called for every answer to a routed
	// request before it is signed (not for the injected 202), to compare it
	// with the document.
	CheckResponse func(ex *Exchange)
	// Observe, when set, sees every exchange after the answer is signed and
	// before it is sent: for recording, and for tampering in tests.
	Observe func(ex *Exchange)
}

func (s *Server) now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// ServeHTTP answers one request as WeChat Pay would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.RequestURI == "" { // served in-process, not over the network
		r.RequestURI = r.URL.RequestURI()
	}
	ex := &Exchange{Request: r}
	limit, timeout := s.MaxBodyBytes, s.BodyTimeout
	if limit <= 0 {
		limit = 1 << 20
	}
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	body, e := gateway.ReadBodyWithin(w, r, limit, max(timeout, 0))
	ex.Body = body
	if e != nil {
		ex.Response = e.Response()
		s.finish(w, ex)
		return
	}
	var routeErr error
	if s.Router != nil {
		ex.Route, routeErr = s.Router.Find(r)
	}
	opID := ""
	if ex.Route != nil {
		opID = ex.Route.OperationID
	}
	ex.Faults = s.Faults.Take(opID)
	if d := ex.Faults.Delay; d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if ex.Faults.Drop {
		s.drop(w, ex)
		return
	}
	if ex.Response = ex.Faults.Answer; ex.Response == nil {
		ex.Response = s.process(r, ex, routeErr)
		if ex.Faults.DropAfter {
			s.drop(w, ex)
			return
		}
	}
	if ex.Route != nil && s.CheckResponse != nil && ex.Response.Status != http.StatusAccepted {
		s.CheckResponse(ex)
	}
	s.finish(w, ex)
}

// process runs the checks in WeChat Pay's order, then the programmed
// answer, the handler or the example.
func (s *Server) process(r *http.Request, ex *Exchange, routeErr error) *gateway.Response {
	e, authErr := s.Verifier.Admit(r, ex.Body, s.now(), ex.Route, routeErr)
	ex.Checked, ex.AuthError = true, authErr
	if e != nil {
		return e.Response()
	}
	ex.Admitted = true
	if ex.Route != nil {
		if a, ok := s.Answers.Take(ex.Route.OperationID); ok {
			ex.Programmed = true
			return a.Response()
		}
	}
	ctx := WithRoute(r.Context(), ex.Route)
	if s.Handler != nil {
		if a := s.Handler.Serve(ctx, ex); a != nil {
			return a
		}
	}
	if ex.Route == nil {
		return &gateway.Response{Status: http.StatusNoContent, Header: http.Header{}}
	}
	return s.Examples.Response(ex.Route)
}

// finish signs the answer, applies the signature faults, lets Observe see
// it and sends it.
func (s *Server) finish(w http.ResponseWriter, ex *Exchange) {
	a := ex.Response
	if a.Header == nil {
		a.Header = http.Header{}
	}
	if !s.UnsignedFiles || !IsFile(a) {
		now := s.now()
		if ex.Faults.Stale {
			now = now.Add(-10 * time.Minute)
		}
		s.Signer.SignResponse(a.Header, a.Body, now, s.Signer.Serial(s.Mode, ex.Request))
		if ex.Faults.BadSignature {
			sig := []byte(a.Header.Get("Wechatpay-Signature"))
			// Change one Base64 character: still valid Base64, no longer the signature.
			if sig[0] == 'A' {
				sig[0] = 'B'
			} else {
				sig[0] = 'A'
			}
			a.Header.Set("Wechatpay-Signature", string(sig))
		}
	} else if a.Header.Get("Request-ID") == "" {
		a.Header.Set("Request-ID", gateway.NewRequestID())
	}
	if s.Observe != nil {
		s.Observe(ex)
	}
	ex.Response.Send(w)
}

// IsFile reports a 2xx answer with a body that is not JSON: a download.
func IsFile(a *gateway.Response) bool {
	if a.Status/100 != 2 || len(a.Body) == 0 {
		return false
	}
	mt, _, _ := mime.ParseMediaType(a.Header.Get("Content-Type"))
	return mt != "application/json" && !strings.HasSuffix(mt, "+json")
}

// drop lets Observe see the exchange, then closes the connection.
func (s *Server) drop(w http.ResponseWriter, ex *Exchange) {
	ex.Dropped = true
	if s.Observe != nil {
		s.Observe(ex)
	}
	dropConnection(w)
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // net/http closes the connection
}
