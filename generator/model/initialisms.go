package model

// initialisms maps words, lower-case and joined by "_", to their Go
// spelling. Multi-word entries are matched before single words. Every entry
// must be used by the corpus in naming_test.go (TestInitialismsAllUsed).
var initialisms = map[string]string{
	// Go initialisms.
	"api":    "API",
	"http":   "HTTP",
	"https":  "HTTPS",
	"id":     "ID",
	"ip":     "IP",
	"json":   "JSON",
	"md5":    "MD5",
	"rsa":    "RSA",
	"sha256": "SHA256",
	"uri":    "URI",
	"url":    "URL",
	"utf8":   "UTF8",
	"uuid":   "UUID",
	"v3":     "V3",
	// WeChat glued words.
	"appid":      "AppID",
	"mchid":      "MchID",
	"openid":     "OpenID",
	"unionid":    "UnionID",
	"sp_appid":   "SpAppID",
	"sp_mchid":   "SpMchID",
	"sub_appid":  "SubAppID",
	"sub_mchid":  "SubMchID",
	"sub_openid": "SubOpenID",
}
