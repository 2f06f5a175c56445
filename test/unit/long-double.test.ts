import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../../src/types/long-double.js';

/** `SET k a; INCRBYFLOAT k b` as Redis 7.0.15 (x86-64) answers, or the error text. */
function incrbyfloat(a: string, b: string): string {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (x === null || y === null) return 'ERR value is not a valid float';
  const s = addLongDouble(x, y);
  return s.inf ? 'ERR increment would produce NaN or Infinity' : formatLongDoubleHuman(s);
}

// Every expected value below was read from redis-server 7.0.15.
const ORACLE: Array<[string, string, string]> = [
  ['10.5', '0.1', '10.6'],
  ['0.1', '0.2', '0.3'],
  ['1', '1', '2'],
  ['3.0e3', '2.0e2', '3200'],
  ['5.0e3', '-5000', '0'],
  ['-1', '0.999999999999999999999', '0'],
  ['1e-20', '1e-20', '0'],
  ['0.000003814697265625', '0', '0.00000381469726562'],
  ['0.000003814697265635', '0', '0.00000381469726563'],
  ['9223372036854775807', '1', '9223372036854775808'],
  ['18446744073709551615', '1', '18446744073709551616'],
  ['0x1p3', '.5', '8.5'],
  ['1', '0x10', '17'],
  ['-0', '0', '0'],
  ['-0.00000000000000000001', '0', '0'],
  ['1.23456789012345678901234567890', '1', '2.23456789012345679'],
  ['123456789.123456789', '0.000000001', '123456789.12345678999554366'],
  ['0.3', '-0.1', '0.2'],
  ['-5.5', '5.5', '0'],
  ['1e19', '1e-19', '10000000000000000000'],
  ['2.5e-17', '0', '0.00000000000000002'],
  ['1.5e-17', '0', '0.00000000000000002'],
  ['3.14159265358979323846264338327950288', '0', '3.14159265358979324'],
  ['99999999999999999999', '1', '100000000000000000000'],
  ['1e30', '1', '1000000000000000000024696061952'],
  ['-7.25', '-0.125', '-7.375'],
  ['+7', '+.5', '7.5'],
  ['5.', '.5', '5.5'],
  ['5249.53', '5e-324', '5249.5299999999999998'],
  ['-4.8e-2', '1e-4950', '-0.048'],
  ['1e4932', '1e4932', 'ERR increment would produce NaN or Infinity'],
  ['1', 'inf', 'ERR increment would produce NaN or Infinity'],
  ['1', 'nan', 'ERR value is not a valid float'],
  ['1', '1e5000', 'ERR value is not a valid float'],
  ['1', '1e-5000', 'ERR value is not a valid float'],
  ['1', ' 1', 'ERR value is not a valid float'],
  ['1', '1 ', 'ERR value is not a valid float'],
  ['1\x00abc', '1', 'ERR value is not a valid float'],
  ['1', '', 'ERR value is not a valid float'],
  ['1', '1e', 'ERR value is not a valid float'],
  ['1', '0x', 'ERR value is not a valid float'],
];

describe('long double (x87 80-bit) emulation for INCRBYFLOAT', () => {
  for (const [a, b, want] of ORACLE) {
    it(`${JSON.stringify(a)} + ${JSON.stringify(b)} -> ${want}`, () => {
      assert.equal(incrbyfloat(a, b), want);
    });
  }

  it('prints huge values digit by digit like %.17Lf (SHA-256 of the oracle text)', () => {
    const sha = (t: string) => createHash('sha256').update(t, 'latin1').digest('hex');
    const r = incrbyfloat('1', '1e4932');
    assert.equal(r.length, 4933);
    assert.equal(sha(r), '754d16acb807875eba75298c60f224d7a029b9d04efbadf36cacaaa9b88f0745');
    assert.equal(sha(incrbyfloat('1.7976931348623157e308', '1e308')), 'fb0ff24f88ee116b26d30ec03fcc03ea1e380cfb71ef9d0a5d278d8f3aebc66e');
    const n = incrbyfloat('-1e4000', '-1.5e3999');
    assert.equal(n.length, 4002);
    assert.equal(sha(n), '5919ce41e1fe0d0599b8a0f07225aa8c5cea1808af13f7015678957227810f29');
  });

  it('keeps "0e<huge exponent>" as zero instead of underflowing', () => {
    assert.equal(incrbyfloat('0e99999999999999999', '1'), '1');
  });

  it('is exact over the 64-bit mantissa: 2^64 - 1 and 2^64 + 1 round correctly', () => {
    // 2^64+1 needs 65 bits: it rounds (half to even) down to 2^64.
    assert.equal(incrbyfloat('18446744073709551617', '0'), '18446744073709551616');
    assert.equal(incrbyfloat('18446744073709551615', '0'), '18446744073709551615');
  });
});
