#!/bin/sh
# Regenerates the known-answer fixtures of apiv3's security tests with
# implementations independent of Go's: openssl for RSA signatures and
# RSA-OAEP, Node's crypto for AES-256-GCM. Run from this directory:
#
#	sh make_fixtures.sh
#
# The keys are the committed test keys of internal/testkeys (they protect
# nothing). RSA PKCS#1 v1.5 signatures are deterministic, so rerunning gives the
# same bytes; AES-GCM nonces are fixed too; only the OAEP ciphertext changes
# (OAEP is randomised), which is fine: the test decrypts it.
set -eu
KEYS=../../../internal/testkeys/testdata
TS=1764000000
APIV3KEY=wxpaygenTestAPIv3Key0123456789ab

# 1. Request signature: the five-line message of
#    POST /v3/discount-card/cards/CARD-001/add-user-records.
printf '{"objective_completion_records":[{"objective_id":"OBJ-1","completion_time":"2025-11-24T20:00:00.000+08:00","completion_type":"INCREASE","description":"one cup","count":1,"remark":"\344\270\200\346\235\257"}]}' > request_body.json
{
	printf 'POST\n/v3/discount-card/cards/CARD-001/add-user-records\n%s\n593BEC0C930BF1AFEB40B4A08C8FB242\n' "$TS"
	cat request_body.json
	printf '\n'
} > request_message.txt
openssl dgst -sha256 -sign "$KEYS/merchant_key.pem" request_message.txt | base64 -w0 > request_signature.b64

# 2. Response signatures by the platform key: a 200 with a body, a 204.
printf '{"out_card_code":"CARD-001","card_template_id":"TPL-1","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","state":"ONGOING"}' > response_body.json
{ printf '%s\nRESPONSENONCE0000000000000000001\n' "$TS"; cat response_body.json; printf '\n'; } > response_message.txt
openssl dgst -sha256 -sign "$KEYS/platform_key.pem" response_message.txt | base64 -w0 > response_signature.b64
printf '%s\nRESPONSENONCE0000000000000000002\n\n' "$TS" > response_empty_message.txt
openssl dgst -sha256 -sign "$KEYS/platform_key.pem" response_empty_message.txt | base64 -w0 > response_empty_signature.b64

# 3. Notification: resource encrypted by Node (AES-256-GCM, 12-byte nonce,
#    associated data), envelope signed by openssl with the platform key.
node make_notification.js "$APIV3KEY"
{ printf '%s\nNOTIFYNONCE000000000000000000001\n' "$TS"; cat notification.json; printf '\n'; } > notification_message.txt
openssl dgst -sha256 -sign "$KEYS/platform_key.pem" notification_message.txt | base64 -w0 > notification_signature.b64

# 4. GET /v3/certificates answer: the platform certificate encrypted by Node,
#    the answer signed by openssl with the platform key.
{ printf '%s\nCERTNONCE00000000000000000000001\n' "$TS"; cat certificates.json; printf '\n'; } > certificates_message.txt
openssl dgst -sha256 -sign "$KEYS/platform_key.pem" certificates_message.txt | base64 -w0 > certificates_signature.b64

# 5. A sensitive field encrypted by openssl for the merchant (RSA-OAEP, SHA-1).
printf '\345\274\240\344\270\211' > sensitive_plaintext.txt
openssl pkeyutl -encrypt -pubin -inkey "$KEYS/merchant_pub.pem" \
	-pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 -pkeyopt rsa_mgf1_md:sha1 \
	-in sensitive_plaintext.txt | base64 -w0 > sensitive_ciphertext.b64

rm -f request_message.txt response_message.txt response_empty_message.txt notification_message.txt certificates_message.txt
