import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decryptSecret, encryptSecret, loadMasterKey } from '../../src/accounts/index.ts';

test('AES-256-GCM round-trips and binds the ciphertext to its row', () => {
  const key = randomBytes(32);
  const sealed = encryptSecret(key, 'токен-123', 'credential:a:uis-api-key');
  assert.equal(decryptSecret(key, sealed, 'credential:a:uis-api-key'), 'токен-123');
  assert.notEqual(encryptSecret(key, 'токен-123', 'x'), encryptSecret(key, 'токен-123', 'x'), 'fresh IV each time');
  assert.throws(() => decryptSecret(key, sealed, 'credential:b:uis-api-key'), 'moved to another row');
  assert.throws(() => decryptSecret(randomBytes(32), sealed, 'credential:a:uis-api-key'), 'wrong key');
  const tampered = Buffer.from(sealed, 'base64');
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => decryptSecret(key, tampered.toString('base64'), 'credential:a:uis-api-key'), 'tampered');
});

test('without SECRET_KEY a key is generated once into DATA_DIR with mode 0600', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usm-key-'));
  const a = loadMasterKey({ dataDir: dir });
  const b = loadMasterKey({ dataDir: dir });
  assert.equal(a.keyId, b.keyId);
  assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
  assert.match(readFileSync(join(dir, 'secret.key'), 'utf8').trim(), /^[0-9a-f]{64}$/);
  const given = loadMasterKey({ dataDir: dir, secretKey: 'ab'.repeat(32) });
  assert.notEqual(given.keyId, a.keyId);
  assert.equal(given.source, 'SECRET_KEY');
});
