import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ZSet } from '../../src/types/zset.js';
import { Rng, testSeed } from '../support/random.js';

const DEFAULTS = { entries: 128, value: 64 };

function all(z: ZSet): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  z.forEach((m, s) => out.push([m, s]));
  return out;
}

describe('ZSet encodings (Redis 7.0: listpack -> skiplist, one way)', () => {
  it('converts when the 129th member arrives or a member exceeds 64 bytes, and never back', () => {
    const z = new ZSet();
    for (let i = 0; i < 128; i++) z.insert(`m${i}`, i, DEFAULTS);
    assert.equal(z.encoding(), 'listpack');
    z.insert('m128', 128, DEFAULTS);
    assert.equal(z.encoding(), 'skiplist');
    for (let i = 0; i < 120; i++) z.remove(`m${i}`);
    assert.equal(z.encoding(), 'skiplist');
    const v = new ZSet();
    v.insert('x'.repeat(64), 1, DEFAULTS);
    assert.equal(v.encoding(), 'listpack');
    v.insert('y'.repeat(65), 1, DEFAULTS);
    assert.equal(v.encoding(), 'skiplist');
  });

  it('fresh results pick listpack when they fit (ZUNIONSTORE / ZRANGESTORE rule)', () => {
    assert.equal(ZSet.build([['a', 1]], DEFAULTS).encoding(), 'listpack');
    assert.equal(ZSet.build([['a', 1]], { entries: 0, value: 64 }).encoding(), 'skiplist');
    assert.equal(ZSet.build([['a'.repeat(65), 1]], DEFAULTS).encoding(), 'skiplist');
    const pairs: Array<[string, number]> = Array.from({ length: 200 }, (_, i) => [`m${i}`, -i]);
    const big = ZSet.build(pairs, DEFAULTS);
    assert.equal(big.encoding(), 'skiplist');
    assert.equal(big.size, 200);
    assert.deepEqual(all(big)[0], ['m199', -199]);
  });

  it('a listpack stores -0 as 0 (as Redis reads it back), a skiplist keeps the double', () => {
    const z = new ZSet();
    z.insert('a', -0, DEFAULTS);
    assert.ok(Object.is(z.score('a'), 0));
    z.toSkiplist();
    z.insert('b', -0, DEFAULTS);
    assert.ok(Object.is(z.score('b'), -0));
  });

  it('clone keeps the encoding and the contents', () => {
    for (const n of [3, 300]) {
      const z = new ZSet();
      for (let i = 0; i < n; i++) z.insert(`m${i}`, i % 7, DEFAULTS);
      const c = z.clone();
      assert.equal(c.encoding(), z.encoding());
      assert.deepEqual(all(c), all(z));
      c.remove('m0');
      assert.equal(z.score('m0'), 0);
    }
  });

  it('lex ranges follow ZLEXCOUNT / ZRANGEBYLEX semantics in both encodings', () => {
    for (const lim of [DEFAULTS, { entries: 0, value: 0 }]) {
      const z = new ZSet();
      for (const m of ['a', 'b', 'c', 'd', 'e']) z.insert(m, 0, lim);
      const str = (value: string, ex: boolean) => ({ kind: 'str' as const, value, ex });
      assert.equal(z.lexCount({ min: { kind: '-' }, max: { kind: '+' } }), 5);
      assert.equal(z.lexCount({ min: str('b', false), max: str('d', true) }), 2);
      assert.equal(z.lexCount({ min: str('b', true), max: { kind: '+' } }), 3);
      assert.equal(z.lexCount({ min: { kind: '+' }, max: { kind: '-' } }), 0);
      assert.equal(z.lexCount({ min: str('b', true), max: str('b', false) }), 0);
      assert.equal(z.lexFirst({ min: str('bb', false), max: { kind: '+' } }), 2);
      assert.equal(z.lexLast({ min: { kind: '-' }, max: str('bb', false) }), 1);
      const got: string[] = [];
      z.walkLex(4, true, 2, { min: str('a', true), max: { kind: '+' } }, (m) => got.push(m));
      assert.deepEqual(got, ['e', 'd']);
      assert.deepEqual(z.lexDeleteSpan({ min: str('b', false), max: str('c', false) }), [1, 3]);
    }
  });

  it('both encodings agree with a model: order, ranks, spans, rank removal', () => {
    const seed = testSeed(4242);
    const r = new Rng(seed);
    for (const lim of [DEFAULTS, { entries: 0, value: 0 }]) {
      const z = new ZSet();
      const model = new Map<string, number>();
      for (let step = 0; step < 1500; step++) {
        const m = `k${r.int(0, 60)}`;
        const s = r.int(-8, 8) / 2;
        const cur = model.get(m);
        if (r.chance(0.6)) {
          if (cur === undefined) z.insert(m, s, lim);
          else z.update(m, cur, s);
          model.set(m, s);
        } else if (r.chance(0.8)) {
          assert.equal(z.remove(m), cur !== undefined);
          model.delete(m);
        } else if (model.size > 0) {
          const start = r.int(0, model.size - 1);
          const end = Math.min(model.size, start + r.int(0, 4));
          const removed = z.removeRanks(start, end);
          for (let i = 0; i < removed.length; i += 2) model.delete(removed[i] as string);
        }
        const want = [...model].sort((a, b) => (a[1] !== b[1] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
        if (step % 50 === 0) {
          assert.deepEqual(all(z), want, `seed ${seed} step ${step} ${z.encoding()}`);
          want.forEach(([mm], i) => {
            assert.equal(z.rank(mm, false), i);
            assert.equal(z.rank(mm, true), want.length - 1 - i);
          });
          const [a, b] = z.scoreSpan({ min: -1, max: 1, minex: true, maxex: false });
          assert.equal(b - a, want.filter(([, sc]) => sc > -1 && sc <= 1).length);
          if (b > a) assert.ok(want[a][1] > -1);
        }
      }
      assert.equal(z.encoding(), lim.entries === 0 ? 'skiplist' : 'listpack');
    }
  });
});
