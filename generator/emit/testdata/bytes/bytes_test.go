package wechatpay

import (
	"encoding/json"
	"testing"
)

func TestBytesAreBase64(t *testing.T) {
	b, err := json.Marshal(Blob{Data: []byte("hi!"), Small: new(int32)})
	if err != nil || string(b) != `{"data":"aGkh","small":0}` {
		t.Fatalf("got %s, %v", b, err)
	}
	var back Blob
	if err := json.Unmarshal([]byte(`{"data":"aGkh","big":9007199254740993}`), &back); err != nil {
		t.Fatal(err)
	}
	if string(back.Data) != "hi!" || *back.Big != 9007199254740993 {
		t.Errorf("got %+v", back)
	}
	if err := (&Blob{}).Validate(); err == nil {
		t.Error("nil required bytes validate")
	}
}
