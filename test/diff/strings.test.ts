import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import type { ObjectValue } from '../../src/types/value.js';
import { stringEncoding } from '../../src/types/strings.js';
import assert from 'node:assert/strict';

const BIN = 'a\x00b\xff\r\nc';
const I64MAX = '9223372036854775807';
const I64MIN = '-9223372036854775808';

describe('differential: string commands', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let p: Pair;
  before(async () => {
    env = await DiffEnv.start();
    p = env.pair;
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  /**
   * A non-string key on both servers. Lists may not exist in respite yet, so
   * its side gets a stand-in object value directly in the keyspace: every
   * command here only checks the type.
   */
  async function makeList(key: string): Promise<void> {
    await p.redis.call('DEL', key);
    assert.equal(await p.redis.call('RPUSH', key, 'x'), ':1\r\n');
    env.server.server.dbs[0].set(key, { type: 'list', encoding: () => 'listpack', clone() { return this; } } satisfies ObjectValue);
  }

  it('GET and SET basics, binary keys and values', async () => {
    await p.same('SET', BIN, BIN);
    await p.same('GET', BIN);
    await p.same('SET', 'e', '');
    await p.same('GET', 'e');
    await p.same('GET', 'missing');
    await p.same('SET', 'k', 'v', 'nx');
    await p.same('SET', 'k', 'v', 'xx');
    await p.same('SET', 'k2', 'v', 'XX');
    await p.same('GET', 'k2');
  });

  it('SET options: conflicts, GET, NX+GET, repeated options', async () => {
    await p.same('SET', 'k', 'v1');
    await p.same('SET', 'k', 'v2', 'GET');
    await p.same('SET', 'k', 'v3', 'NX', 'GET');
    await p.same('SET', 'new', 'v', 'NX', 'GET');
    await p.same('GET', 'new');
    await p.same('SET', 'k', 'v4', 'XX', 'GET');
    await p.same('SET', 'none', 'v', 'XX', 'GET');
    await p.same('SET', 'k', 'v', 'NX', 'XX');
    await p.same('SET', 'k', 'v', 'XX', 'NX');
    await p.same('SET', 'k', 'v', 'NX', 'NX');
    await p.same('SET', 'k', 'v', 'GET', 'GET');
    await p.same('SET', 'k', 'v', 'EX', '10', 'PX', '100');
    await p.same('SET', 'k', 'v', 'EX', '10', 'EX', '20');
    await p.same('TTL', 'k');
    await p.same('SET', 'k', 'v', 'EX', '10', 'KEEPTTL');
    await p.same('SET', 'k', 'v', 'KEEPTTL', 'EX', '10');
    await p.same('SET', 'k', 'v', 'EX');
    await p.same('SET', 'k', 'v', 'EXAT');
    await p.same('SET', 'k', 'v', 'FOO');
    await p.same('SET', 'k', 'v', 'EX', 'abc', 'NX', 'XX');
    await p.same('SET', 'k', 'v', 'NX\x00junk');
    await p.same('SET', 'k', 'v', 'KEEPTTL', 'KEEPTTL');
  });

  it('SET expiry validation and edge values', async () => {
    for (const unit of ['EX', 'PX', 'EXAT', 'PXAT']) {
      for (const n of ['0', '-1', 'abc', '1.5', ' 1', I64MAX, I64MIN, '9223372036854775', '9223372036854776', '99999999999999999999']) {
        await p.same('SET', 'k', 'v', unit, n);
      }
    }
    await p.same('SET', 'k', 'v', 'PXAT', '1');
    await p.same('GET', 'k');
    await p.same('SET', 'k', 'v', 'EXAT', '1', 'GET');
    await p.same('EXISTS', 'k');
    await p.same('SET', 'k', 'v', 'EX', '1000');
    await p.same('TTL', 'k');
    await p.same('SET', 'k', 'w', 'KEEPTTL');
    await p.same('TTL', 'k');
    await p.same('SET', 'k', 'w');
    await p.same('TTL', 'k');
    await p.same('SET', 'k', 'v', 'px', '5000000');
    await p.same('TTL', 'k');
    await p.same('SET', 'k', 'v', 'exat', String(Math.floor(Date.now() / 1000) + 5000));
    await p.same('TTL', 'k');
  });

  it('WRONGTYPE across the family (list stand-in)', async () => {
    await makeList('l');
    await p.same('GET', 'l');
    await p.same('SET', 'l', 'v', 'GET');
    await p.same('SET', 'l', 'v', 'EX', '0', 'GET');
    await p.same('SET', 'l', 'v', 'NX', 'GET');
    await p.same('GETSET', 'l', 'v');
    await p.same('GETDEL', 'l');
    await p.same('GETEX', 'l', 'EX', '0');
    await p.same('GETEX', 'l', 'BAD');
    await p.same('APPEND', 'l', 'x');
    await p.same('STRLEN', 'l');
    await p.same('GETRANGE', 'l', '0', '1');
    await p.same('GETRANGE', 'l', 'x', '1');
    await p.same('SETRANGE', 'l', '0', 'x');
    await p.same('SETRANGE', 'l', '0', '');
    await p.same('SETRANGE', 'l', '-1', 'x');
    await p.same('INCR', 'l');
    await p.same('INCRBY', 'l', 'x');
    await p.same('DECRBY', 'l', I64MIN);
    await p.same('INCRBYFLOAT', 'l', 'abc');
    await p.same('MGET', 'l', 'missing', 'l');
    await p.same('LCS', 'l', 'missing');
    await p.same('LCS', 'missing', 'l', 'BAD');
    await p.same('SETNX', 'l', 'v');
    await p.same('MSETNX', 'l', 'v', 'z', 'z');
    await p.same('EXISTS', 'z');
    await p.same('SET', 'l', 'v', 'XX');
    await p.same('GET', 'l');
    // Plain writes replace a value of any type.
    for (const cmd of [['SETEX', 'm', '100', 'v'], ['PSETEX', 'm', '100000', 'v'], ['MSET', 'm', 'v'], ['SET', 'm', 'v', 'EX', '100']]) {
      await makeList('m');
      await p.same(...cmd);
      await p.same('GET', 'm');
    }
  });

  it('SETNX SETEX PSETEX GETSET GETDEL', async () => {
    await p.same('SETNX', 'k', 'v');
    await p.same('SETNX', 'k', 'w');
    await p.same('GET', 'k');
    for (const n of ['0', '-5', 'x', I64MAX, '9223372036854775', '9223372036854776']) {
      await p.same('SETEX', 'k', n, 'v');
      await p.same('PSETEX', 'k', n, 'v');
    }
    await p.same('SETEX', 'k', '100', BIN);
    await p.same('TTL', 'k');
    await p.same('PSETEX', 'k', '100000', 'w');
    await p.same('TTL', 'k');
    await p.same('GETSET', 'k', 'x');
    await p.same('TTL', 'k');
    await p.same('GETSET', 'nk', 'x');
    await p.same('GETDEL', 'nk');
    await p.same('GETDEL', 'nk');
    await p.same('EXISTS', 'nk');
  });

  it('GETEX options', async () => {
    await p.same('SET', 'k', 'v');
    await p.same('GETEX', 'k');
    await p.same('GETEX', 'missing', 'EX', '0');
    await p.same('GETEX', 'missing', 'EX', 'abc', 'PERSIST');
    await p.same('GETEX', 'k', 'EX', '0');
    await p.same('GETEX', 'k', 'EX', 'abc');
    await p.same('GETEX', 'k', 'NX');
    await p.same('GETEX', 'k', 'KEEPTTL');
    await p.same('GETEX', 'k', 'GET');
    await p.same('GETEX', 'k', 'PERSIST', 'EX', '10');
    await p.same('GETEX', 'k', 'EX', '10', 'PERSIST');
    await p.same('GETEX', 'k', 'EX', '10', 'PX', '10');
    await p.same('GETEX', 'k', 'EX');
    await p.same('GETEX', 'k', 'EX', '1000');
    await p.same('TTL', 'k');
    await p.same('GETEX', 'k', 'PX', '2000000');
    await p.same('TTL', 'k');
    await p.same('GETEX', 'k', 'PERSIST');
    await p.same('TTL', 'k');
    await p.same('GETEX', 'k', 'PERSIST', 'PERSIST');
    await p.same('GETEX', 'k', 'EXAT', String(Math.floor(Date.now() / 1000) + 3000));
    await p.same('TTL', 'k');
    await p.same('GETEX', 'k', 'EX', I64MAX);
    await p.same('GETEX', 'k', 'EX', '9223372036854775');
    await p.same('GETEX', 'k', 'PXAT', '1');
    await p.same('EXISTS', 'k');
    await p.same('SET', 'k', 'v');
    await p.same('GETEX', 'k', 'EXAT', '1');
    await p.same('GET', 'k');
  });

  it('MGET MSET MSETNX', async () => {
    await p.same('MSET', 'a', '1', 'b', '2', BIN, BIN);
    await p.same('MGET', 'a', 'b', 'c', BIN, 'a');
    await p.same('MSET', 'a', '1', 'b');
    await p.same('MSETNX', 'a', '1', 'b');
    await p.same('MSETNX', 'x', '1', 'a', '2');
    await p.same('EXISTS', 'x');
    await p.same('MSETNX', 'x', '1', 'y', '2', 'x', '3');
    await p.same('MGET', 'x', 'y');
    await p.same('SET', 't', 'v', 'EX', '100');
    await p.same('MSET', 't', 'w');
    await p.same('TTL', 't');
  });

  it('APPEND and STRLEN', async () => {
    await p.same('APPEND', 'k', 'hello');
    await p.same('APPEND', 'k', ' world');
    await p.same('APPEND', 'k', '');
    await p.same('APPEND', 'k', BIN);
    await p.same('GET', 'k');
    await p.same('STRLEN', 'k');
    await p.same('STRLEN', 'missing');
    await p.same('APPEND', 'e', '');
    await p.same('EXISTS', 'e');
    await p.same('SET', 'n', '12');
    await p.same('APPEND', 'n', '3');
    await p.same('INCR', 'n');
    await p.same('SET', 't', 'v', 'EX', '100');
    await p.same('APPEND', 't', 'w');
    await p.same('TTL', 't');
  });

  it('GETRANGE and SUBSTR index rules', async () => {
    await p.same('SET', 'k', 'Hello, World');
    const idx = ['0', '1', '-1', '-2', '5', '11', '12', '100', '-100', '-12', '-13', I64MAX, I64MIN, '-9223372036854775807'];
    for (const a of idx) for (const b of idx) await p.same('GETRANGE', 'k', a, b);
    await p.same('SUBSTR', 'k', '0', '4');
    await p.same('GETRANGE', 'missing', '0', '-1');
    await p.same('GETRANGE', 'k', 'x', '1');
    await p.same('GETRANGE', 'k', '1', '1.5');
    await p.same('SET', 'e', '');
    await p.same('GETRANGE', 'e', '0', '-1');
    await p.same('GETRANGE', 'e', '-1', '0');
    await p.same('SET', 'n', '-12345');
    await p.same('GETRANGE', 'n', '1', '2');
  });

  it('SETRANGE: padding, offsets, limits', async () => {
    await p.same('SETRANGE', 'k', '5', 'abc');
    await p.same('GET', 'k');
    await p.same('SETRANGE', 'k', '0', 'XY');
    await p.same('SETRANGE', 'k', '7', 'ZZZZ');
    await p.same('SETRANGE', 'k', '2', BIN);
    await p.same('GET', 'k');
    await p.same('SETRANGE', 'k', '1', '');
    await p.same('SETRANGE', 'missing', '10', '');
    await p.same('EXISTS', 'missing');
    await p.same('SETRANGE', 'k', '-1', 'x');
    await p.same('SETRANGE', 'k', 'x', 'x');
    await p.same('SETRANGE', 'k', I64MAX, 'x');
    await p.same('SETRANGE', 'missing', '536870912', 'x');
    await p.same('SETRANGE', 'k', '536870912', 'x');
    await p.same('SETRANGE', 'missing', I64MAX, '');
    await p.same('SET', 't', 'v', 'EX', '100');
    await p.same('SETRANGE', 't', '3', 'w');
    await p.same('TTL', 't');
    await p.same('GET', 't');
  });

  it('INCR DECR INCRBY DECRBY at int64 edges', async () => {
    await p.same('INCR', 'k');
    await p.same('DECR', 'k');
    await p.same('DECR', 'k');
    await p.same('INCRBY', 'k', '100');
    await p.same('DECRBY', 'k', '-50');
    await p.same('SET', 'k', String(2 ** 53));
    await p.same('INCR', 'k');
    await p.same('INCRBY', 'k', String(2 ** 53));
    await p.same('SET', 'k', I64MAX);
    await p.same('INCR', 'k');
    await p.same('INCRBY', 'k', '0');
    await p.same('DECRBY', 'k', I64MAX);
    await p.same('SET', 'k', I64MIN);
    await p.same('DECR', 'k');
    await p.same('INCRBY', 'k', I64MAX);
    await p.same('INCRBY', 'k', I64MIN);
    await p.same('DECRBY', 'k', I64MIN);
    await p.same('DECRBY', 'missing', I64MIN);
    await p.same('DECRBY', 'k', '-9223372036854775807');
    await p.same('INCRBY', 'k', '9223372036854775808');
    await p.same('INCRBY', 'k', '1.0');
    await p.same('INCRBY', 'k', '+1');
    await p.same('INCRBY', 'k', '01');
    await p.same('INCRBY', 'k', ' 1');
    for (const v of ['abc', '', ' 1', '1 ', '+1', '01', '-0', '1.0', '9223372036854775808', '1\x00', '0x10']) {
      await p.same('SET', 'v', v);
      await p.same('INCR', 'v');
    }
    await p.same('SET', 't', '5', 'EX', '100');
    await p.same('INCR', 't');
    await p.same('TTL', 't');
  });

  it('INCRBYFLOAT: long double results, errors, TTL kept', async () => {
    const cases: Array<[string, string]> = [
      ['10.5', '0.1'],
      ['0.1', '0.2'],
      ['1', '1'],
      ['3.0e3', '2.0e2'],
      ['5.0e3', '-5000'],
      ['-1', '0.999999999999999999999'],
      ['1e-20', '1e-20'],
      ['0.000003814697265625', '0'],
      ['1e4000', '0'],
      [I64MAX, '1'],
      ['0x1p3', '.5'],
      ['1', '0x10'],
      ['inf', '1'],
      ['1', 'inf'],
      ['1', '-inf'],
      ['1.7976931348623157e308', '1e308'],
      ['1e4932', '1e4932'],
      ['1', 'nan'],
      ['1', ''],
      ['1', ' 1'],
      ['1', '1 '],
      ['1', '1e'],
      ['1', '1e5000'],
      ['1', '1e-5000'],
      ['1', '1e-4950'],
      ['1', '0e99999999999999999'],
      ['abc', '1'],
      ['1\x00abc', '1'],
      ['-0', '0'],
      ['-0.00000000000000000001', '0'],
      ['123456789012345678901234567890', '1'],
      ['1.23456789012345678901234567890', '1'],
    ];
    for (const [a, b] of cases) {
      await p.same('SET', 'k', a);
      await p.same('INCRBYFLOAT', 'k', b);
      await p.same('GET', 'k');
    }
    await p.same('INCRBYFLOAT', 'new', '2.5');
    await p.same('INCRBYFLOAT', 'new', 'x');
    await p.same('INCRBYFLOAT', 'new', '-2.5');
    await p.same('SET', 't', '1', 'EX', '100');
    await p.same('INCRBYFLOAT', 't', '1.5');
    await p.same('TTL', 't');
  });

  it('LCS: text, LEN, IDX, MINMATCHLEN, WITHMATCHLEN, errors', async () => {
    await p.same('MSET', 'a', 'ohmytext', 'b', 'mynewtext');
    await p.same('LCS', 'a', 'b');
    await p.same('LCS', 'a', 'b', 'LEN');
    await p.same('LCS', 'a', 'b', 'IDX');
    await p.same('LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4');
    await p.same('LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN');
    await p.same('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '-3');
    await p.same('LCS', 'a', 'b', 'IDX', 'LEN');
    await p.same('LCS', 'a', 'b', 'LEN', 'WITHMATCHLEN');
    await p.same('LCS', 'a', 'b', 'MINMATCHLEN');
    await p.same('LCS', 'a', 'b', 'MINMATCHLEN', 'x');
    await p.same('LCS', 'a', 'b', 'FOO');
    await p.same('LCS', 'a', 'missing');
    await p.same('LCS', 'a', 'missing', 'IDX');
    await p.same('LCS', 'missing', 'missing2', 'LEN');
    await p.same('MSET', 'x', 'abcabcabcXYZ\x00\xff', 'y', 'cbacba\x00\xffXYabc');
    await p.same('LCS', 'x', 'y');
    await p.same('LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN');
    await p.same('LCS', 'a', 'a', 'IDX');
  });

  it('RESP3 replies (HELLO 3)', async () => {
    const q = await env.connect();
    await q.both('HELLO', '3');
    await q.same('SET', 'k', 'v', 'GET');
    await q.same('GET', 'missing');
    await q.same('MGET', 'k', 'missing');
    await q.same('MSET', 'a', 'ohmytext', 'b', 'mynewtext');
    await q.same('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN');
    await q.same('LCS', 'a', 'b', 'LEN');
    await q.same('INCRBYFLOAT', 'f', '1.1');
    await q.same('GETEX', 'missing');
    await q.same('GETDEL', 'missing');
    await q.same('SETNX', 'k', 'x');
  });

  it('proto-max-bulk-len bounds APPEND and SETRANGE', async () => {
    // CONFIG SET may not exist in respite yet: set its config directly.
    const setLimit = async (v: string) => {
      assert.equal(await p.redis.call('CONFIG', 'SET', 'proto-max-bulk-len', v), '+OK\r\n');
      env.server.server.config.set('proto-max-bulk-len', v);
    };
    await setLimit('1048576');
    try {
      await p.same('SETRANGE', 'k', '1048575', 'x');
      await p.same('STRLEN', 'k');
      await p.same('SETRANGE', 'k', '1048576', 'x');
      await p.same('SETRANGE', 'k', '1048575', 'xy');
      await p.same('APPEND', 'k', 'x');
      await p.same('APPEND', 'k', '');
      await p.same('SETRANGE', 'j', '1048570', 'abcdef');
      await p.same('SETRANGE', 'j', '1048570', 'abcdefg');
      await p.same('APPEND', 'j', 'z');
      await p.same('SET', 'a', 'x'.repeat(1000));
      await p.same('LCS', 'a', 'a', 'LEN');
      await p.same('SET', 'b', 'x'.repeat(600));
      await p.same('LCS', 'a', 'b', 'LEN');
    } finally {
      await setLimit('536870912');
    }
  });

  it('OBJECT ENCODING of strings after each kind of write (stringEncoding vs oracle)', async () => {
    const db = env.server.server.dbs[0];
    const enc = async (k: string) => {
      const want = await p.redis.call('OBJECT', 'ENCODING', k);
      const v = db.peek(k);
      assert.equal(typeof v, 'string');
      const got = stringEncoding(v as string, db, k);
      assert.equal(`$${got.length}\r\n${got}\r\n`, want, `encoding of ${k}`);
    };
    await p.same('SET', 'i', '12345');
    await enc('i');
    await p.same('SET', 'i', I64MAX);
    await enc('i');
    await p.same('SET', 'i', '9223372036854775808');
    await enc('i');
    await p.same('SET', 's', 'x'.repeat(44));
    await enc('s');
    await p.same('SET', 's', 'x'.repeat(45));
    await enc('s');
    await p.same('APPEND', 'a', '1');
    await enc('a');
    await p.same('APPEND', 'a', '2');
    await enc('a');
    await p.same('SET', 'a', '12');
    await enc('a');
    await p.same('SETRANGE', 'r', '0', 'x');
    await enc('r');
    await p.same('SET', 'r2', '7');
    await p.same('SETRANGE', 'r2', '0', '');
    await enc('r2');
    await p.same('SETRANGE', 'r2', '0', '8');
    await enc('r2');
    await p.same('INCR', 'r2');
    await enc('r2');
    await p.same('INCRBYFLOAT', 'f', '3');
    await enc('f');
    await p.same('INCRBYFLOAT', 'f', '0.5');
    await enc('f');
    await p.same('MSET', 'm1', '5', 'm2', 'five');
    await enc('m1');
    await enc('m2');
    await p.same('APPEND', 'r', 'y');
    await p.same('DEL', 'r');
    await p.same('SET', 'r', 'y');
    await enc('r');
    await p.same('SETRANGE', 'r', '0', 'z');
    await p.same('SET', 'r', 'v', 'KEEPTTL');
    await enc('r');
    await p.same('SETRANGE', 'x', '0', 'z');
    await p.same('SET', 'x', 'v', 'PX', '1');
    await new Promise((r) => setTimeout(r, 5));
    await p.same('GET', 'x');
    await p.same('SET', 'x', 'w');
    await enc('x');
    await p.same('SETRANGE', 'y', '0', 'z');
    await p.same('GETSET', 'y', 'w');
    await enc('y');
    await p.same('SETRANGE', 'y', '0', 'z');
    await p.same('FLUSHALL');
    await p.same('SET', 'y', 'w');
    await enc('y');
  });

  it('OBJECT ENCODING command agrees for strings', async () => {
    await p.same('SET', 'i', '12345');
    await p.same('OBJECT', 'ENCODING', 'i');
    await p.same('APPEND', 'i', '6');
    await p.same('OBJECT', 'ENCODING', 'i');
    await p.same('INCRBYFLOAT', 'f', '3');
    await p.same('OBJECT', 'ENCODING', 'f');
    await p.same('SETRANGE', 'r', '2', 'ab');
    await p.same('OBJECT', 'ENCODING', 'r');
    await p.same('INCR', 'r2');
    await p.same('APPEND', 'r2', '5');
    await p.same('OBJECT', 'ENCODING', 'r2');
    await p.same('INCR', 'r2');
    await p.same('OBJECT', 'ENCODING', 'r2');
  });
});
