import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ZSet } from '../../src/types/zset.js';
import { Rng, testSeed } from '../support/random.js';

const LIM = { entries: 128, value: 64 };

/** Redis's order: score, then member bytes. */
function sorted(model: Map<string, number>): Array<[string, number]> {
  return [...model].sort((a, b) => (a[1] !== b[1] ? a[1] - b[1] : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function all(z: ZSet): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  z.forEach((m, s) => out.push([m, s]));
  return out;
}

/** Lookups, ranks and order of `z` all agree with the model. */
function check(z: ZSet, model: Map<string, number>, r: Rng, note: string): void {
  const want = sorted(model);
  assert.equal(z.size, want.length, note);
  assert.deepEqual(all(z), want, note);
  for (let k = 0; k < 200 && want.length > 0; k++) {
    const i = r.int(0, want.length - 1);
    assert.equal(z.score(want[i][0]), want[i][1], note);
    assert.equal(z.rank(want[i][0], false), i, note);
    assert.equal(z.rank(want[i][0], true), want.length - 1 - i, note);
  }
  assert.equal(z.score('absent'), undefined);
}

describe('ZSet skiplist encoding at size', () => {
  it('mass deletes compact the skiplist (new node ids) without losing members, ranks or scan coverage', () => {
    const seed = testSeed(31);
    const r = new Rng(seed);
    const z = new ZSet();
    const model = new Map<string, number>();
    for (let i = 0; i < 40000; i++) {
      const s = r.int(-1000, 1000);
      z.insert(`m${i}`, s, LIM);
      model.set(`m${i}`, s);
    }
    check(z, model, r, `seed ${seed} built`);
    const copy = z.clone();
    const s0 = model.get('m0');
    // Remove 95%: single removes, then rank ranges, crossing the compaction threshold.
    for (let i = 0; i < 30000; i++) {
      assert.ok(z.remove(`m${i}`));
      model.delete(`m${i}`);
    }
    check(z, model, r, `seed ${seed} after removes`);
    const removed = z.removeRanks(100, 8100);
    assert.equal(removed.length, 16000);
    for (let i = 0; i < removed.length; i += 2) model.delete(removed[i] as string);
    check(z, model, r, `seed ${seed} after rank removal`);
    // The set keeps working after compaction: updates and inserts.
    for (const [m] of [...model].slice(0, 300)) {
      const s = r.int(-50, 50) / 8;
      z.update(m, model.get(m)!, s);
      model.set(m, s);
    }
    for (let i = 0; i < 500; i++) {
      z.insert(`n${i}`, i / 3, LIM);
      model.set(`n${i}`, i / 3);
    }
    check(z, model, r, `seed ${seed} after updates`);
    // ZSCAN sees every member exactly through the rebuilt dictionary.
    const scanned = new Map<string, number>();
    let cursor = 0;
    do cursor = z.scan(cursor, 100, (m, s) => scanned.set(m, s));
    while (cursor !== 0);
    assert.deepEqual(sorted(scanned), sorted(model));
    // The clone taken before was not affected.
    assert.equal(copy.size, 40000);
    assert.equal(copy.score('m0'), s0);
    assert.equal(z.score('m0'), undefined);
  });

  it('builds big sets from pairs in any order (ascending, descending as an RDB holds them, shuffled) alike', () => {
    const seed = testSeed(5);
    const r = new Rng(seed);
    const model = new Map<string, number>();
    for (let i = 0; i < 5000; i++) model.set(`k${r.int(0, 1e9)}`, r.int(0, 50));
    const asc = sorted(model);
    const shuffled = [...asc];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = r.int(0, i);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    for (const pairs of [asc, [...asc].reverse(), shuffled]) {
      const z = ZSet.build(pairs.map(([m, s]) => [m, s]), LIM);
      assert.equal(z.encoding(), 'skiplist');
      check(z, model, r, `seed ${seed}`);
    }
  });

  it('buildDistinct rejects a repeated member in either encoding, and accepts distinct ones', () => {
    const small: Array<[string, number]> = [
      ['a', 1],
      ['b', 2],
      ['a', 3],
    ];
    assert.equal(ZSet.buildDistinct(small, LIM), null);
    const big: Array<[string, number]> = Array.from({ length: 1000 }, (_, i) => [`m${i}`, i]);
    assert.equal(ZSet.buildDistinct(big.slice(), LIM)?.size, 1000);
    // Same member, different scores: not adjacent after sorting.
    assert.equal(ZSet.buildDistinct([...big, ['m5', 999.5]], LIM), null);
    assert.equal(ZSet.buildDistinct([...big, ['m5', 5]], LIM), null);
  });
});
