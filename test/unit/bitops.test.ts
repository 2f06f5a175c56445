/**
 * Bit helpers checked against the examples of the Redis command
 * documentation (BITCOUNT, BITPOS, BITOP, BITFIELD pages) and facts read
 * from redis-server 7.0.15.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Overflow,
  addSigned,
  addUnsigned,
  bitop,
  countRange,
  findBit,
  getBit,
  getSigned,
  getUnsigned,
  resolveRange,
  setBit,
  setBits,
} from '../../src/types/bitops.js';

const I64MAX = (1n << 63n) - 1n;
const I64MIN = -(1n << 63n);

describe('getBit / setBit', () => {
  it('bit 0 is the most significant bit of byte 0 (SETBIT docs: SETBIT mykey 7 1 gives "\\x01")', () => {
    assert.equal(setBit('', 7, 1), '\x01');
    assert.equal(setBit('', 0, 1), '\x80');
    assert.equal(setBit('\xff', 3, 0), '\xef');
    assert.equal(getBit('\x01', 7), 1);
    assert.equal(getBit('\x01', 6), 0);
    assert.equal(getBit('\x01', 100), 0);
  });

  it('grows with zero bytes', () => {
    assert.equal(setBit('a', 100, 0), 'a' + '\0'.repeat(12));
    assert.equal(setBit('a', 17, 1), 'a\0\x40');
  });
});

describe('BITCOUNT ranges (docs: "foobar")', () => {
  const count = (start: bigint, end: bigint, isBit = false): number => countRange('foobar', resolveRange(6, start, end, isBit));
  it('whole string and byte ranges', () => {
    assert.equal(count(0n, -1n), 26);
    assert.equal(count(0n, 0n), 4);
    assert.equal(count(1n, 1n), 6);
  });
  it('bit ranges', () => {
    assert.equal(count(5n, 30n, true), 17);
  });
  it('clamping and empty ranges', () => {
    assert.equal(count(-100n, 100n), 26);
    assert.equal(count(4n, 2n), 0);
    assert.equal(resolveRange(0, 0n, -1n, false).empty, true);
  });
});

describe('BITPOS (docs examples)', () => {
  const pos = (s: string, bit: number, start: bigint, end: bigint, isBit = false): number => findBit(s, bit, resolveRange(s.length, start, end, isBit));
  it('first clear and set bits', () => {
    assert.equal(pos('\xff\xf0\x00', 0, 0n, -1n), 12);
    assert.equal(pos('\x00\xff\xf0', 1, 0n, -1n), 8);
    assert.equal(pos('\x00\xff\xf0', 1, 2n, -1n), 16);
    assert.equal(pos('\x00\xff\xf0', 1, 7n, 15n, true), 8);
    assert.equal(pos('\x00\x00\x00', 1, 0n, -1n), -1);
    assert.equal(pos('\x00\x00\x00', 1, 7n, -3n, true), -1);
  });
  it('bits outside a BIT range never match', () => {
    assert.equal(pos('\xff\x00', 1, 1n, 6n, true), 1);
    assert.equal(pos('\x0f', 1, 0n, 3n, true), -1);
    assert.equal(pos('\xf0', 0, 0n, 3n, true), -1);
  });
});

describe('BITOP (docs: "foobar" AND "abcdef" is "`bc`ab")', () => {
  it('AND, OR, XOR, NOT', () => {
    assert.equal(bitop('and', ['foobar', 'abcdef']), '`bc`ab');
    assert.equal(bitop('or', ['\x01', '\x02\x04']), '\x03\x04');
    assert.equal(bitop('xor', ['\xff\x0f', '\x0f']), '\xf0\x0f');
    assert.equal(bitop('not', ['\x00\xf0']), '\xff\x0f');
  });
  it('missing keys and short strings count as zeros; the result is as long as the longest', () => {
    assert.equal(bitop('and', ['\xff\xff', undefined]), '\x00\x00');
    assert.equal(bitop('and', ['\xff', '\xff\xff']), '\xff\x00');
    assert.equal(bitop('or', [undefined, 'ab']), 'ab');
    assert.equal(bitop('not', [undefined]), '');
  });
});

describe('bitfield get/set', () => {
  it('reads fields most significant bit first, sign-extends signed ones', () => {
    const buf = new Uint8Array([0b10110000, 0xff]);
    assert.equal(getUnsigned(buf, 0, 4), 0b1011n);
    assert.equal(getSigned(buf, 0, 4), -5n);
    assert.equal(getUnsigned(buf, 4, 8), 0x0fn);
    assert.equal(getUnsigned(buf, 12, 8), 0xf0n); // bits past the end read as 0
    assert.equal(getSigned(new Uint8Array(8).fill(0xff), 0, 64), -1n);
  });
  it('writes only the field bits', () => {
    const buf = new Uint8Array([0xff, 0xff]);
    setBits(buf, 4, 8, 0n);
    assert.deepEqual([...buf], [0xf0, 0x0f]);
    setBits(buf, 4, 8, -1n);
    assert.deepEqual([...buf], [0xff, 0xff]);
  });
});

describe('bitfield overflow (BITFIELD docs and redis 7.0.15 facts)', () => {
  it('docs: u2 INCRBY 1 wraps 3 -> 0; SAT stays at 3; FAIL refuses', () => {
    assert.equal(addUnsigned(3n, 1n, 2, Overflow.WRAP), 0n);
    assert.equal(addUnsigned(3n, 1n, 2, Overflow.SAT), 3n);
    assert.equal(addUnsigned(3n, 1n, 2, Overflow.FAIL), null);
    assert.equal(addUnsigned(0n, -1n, 2, Overflow.SAT), 0n);
  });
  it('signed wrap and saturation', () => {
    assert.equal(addSigned(127n, 1n, 8, Overflow.WRAP), -128n);
    assert.equal(addSigned(-128n, -1n, 8, Overflow.SAT), -128n);
    assert.equal(addSigned(I64MAX, 1n, 64, Overflow.WRAP), I64MIN);
    assert.equal(addSigned(I64MAX, I64MAX, 64, Overflow.SAT), I64MAX);
    assert.equal(addSigned(I64MIN, I64MIN, 64, Overflow.SAT), I64MIN);
  });
  it('SET of a negative value into an unsigned field reinterprets it as uint64 (u8 SAT of -1 is 255)', () => {
    assert.equal(addUnsigned(BigInt.asUintN(64, -1n), 0n, 8, Overflow.SAT), 255n);
    assert.equal(addUnsigned(BigInt.asUintN(64, -1n), 0n, 8, Overflow.WRAP), 255n);
  });
  it('quirk: SAT SET of INT64_MIN into i63 saturates to the maximum (64-bit bound arithmetic)', () => {
    assert.equal(addSigned(I64MIN, 0n, 63, Overflow.SAT), (1n << 62n) - 1n);
  });
});
