package docs

// The types below are the data of the Markdown templates in templates/.
// Every decision (order, wording, escaping) is made in Go while they are
// filled; the templates only place the values.

// Page is one operation's page.
type Page struct {
	File           string // file name inside docs/, e.g. "addUserRecords.md"
	Title          string // the operation's summary
	OperationID    string
	Method         string
	Path           string
	Chain          string // the Go chain expression up to the leaf method, for the index
	Description    string
	Deprecated     bool
	DeprecatedNote string
	OfflineSince   string
	GoCall         string // a complete Go call filled with the spec's example values
	Returns        string // one sentence on what the call returns
	Outcome        string // what to do when the outcome is unknown (x-wechatpay-settled-by); "" for none
	ParamGroups    []Table
	Bodies         []Table
	Errors         string
}

// Table is a titled table of parameters or body fields.
type Table struct {
	Title string
	Type  string // the Go type of a body, if any
	Rows  []Row
	Empty string // what to say when there are no rows (e.g. "204 No Content: no body")
}

// Row is one parameter or field. Values are already Markdown-escaped.
type Row struct {
	Name        string // dotted for nested fields: objective_completion_records[].objective_id
	Type        string
	Required    string
	Limits      string
	Description string
}

// Index is docs/README.md.
type Index struct {
	Title         string
	Intro         string
	Pages         []Page
	Notifications []NotificationRow
}

// NotificationRow lists one notification of the index.
type NotificationRow struct {
	EventType string
	Payload   string
	Handler   string
}
