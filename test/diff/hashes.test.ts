import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { readReply, type RespValue } from '../../src/protocol/resp-reader.js';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

const BIN = 'a\x00b\xff\r\nc';
const I64MAX = '9223372036854775807';
const I64MIN = '-9223372036854775808';

function parse(raw: string): RespValue {
  return readReply(Buffer.from(raw, 'latin1'))![0];
}

function items(v: RespValue): RespValue[] {
  assert.ok((v.t === 'array' || v.t === 'set') && v.v !== null, `not an array: ${JSON.stringify(v)}`);
  return v.v;
}

function str(v: RespValue): string {
  assert.ok(v.t === 'bulk' && v.v !== null, `not a bulk: ${JSON.stringify(v)}`);
  return v.v;
}

describe('differential: hash commands', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let p: Pair;
  let p3: Pair;
  before(async () => {
    env = await DiffEnv.start();
    p = env.pair;
    p3 = await env.connect();
    await p3.both('HELLO', '3');
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  /** Runs a sequence on the RESP2 pair and then, after a flush, on the RESP3 pair. */
  async function bothProtocols(body: (q: Pair) => Promise<void>): Promise<void> {
    await body(p);
    await env.reset();
    await body(p3);
  }

  it('HSET HMSET HSETNX HGET HMGET: replies, binary data, arity and type errors', async () => {
    await bothProtocols(async (q) => {
      await q.same('HSET', 'h', 'f', 'v');
      await q.same('HSET', 'h', 'f', 'v2', 'g', 'w', 'f', 'v3');
      await q.same('HSET', 'h', BIN, BIN, '', '');
      await q.same('HGET', 'h', 'f');
      await q.same('HGET', 'h', BIN);
      await q.same('HGET', 'h', '');
      await q.same('HGET', 'h', 'nope');
      await q.same('HGET', 'nokey', 'f');
      await q.same('HMGET', 'h', 'f', 'nope', BIN, 'g');
      await q.same('HMGET', 'nokey', 'a', 'b');
      await q.same('HMSET', 'h', 'x', '1', 'y', '2');
      await q.same('HMSET', 'h', 'x');
      await q.same('HMSET', 'h', 'x', '1', 'y');
      await q.same('HSET', 'h', 'x', '1', 'y');
      await q.same('HSET', 'h', 'x');
      await q.same('HSETNX', 'h', 'x', 'new');
      await q.same('HSETNX', 'h', 'z', 'new');
      await q.same('HSETNX', 'fresh', 'z', 'new');
      await q.same('HGETALL', 'h');
      await q.same('HGETALL', 'fresh');
      await q.same('SET', 'str', 'x');
      for (const cmd of [
        ['HSET', 'str', 'a', 'b'],
        ['HMSET', 'str', 'a', 'b'],
        ['HSETNX', 'str', 'a', 'b'],
        ['HGET', 'str', 'a'],
        ['HMGET', 'str', 'a'],
        ['HDEL', 'str', 'a'],
        ['HLEN', 'str'],
        ['HSTRLEN', 'str', 'a'],
        ['HEXISTS', 'str', 'a'],
        ['HINCRBY', 'str', 'a', '1'],
        ['HINCRBYFLOAT', 'str', 'a', '1'],
        ['HKEYS', 'str'],
        ['HVALS', 'str'],
        ['HGETALL', 'str'],
        ['HRANDFIELD', 'str'],
        ['HRANDFIELD', 'str', '0'],
        ['HRANDFIELD', 'str', '2', 'WITHVALUES'],
        ['HSCAN', 'str', '0'],
      ]) {
        await q.same(...cmd);
      }
      await q.same('GET', 'str');
    });
  });

  it('HDEL HLEN HSTRLEN HEXISTS; the key goes away with its last field', async () => {
    await bothProtocols(async (q) => {
      await q.same('HSET', 'h', 'a', '1', 'b', '22', 'c', BIN);
      await q.same('HLEN', 'h');
      await q.same('HLEN', 'nokey');
      await q.same('HSTRLEN', 'h', 'b');
      await q.same('HSTRLEN', 'h', 'c');
      await q.same('HSTRLEN', 'h', 'zz');
      await q.same('HSTRLEN', 'nokey', 'zz');
      await q.same('HEXISTS', 'h', 'a');
      await q.same('HEXISTS', 'h', 'zz');
      await q.same('HEXISTS', 'nokey', 'a');
      await q.same('HDEL', 'h', 'zz');
      await q.same('HDEL', 'h', 'a', 'a', 'zz');
      await q.same('HDEL', 'nokey', 'a');
      await q.same('HDEL', 'h', 'b', 'c', 'd');
      await q.same('EXISTS', 'h');
      await q.same('HLEN', 'h');
    });
  });

  it('HINCRBY: int64 edges, overflow, invalid values and increments', async () => {
    await bothProtocols(async (q) => {
      await q.same('HINCRBY', 'h', 'n', '5');
      await q.same('HINCRBY', 'h', 'n', '-10');
      await q.same('HINCRBY', 'h', 'max', I64MAX);
      await q.same('HINCRBY', 'h', 'max', '1');
      await q.same('HINCRBY', 'h', 'max', '0');
      await q.same('HINCRBY', 'h', 'min', I64MIN);
      await q.same('HINCRBY', 'h', 'min', '-1');
      await q.same('HINCRBY', 'h', 'min', I64MAX);
      await q.same('HINCRBY', 'h', 'big', '9007199254740993');
      await q.same('HINCRBY', 'h', 'big', '9007199254740993');
      await q.same('HGET', 'h', 'big');
      for (const bad of ['abc', '1.5', ' 1', '01', '+1', '', '9223372036854775808', '-9223372036854775809']) {
        await q.same('HINCRBY', 'h', 'n', bad);
      }
      for (const stored of ['abc', '1.5', ' 1', '01', '', '9223372036854775808', '1e3']) {
        await q.same('HSET', 'h', 's', stored);
        await q.same('HINCRBY', 'h', 's', '1');
      }
      await q.same('HGETALL', 'h');
      await q.same('SET', 'str', 'x');
      // The increment is parsed before the key's type is checked.
      await q.same('HINCRBY', 'str', 'f', 'abc');
      await q.same('HINCRBY', 'str', 'f', '1');
    });
  });

  it('HINCRBYFLOAT: long double arithmetic and formatting, errors', async () => {
    await bothProtocols(async (q) => {
      const steps = ['10.5', '0.1', '-0.2', '1e10', '3.0e-5', '-10000000000.4', '0x10', '1.7976931348623157e308', '-1.7976931348623157e308', '5.0e3'];
      for (const s of steps) await q.same('HINCRBYFLOAT', 'h', 'f', s);
      await q.same('HINCRBYFLOAT', 'h', 'g', '0.1');
      await q.same('HINCRBYFLOAT', 'h', 'g', '0.2');
      await q.same('HINCRBYFLOAT', 'h', 'z', '-0');
      await q.same('HINCRBYFLOAT', 'h', 'e', '1e-20');
      await q.same('HINCRBYFLOAT', 'h', 'huge', '1e4900');
      await q.same('HINCRBYFLOAT', 'h', 'huge', '1e4900');
      await q.same('HINCRBYFLOAT', 'h', 'huge', '1e4932');
      for (const bad of ['abc', 'inf', '-inf', 'nan', '', ' 1', '1 ', '1e5000', '1.5x']) {
        await q.same('HINCRBYFLOAT', 'h', 'f', bad);
      }
      for (const stored of ['abc', 'inf', '1e5000', ' 1', '']) {
        await q.same('HSET', 'h', 's', stored);
        await q.same('HINCRBYFLOAT', 'h', 's', '1');
      }
      await q.same('HSET', 'h', 'i', I64MAX);
      await q.same('HINCRBYFLOAT', 'h', 'i', '1');
      // The 4900-digit values made it a hashtable: any order.
      await q.same('OBJECT', 'ENCODING', 'h');
      await q.sameUnordered('HGETALL', 'h');
      await q.same('SET', 'str', 'x');
      await q.same('HINCRBYFLOAT', 'str', 'f', 'abc');
      await q.same('HINCRBYFLOAT', 'str', 'f', 'inf');
      await q.same('HINCRBYFLOAT', 'str', 'f', '1');
    });
  });

  it('HKEYS HVALS HGETALL: listpack order exactly, RESP3 map, empty replies', async () => {
    await bothProtocols(async (q) => {
      await q.same('HGETALL', 'nokey');
      await q.same('HKEYS', 'nokey');
      await q.same('HVALS', 'nokey');
      await q.same('HSET', 'h', 'z', '1', 'a', '2', 'm', '3', BIN, '');
      await q.same('HDEL', 'h', 'a');
      await q.same('HSET', 'h', 'a', 'again', 'z', 'changed');
      await q.same('HKEYS', 'h');
      await q.same('HVALS', 'h');
      await q.same('HGETALL', 'h');
    });
  });

  it('hashtable-encoded hashes: same contents in any order', async () => {
    await bothProtocols(async (q) => {
      const args: string[] = [];
      for (let i = 0; i < 600; i++) args.push(`f${i}`, `v${i}`);
      await q.same('HSET', 'big', ...args);
      await q.same('OBJECT', 'ENCODING', 'big');
      await q.sameUnordered('HKEYS', 'big');
      await q.sameUnordered('HVALS', 'big');
      const [a, b] = await q.both('HGETALL', 'big');
      const norm = (raw: string) => {
        const v = parse(raw);
        assert.ok(v.t === 'map' || v.t === 'array');
        const flat: string[] =
          v.t === 'map' ? v.v.flatMap(([k, x]) => [str(k), str(x)]) : items(v).map(str);
        const pairs: string[] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
        return { t: v.t, pairs: pairs.sort() };
      };
      assert.deepEqual(norm(b), norm(a));
      await q.same('HLEN', 'big');
      await q.same('HGET', 'big', 'f599');
      await q.same('HDEL', 'big', 'f0', 'f1');
      await q.same('HLEN', 'big');
    });
  });

  it('OBJECT ENCODING: listpack to hashtable on entries and on field or value length', async () => {
    const enc = (k: string) => p.same('OBJECT', 'ENCODING', k);
    const long = 'x'.repeat(64);
    await p.same('HSET', 'v64', 'f', long);
    await enc('v64');
    await p.same('HSET', 'v65', 'f', long + 'y');
    await enc('v65');
    await p.same('HSET', 'f64', long, 'v');
    await enc('f64');
    await p.same('HSET', 'f65', long + 'y', 'v');
    await enc('f65');
    await p.same('HSETNX', 'nx', 'f', long + 'y');
    await enc('nx');
    // Converted in the middle of a multi-pair HSET: all pairs land.
    await p.same('HSET', 'mid', 'a', '1', 'b', long + 'y', 'c', '3');
    await enc('mid');
    await p.same('HGET', 'mid', 'c');
    // HINCRBY and HINCRBYFLOAT with a long field convert too.
    await p.same('HSET', 'inc', 'a', '1');
    await p.same('HINCRBY', 'inc', long + 'y', '1');
    await enc('inc');
    await p.same('HSET', 'incf', 'a', '1');
    await p.same('HINCRBYFLOAT', 'incf', long + 'y', '1.5');
    await enc('incf');
    // Entry count: the default limit (512), then one more.
    for (let i = 0; i < 512; i++) await p.both('HSET', 'n', `f${i}`, 'v');
    await enc('n');
    await p.same('HLEN', 'n');
    await p.same('HSET', 'n', 'f0', 'again');
    await enc('n');
    await p.same('HSET', 'n', 'one-more', 'v');
    await enc('n');
    // Never back: deleting down to one field keeps the hashtable.
    for (let i = 0; i < 512; i++) await p.both('HDEL', 'n', `f${i}`);
    await p.same('HLEN', 'n');
    await enc('n');
    await p.same('HDEL', 'v65', 'f');
    await p.same('HSET', 'v65', 'f', 'short');
    await enc('v65');
    await p.same('COPY', 'v64', 'v64copy');
    await enc('v64copy');
    await p.same('COPY', 'f65', 'f65copy');
    await enc('f65copy');
    await p.same('HGETALL', 'f65copy');
  });

  it('OBJECT ENCODING follows CONFIG SET limits', async () => {
    try {
      await p.same('CONFIG', 'SET', 'hash-max-listpack-entries', '2');
      await p.same('CONFIG', 'SET', 'hash-max-listpack-value', '3');
      await p.same('HSET', 'a', 'f1', 'v', 'f2', 'v');
      await p.same('OBJECT', 'ENCODING', 'a');
      await p.same('HSET', 'a', 'f3', 'v');
      await p.same('OBJECT', 'ENCODING', 'a');
      await p.same('HSET', 'b', 'f', 'abc');
      await p.same('OBJECT', 'ENCODING', 'b');
      await p.same('HSET', 'b', 'g', 'abcd');
      await p.same('OBJECT', 'ENCODING', 'b');
      await p.same('CONFIG', 'SET', 'hash-max-ziplist-entries', '0');
      await p.same('HSET', 'c', 'f', 'v');
      await p.same('OBJECT', 'ENCODING', 'c');
    } finally {
      await p.same('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
      await p.same('CONFIG', 'SET', 'hash-max-listpack-value', '64');
    }
  });

  it('HRANDFIELD: errors, whole-hash replies exactly, random shapes and invariants', async () => {
    await bothProtocols(async (q) => {
      await q.same('HRANDFIELD', 'nokey');
      await q.same('HRANDFIELD', 'nokey', '3');
      await q.same('HRANDFIELD', 'nokey', '-3', 'WITHVALUES');
      await q.same('HRANDFIELD', 'nokey', 'x');
      await q.same('HSET', 'h', 'b', '2', 'a', '1', 'c', '3');
      for (const bad of [
        ['x'],
        ['1.5'],
        [I64MIN],
        ['1', 'WITHVALUE'],
        ['1', 'WITHVALUES', 'x'],
        ['x', 'FOO'],
        ['4611686018427387904', 'WITHVALUES'],
        ['-4611686018427387904', 'WITHVALUES'],
        ['-4611686018427387904', 'FOO'],
        ['0'],
        ['0', 'WITHVALUES'],
        ['3'],
        ['5', 'withvalues'],
        [I64MAX],
        ['4611686018427387903', 'WITHVALUES'],
      ]) {
        await q.same('HRANDFIELD', 'h', ...bad);
      }
      const fields = new Map([
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ]);
      for (const args of [[], ['1'], ['2'], ['-1'], ['-7'], ['2', 'WITHVALUES'], ['-7', 'WITHVALUES'], ['1', 'WITHVALUES']]) {
        const [a, b] = await q.both('HRANDFIELD', 'h', ...args);
        checkRandField(q, args, parse(a), fields);
        checkRandField(q, args, parse(b), fields);
      }
      // A hashtable hash answers the same shapes.
      const many: string[] = [];
      for (let i = 0; i < 600; i++) many.push(`f${i}`, `v${i}`);
      await q.same('HSET', 'big', ...many);
      const bigFields = new Map<string, string>();
      for (let i = 0; i < 600; i++) bigFields.set(`f${i}`, `v${i}`);
      for (const args of [[], ['5'], ['300'], ['599'], ['-20', 'WITHVALUES'], ['50', 'WITHVALUES']]) {
        const [a, b] = await q.both('HRANDFIELD', 'big', ...args);
        checkRandField(q, args, parse(a), bigFields);
        checkRandField(q, args, parse(b), bigFields);
      }
      await q.sameUnordered('HRANDFIELD', 'big', '600');
      await q.sameUnordered('HRANDFIELD', 'big', '1000');
    });
  });

  /** HRANDFIELD invariants: reply shape for the protocol, counts, distinctness, existing pairs. */
  function checkRandField(q: Pair, args: string[], v: RespValue, fields: Map<string, string>): void {
    const resp3 = q === p3;
    if (args.length === 0) {
      assert.ok(fields.has(str(v)));
      return;
    }
    const n = Number(args[0]);
    const withValues = args.length === 2;
    const expected = n >= 0 ? Math.min(n, fields.size) : -n;
    const list = items(v);
    assert.equal(v.t, 'array');
    const pairs: Array<[string, string | null]> = [];
    if (withValues && resp3) {
      for (const x of list) {
        const pr = items(x);
        assert.equal(pr.length, 2);
        pairs.push([str(pr[0]), str(pr[1])]);
      }
    } else if (withValues) {
      for (let i = 0; i < list.length; i += 2) pairs.push([str(list[i]), str(list[i + 1])]);
    } else {
      for (const x of list) pairs.push([str(x), null]);
    }
    assert.equal(pairs.length, expected);
    for (const [f, val] of pairs) {
      assert.ok(fields.has(f), `unknown field ${f}`);
      if (val !== null) assert.equal(val, fields.get(f));
    }
    if (n > 0) assert.equal(new Set(pairs.map(([f]) => f)).size, pairs.length, 'positive count gives distinct fields');
  }

  it('HSCAN: listpack in one reply, hashtable by cursor, MATCH and COUNT, errors', async () => {
    await bothProtocols(async (q) => {
      await q.same('HSCAN', 'nokey', '0');
      await q.same('HSCAN', 'nokey', '0', 'COUNT', '0');
      await q.same('HSCAN', 'nokey', 'x');
      await q.same('HSET', 'h', 'foo', '1', 'bar', '2', 'fab', '3', BIN, '4');
      await q.same('HSCAN', 'h', '0');
      await q.same('HSCAN', 'h', '123');
      await q.same('HSCAN', 'h', '0', 'MATCH', 'f*');
      await q.same('HSCAN', 'h', '0', 'MATCH', '*', 'COUNT', '1');
      await q.same('HSCAN', 'h', '0', 'match', 'zz*');
      for (const bad of [['x'], ['-1'], ['18446744073709551616'], ['1.5']]) await q.same('HSCAN', 'h', ...bad);
      for (const bad of [['COUNT', '0'], ['COUNT', '-1'], ['COUNT', 'x'], ['COUNT'], ['MATCH'], ['TYPE', 'string'], ['FOO', 'bar']]) {
        await q.same('HSCAN', 'h', '0', ...bad);
      }
      const many: string[] = [];
      for (let i = 0; i < 700; i++) many.push(`k${i}`, `v${i}`);
      await q.same('HSET', 'big', ...many);
      for (const server of ['redis', 'respite'] as const) {
        const seen = new Map<string, string>();
        let cursor = '0';
        let calls = 0;
        do {
          const v = items(parse(await q[server].call('HSCAN', 'big', cursor, 'COUNT', '50', 'MATCH', 'k1*')));
          cursor = str(v[0]);
          const list = items(v[1]);
          assert.equal(list.length % 2, 0);
          for (let i = 0; i < list.length; i += 2) seen.set(str(list[i]), str(list[i + 1]));
          calls++;
        } while (cursor !== '0');
        const expected = [...Array(700).keys()].filter((i) => String(i).startsWith('1'));
        assert.equal(seen.size, expected.length, server);
        for (const i of expected) assert.equal(seen.get(`k${i}`), `v${i}`);
        assert.ok(calls > 1, `${server} scanned a hashtable in one call`);
      }
    });
  });
});
