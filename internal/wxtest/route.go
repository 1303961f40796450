package wxtest

import (
	"net/http"

	"github.com/wxpaygen/wxpaygen/internal/front"
	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// DefaultSignPart is the part of a multipart/form-data request whose content
// WeChat Pay takes as the signed body when the document does not say
// (x-wechatpay-sign-part on the request body).
const DefaultSignPart = gateway.DefaultSignPart

// Route is the operation a request was routed to.
type Route = gateway.Route

// RouteOf returns the route of a request the Server passed to its Handler,
// or nil when the server has no Spec.
func RouteOf(r *http.Request) *Route { return front.RouteOf(r) }

// PathParam returns the percent-decoded path parameter name of a request the
// Server passed to its Handler ("" when unknown).
func PathParam(r *http.Request, name string) string {
	if rt := RouteOf(r); rt != nil {
		return rt.PathParams[name]
	}
	return ""
}
