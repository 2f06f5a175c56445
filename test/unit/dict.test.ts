import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Dict } from '../../src/keyspace/dict.js';
import { Rng, testSeed } from '../support/random.js';

/**
 * Redis's SCAN contract (https://redis.io/commands/scan, "Scan guarantees"):
 * a full iteration returns every element present in the collection from the
 * start to the end of the iteration; elements may be returned more than
 * once; the iteration terminates (cursor 0) as long as the collection size
 * stays bounded. These tests hold our Dict to that contract.
 */
describe('Dict', () => {
  it('set/get/has/delete/size behave like a map, including binary keys', () => {
    const d = new Dict<number>();
    assert.equal(d.set('a', 1), true);
    assert.equal(d.set('a', 2), false);
    assert.equal(d.set('\x00\xff', 3), true);
    assert.equal(d.get('a'), 2);
    assert.equal(d.get('\x00\xff'), 3);
    assert.equal(d.has('b'), false);
    assert.equal(d.size, 2);
    assert.equal(d.delete('a'), true);
    assert.equal(d.delete('a'), false);
    assert.equal(d.size, 1);
    d.clear();
    assert.equal(d.size, 0);
    assert.equal(d.randomKey(), undefined);
  });

  it('stays consistent across many doublings (every key readable mid-split)', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 50000; i++) {
      d.set(`k${i}`, i);
      if (i % 997 === 0) for (let j = 0; j <= i; j += 101) assert.equal(d.get(`k${j}`), j);
    }
    assert.equal(d.size, 50000);
    assert.equal([...d.keys()].length, 50000);
    for (let i = 0; i < 50000; i += 7) assert.equal(d.delete(`k${i}`), true);
    assert.equal(d.size, 50000 - Math.ceil(50000 / 7));
  });

  it('a full SCAN without changes returns every key', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 3000; i++) d.set(`key:${i}`, i);
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = d.scan(cursor, 10, (k) => void seen.add(k));
      calls++;
    } while (cursor !== 0);
    assert.equal(seen.size, 3000);
    assert.ok(calls > 3000 / 200, `only ${calls} calls: COUNT is not respected`);
  });

  it('SCAN returns every key present for the whole scan while the dict grows through several doublings and other keys are deleted', () => {
    const seed = testSeed(20261125);
    const rng = new Rng(seed);
    for (let round = 0; round < 5; round++) {
      const d = new Dict<number>();
      const stable: string[] = [];
      for (let i = 0; i < 500; i++) {
        stable.push(`stable:${round}:${i}`);
        d.set(stable[i], i);
      }
      const transient: string[] = [];
      const seen = new Set<string>();
      let cursor = 0;
      let next = 0;
      let calls = 0;
      const startSize = d.size;
      do {
        cursor = d.scan(cursor, rng.int(1, 20), (k) => void seen.add(k));
        calls++;
        // Grow fast: the table doubles several times within the iteration. The
        // growth then stops, since SCAN only promises to end while the size
        // stays bounded (a table growing faster than the cursor advances is
        // never finished, in Redis as here).
        const adds = d.size < startSize * 16 ? rng.int(0, 400) : 0;
        for (let i = 0; i < adds; i++) {
          const k = `new:${round}:${next++}`;
          d.set(k, i);
          transient.push(k);
        }
        // And delete some keys that were not there from the start.
        for (let i = 0; i < adds / 4 && transient.length > 0; i++) {
          const j = rng.int(0, transient.length - 1);
          d.delete(transient[j]);
          transient[j] = transient[transient.length - 1];
          transient.pop();
        }
        assert.ok(calls < 1e6, 'scan does not terminate');
      } while (cursor !== 0);
      assert.ok(d.size > startSize * 8, `seed ${seed}: the dict grew only from ${startSize} to ${d.size}`);
      const missing = stable.filter((k) => !seen.has(k));
      assert.deepEqual(missing, [], `seed ${seed} round ${round}: keys present throughout were not returned`);
    }
  });

  it('SCAN keeps the guarantee when the growth happens between calls of a single-bucket cursor', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 2000; i++) d.set(`s${i}`, i);
    const seen = new Set<string>();
    let cursor = d.scan(0, 1, (k) => void seen.add(k));
    // Many doublings at once, completed by idle rehash steps, before the next call.
    for (let i = 0; i < 100000; i++) d.set(`g${i}`, i);
    while (d.rehashStep(1000));
    while (cursor !== 0) cursor = d.scan(cursor, 1, (k) => void seen.add(k));
    for (let i = 0; i < 2000; i++) assert.ok(seen.has(`s${i}`), `s${i} missing`);
  });

  it('buckets stay small as it grows, so 2^24+ keys never need an array or Map past V8 limits', () => {
    // A JS array holds at most ~2^27 elements and a Map 2^24 entries. The
    // Dict keeps entries in fixed-size chunks and chains of a doubling bucket
    // table; measure the largest bucket via single-bucket SCAN steps (COUNT 1
    // visits one non-empty bucket, or one old bucket and its expansion while
    // a doubling is in progress).
    const d = new Dict<number>();
    const n = 200000;
    for (let i = 0; i < n; i++) d.set(`key:${i}`, i);
    while (d.rehashStep(1000));
    let cursor = 0;
    let buckets = 0;
    let largest = 0;
    do {
      let inBucket = 0;
      cursor = d.scan(cursor, 1, () => void inBucket++);
      if (inBucket > 0) buckets++;
      largest = Math.max(largest, inBucket);
    } while (cursor !== 0);
    assert.ok(buckets >= n / 256, `only ${buckets} buckets for ${n} keys`);
    // Per-bucket load is bounded independently of n: scaling to 100M keys
    // multiplies the bucket count, not the bucket size.
    assert.ok(largest < 512, `largest bucket holds ${largest}`);
  });

  it('randomKey returns present keys and reaches all of a small set', () => {
    const d = new Dict<number>();
    for (let i = 0; i < 20; i++) d.set(`r${i}`, i);
    const got = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const k = d.randomKey();
      assert.ok(k !== undefined && d.has(k));
      got.add(k);
    }
    assert.equal(got.size, 20);
  });
});
