import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntSet } from '../../src/types/intset.js';
import { SetValue } from '../../src/types/set.js';
import { Rng, testSeed } from '../support/random.js';

/**
 * Facts from Redis's documentation and source layout that these tests hold
 * the set types to:
 * - an intset keeps its int64 members sorted and uses the smallest element
 *   width among 16, 32 and 64 bits that fits every member, upgrading the
 *   whole array when a wider value arrives and never downgrading;
 * - a set stays an intset while every member is an integer in radix 10
 *   within int64 (string2ll's canonical form: no '+', no leading zeros) and
 *   there are at most set-max-intset-entries members, and is a hashtable
 *   otherwise (redis.conf "set-max-intset-entries"); conversion is one-way.
 */
describe('IntSet', () => {
  it('keeps members sorted and unique against a reference, across widths', () => {
    const seed = testSeed(31);
    const r = new Rng(seed);
    const s = new IntSet();
    const ref = new Set<bigint>();
    const pick = (): bigint => {
      switch (r.int(0, 3)) {
        case 0:
          return BigInt(r.int(-40000, 40000));
        case 1:
          return BigInt(r.int(-3e9, 3e9));
        case 2:
          return BigInt(r.int(-(2 ** 53), 2 ** 53)) * BigInt(r.int(1, 1000));
        default:
          return r.pick([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n + 1n]);
      }
    };
    for (let i = 0; i < 5000; i++) {
      const v = pick();
      const n = Number.isSafeInteger(Number(v)) ? Number(v) : v;
      if (r.chance(0.7)) assert.equal(s.add(n), !ref.has(v), `seed ${seed}`), ref.add(v);
      else assert.equal(s.remove(n), ref.delete(v), `seed ${seed}`);
      assert.equal(s.size, ref.size);
    }
    const sorted = [...ref].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < s.size; i++) assert.equal(BigInt(s.at(i)), sorted[i]);
    for (const v of sorted.slice(0, 100)) assert.ok(s.has(Number.isSafeInteger(Number(v)) ? Number(v) : v));
  });

  it('upgrades the element width 2 -> 4 -> 8 bytes and never downgrades', () => {
    const s = new IntSet();
    s.add(1);
    s.add(-32768);
    s.add(32767);
    assert.equal(s.bytesPerElement, 2);
    s.add(32768);
    assert.equal(s.bytesPerElement, 4);
    s.add(-2147483649);
    assert.equal(s.bytesPerElement, 8);
    s.add(2n ** 63n - 1n);
    assert.equal(s.bytesPerElement, 8);
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => String(s.at(i))), ['-2147483649', '-32768', '1', '32767', '32768', '9223372036854775807']);
    s.remove(-2147483649);
    s.remove(2n ** 63n - 1n);
    s.remove(32768);
    assert.equal(s.bytesPerElement, 8);
    assert.equal(s.has(1), true);
  });

  it('clone is independent', () => {
    const s = new IntSet();
    for (let i = 0; i < 10; i++) s.add(i);
    const c = s.clone();
    c.add(100);
    s.remove(0);
    assert.equal(c.size, 11);
    assert.equal(s.size, 9);
    assert.equal(c.has(0), true);
  });
});

describe('SetValue', () => {
  it('starts as an intset only for a canonical int64 first member', () => {
    for (const m of ['0', '-1', '9223372036854775807', '-9223372036854775808']) assert.equal(SetValue.forMember(m).encoding(), 'intset', m);
    for (const m of ['01', '+1', '-0', ' 1', '1.0', '9223372036854775808', '', 'a']) assert.equal(SetValue.forMember(m).encoding(), 'hashtable', m);
  });

  it('converts to a hashtable on a non-integer or past the entry limit, one way', () => {
    const s = SetValue.forMember('1');
    for (let i = 0; i < 4; i++) assert.equal(s.add(String(i), 4), true);
    assert.equal(s.add('3', 4), false);
    assert.equal(s.encoding(), 'intset');
    s.add('4', 4);
    assert.equal(s.encoding(), 'hashtable');
    for (let i = 0; i < 5; i++) assert.equal(s.remove(String(i)), true);
    assert.equal(s.size, 0);
    assert.equal(s.encoding(), 'hashtable');
    const t = SetValue.forMember('1');
    t.add('1', 512);
    t.add('x', 512);
    assert.equal(t.encoding(), 'hashtable');
    assert.equal(t.has('1'), true);
    assert.equal(t.has('x'), true);
  });

  it('intset membership is textual: non-canonical forms are other members', () => {
    const s = SetValue.forMember('5');
    s.add('5', 512);
    assert.equal(s.has('5'), true);
    for (const m of ['05', '+5', '5.0', ' 5']) assert.equal(s.has(m), false, m);
    assert.equal(s.remove('05'), false);
    // Adding one converts the set; both are then distinct members.
    assert.equal(s.add('05', 512), true);
    assert.deepEqual(s.members().sort(), ['05', '5']);
  });

  it('iterates an intset in ascending order', () => {
    const s = SetValue.empty();
    for (const m of ['30', '-2', '100000', '7', '-9223372036854775808']) s.add(m, 512);
    assert.deepEqual([...s], ['-9223372036854775808', '-2', '7', '30', '100000']);
  });

  it('random and pop return members; pop removes them; clone is independent', () => {
    for (const first of ['1', 'a']) {
      const s = SetValue.forMember(first);
      const all = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const m = first === '1' ? String(i * 3) : `m${i}`;
        s.add(m, 1000);
        all.add(m);
      }
      const copy = s.clone();
      for (let i = 0; i < 50; i++) assert.ok(all.has(s.random()));
      const popped = new Set<string>();
      for (let i = 0; i < 200; i++) popped.add(s.pop());
      assert.equal(popped.size, 200);
      assert.deepEqual([...popped].sort(), [...all].sort());
      assert.equal(s.size, 0);
      assert.equal(copy.size, 200);
      assert.equal(copy.encoding(), s.encoding());
    }
  });

  it('SSCAN over a hashtable returns every member (Redis SCAN guarantee)', () => {
    const s = SetValue.forMember('x');
    for (let i = 0; i < 5000; i++) s.add(`m${i}`, 512);
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = s.scan(cursor, 100, (m) => void seen.add(m));
      calls++;
      // Growth during the scan must not hide members present from the start.
      if (calls === 5) for (let i = 5000; i < 8000; i++) s.add(`m${i}`, 512);
    } while (cursor !== 0);
    for (let i = 0; i < 5000; i++) assert.ok(seen.has(`m${i}`));
    assert.ok(calls > 10);
  });
});
