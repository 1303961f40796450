package apiv3

// Ptr returns a pointer to a copy of v, for filling optional fields:
// Card{Amount: apiv3.Ptr(int64(100))}.
func Ptr[T any](v T) *T { return &v }
