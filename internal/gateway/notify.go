package gateway

import (
	"encoding/json"
	"strings"
	"time"
)

// Envelope is the JSON body of a WeChat Pay notification.
type Envelope struct {
	ID           string   `json:"id"`
	CreateTime   string   `json:"create_time"`
	EventType    string   `json:"event_type"`
	ResourceType string   `json:"resource_type"`
	Summary      string   `json:"summary"`
	Resource     Resource `json:"resource"`
}

// Resource is the encrypted part of a notification.
type Resource struct {
	Algorithm      string `json:"algorithm"`
	Ciphertext     string `json:"ciphertext"`
	Nonce          string `json:"nonce"`
	AssociatedData string `json:"associated_data"`
	OriginalType   string `json:"original_type"`
}

// Notification is what a notification says, before encryption.
type Notification struct {
	ID         string    // e.g. NewEventID(CreateTime)
	CreateTime time.Time // written in +08:00
	EventType  string    // e.g. DISCOUNT_CARD.USER_ACCEPTED
	Summary    string
	Plaintext  []byte // the resource, JSON
}

// OriginalType is the original_type (and associated_data) of a
// notification of eventType: its lower-cased prefix before the first '.',
// e.g. "discount_card" for DISCOUNT_CARD.USER_PAID.
func OriginalType(eventType string) string {
	prefix, _, _ := strings.Cut(eventType, ".")
	return strings.ToLower(prefix)
}

// EncryptNotification returns the body of n as WeChat Pay sends it: the
// envelope with resource_type "encrypt-resource" and the plaintext sealed
// (AEAD_AES_256_GCM under the 32-byte apiv3Key, a fresh 12-character nonce,
// associated_data and original_type OriginalType(n.EventType)). Sign it
// with Signer.SignResponse.
func EncryptNotification(apiv3Key string, n Notification) ([]byte, error) {
	original := OriginalType(n.EventType)
	nonce := RandomString(12)
	sealed, err := Seal(apiv3Key, nonce, original, n.Plaintext)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Envelope{
		ID:           n.ID,
		CreateTime:   n.CreateTime.In(Beijing).Format(time.RFC3339),
		EventType:    n.EventType,
		ResourceType: "encrypt-resource",
		Summary:      n.Summary,
		Resource: Resource{
			Algorithm:      "AEAD_AES_256_GCM",
			Ciphertext:     sealed,
			Nonce:          nonce,
			AssociatedData: original,
			OriginalType:   original,
		},
	})
}
