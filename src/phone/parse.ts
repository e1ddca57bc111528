// Phone-number parsing, Russia first. MoySklad stores phones as free text typed by people
// ("8 (916) 123-45-67 доб. 12", "+7 916 1234567, 84951234567"), UIS sends digits ("79161234567"),
// and we must see all of them as one number. Everything here is pure and synchronous.

export interface PhoneOptions {
  /** Area code (3–5 digits, without the trunk 8) to complete a local 5–7 digit city number. */
  defaultAreaCode?: string;
  /** Treat 11–15 digit strings without "+" and not starting with 7/8 as international (default true). */
  assumeInternationalWithoutPlus?: boolean;
}

export type ParsedPhone =
  | { kind: 'phone'; e164: string; ext?: string; country: 'RU' | 'KZ' | 'other' }
  | { kind: 'internal'; digits: string }
  | { kind: 'invalid'; reason: string };

// Extension markers people write after a number. Order matters: longer words first.
const EXT_RE =
  /\s*(?:,\s*)?(?:добавочный|доб\.?|доп\.?|вн\.?|внутр\.?|extension|ext\.?|x|#)\s*[:.]?\s*(\d{1,6})\s*$/iu;
// Labels in front of a number ("тел.:", "моб", "tel:") that are not part of it.
const LABEL_RE = /^\s*(?:тел(?:ефон)?|моб(?:ильный)?|раб(?:очий)?|дом(?:ашний)?|сот(?:овый)?|tel|phone|mob(?:ile)?|т|м)\.?\s*[:.]?\s*/iu;
// What may remain between digits of one number once labels and extensions are gone.
const ALLOWED_RE = /^[\d\s()\-‐‑‒–—.+\u00a0\u202f]*$/u;

// First digit of a 10-digit national number under +7: 3,4,8,9 = Russia; 6,7 = Kazakhstan.
const RU_FIRST = new Set(['3', '4', '8', '9']);
const KZ_FIRST = new Set(['6', '7']);

function fromPlus7(national: string, ext: string | undefined): ParsedPhone {
  const first = national[0] ?? '';
  if (national.length !== 10) return { kind: 'invalid', reason: '+7 number must have 10 digits after the code' };
  const country = RU_FIRST.has(first) ? 'RU' : KZ_FIRST.has(first) ? 'KZ' : null;
  if (!country) return { kind: 'invalid', reason: `no +7 numbers start with ${first}` };
  return withExt({ kind: 'phone', e164: `+7${national}`, country }, ext);
}

function withExt(p: { kind: 'phone'; e164: string; country: 'RU' | 'KZ' | 'other' }, ext: string | undefined): ParsedPhone {
  return ext ? { ...p, ext } : p;
}

function international(digits: string, ext: string | undefined): ParsedPhone {
  if (digits.startsWith('7')) return fromPlus7(digits.slice(1), ext);
  if (digits.startsWith('0')) return { kind: 'invalid', reason: 'country codes never start with 0' };
  // E.164 allows at most 15 digits; the shortest real international numbers have ~8.
  if (digits.length < 8 || digits.length > 15) return { kind: 'invalid', reason: 'international number length out of range' };
  return withExt({ kind: 'phone', e164: `+${digits}`, country: 'other' }, ext);
}

/** Splits "number доб. 123" into the number text and the extension digits. */
export function splitExtension(raw: string): { main: string; ext?: string } {
  const m = EXT_RE.exec(raw);
  if (!m || m.index === 0) return { main: raw };
  return { main: raw.slice(0, m.index), ext: m[1] };
}

export function parsePhone(raw: unknown, opts: PhoneOptions = {}): ParsedPhone {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) raw = String(raw);
  if (typeof raw !== 'string') return { kind: 'invalid', reason: 'not a string' };
  const text = raw.normalize('NFKC').replace(LABEL_RE, '').trim();
  if (text === '') return { kind: 'invalid', reason: 'empty' };
  const { main, ext } = splitExtension(text);
  if (!ALLOWED_RE.test(main)) return { kind: 'invalid', reason: 'contains letters or unexpected symbols' };
  const plusCount = (main.match(/\+/g) ?? []).length;
  if (plusCount > 1 || (plusCount === 1 && !main.trim().startsWith('+'))) {
    return { kind: 'invalid', reason: 'misplaced +' };
  }
  const digits = main.replace(/\D/g, '');
  if (digits.length === 0) return { kind: 'invalid', reason: 'no digits' };

  if (plusCount === 1) {
    // "+8 916 …" is a common typo for +7 (there is no country code 89).
    if (digits.length === 11 && digits.startsWith('89')) return fromPlus7(digits.slice(1), ext);
    return international(digits, ext);
  }
  if (digits.length >= 2 && digits.length <= 5 && !opts.defaultAreaCode) return { kind: 'internal', digits };
  // Russian international dialling prefix 8~10 and the ITU 00 prefix.
  if (digits.startsWith('810') && digits.length >= 11 + 1) return international(digits.slice(3), ext);
  if (digits.startsWith('00')) return international(digits.slice(2), ext);
  if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7'))) return fromPlus7(digits.slice(1), ext);
  if (digits.length === 10) return fromPlus7(digits, ext);
  const area = opts.defaultAreaCode?.replace(/\D/g, '');
  if (area && digits.length >= 5 && digits.length <= 7 && area.length + digits.length === 10) {
    return fromPlus7(area + digits, ext);
  }
  if (digits.length >= 2 && digits.length <= 5) return { kind: 'internal', digits };
  if (digits.length >= 11 && digits.length <= 15 && opts.assumeInternationalWithoutPlus !== false) {
    if (digits.startsWith('7') || digits.startsWith('8')) return { kind: 'invalid', reason: 'too many digits for a +7 number' };
    return international(digits, ext);
  }
  return { kind: 'invalid', reason: `cannot interpret ${digits.length} digits` };
}

/** E.164 ("+79161234567") or null when the input is not a client phone number. */
export function normalizePhone(raw: unknown, opts?: PhoneOptions): string | null {
  const p = parsePhone(raw, opts);
  return p.kind === 'phone' ? p.e164 : null;
}

/** True for 2–5 digit inputs that look like a PBX extension rather than a client phone. */
export function isInternalExtension(raw: unknown): boolean {
  return parsePhone(raw).kind === 'internal';
}

/**
 * Matching key: the E.164 digits without "+". Every spelling of one number gives the same key;
 * null when the input is not a phone. Use it for DB indexes and in-memory maps.
 */
export function phoneKey(raw: unknown, opts?: PhoneOptions): string | null {
  const e164 = normalizePhone(raw, opts);
  return e164 ? e164.slice(1) : null;
}

/**
 * Text to put into MoySklad `search=`: the last 10 digits of a +7 number (stored text may begin with
 * 8, 7 or +7, and search matches substrings), the full digits otherwise.
 */
export function phoneSearchTerm(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  return digits.startsWith('7') && digits.length === 11 ? digits.slice(1) : digits;
}

/** For people: "+7 (916) 123-45-67" for Russian numbers, E.164 for others, the input when it is no phone. */
export function formatPhone(raw: unknown, opts?: PhoneOptions): string {
  const e164 = normalizePhone(raw, opts);
  if (!e164) return typeof raw === 'string' ? raw.trim() : '';
  const d = e164.slice(1);
  if (d.length === 11 && d.startsWith('7')) return `+7 (${d.slice(1, 4)}) ${d.slice(4, 7)}-${d.slice(7, 9)}-${d.slice(9, 11)}`;
  return e164;
}
