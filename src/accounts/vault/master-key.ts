// The vault's master key: SECRET_KEY, or a key generated on first start into DATA_DIR (mode 0600).
// A check value stored in the database makes a wrong or lost key fail at start, in one line,
// instead of surfacing later as undecryptable credentials.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/index.ts';
import { tables } from '../../db/index.ts';

export type MasterKey = { key: Buffer; keyId: string };

export class MasterKeyError extends Error {}

function decode(text: string): Buffer {
  const t = text.trim();
  return /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
}

/** Key id: a short fingerprint, safe to store and log, that names which key encrypted a secret. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('uis-moysklad key id').update(key).digest('hex').slice(0, 16);
}

export function loadMasterKey(opts: { secretKey?: string | undefined; dataDir: string }): MasterKey & { source: string } {
  if (opts.secretKey) {
    const key = decode(opts.secretKey);
    if (key.length !== 32) throw new MasterKeyError('Invalid configuration: SECRET_KEY must decode to 32 bytes');
    return { key, keyId: keyIdOf(key), source: 'SECRET_KEY' };
  }
  if (opts.dataDir === 'memory://') {
    const key = randomBytes(32);
    return { key, keyId: keyIdOf(key), source: 'ephemeral' };
  }
  const file = join(opts.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const key = decode(readFileSync(file, 'utf8'));
  if (key.length !== 32) throw new MasterKeyError(`Invalid key file ${file}: expected 64 hex characters`);
  return { key, keyId: keyIdOf(key), source: file };
}

const checkValue = (key: Buffer) => createHmac('sha256', key).update('uis-moysklad vault check').digest('hex');

/**
 * Records the key on first use; afterwards refuses a different key while credentials exist that it
 * cannot decrypt.
 */
export async function verifyMasterKey(db: Db, mk: MasterKey): Promise<void> {
  const rows = await db.select().from(tables.vaultKeys);
  const mine = checkValue(mk.key);
  const match = rows.find((r) => r.keyId === mk.keyId);
  if (match) {
    if (!timingSafeEqual(Buffer.from(match.checkValue), Buffer.from(mine))) {
      throw new MasterKeyError('SECRET_KEY check failed: the stored check value does not match this key');
    }
    return;
  }
  const used = await db.select({ keyId: tables.credentials.keyId }).from(tables.credentials).limit(1);
  if (used.length > 0) {
    throw new MasterKeyError(
      'Invalid configuration: SECRET_KEY differs from the key the stored credentials were encrypted with ' +
        '(set the original SECRET_KEY, or the key file in DATA_DIR)',
    );
  }
  await db.insert(tables.vaultKeys).values({ keyId: mk.keyId, checkValue: mine }).onConflictDoNothing();
}
