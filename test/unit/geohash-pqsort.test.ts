/**
 * The partial quicksort GEO and SORT use (src/types/pqsort.ts): under a total
 * order, the requested slice must equal the same slice of a full sort (the
 * property Redis's pqsort guarantees); tie placement is checked against the
 * oracle in test/diff/geo.test.ts and test/diff/sort.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pqsort } from '../../src/types/pqsort.js';
import { Rng } from '../support/random.js';

describe('pqsort', () => {
  it('puts the same elements in the wanted slice as a full sort', () => {
    const r = new Rng(7);
    for (let round = 0; round < 300; round++) {
      const n = r.int(0, 200);
      const v = Array.from({ length: n }, () => r.int(-1000, 1000) + r.next());
      const full = [...v].sort((a, b) => a - b);
      const lo = r.int(0, Math.max(0, n - 1));
      const hi = r.int(lo, Math.max(lo, n - 1));
      pqsort(v, (a, b) => a - b, lo, hi);
      if (n > 0) assert.deepEqual(v.slice(lo, hi + 1), full.slice(lo, hi + 1), `round ${round}`);
      assert.deepEqual([...v].sort((a, b) => a - b), full);
    }
  });

  it('sorts completely when the slice is the whole array', () => {
    const r = new Rng(9);
    const v = Array.from({ length: 500 }, () => r.int(0, 50));
    const full = [...v].sort((a, b) => a - b);
    pqsort(v, (a, b) => a - b, 0, v.length - 1);
    assert.deepEqual(v, full);
  });
});
