package cli

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/wxpaygen/wxpaygen/generator/model"
)

// encryptSensitive returns what apiv3.Request.EncryptSensitive wants for a
// body given as JSON text, when the operation's body type t has
// x-wechatpay-sensitive fields: a copy of the body whose sensitive strings
// are encrypted, as the generated client encrypts its typed bodies. nil
// when t has none, so that the body is sent as given.
func encryptSensitive(t *model.Type, body json.RawMessage) func(encrypt func(string) (string, error)) (any, error) {
	if t == nil || !t.Sensitive {
		return nil
	}
	return func(encrypt func(string) (string, error)) (any, error) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber() // numbers pass through as written
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("the body is not JSON: %w", err)
		}
		if err := encryptValue(t, v, "", encrypt); err != nil {
			return nil, err
		}
		return v, nil
	}
}

// encryptValue encrypts, in place, the sensitive strings of v, a decoded
// value of type t; at is its dotted path, for errors.
func encryptValue(t *model.Type, v any, at string, encrypt func(string) (string, error)) error {
	switch t.Kind {
	case model.KindStruct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil // the spec check refuses it, with a better message
		}
		for _, f := range t.Fields {
			fv, present := obj[f.JSONName]
			if !present || f.Type == nil {
				continue
			}
			path := join(at, f.JSONName)
			if s, isString := fv.(string); f.Sensitive && isString {
				c, err := encrypt(s)
				if err != nil {
					return fmt.Errorf("encrypting %s: %w", path, err)
				}
				obj[f.JSONName] = c
				continue
			}
			if err := encryptValue(f.Type, fv, path, encrypt); err != nil {
				return err
			}
		}
	case model.KindArray:
		items, ok := v.([]any)
		if !ok || t.Elem == nil {
			return nil
		}
		for i, item := range items {
			if err := encryptValue(t.Elem, item, fmt.Sprintf("%s[%d]", at, i), encrypt); err != nil {
				return err
			}
		}
	case model.KindMap:
		m, ok := v.(map[string]any)
		if !ok || t.Elem == nil {
			return nil
		}
		for k, item := range m {
			if err := encryptValue(t.Elem, item, join(at, k), encrypt); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}
