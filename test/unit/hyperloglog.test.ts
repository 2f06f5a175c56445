/**
 * The HLL representation checked against facts read from redis-server
 * 7.0.15 (PFDEBUG DECODE output, PFCOUNT values, GET bytes) and the format's
 * documented rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HLL_DENSE_SIZE,
  cachedCardinality,
  emptyHll,
  estimate,
  hashElement,
  histogram,
  hllAdd,
  hllToString,
  invalidateCache,
  isHllString,
  murmurHash64A,
  openHll,
  sparseSet,
  withCachedCardinality,
} from '../../src/types/hyperloglog.js';

/** MurmurHash64A written plainly with bigint, to cross-check the 32-bit-halves version. */
function murmurRef(s: string, seed: bigint): bigint {
  const M = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  let h = (seed ^ (BigInt(s.length) * M)) & mask;
  const blocks = s.length - (s.length % 8);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(s.charCodeAt(i + j));
    k = (k * M) & mask;
    k ^= k >> 47n;
    k = (k * M) & mask;
    h ^= k;
    h = (h * M) & mask;
  }
  if (s.length % 8) {
    for (let j = (s.length % 8) - 1; j >= 0; j--) h ^= BigInt(s.charCodeAt(blocks + j)) << BigInt(8 * j);
    h = (h * M) & mask;
  }
  h ^= h >> 47n;
  h = (h * M) & mask;
  h ^= h >> 47n;
  return h;
}

describe('element hashing (register and value as PFDEBUG DECODE shows them)', () => {
  const facts: Array<[string, number, number]> = [
    ['a', 12711, 2],
    ['', 5938, 2],
    ['abcdefgh', 1383, 1],
    ['abcdefghijk', 14121, 1],
    ['hello world', 9399, 4],
  ];
  for (const [ele, index, count] of facts) {
    it(`${JSON.stringify(ele)} -> register ${index}, value ${count}`, () => {
      assert.deepEqual(hashElement(ele), { index, count });
    });
  }

  it('the 32-bit arithmetic equals the 64-bit definition on many inputs', () => {
    for (let n = 0; n < 300; n++) {
      let s = '';
      for (let i = 0; i < n % 37; i++) s += String.fromCharCode((n * 31 + i * 17) & 0xff);
      const [hi, lo] = murmurHash64A(s, 0xadc83b19);
      assert.equal((BigInt(hi) << 32n) | BigInt(lo), murmurRef(s, 0xadc83b19n), JSON.stringify(s));
    }
  });
});

describe('HLL strings', () => {
  it('a new HLL after PFADD is "HYLL", sparse, stale cache, one XZERO (redis GET bytes)', () => {
    const h = emptyHll();
    invalidateCache(h);
    assert.equal(hllToString(h), 'HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff');
  });

  it('validity: magic, encoding byte, exact dense size', () => {
    assert.equal(isHllString('HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff'), true);
    assert.equal(isHllString('HYLL\x02\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff'), false);
    assert.equal(isHllString('HYLX\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff'), false);
    assert.equal(isHllString('HYLL\x00' + '\0'.repeat(11) + 'ab'), false);
    assert.equal(isHllString('HYLL\x00' + '\0'.repeat(HLL_DENSE_SIZE - 5)), true);
    assert.equal(isHllString('HYLL'), false);
  });

  it('cached cardinality: little-endian, top bit of byte 15 marks it stale', () => {
    const s = 'HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff';
    assert.equal(cachedCardinality(s), null);
    const c = withCachedCardinality(s, 0x1234);
    assert.equal(c.slice(8, 16), '\x34\x12\0\0\0\0\0\0');
    assert.equal(cachedCardinality(c), 0x1234n);
  });

  it('ten elements give the opcodes redis writes (PFDEBUG DECODE) and count 10', () => {
    const h = emptyHll();
    for (const e of 'abcdefghij') hllAdd(h, e, 3000);
    const s = hllToString(h);
    // Z:1646 v:1,1 Z:2537 v:1,1 Z:3107 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:574 v:1,1 Z:2948 v:1,1 Z:750 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:603
    const runs: string[] = [];
    const b = openHll(s).sparse!;
    for (let p = 0; p < b.length; p++) {
      if ((b[p] & 0xc0) === 0x40) runs.push(`Z:${(((b[p] & 0x3f) << 8) | b[++p]) + 1}`);
      else if ((b[p] & 0xc0) === 0) runs.push(`z:${(b[p] & 0x3f) + 1}`);
      else runs.push(`v:${((b[p] >> 2) & 0x1f) + 1},${(b[p] & 3) + 1}`);
    }
    assert.equal(runs.join(' '), 'Z:1646 v:1,1 Z:2537 v:1,1 Z:3107 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:574 v:1,1 Z:2948 v:1,1 Z:750 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:603');
    assert.equal(estimate(histogram(openHll(s))!), 10);
  });

  it('5000 elements "ele:0".."ele:4999" turn dense and count 4993', () => {
    const h = emptyHll();
    for (let i = 0; i < 5000; i++) hllAdd(h, `ele:${i}`, 3000);
    assert.equal(h.dense !== null, true);
    assert.equal(hllToString(h).length, HLL_DENSE_SIZE);
    assert.equal(estimate(histogram(h)!), 4993);
  });

  it('values above 32 do not fit a VAL opcode: the HLL turns dense', () => {
    const h = emptyHll();
    assert.equal(sparseSet(h, 100, 33, 3000), 1);
    assert.equal(h.dense !== null, true);
    assert.equal(histogram(h)![33], 1);
  });

  it('sparse data not covering exactly 16384 registers is corrupted', () => {
    const short = openHll('HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xfe');
    assert.equal(histogram(short), null);
    assert.equal(sparseSet(short, 16383, 1, 3000), -1);
  });

  it('an empty HLL counts 0', () => {
    assert.equal(estimate(histogram(emptyHll())!), 0);
  });
});
