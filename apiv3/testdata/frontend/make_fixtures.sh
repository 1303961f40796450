#!/bin/sh
# Regenerates the known-answer fixtures of apiv3's front-end signatures
# (frontend_test.go) with openssl, independently of Go. Run from this
# directory:
#
#	sh make_fixtures.sh
#
# The key is the committed merchant test key of internal/testkeys (it protects
# nothing). RSA PKCS#1 v1.5 signatures are deterministic: rerunning gives the
# same bytes. The inputs are the test's: AppID, Unix timestamp, nonce and
# prepay_id below.
set -eu
KEY=../../../internal/testkeys/testdata/merchant_key.pem
APPID=wxd678efh567hg6787
TS=1764000000
NONCE=593BEC0C930BF1AFEB40B4A08C8FB242
PREPAY=wx201410272009395522657a690389285100

# JSAPI / mini program: appId, timeStamp, nonceStr, package, each line ending with \n.
printf '%s\n%s\n%s\nprepay_id=%s\n' "$APPID" "$TS" "$NONCE" "$PREPAY" > jsapi_message.txt
openssl dgst -sha256 -sign "$KEY" jsapi_message.txt | base64 -w0 > jsapi_paysign.b64

# App (OpenSDK PayReq): appid, timestamp, noncestr, prepayid, each line ending with \n.
printf '%s\n%s\n%s\n%s\n' "$APPID" "$TS" "$NONCE" "$PREPAY" > app_message.txt
openssl dgst -sha256 -sign "$KEY" app_message.txt | base64 -w0 > app_sign.b64
