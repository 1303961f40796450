package apiv3_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/wxpaygen/wxpaygen/apiv3"
)

func ExampleNewClient() {
	c, err := apiv3.NewClient(apiv3.Config{
		MchID:                     "1900000109",
		MerchantCertificateSerial: "5E53E40ABB8CD463F625F03D14E8D56F85E91188",
		MerchantPrivateKeyFile:    "apiclient_key.pem",
		APIv3Key:                  "0123456789abcdef0123456789abcdef",
		WechatPayPublicKeyID:      "PUB_KEY_ID_01190000010920251101000000000001",
		WechatPayPublicKeyFile:    "pub_key.pem",
	}, apiv3.WithUserAgent("myshop/1.0"))
	if err != nil {
		log.Fatal(err)
	}
	_ = c
}

func ExampleClient_Chain() {
	var c *apiv3.Client // from apiv3.NewClient
	var card struct {
		State string `json:"state"`
	}
	res, err := c.Chain("v3/discount-card/cards/{out_card_code}").Do(context.Background(), "GET",
		map[string]string{"out_card_code": "6e8369071cd942c0476613f9d1ce9ca3"}, nil, &card,
		apiv3.WithTimeout(10*time.Second))
	var apiErr *apiv3.APIError
	switch {
	case apiv3.IsCode(err, "RESOURCE_NOT_EXISTS"):
		log.Print("no such card")
	case errors.As(err, &apiErr):
		log.Printf("WeChat Pay refused: %v", apiErr) // status, code, message, Request-ID
	case err != nil:
		log.Print(err) // transport, validation or signature verification
	default:
		log.Printf("card state %s (Request-ID %s)", card.State, res.RequestID)
	}
}

func ExampleEscapePathParam() {
	fmt.Println(apiv3.EscapePathParam("a/b c%?#é"))
	fmt.Println(apiv3.EscapePathParam("code|*"))
	// Output:
	// a%2Fb%20c%25%3F%23%C3%A9
	// code%7C%2A
}

func ExampleValidator() {
	v := apiv3.Validator{In: "body"}
	v.Enter("objective_completion_records")
	v.EnterIndex(0)
	v.Add("completion_type", "enum", "must be one of INCREASE, DECREASE")
	v.Leave()
	v.Leave()
	err := v.Err()
	fmt.Println(err)
	var ve *apiv3.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Violations[0].Pointer)
	}
	// Output:
	// apiv3: invalid request: body objective_completion_records[0].completion_type: must be one of INCREASE, DECREASE
	// /objective_completion_records/0/completion_type
}

func ExampleTime() {
	var v struct {
		CreateTime apiv3.Time `json:"create_time"`
	}
	_ = json.Unmarshal([]byte(`{"create_time":"2015-05-20T13:29:35.12+08:00"}`), &v)
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
	// Output: {"create_time":"2015-05-20T13:29:35.120+08:00"}
}
