import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normalizePhone,
  parsePhone,
  phoneKey,
  phoneSearchTerm,
  extractPhones,
  extractPhoneDetails,
  isInternalExtension,
  formatPhone,
} from '../../src/phone/index.ts';

describe('normalizePhone: Russian spellings', () => {
  const cases: Array<[string, string]> = [
    ['+7 (916) 123-45-67', '+79161234567'],
    ['+79161234567', '+79161234567'],
    ['8 916 123 45 67', '+79161234567'],
    ['89161234567', '+79161234567'],
    ['79161234567', '+79161234567'],
    ['7 916 123-45-67', '+79161234567'],
    ['9161234567', '+79161234567'],
    ['(916) 123-45-67', '+79161234567'],
    ['8.916.123.45.67', '+79161234567'],
    ['8–916–123–45–67', '+79161234567'],
    ['8\u00a0916\u00a0123\u00a045\u00a067', '+79161234567'],
    ['  +7-916-123-45-67  ', '+79161234567'],
    ['4951234567', '+74951234567'],
    ['8 (495) 123-45-67', '+74951234567'],
    ['8 (3452) 12-34-56', '+73452123456'],
    ['8-800-555-35-35', '+78005553535'],
    ['+8 916 123 45 67', '+79161234567'],
    ['тел.: +7 916 123-45-67', '+79161234567'],
    ['моб. 89161234567', '+79161234567'],
    ['7012345678', '+77012345678'],
    ['+7 701 234 56 78', '+77012345678'],
  ];
  for (const [raw, want] of cases) {
    test(`${JSON.stringify(raw)} → ${want}`, () => assert.equal(normalizePhone(raw), want));
  }
});

describe('normalizePhone: extensions are split off', () => {
  const cases: Array<[string, string, string]> = [
    ['8 (495) 123-45-67 доб. 123', '+74951234567', '123'],
    ['+7 495 123 45 67 доб.12', '+74951234567', '12'],
    ['+7 495 123 45 67, доб 7', '+74951234567', '7'],
    ['84951234567 ext. 4455', '+74951234567', '4455'],
    ['84951234567 ext 4455', '+74951234567', '4455'],
    ['84951234567#101', '+74951234567', '101'],
    ['84951234567 x 55', '+74951234567', '55'],
    ['8 495 123-45-67 вн. 204', '+74951234567', '204'],
  ];
  for (const [raw, want, ext] of cases) {
    test(`${JSON.stringify(raw)}`, () => {
      assert.equal(normalizePhone(raw), want);
      const p = parsePhone(raw);
      assert.equal(p.kind, 'phone');
      if (p.kind === 'phone') assert.equal(p.ext, ext);
    });
  }
});

describe('normalizePhone: international', () => {
  const cases: Array<[string, string]> = [
    ['+49 30 1234567', '+49301234567'],
    ['+44 20 7946 0958', '+442079460958'],
    ['0049 30 1234567', '+49301234567'],
    ['8 10 49 30 1234567', '+49301234567'],
    ['+380 (44) 123-45-67', '+380441234567'],
    ['380441234567', '+380441234567'],
    ['+375 29 123-45-67', '+375291234567'],
    ['+1 (212) 555-0100', '+12125550100'],
  ];
  for (const [raw, want] of cases) {
    test(`${JSON.stringify(raw)} → ${want}`, () => assert.equal(normalizePhone(raw), want));
  }
  test('non-RU numbers are classified as other', () => {
    const p = parsePhone('+49 30 1234567');
    assert.equal(p.kind === 'phone' && p.country, 'other');
  });
});

describe('normalizePhone: not a client phone', () => {
  const garbage: unknown[] = [
    '', '   ', 'abc', 'нет телефона', '+', '---', null, undefined, {}, [],
    '2024-01-15', '12345678', '123-45-67', '+7 016 123 45 67', '+7 916 123 45 6', '8 916 123 45 678',
    '791612345678', '+0 123 456 789', '+1234567890123456', '+7 916 + 123', '916-12a-45-67', '1',
  ];
  for (const raw of garbage) {
    test(`${JSON.stringify(raw)} → null`, () => assert.equal(normalizePhone(raw), null));
  }
  const internal = ['12', '101', '2044', '12345', '1-01'];
  for (const raw of internal) {
    test(`${raw} is an internal extension`, () => {
      assert.equal(normalizePhone(raw), null);
      assert.equal(isInternalExtension(raw), true);
      assert.equal(parsePhone(raw).kind, 'internal');
    });
  }
  test('a full number is not an internal extension', () => assert.equal(isInternalExtension('89161234567'), false));
  test('numbers given as JS numbers are accepted', () => assert.equal(normalizePhone(79161234567), '+79161234567'));
});

