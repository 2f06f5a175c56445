/**
 * formatDouble must print exactly what C's printf("%.17g") prints (Redis 7.0
 * uses it for RESP doubles and scores), with Redis's inf/-inf spelling. The
 * expected strings below are C printf outputs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDouble, formatG } from '../../src/protocol/number-format.js';

const CASES: [number, string][] = [
  [0.1, '0.10000000000000001'],
  [1 / 3, '0.33333333333333331'],
  [2 / 3, '0.66666666666666663'],
  [1e21, '1e+21'],
  [1e-5, '1.0000000000000001e-05'],
  [1e-4, '0.0001'],
  [123456789012345678, '1.2345678901234568e+17'],
  [5e-324, '4.9406564584124654e-324'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [100, '100'],
  [1e16, '10000000000000000'],
  [1e17, '1e+17'],
  [3.14, '3.1400000000000001'],
  [2.5, '2.5'],
  [-1.5, '-1.5'],
  [0.30000000000000004, '0.30000000000000004'],
  [1e100, '1e+100'],
  [-2.2250738585072014e-308, '-2.2250738585072014e-308'],
  [12345.678, '12345.678'],
  [9007199254740993, '9007199254740992'],
  [0.000123, '0.00012300000000000001'],
  [1e15, '1000000000000000'],
  [123e-20, '1.23e-18'],
  [0, '0'],
  [-0, '-0'],
  [1, '1'],
  [-17, '-17'],
];

describe('formatDouble = %.17g', () => {
  for (const [d, want] of CASES) {
    it(`${want}`, () => assert.equal(formatDouble(d), want));
  }

  it('spells infinities as Redis does', () => {
    assert.equal(formatDouble(Infinity), 'inf');
    assert.equal(formatDouble(-Infinity), '-inf');
  });

  it('round-trips every value (17 significant digits are enough)', () => {
    let x = 0.5;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const d = (x / 7919) * 10 ** ((i % 40) - 20);
      assert.equal(Number(formatDouble(d)), d);
    }
  });
});

describe('formatG other precisions (C %.<p>g)', () => {
  it('%.6g and %.15g', () => {
    assert.equal(formatG(3.14159265, 6), '3.14159');
    assert.equal(formatG(1234567, 6), '1.23457e+06');
    assert.equal(formatG(0.0001, 6), '0.0001');
    assert.equal(formatG(0.00001, 6), '1e-05');
    assert.equal(formatG(0.1, 15), '0.1');
    assert.equal(formatG(100, 15), '100');
  });
});
