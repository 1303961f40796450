package apiv3

import (
	"errors"
	"net/http"
)

// STUB written by the coordinator so that both runtime owners compile from the
// start; runtime-security replaces this file.

type credentials struct{ mch string }

func newCredentials(cfg Config, s *settings) (*credentials, error) {
	return &credentials{mch: cfg.MchID}, nil
}

func (c *credentials) authorize(method, requestTarget string, body []byte) (string, error) {
	return "", errors.New("apiv3: signing not implemented yet")
}

func (c *credentials) verify(h http.Header, body []byte) error {
	return errors.New("apiv3: verification not implemented yet")
}

func (c *credentials) serialHeader() string { return "" }

func (c *credentials) mchID() string { return c.mch }
