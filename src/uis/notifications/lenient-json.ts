// A forgiving JSON reader for what UIS actually sends. Besides plain JSON it accepts:
// - placeholders UIS left literal because the event lacks them: `"k": {{var}}` (→ LiteralPlaceholder);
// - values quoted twice by templates written as `"k": "{{var}}"`: `""text""`, `""""`;
// - bare words where a value should be (`"k": 2024-05-14 10:00:00`), trailing commas, unquoted keys.
// Never throws: returns { ok: false, reason } with the position of the first unreadable character.

export class LiteralPlaceholder {
  constructor(readonly name: string) {}
}

export type LenientValue =
  | string
  | number
  | boolean
  | null
  | LiteralPlaceholder
  | LenientValue[]
  | { [key: string]: LenientValue };

export type LenientResult = { ok: true; value: LenientValue } | { ok: false; reason: string };

class ReadError extends Error {}

const MAX_DEPTH = 64;

export function parseLenientJson(text: string): LenientResult {
  try {
    return { ok: true, value: JSON.parse(text) as LenientValue };
  } catch {
    // fall through to the forgiving reader
  }
  const reader = new Reader(text);
  try {
    reader.skipWs();
    const value = reader.value(0);
    reader.skipWs();
    if (!reader.atEnd()) reader.fail('unexpected data after the end of the JSON value');
    return { ok: true, value };
  } catch (err) {
    if (err instanceof ReadError) return { ok: false, reason: err.message };
    return { ok: false, reason: `unreadable JSON: ${String(err)}` };
  }
}

const DELIMS = new Set([',', '}', ']', ':']);

class Reader {
  i = 0;
  constructor(private readonly s: string) {
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  fail(what: string): never {
    const near = this.s.slice(Math.max(0, this.i - 15), this.i + 15).replace(/\s+/g, ' ');
    throw new ReadError(`invalid JSON at position ${this.i}: ${what} (near "${near}")`);
  }

  skipWs(): void {
    for (;;) {
      const code = this.s.charCodeAt(this.i);
      // Space, tab, LF, CR without a look-up; the rest of what /\s/ takes (VT, FF, NBSP, Unicode spaces) by it.
      if (code === 32 || code === 9 || code === 10 || code === 13) this.i++;
      else if ((code === 11 || code === 12 || code > 127) && /\s/.test(this.s[this.i]!)) this.i++;
      else return;
    }
  }

  value(depth: number): LenientValue {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.skipWs();
    const c = this.s[this.i];
    if (c === undefined) this.fail('unexpected end of input');
    if (c === '{') return this.s[this.i + 1] === '{' ? this.placeholder() : this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.maybeDoubleQuoted();
    return this.bare();
  }

  placeholder(): LiteralPlaceholder {
    const end = this.s.indexOf('}}', this.i + 2);
    if (end < 0) this.fail('unterminated {{placeholder');
    const name = this.s.slice(this.i + 2, end).trim();
    this.i = end + 2;
    return new LiteralPlaceholder(name);
  }

  object(depth: number): { [key: string]: LenientValue } {
    const out: { [key: string]: LenientValue } = {};
    this.i++; // {
    for (;;) {
      this.skipWs();
      const c = this.s[this.i];
      if (c === '}') {
        this.i++;
        return out;
      }
      if (c === undefined) this.fail('unterminated object');
      const key = c === '"' ? this.maybeDoubleQuoted() : this.bareKey();
      this.skipWs();
      if (this.s[this.i] !== ':') this.fail('expected ":" after a key');
      this.i++;
      out[key] = this.value(depth + 1);
      this.skipWs();
      const after = this.s[this.i];
      if (after === ',') this.i++;
      else if (after !== '}') this.fail('expected "," or "}"');
    }
  }

  array(depth: number): LenientValue[] {
    const out: LenientValue[] = [];
    this.i++; // [
    for (;;) {
      this.skipWs();
      const c = this.s[this.i];
      if (c === ']') {
        this.i++;
        return out;
      }
      if (c === undefined) this.fail('unterminated array');
      out.push(this.value(depth + 1));
      this.skipWs();
      const after = this.s[this.i];
      if (after === ',') this.i++;
      else if (after !== ']') this.fail('expected "," or "]"');
    }
  }

  /** `"x"`, or `""x""` (a template that quoted a placeholder UIS quotes itself). */
  maybeDoubleQuoted(): string {
    if (this.s[this.i + 1] === '"') {
      let j = this.i + 2;
      while (j < this.s.length && /[ \t]/.test(this.s[j] ?? '')) j++;
      const next = this.s[j];
      const isEmptyString = next === undefined || DELIMS.has(next) || next === '\n' || next === '\r';
      if (!isEmptyString) {
        this.i++; // the template's own opening quote
        const inner = this.string();
        if (this.s[this.i] === '"') this.i++; // the template's own closing quote
        return inner;
      }
    }
    return this.string();
  }

  /**
   * A string at `"`. One that is valid JSON by itself (nearly all) is read by JSON.parse in one go:
   * reading it a character at a time made a string piece per character (~13 KB of garbage for a
   * 1.5 KB notification), and the result is a string of its own, not a slice that would keep the
   * whole body alive for as long as the event is. Anything else (a raw line break, an unknown
   * escape) is read forgivingly below.
   */
  string(): string {
    const start = this.i;
    let end = start + 1;
    for (;;) {
      const code = this.s.charCodeAt(end);
      if (Number.isNaN(code)) break;
      if (code === 92) end += 2; // backslash: skip the escaped character
      else if (code === 34) {
        try {
          const value = JSON.parse(this.s.slice(start, end + 1)) as string;
          this.i = end + 1;
          return value;
        } catch {
          break;
        }
      } else end++;
    }
    return this.forgivingString();
  }

  private forgivingString(): string {
    this.i++; // opening quote
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const e = this.s[this.i + 1];
        this.i += 2;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = this.s.slice(this.i, this.i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            this.i += 4;
            break;
          }
          default:
            out += e ?? '';
        }
        continue;
      }
      out += c;
      this.i++;
    }
  }

  bareKey(): string {
    const start = this.i;
    while (this.i < this.s.length && /[A-Za-z0-9_.$-]/.test(this.s[this.i] ?? '')) this.i++;
    if (this.i === start) this.fail('expected a key');
    return this.s.slice(start, this.i);
  }

  /** A number, true/false/null, or — leniently — any bare text up to the next delimiter. */
  bare(): LenientValue {
    const start = this.i;
    while (this.i < this.s.length) {
      const c = this.s[this.i] ?? '';
      if (c === ',' || c === '}' || c === ']' || c === '\n' || c === '\r') break;
      this.i++;
    }
    const word = this.s.slice(start, this.i).trim();
    if (word === '') this.fail('expected a value');
    if (word === 'null') return null;
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(word)) return Number(word);
    return word;
  }
}
