package apiv3

import (
	"errors"
	"fmt"
	"reflect"
)

// bodyExtras is what prepare adds to a request for multipart and sensitive
// bodies.
type bodyExtras struct {
	signed      []byte // the signed message body when it is not the sent body (multipart)
	contentType string // "" : application/json when there is a body
	serial      string // Wechatpay-Serial: the key sensitive fields were encrypted with
}

// signedBody is the body line of the signature message.
func (p *prepared) signedBody() []byte {
	if p.signed != nil {
		return p.signed
	}
	return p.body
}

// encodeRequestBody encodes r's body: a Multipart, a body with sensitive
// fields (validated as given, then encrypted into a copy, then encoded), or
// plain JSON.
func (c *Client) encodeRequestBody(r *Request, skipValidation bool) ([]byte, bodyExtras, error) {
	switch {
	case r.Multipart != nil && r.Body != nil:
		return nil, bodyExtras{}, errors.New("apiv3: a Request has either Body or Multipart, not both")
	case r.Multipart != nil:
		body, signed, ctype, err := encodeMultipart(r.Multipart, skipValidation)
		return body, bodyExtras{signed: signed, contentType: ctype}, err
	case r.EncryptSensitive != nil && r.Body != nil:
		return c.encodeSensitive(r, skipValidation)
	}
	body, err := encodeBody(r.Body, skipValidation)
	return body, bodyExtras{}, err
}

// encodeSensitive validates the body as the caller wrote it, has the
// generated code encrypt its sensitive fields into a copy, and encodes the
// copy. Every field is encrypted with one key, whose serial the request
// sends as Wechatpay-Serial.
func (c *Client) encodeSensitive(r *Request, skipValidation bool) ([]byte, bodyExtras, error) {
	if err := validateValue(r.Body, skipValidation); err != nil {
		return nil, bodyExtras{}, err
	}
	if c.creds == nil {
		return nil, bodyExtras{}, errors.New("apiv3: no credentials to encrypt sensitive fields with")
	}
	var serial string
	enc := func(plaintext string) (string, error) {
		ct, s, err := c.creds.encryptSensitive(plaintext)
		if err != nil {
			return "", err
		}
		if serial != "" && s != serial {
			return "", fmt.Errorf("apiv3: the encryption key changed from %s to %s while encrypting one request; retry", serial, s)
		}
		serial = s
		return ct, nil
	}
	encrypted, err := r.EncryptSensitive(enc)
	if err != nil {
		return nil, bodyExtras{}, err
	}
	body, err := encodeBody(encrypted, true)
	return body, bodyExtras{serial: serial}, err
}

// validateValue runs v's Validate method, if it has one.
func validateValue(v any, skipValidation bool) error {
	if v == nil || skipValidation {
		return nil
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil
	}
	if val, ok := v.(interface{ Validate() error }); ok {
		return val.Validate()
	}
	return nil
}
