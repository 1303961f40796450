package model

import "github.com/wxpaygen/wxpaygen/generator/diag"

// Method is an HTTP method the chain supports.
type Method int

// The HTTP methods, in the order leaves are written.
const (
	MethodGet Method = iota + 1
	MethodPost
	MethodPut
	MethodPatch
	MethodDelete
)

var methodNames = [...]string{"", "GET", "POST", "PUT", "PATCH", "DELETE"}
var methodGoNames = [...]string{"", "Get", "Post", "Put", "Patch", "Delete"}

// String is the wire name, e.g. "GET".
func (m Method) String() string { return methodNames[m] }

// GoName is the leaf method's name, e.g. "Get".
func (m Method) GoName() string { return methodGoNames[m] }

// methodOf maps a kin-openapi method name to a Method; 0 when unsupported.
func methodOf(s string) Method {
	for i, n := range methodNames {
		if i > 0 && n == s {
			return Method(i)
		}
	}
	return 0
}

// Operation is one HTTP operation: a leaf of the chain.
type Operation struct {
	// ID is the spec's operationId ("" when absent).
	ID string
	// GoName comes from x-go-name, the operationId, or method+path.
	GoName string
	Method Method
	// Path is the URL template, e.g. "/v3/discount-card/cards/{out_card_code}".
	Path string
	// PathConst is the exported constant holding Path ("PathGetCard");
	// PathFunc the unexported function validating and building it.
	PathConst string
	PathFunc  string
	// NewFunc is the unexported function building the *apiv3.Request from
	// the chain node (a function, not a method of the node: the compiler
	// makes a pointer-receiver wrapper for every method of a value type).
	NewFunc      string
	Summary      string
	Description  string
	Tags         []string
	Deprecated   bool
	OfflineSince string // x-wechatpay-offline-since
	// Path, query and header parameters, each in spec order.
	PathParams   []*Param
	QueryParams  []*Param
	HeaderParams []*Param
	// Params is the struct carrying query and header parameters; nil when
	// there are none.
	Params *Type
	// Body is the request body type (nil: no body). For a multipart body it
	// is the struct whose fields are the parts.
	Body         *Type
	BodyRequired bool
	BodyDoc      string
	BodyExample  any
	// Multipart describes a multipart/form-data body (nil: JSON).
	Multipart *Multipart
	// Response is the success body type (nil: no JSON body); Status the
	// success status code whose body it is (else the lowest 2xx).
	Response *Type
	Status   int
	// Statuses are all the 2xx codes, ascending. With several, the leaf
	// returns Response only for a Status answer and a nil body otherwise.
	Statuses []int
	// Download is set when the success body is a file (not JSON): the leaf
	// returns its bytes.
	Download        *Download
	ResponseDoc     string
	ResponseExample any
	// Error is the body type of 4XX/5XX responses, when declared.
	Error      *Type
	Idempotent bool
	// SettledBy is the operation that tells whether this one took effect
	// when its outcome is unknown (x-wechatpay-settled-by); nil when the
	// spec names none or the operation is Idempotent.
	SettledBy *Operation
	// settledByID is the operationId x-wechatpay-settled-by names.
	settledByID string
	// SendSerial: the spec declares a Wechatpay-Serial header, which the
	// runtime sets (apiv3.Request.SendSerial); it is no parameter of the
	// caller's.
	SendSerial bool
	// UnsignedResponse: x-wechatpay-unsigned-response. Only downloads may
	// be unsigned; their leaf takes the apiv3.Digest to check them against.
	UnsignedResponse bool
	// Node is the chain node whose method this operation is.
	Node *Node
	// Call is a Go expression calling the operation through the chain, e.g.
	// client.V3.DiscountCard.Cards.OutCardCode("6e83...").AddUserRecords.Post(ctx, req)
	Call string
	// Notifications are the callbacks this operation declares.
	Notifications []*Notification
	Pos           diag.Position
}

// ParamIn says where a parameter travels.
type ParamIn int

// Parameter locations.
const (
	InPath ParamIn = iota + 1
	InQuery
	InHeader
)

func (in ParamIn) String() string {
	return [...]string{"", "path", "query", "header"}[in]
}

