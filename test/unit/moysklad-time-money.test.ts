import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildFilter,
  formatMoscowTime,
  idFromHref,
  kopecks,
  kopecksToRubles,
  parseMoscowTime,
  rublesToKopecks,
  toMoscowWire,
} from '../../src/moysklad/index.ts';

describe('Moscow time', () => {
  const cases: Array<[string, string]> = [
    ['2026-10-01T09:00:05.123Z', '2026-10-01 12:00:05.123'],
    ['2026-12-31T21:30:00.000Z', '2027-01-01 00:30:00.000'],
    ['2026-03-29T01:00:00.000Z', '2026-03-29 04:00:00.000'], // no DST in Moscow
    ['1970-01-01T00:00:00.000Z', '1970-01-01 03:00:00.000'],
  ];
  for (const [iso, msk] of cases) {
    test(`${iso} ↔ ${msk}`, () => {
      assert.equal(formatMoscowTime(new Date(iso)), msk);
      assert.equal(parseMoscowTime(msk)?.toISOString(), iso);
    });
  }
  test('without milliseconds / seconds', () => {
    assert.equal(formatMoscowTime(new Date('2026-10-01T09:00:05.999Z'), { millis: false }), '2026-10-01 12:00:05');
    assert.equal(parseMoscowTime('2026-10-01 12:00:05')?.toISOString(), '2026-10-01T09:00:05.000Z');
    assert.equal(parseMoscowTime('2026-10-01 12:00')?.toISOString(), '2026-10-01T09:00:00.000Z');
    assert.equal(parseMoscowTime('2026-10-01 12:00:05.5')?.toISOString(), '2026-10-01T09:00:05.500Z');
  });
  for (const bad of ['', '2026-10-01', '2026-02-30 10:00:00', '2026-10-01 24:00:00', '01.10.2026 10:00', '2026-10-01 12:00:05+03:00']) {
    test(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseMoscowTime(bad), null));
  }
  test('toMoscowWire passes valid strings, formats Dates, rejects junk', () => {
    assert.equal(toMoscowWire('2026-10-01 12:00:05'), '2026-10-01 12:00:05');
    assert.equal(toMoscowWire(new Date('2026-10-01T09:00:05Z')), '2026-10-01 12:00:05.000');
    assert.throws(() => toMoscowWire('now'));
    assert.throws(() => formatMoscowTime(new Date(NaN)));
  });
});

describe('money in kopecks', () => {
  test('conversions', () => {
    assert.equal(rublesToKopecks(19.99), 1999);
    assert.equal(rublesToKopecks(1234.5), 123450);
    assert.equal(rublesToKopecks(-0.01), -1);
    assert.equal(kopecks(123450.00000001), 123450);
    assert.equal(kopecksToRubles(123450), 1234.5);
    assert.throws(() => rublesToKopecks(Number.NaN));
  });
});

describe('filter builder and hrefs', () => {
  const fmt = (d: Date) => formatMoscowTime(d, { millis: false });
  test('object form: repeated values become OR, null tests emptiness, ";" is escaped', () => {
    assert.equal(buildFilter({ 'state.name': ['Новый', 'Принят'], phone: null, name: 'a;b' }, fmt), 'state.name=Новый;state.name=Принят;phone=;name=a\\;b');
  });
  test('condition form with dates in MSK', () => {
    assert.equal(buildFilter([['updated', '>=', new Date('2026-10-01T00:00:00Z')], ['sum', '>', 100]], fmt), 'updated>=2026-10-01 03:00:00;sum>100');
  });
  test('empty inputs give no filter', () => {
    assert.equal(buildFilter({}, fmt), undefined);
    assert.equal(buildFilter('', fmt), undefined);
  });
  test('idFromHref', () => {
    assert.equal(idFromHref('https://api.moysklad.ru/api/remap/1.2/entity/employee/abc-1?expand=x'), 'abc-1');
  });
});
