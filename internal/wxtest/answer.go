package wxtest

import (
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/internal/front"
	"github.com/wxpaygen/wxpaygen/internal/gateway"
)

// ValidExampleHandler answers each operation of doc (routed like the Server
// does) with an answer the document accepts, for specs that were not
// written with complete, valid examples in mind: ValidExample's. Unlike
// ExampleHandler it never needs the spec's help, so that a test can cover
// every operation of any document; where ValidExample fails it answers 500
// SYSTEM_ERROR naming the operation and why.
//
// It panics if doc cannot be routed.
func ValidExampleHandler(doc *openapi3.T) http.Handler {
	rt, err := gateway.NewRouter(doc)
	if err != nil {
		panic(fmt.Errorf("wxtest: %w", err))
	}
	var examples front.Examples
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route := RouteOf(r)
		if route == nil {
			if route, err = rt.Find(r); err != nil {
				gateway.RouteError(err).Response().Send(w)
				return
			}
		}
		a := examples.Response(route)
		if ct := a.Header.Get("Content-Type"); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.WriteHeader(a.Status)
		w.Write(a.Body)
	})
}

// Answer is a success answer of an operation.
type Answer struct {
	Status      int
	ContentType string // "" without a body
	Body        []byte
}

// ValidExample is the success answer ValidExampleHandler gives op
// (front.ValidExample, the one the test kit and the sandbox give too).
func ValidExample(op *openapi3.Operation) (Answer, error) {
	a, err := front.ValidExample(op)
	if err != nil {
		return Answer{}, err
	}
	return Answer{Status: a.Status, ContentType: a.Header.Get("Content-Type"), Body: a.Body}, nil
}

// FileExample is the file ValidExample answers for a download of media
// type mediaType (front.FileExample).
func FileExample(mediaType string) []byte { return front.FileExample(mediaType) }

// successStatus is the lowest documented 2xx status and its key.
func successStatus(op *openapi3.Operation) (int, string, error) { return front.SuccessStatus(op) }

func mediaTypeExample(mt *openapi3.MediaType) (any, bool) { return front.MediaTypeExample(mt) }
