package model

import (
	"maps"
	"slices"
	"testing"
)

// namingCorpus is the names each initialisms entry is for, with the Go
// names expected. TestInitialismsAllUsed fails when an entry of the table
// is matched by none of them.
var namingCorpus = map[string]string{
	"card_template_id":     "CardTemplateID",
	"notify_url":           "NotifyURL",
	"appid":                "AppID",
	"mchid":                "MchID",
	"openid":               "OpenID",
	"unionid":              "UnionID",
	"sub_mchid":            "SubMchID",
	"sp_mchid":             "SpMchID",
	"sp_appid":             "SpAppID",
	"sub_appid":            "SubAppID",
	"sub_openid":           "SubOpenID",
	"out_card_code":        "OutCardCode",
	"add-user-records":     "AddUserRecords",
	"discount-card":        "DiscountCard",
	"v3":                   "V3",
	"api_version":          "APIVersion",
	"http_status":          "HTTPStatus",
	"https_only":           "HTTPSOnly",
	"json_body":            "JSONBody",
	"redirect_uri":         "RedirectURI",
	"client_ip":            "ClientIP",
	"md5_sum":              "MD5Sum",
	"rsa_key":              "RSAKey",
	"sha256_digest":        "SHA256Digest",
	"utf8_name":            "UTF8Name",
	"request_uuid":         "RequestUUID",
	"operationId":          "OperationID",
	"HTTPServer":           "HTTPServer",
	"getOrderByOutTradeNo": "GetOrderByOutTradeNo",
	"{out_trade_no}":       "OutTradeNo",
	"a.b/c":                "ABC",
	"3ds_version":          "X3DsVersion",
	"ONGOING":              "Ongoing",
	"COUNT_UNLIMITED":      "CountUnlimited",
	"状态":                   "",
	"状态_state":             "State",
}

func TestGoName(t *testing.T) {
	for in, want := range namingCorpus {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInitialismsAllUsed(t *testing.T) {
	used := map[string]bool{}
	for _, in := range slices.Sorted(maps.Keys(namingCorpus)) {
		caseWords(splitWords(in), func(e string) { used[e] = true })
	}
	for _, e := range slices.Sorted(maps.Keys(initialisms)) {
		if !used[e] {
			t.Errorf("initialisms entry %q is used by no name of the corpus: add the name it is for, or remove it", e)
		}
	}
}

func TestArgName(t *testing.T) {
	for in, want := range map[string]string{
		"out_card_code": "outCardCode",
		"appid":         "appID",
		"id":            "id",
		"url":           "url",
		"type":          "type_",
		"string":        "string_",
		"n":             "n_",
		"ctx":           "ctx_",
		"3ds":           "x3Ds",
		"HTTPServer":    "httpServer",
	} {
		if got := ArgName(in); got != want {
			t.Errorf("ArgName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	for in, want := range map[string][]string{
		"card_template_id":      {"card", "template", "id"},
		"HTTPServer":            {"http", "server"},
		"v3Certificates":        {"v3", "certificates"},
		"{out_card_code}":       {"out", "card", "code"},
		"discount-card.cards/x": {"discount", "card", "cards", "x"},
	} {
		if got := splitWords(in); !slices.Equal(got, want) {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
}
