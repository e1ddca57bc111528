// Pulls every client phone out of one free-text field ("8 916 123-45-67, +7 (495) 111-22-33 доб. 5;
// моб. 89031234567"). MoySklad's counterparty `phone` is such a field, and so are UIS extra fields.
import { parsePhone, type PhoneOptions } from './parse.ts';

export interface ExtractedPhone {
  e164: string;
  ext?: string;
  /** The substring the number was read from, for display and debugging. */
  source: string;
}

// A run of phone-ish characters optionally followed by an extension marker with digits.
const RUN_RE =
  /\+?\d[\d\s()\-‐‑‒–—.\u00a0\u202f]*\d(?:\s*,?\s*(?:добавочный|доб\.?|доп\.?|вн\.?|внутр\.?|extension|ext\.?|x|#)\s*[:.]?\s*\d{1,6})?|\+?\(\d[\d\s()\-.]*\d/giu;

const MAX_DIGITS_ONE_NUMBER = 15;

function digitCount(s: string): number {
  return s.replace(/\D/g, '').length;
}

// A run that is not one valid number may be several numbers separated only by spaces
// ("89161234567 84951234567"). Split it into whitespace tokens and take, from each start,
// the longest prefix of tokens that is a valid number.
function segment(run: string, opts: PhoneOptions): ExtractedPhone[] {
  const tokens = run.trim().split(/[\s\u00a0\u202f]+/u);
  const out: ExtractedPhone[] = [];
  let i = 0;
  while (i < tokens.length) {
    let best: { end: number; phone: ExtractedPhone } | null = null;
    let text = '';
    for (let j = i; j < tokens.length; j++) {
      text = j === i ? (tokens[j] ?? '') : `${text} ${tokens[j] ?? ''}`;
      if (digitCount(text) > MAX_DIGITS_ONE_NUMBER + 6) break;
      const p = parsePhone(text, opts);
      if (p.kind === 'phone') best = { end: j, phone: { e164: p.e164, ...(p.ext ? { ext: p.ext } : {}), source: text } };
    }
    if (best) {
      out.push(best.phone);
      i = best.end + 1;
    } else {
      i += 1;
    }
  }
  return out;
}

/** All distinct client phones found in `field`, in order of appearance, with extensions split off. */
export function extractPhoneDetails(field: unknown, opts: PhoneOptions = {}): ExtractedPhone[] {
  if (typeof field === 'number') field = String(field);
  if (typeof field !== 'string') return [];
  const text = field.normalize('NFKC');
  const found: ExtractedPhone[] = [];
  for (const m of text.matchAll(RUN_RE)) {
    const run = m[0].replace(/[\s,]+$/u, '');
    const whole = parsePhone(run, opts);
    if (whole.kind === 'phone') {
      found.push({ e164: whole.e164, ...(whole.ext ? { ext: whole.ext } : {}), source: run.trim() });
    } else if (whole.kind === 'invalid') {
      found.push(...segment(run, opts));
    }
    // 'internal' (a bare extension like "101") is not a client phone: skipped on purpose.
  }
  const seen = new Set<string>();
  return found.filter((p) => (seen.has(p.e164) ? false : (seen.add(p.e164), true)));
}

/** All distinct client phones in `field` as E.164 strings. */
export function extractPhones(field: unknown, opts?: PhoneOptions): string[] {
  return extractPhoneDetails(field, opts).map((p) => p.e164);
}
