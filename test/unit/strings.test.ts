import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Database, type KeyspaceHost } from '../../src/keyspace/db.js';
import { lcs, noteEncoding, stringEncoding, stringRange } from '../../src/types/strings.js';

function makeDb(): Database {
  const host: KeyspaceHost = { now: () => 1000, keyExpired: () => {}, stats: { keyspaceHits: 0, keyspaceMisses: 0 } };
  return new Database(0, host);
}

describe('stringEncoding (OBJECT ENCODING facts read from redis 7.0.15)', () => {
  const facts: Array<[string, string]> = [
    ['12345', 'int'],
    ['0', 'int'],
    ['-1', 'int'],
    ['-9223372036854775808', 'int'],
    ['9223372036854775807', 'int'],
    ['12345678901234567890', 'embstr'],
    ['9223372036854775808', 'embstr'],
    ['-0', 'embstr'],
    ['', 'embstr'],
    ['+1', 'embstr'],
    ['01', 'embstr'],
    ['1 ', 'embstr'],
    ['x'.repeat(44), 'embstr'],
    ['x'.repeat(45), 'raw'],
  ];
  for (const [v, enc] of facts) {
    it(`SET k ${JSON.stringify(v.length > 20 ? v.slice(0, 8) + '...' : v)} -> ${enc}`, () => assert.equal(stringEncoding(v), enc));
  }

  it('APPEND/SETRANGE results stay raw until the key is overwritten, deleted or flushed', () => {
    const db = makeDb();
    db.set('a', '12');
    noteEncoding(db, 'a', '12', 'raw'); // APPEND a 2 on "1" -> raw in Redis
    assert.equal(stringEncoding('12', db, 'a'), 'raw');
    db.set('a', '12');
    assert.equal(stringEncoding('12', db, 'a'), 'int');
    noteEncoding(db, 'a', '12', 'raw');
    db.delete('a');
    db.set('a', 'x');
    assert.equal(stringEncoding('x', db, 'a'), 'embstr');
    noteEncoding(db, 'a', 'x', 'raw');
    db.clear();
    assert.equal(db.encodingOverrides, null);
  });

  it('INCRBYFLOAT results are embstr even when they look like integers', () => {
    const db = makeDb();
    db.set('f', '3');
    noteEncoding(db, 'f', '3', 'embstr');
    assert.equal(stringEncoding('3', db, 'f'), 'embstr');
  });

  it('records nothing when the default rule already gives the encoding', () => {
    const db = makeDb();
    noteEncoding(db, 'long', 'x'.repeat(60), 'raw');
    noteEncoding(db, 'f', '3.5', 'embstr');
    assert.equal(db.encodingOverrides, null);
  });

  it('an expired key loses its record', () => {
    let now = 1000;
    const db = new Database(0, { now: () => now, keyExpired: () => {}, stats: { keyspaceHits: 0, keyspaceMisses: 0 } });
    db.set('r', 'x');
    noteEncoding(db, 'r', 'x', 'raw');
    db.setExpire('r', 1500);
    now = 2000;
    assert.equal(db.get('r'), undefined);
    assert.equal(db.encodingOverrides?.has('r'), false);
  });
});

describe('stringRange (GETRANGE rules, replies read from redis 7.0.15)', () => {
  const s = 'Hello, World';
  const cases: Array<[number | bigint, number | bigint, string]> = [
    [0, 4, 'Hello'],
    [-5, -1, 'World'],
    [-1, -5, ''],
    [5, 3, ''],
    [0, -1, s],
    [-100, 100, s],
    [11, 100, 'd'],
    [12, 100, ''],
    [-9223372036854775807n, -9223372036854775808n, ''],
    [-9223372036854775808n, 9223372036854775807n, s],
  ];
  for (const [a, b, want] of cases) it(`GETRANGE ${a} ${b}`, () => assert.equal(stringRange(s, a, b), want));
  it('empty string gives empty', () => assert.equal(stringRange('', 0, -1), ''));
});

describe('lcs (results read from redis 7.0.15)', () => {
  it('ohmytext / mynewtext', () => {
    const r = lcs('ohmytext', 'mynewtext', 0, true, true);
    assert.equal(r.text, 'mytext');
    assert.equal(r.len, 6);
    assert.deepEqual(
      r.matches.map((m) => [m.aStart, m.aEnd, m.bStart, m.bEnd, m.len]),
      [
        [4, 7, 5, 8, 4],
        [2, 3, 0, 1, 2],
      ],
    );
  });

  it('abcabcabcXYZ / cbacbaXYabc with MINMATCHLEN 2', () => {
    assert.equal(lcs('abcabcabcXYZ', 'cbacbaXYabc', 0, true, false).text, 'cbacXY');
    const r = lcs('abcabcabcXYZ', 'cbacbaXYabc', 2, false, true);
    assert.deepEqual(
      r.matches.map((m) => [m.aStart, m.aEnd, m.bStart, m.bEnd]),
      [[9, 10, 6, 7]],
    );
    assert.equal(lcs('abcabcabcXYZ', 'cbacbaXYabc', 0, false, true).matches.length, 5);
  });

  it('empty inputs', () => {
    assert.deepEqual(lcs('', 'abc', 0, true, true), { len: 0, text: '', matches: [] });
  });
});