describe('normalizePhone: options', () => {
  test('defaultAreaCode completes a 7-digit city number', () => {
    assert.equal(normalizePhone('123-45-67', { defaultAreaCode: '495' }), '+74951234567');
    assert.equal(normalizePhone('12-34-56', { defaultAreaCode: '3452' }), '+73452123456');
  });
  test('defaultAreaCode does not change full numbers', () => {
    assert.equal(normalizePhone('89161234567', { defaultAreaCode: '495' }), '+79161234567');
  });
  test('assumeInternationalWithoutPlus=false rejects bare foreign digits', () => {
    assert.equal(normalizePhone('380441234567', { assumeInternationalWithoutPlus: false }), null);
    assert.equal(normalizePhone('+380441234567', { assumeInternationalWithoutPlus: false }), '+380441234567');
  });
});

describe('phoneKey', () => {
  const spellings = ['+7 (916) 123-45-67', '89161234567', '79161234567', '9161234567', '8-916-123-45-67 доб. 5'];
  test('all spellings of one number share a key', () => {
    const keys = new Set(spellings.map((s) => phoneKey(s)));
    assert.deepEqual([...keys], ['79161234567']);
  });
  test('different numbers get different keys', () => {
    assert.notEqual(phoneKey('89161234567'), phoneKey('89161234568'));
    assert.notEqual(phoneKey('+79161234567'), phoneKey('+77161234567'));
  });
  test('non-phones have no key', () => {
    assert.equal(phoneKey('101'), null);
    assert.equal(phoneKey('garbage'), null);
  });
});

describe('phoneSearchTerm', () => {
  test('RU numbers search by the 10 national digits', () => assert.equal(phoneSearchTerm('+79161234567'), '9161234567'));
  test('foreign numbers search by all digits', () => assert.equal(phoneSearchTerm('+49301234567'), '49301234567'));
});

describe('extractPhones', () => {
  const cases: Array<[unknown, string[]]> = [
    ['', []],
    [null, []],
    ['89161234567', ['+79161234567']],
    ['8 916 123-45-67, +7 (495) 111-22-33 доб. 5; моб. 89031234567', ['+79161234567', '+74951112233', '+79031234567']],
    ['89161234567 84951234567', ['+79161234567', '+74951234567']],
    ['+7 916 123 45 67 8 916 765 43 21', ['+79161234567', '+79167654321']],
    ['89161234567/84951234567', ['+79161234567', '+74951234567']],
    ['89161234567\n84951234567\r\n+44 20 7946 0958', ['+79161234567', '+74951234567', '+442079460958']],
    ['89161234567 | 84951234567', ['+79161234567', '+74951234567']],
    ['89161234567 или 84951234567', ['+79161234567', '+74951234567']],
    ['+7 916 123-45-67 / 8-916-123-45-67', ['+79161234567']],
    ['101, 89161234567', ['+79161234567']],
    ['8 916 123 45 67 101', ['+79161234567']],
    ['звонить после 18:00, номер 8 (495) 123-45-67', ['+74951234567']],
    ['нет', []],
    ['2024-01-15', []],
    [79161234567, ['+79161234567']],
  ];
  for (const [field, want] of cases) {
    test(`${JSON.stringify(field)}`, () => assert.deepEqual(extractPhones(field), want));
  }
  test('extensions are reported separately and do not become phones', () => {
    const got = extractPhoneDetails('8(916)1234567 ext 12 или +7 495 123-45-67 доб. 3456');
    assert.deepEqual(
      got.map((p) => [p.e164, p.ext]),
      [['+79161234567', '12'], ['+74951234567', '3456']],
    );
  });
});

test('formatPhone: Russian numbers as people read them, others in E.164, non-phones as given', () => {
  assert.equal(formatPhone('8 (916) 123-45-67'), '+7 (916) 123-45-67');
  assert.equal(formatPhone('+79161234567'), '+7 (916) 123-45-67');
  assert.equal(formatPhone('+44 20 7946 0958'), '+442079460958');
  assert.equal(formatPhone(' 101 '), '101');
  assert.equal(formatPhone(undefined), '');
});
