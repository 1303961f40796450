package front

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

type routeKey struct{}

// WithRoute returns ctx carrying rt, for handlers that are http.Handlers.
func WithRoute(ctx context.Context, rt *gateway.Route) context.Context {
	if rt == nil {
		return ctx
	}
	return context.WithValue(ctx, routeKey{}, rt)
}

// RouteOf returns the route of a request a Server passed on, or nil.
func RouteOf(r *http.Request) *gateway.Route {
	rt, _ := r.Context().Value(routeKey{}).(*gateway.Route)
	return rt
}

// HTTPHandler adapts an http.Handler: it receives the request with its body
// readable again and RouteOf describing the route; what it writes is
// buffered into the answer (200 when it sets no status, no body for 204 and
// 304, application/json for a body without a Content-Type).
func HTTPHandler(h http.Handler) Handler {
	return HandlerFunc(func(ctx context.Context, ex *Exchange) *gateway.Response {
		req := ex.Request.WithContext(ctx)
		req.Body = io.NopCloser(bytes.NewReader(ex.Body))
		req.ContentLength = int64(len(ex.Body))
		bw := &bufferedResponse{header: http.Header{}}
		h.ServeHTTP(bw, req)
		return bw.response()
	})
}

// bufferedResponse collects what a handler writes.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedResponse) response() *gateway.Response {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	if b.status == http.StatusNoContent || b.status == http.StatusNotModified {
		b.body.Reset()
	}
	if b.body.Len() > 0 && b.header.Get("Content-Type") == "" {
		b.header.Set("Content-Type", "application/json")
	}
	return &gateway.Response{Status: b.status, Header: b.header, Body: b.body.Bytes()}
}
