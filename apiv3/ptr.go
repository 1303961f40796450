package apiv3

// Ptr returns a pointer to a copy of v, for filling optional fields:
// Card{Amount: apiv3.Ptr(int64(100))}.
func Ptr[T any](v T) *T { return &v }

// ValueOr returns *p, or def when p is nil: generated code reads optional
// fields with it (the file name of an upload part, say).
func ValueOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
