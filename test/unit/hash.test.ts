import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HashValue } from '../../src/types/hash.js';

/**
 * Facts from redis.conf ("hash-max-listpack-entries", "hash-max-listpack-value")
 * and Redis 7.0's behaviour: a hash is a listpack (insertion order, which
 * HGETALL shows) while it has at most that many fields and no field or value
 * longer than that many bytes, and becomes a hashtable otherwise; the
 * conversion is one-way.
 */
const LIM = { entries: 4, value: 8 };

describe('HashValue', () => {
  it('listpack keeps insertion order; updates keep their place', () => {
    const h = new HashValue();
    assert.equal(h.set('z', '1', LIM), true);
    assert.equal(h.set('a', '2', LIM), true);
    assert.equal(h.set('m', '3', LIM), true);
    assert.equal(h.set('a', 'new', LIM), false);
    const seen: string[] = [];
    h.forEach((f, v) => seen.push(`${f}=${v}`));
    assert.deepEqual(seen, ['z=1', 'a=new', 'm=3']);
    assert.equal(h.delete('z'), true);
    assert.equal(h.delete('z'), false);
    h.set('z', 'back', LIM);
    const again: string[] = [];
    h.forEach((f) => again.push(f));
    assert.deepEqual(again, ['a', 'm', 'z']);
    assert.equal(h.encoding(), 'listpack');
  });

  it('converts past the entry limit, not at it', () => {
    const h = new HashValue();
    for (let i = 0; i < 4; i++) h.set(`f${i}`, 'v', LIM);
    assert.equal(h.encoding(), 'listpack');
    h.set('f0', 'again', LIM);
    assert.equal(h.encoding(), 'listpack');
    h.set('f4', 'v', LIM);
    assert.equal(h.encoding(), 'hashtable');
    for (let i = 0; i < 5; i++) h.delete(`f${i}`);
    assert.equal(h.size, 0);
    assert.equal(h.encoding(), 'hashtable');
  });

  it('converts when a field or a value is longer than the value limit', () => {
    for (const [f, v, enc] of [
      ['x'.repeat(8), 'v', 'listpack'],
      ['f', 'x'.repeat(8), 'listpack'],
      ['x'.repeat(9), 'v', 'hashtable'],
      ['f', 'x'.repeat(9), 'hashtable'],
    ]) {
      const h = new HashValue();
      h.set('a', '1', LIM);
      h.set(f, v, LIM);
      assert.equal(h.encoding(), enc, `${f.length}/${v.length}`);
      assert.equal(h.get(f), v);
      assert.equal(h.get('a'), '1');
    }
    const p = new HashValue();
    p.prepareFor(['h', 'f', 'short', 'g', 'x'.repeat(9)], 1, LIM);
    assert.equal(p.encoding(), 'hashtable');
  });

  it('hashtable: lookups, random fields, clone independence, scan returns everything', () => {
    const h = new HashValue();
    for (let i = 0; i < 3000; i++) h.set(`f${i}`, `v${i}`, LIM);
    assert.equal(h.encoding(), 'hashtable');
    assert.equal(h.get('f2999'), 'v2999');
    assert.equal(h.has('nope'), false);
    for (let i = 0; i < 50; i++) assert.match(h.randomField(), /^f\d+$/);
    const c = h.clone();
    h.delete('f0');
    assert.equal(c.get('f0'), 'v0');
    assert.equal(c.encoding(), 'hashtable');
    const seen = new Map<string, string>();
    let cursor = 0;
    do cursor = c.scan(cursor, 100, (f, v) => void seen.set(f, v));
    while (cursor !== 0);
    assert.equal(seen.size, 3000);
    assert.equal(seen.get('f123'), 'v123');
  });

  it('listpack scan is the whole hash in order with cursor 0', () => {
    const h = new HashValue();
    h.set('b', '1', LIM);
    h.set('a', '2', LIM);
    const got: string[] = [];
    assert.equal(h.scan(12345, 1, (f, v) => void got.push(f, v)), 0);
    assert.deepEqual(got, ['b', '1', 'a', '2']);
    const copy = h.clone();
    copy.set('c', '3', LIM);
    assert.equal(h.size, 2);
    assert.equal(copy.encoding(), 'listpack');
  });
});
