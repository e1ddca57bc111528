// Deterministic MoySklad syncIds: the same (account, phone) or (communication, action) always gives
// the same UUID, so a repeated create returns the object made the first time.
import { createHash } from 'node:crypto';

export function stableUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version 5-style (name-based)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const counterpartySyncId = (accountId: string, phoneKey: string) => stableUuid('usm', 'counterparty', accountId, phoneKey);
export const orderSyncId = (integrationId: string, commKey: string) => stableUuid('usm', 'customerorder', integrationId, commKey);
