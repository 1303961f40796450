package roundtrip

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/wxpaygen/wxpaygen/apiv3"
	"github.com/wxpaygen/wxpaygen/generator/model"
	"github.com/wxpaygen/wxpaygen/internal/roundtrip/driver"
	"github.com/wxpaygen/wxpaygen/internal/specvalue"
	"github.com/wxpaygen/wxpaygen/internal/wxtest"
)

// opCase is one generated operation with what the harness sends it.
type opCase struct {
	key   string
	op    *model.Operation
	doc   *openapi3.Operation
	input *driver.Case
	// problem says why the harness could not build a valid input ("" when
	// it could); such an operation is reported refused by the harness.
	problem string
	// mutations are the broken bodies for the fidelity test; input.Bodies
	// holds the valid body first, then these, in order.
	mutations []mutation
}

// keyOf is how operations are named in cases, reports and tables.
func keyOf(method, path string) string { return method + " " + path }

// newCase builds the input of op: every path, query and header parameter
// (the optional ones too) and the body (every member), so that every
// constraint is exercised, each from the spec's examples completed from the schemas;
// for an unsigned download the digest of what the server will answer.
func newCase(op *model.Operation, item *openapi3.PathItem) *opCase {
	doc := item.GetOperation(op.Method.String())
	c := &opCase{key: keyOf(op.Method.String(), op.Path), op: op, doc: doc, input: &driver.Case{}}
	for _, p := range op.PathParams {
		c.param(item, p, &c.input.Path)
	}
	for _, p := range slices.Concat(op.QueryParams, op.HeaderParams) {
		c.param(item, p, &c.input.Params)
	}
	if op.Body != nil {
		c.body()
	}
	if op.UnsignedResponse && op.Download != nil {
		a, err := wxtest.ValidExample(doc)
		if err != nil {
			c.fail("the answer: %v", err)
		}
		sum := sha256.Sum256(a.Body)
		c.input.Digest = &apiv3.Digest{Type: "SHA256", Value: hex.EncodeToString(sum[:])}
	}
	return c
}

func (c *opCase) fail(format string, args ...any) {
	if c.problem == "" {
		c.problem = fmt.Sprintf(format, args...)
	}
}

// param adds the value of one parameter, found in the operation's own
// parameters, else the path item's (as the model merges them).
func (c *opCase) param(item *openapi3.PathItem, p *model.Param, into *map[string]json.RawMessage) {
	dp := c.doc.Parameters.GetByInAndName(p.In.String(), p.Name)
	if dp == nil {
		dp = item.Parameters.GetByInAndName(p.In.String(), p.Name)
	}
	if dp == nil {
		c.fail("parameter %s in %s: not in the document", p.Name, p.In)
		return
	}
	v, err := specvalue.Value(dp.Schema, paramExample(dp), specvalue.Options{})
	if err != nil {
		c.fail("parameter %s: no valid value: %v", p.Name, firstLine(err))
		return
	}
	if *into == nil {
		*into = map[string]json.RawMessage{}
	}
	(*into)[p.Name] = mustJSON(v)
}

func paramExample(p *openapi3.Parameter) any {
	if p.Example != nil {
		return p.Example
	}
	for _, name := range slices.Sorted(maps.Keys(p.Examples)) {
		if ex := p.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value
		}
	}
	return nil
}

// body builds the request body from the media type the model typed: the
// JSON one, else the multipart one (whose struct holds the parts; a file
// part is base64 in that struct's JSON). A JSON body also gets its
// mutations.
func (c *opCase) body() {
	media := "application/json"
	if c.op.Multipart != nil {
		media = "multipart/form-data"
	}
	rb := c.doc.RequestBody
	if rb == nil || rb.Value == nil || rb.Value.Content.Get(media) == nil {
		c.fail("request body: no %s content", media)
		return
	}
	mt := rb.Value.Content.Get(media)
	v, err := specvalue.Value(mt.Schema, mediaExample(mt), specvalue.Options{All: true})
	if err != nil {
		c.fail("request body: no valid value: %v", firstLine(err))
		return
	}
	if c.op.Multipart != nil {
		c.fileParts(mt, v)
	}
	c.input.Body = mustJSON(v)
	if c.op.Multipart == nil {
		c.mutations = mutations(mt.Schema, v)
		c.input.Bodies = append(c.input.Bodies, c.input.Body)
		for _, m := range c.mutations {
			c.input.Bodies = append(c.input.Bodies, m.body)
		}
	}
}

// fileParts gives each file part whose encoding names media types content
// that sniffs as one of them (the runtime sends the sniffed type when the
// encoding lists several, and openapi3filter refuses a part whose type the
// encoding does not allow).
func (c *opCase) fileParts(mt *openapi3.MediaType, body any) {
	m, _ := body.(map[string]any)
	for _, p := range c.op.Multipart.Parts {
		enc := mt.Encoding[p.Name]
		if p.Kind != model.PartFile || enc == nil || enc.ContentType == "" || m == nil {
			continue
		}
		if content, ok := fileContent(enc); ok {
			m[p.Name] = base64.StdEncoding.EncodeToString(content)
		} else {
			c.fail("file part %s: no content of the types %s", p.Name, enc.ContentType)
		}
	}
	c.describeFile(m)
}

// describeFile has the signed part describe the one file part as a caller
// must: WeChat Pay (and the loopback server) refuse a meta.sha256 that is
// not the file's. The file is base64 in the body struct's JSON.
func (c *opCase) describeFile(m map[string]any) {
	meta, ok := m[c.op.Multipart.Sign].(map[string]any)
	if !ok {
		return
	}
	if _, has := meta["sha256"]; !has {
		return
	}
	var files [][]byte
	for _, p := range c.op.Multipart.Parts {
		if s, ok := m[p.Name].(string); ok && p.Kind == model.PartFile {
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				files = append(files, b)
			}
		}
	}
	if len(files) == 1 {
		sum := sha256.Sum256(files[0])
		meta["sha256"] = hex.EncodeToString(sum[:])
	}
}

// fileSignatures are the starts of files http.DetectContentType knows.
var fileSignatures = []string{
	"\x89PNG\r\n\x1a\n", "\xff\xd8\xff", "GIF89a", "BM", "RIFF\x00\x00\x00\x00WEBPVP", "%PDF-",
	"PK\x03\x04", "\x1f\x8b\x08", "wxpaygen",
}

// fileContent is a file that sniffs as a type the encoding allows.
func fileContent(enc *openapi3.Encoding) ([]byte, bool) {
	for _, sig := range fileSignatures {
		b := []byte(sig + " wxpaygen test file")
		if enc.AllowsContentType(mimeType(http.DetectContentType(b))) {
			return b, true
		}
	}
	return nil, false
}

func mimeType(ct string) string {
	t, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(t)
}

// mediaExample is the media type's example, else its first named example
// (by name); the schema's own example is specvalue's business.
func mediaExample(mt *openapi3.MediaType) any {
	if mt.Example != nil {
		return mt.Example
	}
	for _, name := range slices.Sorted(maps.Keys(mt.Examples)) {
		if ex := mt.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value
		}
	}
	return nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("roundtrip: encoding a value: " + err.Error())
	}
	return b
}
