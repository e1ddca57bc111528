// Content identity of an event: two deliveries of the same notification parse to equal events, so
// their canonical JSON (keys sorted) is equal.
import type { UisCallEvent } from '../../uis/index.ts';

export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/**
 * Events are parsed once and never changed, and every merge compares the new event with all the
 * session's earlier ones (and orders them by fingerprint): each event's fingerprint is computed
 * once per process instead of on every later merge of its call.
 */
const fingerprints = new WeakMap<UisCallEvent, string>();

export function eventFingerprint(event: UisCallEvent): string {
  let fp = fingerprints.get(event);
  if (fp === undefined) {
    fp = stableStringify(event);
    fingerprints.set(event, fp);
  }
  return fp;
}
