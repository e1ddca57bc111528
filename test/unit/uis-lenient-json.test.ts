// The forgiving JSON reader for UIS notification bodies: strings in all the shapes UIS sends, read
// the same whether a string is valid JSON by itself (read in one go) or not (read forgivingly).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiteralPlaceholder, parseLenientJson } from '../../src/uis/index.ts';

const read = (text: string) => {
  const r = parseLenientJson(text);
  assert.ok(r.ok, `not read: ${text} ${r.ok ? '' : r.reason}`);
  return r.value;
};

test('lenient JSON: strings with escapes, Cyrillic, raw line breaks and unknown escapes, beside a literal placeholder', () => {
  // The placeholder makes the body invalid JSON, so every string below goes through the reader.
  const value = read('{"p": {{missing}}, "a": "Иван \\"Ваня\\"\\n\\\\ \\u0416", "b": "line\nbreak", "c": "odd \\q escape", "d": "", "e": "Входящий звонок на виртуальный номер"}') as Record<string, unknown>;
  assert.ok(value.p instanceof LiteralPlaceholder);
  assert.equal(value.a, 'Иван "Ваня"\n\\ Ж');
  assert.equal(value.b, 'line\nbreak', 'a raw line break inside a string is kept');
  assert.equal(value.c, 'odd q escape', 'an unknown escape keeps the character');
  assert.equal(value.d, '');
  assert.equal(value.e, 'Входящий звонок на виртуальный номер');
});

test('lenient JSON: values quoted twice by a template, bare words, trailing commas and unquoted keys', () => {
  const value = read('{"p": {{x}}, "a": ""Иван"", "b": """", k: 2024-05-14 10:00:00, "n": 42,}') as Record<string, unknown>;
  assert.equal(value.a, 'Иван');
  assert.equal(value.b, '');
  assert.equal(value.k, '2024-05-14 10:00:00');
  assert.equal(value.n, 42);
  const bad = parseLenientJson('{"p": {{x}}, "a": "never closed');
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.reason, /unterminated string/);
});
