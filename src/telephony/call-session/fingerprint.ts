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

export function eventFingerprint(event: UisCallEvent): string {
  return stableStringify(event);
}
