// Encrypts the notification resource and the platform certificate with
// Node's crypto (AES-256-GCM, 12-byte nonce, associated data), independently
// of Go. Called by make_fixtures.sh with the 32-byte APIv3 key; an optional
// second argument names the output folder (default: the current one), which
// apiv3's tests use to re-run it and compare byte for byte (the nonces are
// fixed, so the output is deterministic).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const key = Buffer.from(process.argv[2], 'utf8');
const out = (name) => path.join(process.argv[3] || '.', name);
if (key.length !== 32) throw new Error('the APIv3 key must be 32 bytes');

function seal(plaintext, nonce, aad) {
  const c = crypto.createCipheriv('aes-256-gcm', key, Buffer.from(nonce, 'utf8'));
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: ct.toString('base64'),
    nonce,
    associated_data: aad,
  };
}

const plaintext = JSON.stringify({
  out_card_code: 'CARD-001',
  card_template_id: 'TPL-1',
  appid: 'wxd678efh567hg6787',
  mchid: '1900000109',
  card_id: 'CARDID-001',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  state: 'ONGOING',
});
fs.writeFileSync(out('notification_plaintext.json'), plaintext);
const resource = seal(Buffer.from(plaintext, 'utf8'), 'fixednonce12', 'discount_card');
resource.original_type = 'discount_card';
fs.writeFileSync(out('notification.json'), JSON.stringify({
  id: 'EV-2018022511223320873',
  create_time: '2025-11-25T00:00:00+08:00',
  resource_type: 'encrypt-resource',
  event_type: 'DISCOUNT_CARD.USER_ACCEPTED',
  summary: '用户领取先享卡',
  resource,
}));

const cert = fs.readFileSync(path.join(__dirname, '../../../internal/testkeys/testdata/platform_cert.pem'));
const serial = new crypto.X509Certificate(cert).serialNumber.toUpperCase();
const enc = seal(cert, 'certnonce123', 'certificate');
fs.writeFileSync(out('certificates.json'), JSON.stringify({
  data: [{
    serial_no: serial,
    effective_time: '2025-01-01T00:00:00+08:00',
    expire_time: '2030-01-01T00:00:00+08:00',
    encrypt_certificate: enc,
  }],
}));
