import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLAT_MAX, ListValue, NODE_MAX } from '../../src/types/list.js';
import { Rng, testSeed } from '../support/random.js';

/** A ListValue holding `items`, pushed at the tail. */
function listOf(items: string[]): ListValue {
  const l = new ListValue();
  for (const x of items) l.pushTail(x);
  return l;
}

/**
 * Redis's documented list semantics on a plain array (the reference model):
 * LREM's count sign picks the direction, LINSERT inserts at an index, LTRIM
 * keeps an inclusive range.
 */
function modelRemove(arr: string[], v: string, count: number): number {
  let removed = 0;
  const limit = count === 0 ? Infinity : Math.abs(count);
  if (count >= 0) {
    for (let i = 0; i < arr.length && removed < limit; ) {
      if (arr[i] === v) (arr.splice(i, 1), removed++);
      else i++;
    }
  } else {
    for (let i = arr.length - 1; i >= 0 && removed < limit; i--) {
      if (arr[i] === v) (arr.splice(i, 1), removed++);
    }
  }
  return removed;
}

describe('ListValue', () => {
  it('reports quicklist like Redis 7.0 for small and big lists', () => {
    const small = listOf(['a']);
    const big = listOf(Array.from({ length: FLAT_MAX * 3 }, (_, i) => String(i)));
    assert.equal(small.encoding(), 'quicklist');
    assert.equal(big.encoding(), 'quicklist');
    assert.equal(small.isFlat, true);
    assert.equal(big.isFlat, false);
    assert.equal(small.type, 'list');
  });

  it('push and pop at both ends across node boundaries', () => {
    const l = new ListValue();
    const model: string[] = [];
    for (let i = 0; i < NODE_MAX * 5; i++) {
      l.pushHead(`h${i}`);
      model.unshift(`h${i}`);
      l.pushTail(`t${i}`);
      model.push(`t${i}`);
    }
    assert.deepEqual(l.toArray(), model);
    while (model.length > 0) {
      assert.equal(l.popHead(), model.shift());
      assert.equal(l.popTail(), model.pop());
    }
    assert.equal(l.length, 0);
    assert.equal(l.popHead(), undefined);
    assert.equal(l.popTail(), undefined);
  });

  it('matches an array model under random operations (flat and node layouts)', () => {
    const seed = testSeed(4242);
    const r = new Rng(seed);
    for (let round = 0; round < 30; round++) {
      const l = new ListValue();
      const model: string[] = [];
      for (let step = 0; step < 400; step++) {
        const v = r.pick(['a', 'b', 'c', 'd', '', '\x00']);
        const op = r.int(0, 11);
        const where = `seed ${seed} round ${round} step ${step} op ${op}`;
        if (op === 0) {
          const n = r.chance(0.1) ? r.int(50, 400) : 1;
          for (let i = 0; i < n; i++) (l.pushTail(v), model.push(v));
        } else if (op === 1) {
          const n = r.chance(0.1) ? r.int(50, 400) : 1;
          for (let i = 0; i < n; i++) (l.pushHead(v), model.unshift(v));
        } else if (op === 2) assert.equal(l.popHead(), model.shift(), where);
        else if (op === 3) assert.equal(l.popTail(), model.pop(), where);
        else if (op === 4) {
          const i = r.int(0, model.length);
          l.insert(i, v);
          model.splice(i, 0, v);
        } else if (op === 5) {
          const i = r.int(-1, model.length);
          assert.equal(l.set(i, v), i >= 0 && i < model.length, where);
          if (i >= 0 && i < model.length) model[i] = v;
        } else if (op === 6) {
          const c = r.int(-3, 3);
          assert.equal(l.remove(v, c), modelRemove(model, v, c), where);
        } else if (op === 7) {
          const n = r.int(0, 20);
          l.dropHead(n);
          model.splice(0, n);
        } else if (op === 8) {
          const n = r.int(0, 20);
          l.dropTail(n);
          model.splice(Math.max(0, model.length - n), n);
        } else if (op === 9) {
          const i = r.int(-1, model.length);
          assert.equal(l.get(i), model[i], where);
        } else if (op === 10) {
          const a = r.int(0, model.length);
          const b = r.int(-1, model.length);
          assert.deepEqual(l.range(a, Math.min(b, model.length - 1)), model.slice(a, b + 1), where);
        } else {
          const start = r.int(0, Math.max(0, model.length - 1));
          const rev = r.chance(0.5);
          const seen: Array<[string, number]> = [];
          l.scan(start, rev, (x, i) => void seen.push([x, i]));
          const want: Array<[string, number]> = [];
          if (model.length > 0) {
            if (rev) for (let i = start; i >= 0; i--) want.push([model[i], i]);
            else for (let i = start; i < model.length; i++) want.push([model[i], i]);
          }
          assert.deepEqual(seen, want, where);
        }
        assert.equal(l.length, model.length, where);
      }
      assert.deepEqual(l.toArray(), model, `seed ${seed} round ${round}`);
      assert.deepEqual(l.clone().toArray(), model);
    }
  });

  it('fromArray keeps order and switches to nodes past FLAT_MAX', () => {
    const small = ListValue.fromArray(['a', 'b']);
    assert.deepEqual(small.toArray(), ['a', 'b']);
    assert.equal(small.isFlat, true);
    const items = Array.from({ length: FLAT_MAX + 1 }, (_, i) => `v${i}`);
    const big = ListValue.fromArray(items.slice());
    assert.equal(big.isFlat, false);
    assert.deepEqual(big.toArray(), items);
    big.pushHead('h');
    assert.equal(big.get(0), 'h');
    assert.equal(big.get(FLAT_MAX + 1), `v${FLAT_MAX}`);
  });

  it('clone is deep', () => {
    const l = listOf(Array.from({ length: 500 }, (_, i) => String(i)));
    const c = l.clone();
    c.set(0, 'x');
    c.pushTail('y');
    assert.equal(l.get(0), '0');
    assert.equal(l.length, 500);
    assert.equal(c.length, 501);
  });

  it('push and pop at both ends stay O(1): time per op at 1e6 elements close to 1e3', () => {
    /** Nanoseconds per (pushHead + pushTail + popHead + popTail) on a list of `size`. */
    function perOp(size: number, ops: number): number {
      const l = new ListValue();
      for (let i = 0; i < size; i++) l.pushTail('x');
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < ops; i++) {
        l.pushHead('a');
        l.pushTail('b');
        l.popHead();
        l.popTail();
        // Also walk the ends past node boundaries.
        if ((i & 255) === 0) for (let j = 0; j < NODE_MAX + 1; j++) l.pushHead('c');
        if ((i & 255) === 128) for (let j = 0; j < NODE_MAX + 1; j++) l.popHead();
      }
      return Number(process.hrtime.bigint() - t0) / ops;
    }
    perOp(1000, 20000); // warm-up (JIT)
    const small = Math.min(perOp(1000, 100000), perOp(1000, 100000));
    const big = Math.min(perOp(1_000_000, 100000), perOp(1_000_000, 100000));
    // An O(n) end operation would be ~1000x slower on the big list; allow noise.
    if (process.env.LIST_TIMING) console.log(`per-op ns: ${small.toFixed(1)} vs ${big.toFixed(1)}`);
    assert.ok(big < small * 8 + 200, `per-op ns: 1e3 elements ${small.toFixed(1)}, 1e6 elements ${big.toFixed(1)}`);
  });
});
