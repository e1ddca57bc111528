// What MoySklad has confirmed for one call (stored in call_pushes.pushed). Only the reconciler
// writes it, after a successful request (or after reading the call back).

export type CardState = 'ringing' | 'talking' | 'hidden';

export interface PushedState {
  /** `extension` is set on the MoySklad call (PUT never changes it afterwards). */
  extension?: string;
  /** endTime/duration are set. */
  ended?: boolean;
  /** Recording URLs MoySklad has (recordUrl appends, so never send one twice). */
  recordUrls: string[];
  comment?: string;
  /** Card state per MoySklad extension, as last sent. */
  cards: Record<string, CardState>;
  hideAll?: boolean;
  /** The last update's outcome is unknown (timeout, 5xx): read the call back before the next one. */
  uncertain?: boolean;
}

export function emptyPushed(): PushedState {
  return { recordUrls: [], cards: {} };
}

export function readPushed(raw: unknown): PushedState {
  const p = (raw && typeof raw === 'object' ? raw : {}) as Partial<PushedState>;
  return { ...p, recordUrls: Array.isArray(p.recordUrls) ? p.recordUrls : [], cards: p.cards && typeof p.cards === 'object' ? p.cards : {} };
}
