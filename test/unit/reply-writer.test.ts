/**
 * ReplyWriter encodings, RESP2 vs RESP3, as the RESP specification and Redis
 * 7.0 emit them (e.g. a nil is `$-1` in RESP2 and `_` in RESP3, a map is a
 * flat array of 2n in RESP2, a double is a bulk string in RESP2).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplyWriter } from '../../src/protocol/reply-writer.js';
import { readReply } from '../../src/protocol/resp-reader.js';

function w(resp: 2 | 3, f: (x: ReplyWriter) => void): string {
  const x = new ReplyWriter();
  x.resp = resp;
  f(x);
  return x.out;
}

describe('ReplyWriter', () => {
  it('scalars are the same in RESP2 and RESP3', () => {
    for (const r of [2, 3] as const) {
      assert.equal(w(r, (x) => x.ok()), '+OK\r\n');
      assert.equal(w(r, (x) => x.simple('PONG')), '+PONG\r\n');
      assert.equal(w(r, (x) => x.error('ERR boom')), '-ERR boom\r\n');
      assert.equal(w(r, (x) => x.integer(-42)), ':-42\r\n');
      assert.equal(w(r, (x) => x.integer(9223372036854775807n)), ':9223372036854775807\r\n');
      assert.equal(w(r, (x) => x.bulk('')), '$0\r\n\r\n');
      assert.equal(w(r, (x) => x.bulk('a\r\nb')), '$4\r\na\r\nb\r\n');
      assert.equal(w(r, (x) => x.bulks(['a', 'bc'])), '*2\r\n$1\r\na\r\n$2\r\nbc\r\n');
    }
  });

  it('bulk lengths count bytes (latin1 chars), not UTF-16 code units of decoded text', () => {
    const s = Buffer.from('é€', 'utf8').toString('latin1');
    assert.equal(w(2, (x) => x.bulk(s)), `$5\r\n${s}\r\n`);
  });

  it('nulls', () => {
    assert.equal(w(2, (x) => x.nil()), '$-1\r\n');
    assert.equal(w(3, (x) => x.nil()), '_\r\n');
    assert.equal(w(2, (x) => x.nilArray()), '*-1\r\n');
    assert.equal(w(3, (x) => x.nilArray()), '_\r\n');
  });

  it('aggregates', () => {
    assert.equal(w(2, (x) => x.map(2)), '*4\r\n');
    assert.equal(w(3, (x) => x.map(2)), '%2\r\n');
    assert.equal(w(2, (x) => x.set(3)), '*3\r\n');
    assert.equal(w(3, (x) => x.set(3)), '~3\r\n');
    assert.equal(w(2, (x) => x.push(3)), '*3\r\n');
    assert.equal(w(3, (x) => x.push(3)), '>3\r\n');
    assert.equal(w(2, (x) => x.array(0)), '*0\r\n');
  });

  it('doubles, booleans and verbatim strings', () => {
    assert.equal(w(2, (x) => x.double(1.5)), '$3\r\n1.5\r\n');
    assert.equal(w(3, (x) => x.double(1.5)), ',1.5\r\n');
    assert.equal(w(3, (x) => x.double(0.1)), ',0.10000000000000001\r\n');
    assert.equal(w(3, (x) => x.double(Infinity)), ',inf\r\n');
    assert.equal(w(2, (x) => x.double(-Infinity)), '$4\r\n-inf\r\n');
    assert.equal(w(2, (x) => x.bool(true)), ':1\r\n');
    assert.equal(w(2, (x) => x.bool(false)), ':0\r\n');
    assert.equal(w(3, (x) => x.bool(true)), '#t\r\n');
    assert.equal(w(3, (x) => x.bool(false)), '#f\r\n');
    assert.equal(w(2, (x) => x.verbatim('hello')), '$5\r\nhello\r\n');
    assert.equal(w(3, (x) => x.verbatim('hello')), '=9\r\ntxt:hello\r\n');
  });

  it('value() re-encodes a parsed RESP3 tree for RESP3 unchanged and downgrades it for RESP2', () => {
    const raw = '%2\r\n+a\r\n~2\r\n:1\r\n#t\r\n$1\r\nb\r\n*3\r\n,2.5\r\n_\r\n=7\r\ntxt:xyz\r\n';
    const parsed = readReply(Buffer.from(raw, 'latin1'));
    assert.ok(parsed !== null);
    assert.equal(w(3, (x) => x.value(parsed[0])), raw);
    assert.equal(w(2, (x) => x.value(parsed[0])), '*4\r\n+a\r\n*2\r\n:1\r\n:1\r\n$1\r\nb\r\n*3\r\n$3\r\n2.5\r\n$-1\r\n$3\r\nxyz\r\n');
  });
});