// Param is a path, query or header parameter.
type Param struct {
	Name string // wire name
	In   ParamIn
	// GoName is the exported name (method of a path node, field of Params).
	GoName string
	// ArgName is the unexported name (argument, carried struct field).
	ArgName  string
	Type     *Type
	Required bool
	Pointer  bool // optional scalar query/header parameters are pointers
	// Style and Explode say how an array travels (query: form, explode
	// a=1&a=2 or not a=1,2; spaceDelimited a=1%202; pipeDelimited a=1%7C2;
	// header and path: simple, 1,2).
	Style   Style
	Explode bool
	// DefaultMchID: a string query parameter named mchid, sent as the
	// client's merchant ID when left empty.
	DefaultMchID bool
	Doc          string
	Deprecated   bool
	Example      any
	Pos          diag.Position
	// exts are the parameter's extensions, for the naming rules.
	exts map[string]any
}

// NodeKind tells the chain's root, static segments and parameters apart.
type NodeKind int

// Chain node kinds.
const (
	NodeRoot NodeKind = iota + 1
	NodeStatic
	NodeParam
)

// Node is one hop of the chain. The root is the Client; a static segment
// is a field of its parent; a parameter is a method of its parent.
type Node struct {
	Kind NodeKind
	// Segment is the raw path segment ("discount-card", "{out_card_code}").
	Segment string
	// Param is the parameter's wire name for a parameter node.
	Param string
	// GoName is the field (static) or method (parameter) name.
	GoName string
	// ArgName is the parameter node's argument and carried field name;
	// Type is the parameter's Go type.
	ArgName string
	Type    *Type
	// TypeName is the node's Go type ("V3DiscountCardCards"; "Client").
	TypeName string
	Parent   *Node
	// Children are sorted by GoName.
	Children []*Node
	// Operations are the node's leaves, sorted by method.
	Operations []*Operation
	// Carried are the parameter nodes from the root down to this one whose
	// values this node holds (set when Stateful).
	Carried []*Node
	// Stateful nodes hold the runtime client and carried values: those with
	// operations or parameter children.
	Stateful bool
	Pos      diag.Position
	// Loose: operations under this parameter give it different schemas, so
	// the method takes a string (Type) and each leaf validates the value
	// against its own operation's parameter.
	Loose bool
	// firstOp is the operation that made the node, for messages; docPos the
	// place of the first operation through it in the document; clash is set
	// on a node whose Go name a sibling already has (reported once).
	firstOp *Operation
	docPos  diag.Position
	clash   bool
}

// Notification is a typed callback (x-wechatpay-event-type).
type Notification struct {
	// Key is the callback's key in the spec ("userAccepted").
	Key       string
	GoName    string // "UserAccepted"
	EventType string // "DISCOUNT_CARD.USER_ACCEPTED"
	// ConstName is the event type's constant ("EventTypeUserAccepted");
	// Handler the NotificationHandlers field ("OnUserAccepted").
	ConstName   string
	Handler     string
	Payload     *Type
	Summary     string
	Description string
	Operation   *Operation
	Pos         diag.Position
}

// Style is how a parameter's value is spelled (OpenAPI "style").
type Style int

// The supported parameter styles.
const (
	StyleForm           Style = iota + 1 // query default
	StyleSimple                          // path and header
	StyleSpaceDelimited                  // query arrays: a=1%20b
	StylePipeDelimited                   // query arrays: a=1%7Cb
)

var styleNames = [...]string{"", "form", "simple", "spaceDelimited", "pipeDelimited"}

func (s Style) String() string { return styleNames[s] }

// Separator is the escaped separator of a non-exploded array's values.
func (s Style) Separator() string {
	switch s {
	case StyleSpaceDelimited:
		return "%20"
	case StylePipeDelimited:
		return "%7C"
	}
	return ","
}

// Multipart is a multipart/form-data request body: the parts, one per
// property of the body struct, the signed one (x-wechatpay-sign-part) first.
type Multipart struct {
	Parts []*Part
	// Sign is the name of the part whose JSON is the signed message body.
	Sign string
}

// PartKind says how a part's content is made from its field.
type PartKind int

// Part kinds.
const (
	PartJSON PartKind = iota + 1 // the field encoded as JSON
	PartFile                     // format: binary: the bytes as they are
	PartText                     // a string or enum: its text
)

// Part is one part of a multipart body.
type Part struct {
	Name  string // the property's (and part's) name
	Kind  PartKind
	Field *Field
	// ContentType is the encoding's contentType when it names one type;
	// "" lets the runtime choose (application/json, or sniffed content).
	ContentType string
	// Filename is the signed part's field holding the file name, sent as
	// the filename of file parts (meta.filename or meta.file_name; when it
	// is optional and unset, the part name); nil: the part name.
	Filename *Field
}

// Download is a success response whose body is a file.
type Download struct {
	// MediaTypes are the success response's media types, sorted.
	MediaTypes []string
}
