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

function range(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(String(i));
  return out;
}

describe('differential: set commands', { skip: oracleSkip }, () => {
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

  it('SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS: replies, binary members, intset order', async () => {
    await bothProtocols(async (q) => {
      await q.same('SADD', 's', '3', '-1', '2', '3', I64MAX, I64MIN, '0', '-32769', '70000');
      await q.same('SMEMBERS', 's');
      await q.same('OBJECT', 'ENCODING', 's');
      await q.same('SCARD', 's');
      await q.same('SISMEMBER', 's', '2');
      await q.same('SISMEMBER', 's', '02');
      await q.same('SISMEMBER', 's', I64MAX);
      await q.same('SISMEMBER', 's', 'x');
      await q.same('SMISMEMBER', 's', '2', 'x', '-1', '9223372036854775808');
      await q.same('SREM', 's', '3', 'x', '3', '+2');
      await q.same('SMEMBERS', 's');
      await q.same('SADD', 't', BIN, '', 'x');
      await q.sameUnordered('SMEMBERS', 't');
      await q.same('SISMEMBER', 't', BIN);
      await q.same('SISMEMBER', 't', '');
      await q.same('SREM', 't', BIN, '', 'x', 'more');
      await q.same('EXISTS', 't');
      for (const k of ['nokey']) {
        await q.same('SMEMBERS', k);
        await q.same('SCARD', k);
        await q.same('SISMEMBER', k, 'a');
        await q.same('SMISMEMBER', k, 'a', 'b');
        await q.same('SREM', k, 'a');
      }
      await q.same('SET', 'str', 'x');
      for (const cmd of [
        ['SADD', 'str', 'a'],
        ['SREM', 'str', 'a'],
        ['SCARD', 'str'],
        ['SISMEMBER', 'str', 'a'],
        ['SMISMEMBER', 'str', 'a'],
        ['SMEMBERS', 'str'],
        ['SPOP', 'str'],
        ['SPOP', 'str', '2'],
        ['SPOP', 'str', '0'],
        ['SRANDMEMBER', 'str'],
        ['SRANDMEMBER', 'str', '2'],
        ['SRANDMEMBER', 'str', '0'],
        ['SSCAN', 'str', '0'],
        ['SINTER', 'str'],
        ['SINTERCARD', '1', 'str'],
        ['SUNION', 'str'],
        ['SDIFF', 'str'],
      ]) {
        await q.same(...cmd);
      }
    });
  });

  it('OBJECT ENCODING: intset limits, non-canonical integers, conversion is one-way, COPY keeps it', async () => {
    const enc = (k: string) => p.same('OBJECT', 'ENCODING', k);
    for (const [k, first] of [
      ['a', '1'],
      ['b', '01'],
      ['c', '+1'],
      ['d', ' 1'],
      ['e', '1.0'],
      ['f', I64MAX],
      ['g', '9223372036854775808'],
      ['h', '-0'],
      ['i', ''],
    ]) {
      await p.same('SADD', k, first);
      await enc(k);
    }
    await p.same('SADD', 'big', ...range(0, 512));
    await enc('big');
    await p.same('SMEMBERS', 'big');
    await p.same('SADD', 'big', '511');
    await enc('big');
    await p.same('SADD', 'big', '512');
    await enc('big');
    await p.same('SREM', 'big', ...range(0, 510));
    await enc('big');
    await p.same('SADD', 'mixed', '5', '1', '3');
    await p.same('SADD', 'mixed', 'x');
    await enc('mixed');
    await p.same('SREM', 'mixed', 'x');
    await enc('mixed');
    await p.same('COPY', 'a', 'acopy');
    await enc('acopy');
    await p.same('COPY', 'mixed', 'mcopy');
    await enc('mcopy');
    await p.sameUnordered('SMEMBERS', 'mcopy');
    try {
      await p.same('CONFIG', 'SET', 'set-max-intset-entries', '3');
      await p.same('SADD', 'small', '1', '2', '3');
      await enc('small');
      await p.same('SADD', 'small', '4');
      await enc('small');
      await p.same('CONFIG', 'SET', 'set-max-intset-entries', '0');
      await p.same('SADD', 'zero', '1');
      await enc('zero');
    } finally {
      await p.same('CONFIG', 'SET', 'set-max-intset-entries', '512');
    }
  });

  it('SMOVE: types, same key, destination creation and encoding', async () => {
    await bothProtocols(async (q) => {
      await q.same('SADD', 's', '1', '2', 'x');
      await q.same('SET', 'str', 'v');
      await q.same('SMOVE', 'nokey', 'str', '1');
      await q.same('SMOVE', 'str', 's', '1');
      await q.same('SMOVE', 's', 'str', '1');
      await q.same('SMOVE', 'nokey', 's', '1');
      await q.same('SMOVE', 's', 's', '1');
      await q.same('SMOVE', 's', 's', 'zz');
      await q.same('SMOVE', 's', 'd', 'zz');
      await q.same('EXISTS', 'd');
      await q.same('SMOVE', 's', 'd', '1');
      await q.same('OBJECT', 'ENCODING', 'd');
      await q.same('SMOVE', 's', 'e', 'x');
      await q.same('OBJECT', 'ENCODING', 'e');
      await q.same('SADD', 'd', '2');
      await q.same('SMOVE', 's', 'd', '2');
      await q.same('SMEMBERS', 'd');
      await q.same('EXISTS', 's');
      await q.same('SMOVE', 'd', 'e', '1');
      await q.same('OBJECT', 'ENCODING', 'e');
      await q.sameUnordered('SMEMBERS', 'e');
    });
  });

  it('SINTER SUNION SDIFF: intset results in order, missing keys, type errors after missing keys', async () => {
    await bothProtocols(async (q) => {
      await q.same('SADD', 'a', '5', '1', '3', '7', '9');
      await q.same('SADD', 'b', '3', '9', '1', '100');
      await q.same('SADD', 'c', '9', '1', '42', '3', '8', '7');
      await q.same('SADD', 'w', 'x', 'y', '1', '3');
      await q.same('SET', 'str', 'v');
      await q.same('SINTER', 'a', 'b');
      await q.same('SINTER', 'a', 'b', 'c');
      await q.same('SINTER', 'a', 'a');
      await q.same('SINTER', 'a');
      await q.same('SINTER', 'a', 'nokey');
      await q.same('SINTER', 'nokey', 'str');
      await q.same('SINTER', 'str', 'nokey');
      // The smallest set is iterated: here a hashtable, so any order.
      await q.sameUnordered('SINTER', 'a', 'w');
      await q.same('SUNION', 'a', 'b', 'c');
      await q.same('SUNION', 'nokey', 'a');
      await q.same('SUNION', 'nokey');
      await q.same('SUNION', 'nokey', 'str');
      await q.sameUnordered('SUNION', 'a', 'w');
      await q.same('SDIFF', 'a', 'b');
      await q.same('SDIFF', 'a', 'b', 'c');
      await q.same('SDIFF', 'a', 'nokey', 'b');
      await q.same('SDIFF', 'nokey', 'a');
      await q.same('SDIFF', 'a', 'a');
      await q.same('SDIFF', 'a', 'b', 'a');
      await q.same('SDIFF', 'a');
      await q.same('SDIFF', 'a', 'str');
      await q.same('SDIFF', 'nokey', 'str');
      await q.sameUnordered('SDIFF', 'w', 'a');
      await q.sameUnordered('SDIFF', 'w', 'nokey');
    });
  });

  it('SINTERCARD: numkeys and LIMIT parsing, counts', async () => {
    await bothProtocols(async (q) => {
      await q.same('SADD', 'a', ...range(0, 50));
      await q.same('SADD', 'b', ...range(25, 100));
      await q.same('SADD', 'w', 'x', '30', '31');
      await q.same('SET', 'str', 'v');
      for (const args of [
        ['2', 'a', 'b'],
        ['1', 'a'],
        ['2', 'a', 'w'],
        ['3', 'a', 'b', 'w'],
        ['2', 'a', 'nokey'],
        ['2', 'nokey', 'str'],
        ['1', 'str'],
        ['2', 'a', 'b', 'LIMIT', '0'],
        ['2', 'a', 'b', 'LIMIT', '10'],
        ['2', 'a', 'b', 'limit', '25'],
        ['2', 'a', 'b', 'LIMIT', '1000'],
        ['2', 'a', 'b', 'LIMIT', '10', 'LIMIT', '3'],
        ['2', 'a', 'b', 'LIMIT'],
        ['2', 'a', 'b', 'LIMIT', '-1'],
        ['2', 'a', 'b', 'LIMIT', 'x'],
        ['2', 'a', 'b', 'FOO', '1'],
        ['2', 'a', 'b', 'LIMIT\x00junk', '5'],
        ['0', 'a'],
        ['-1', 'a'],
        ['x', 'a'],
        ['3', 'a', 'b'],
        ['9223372036854775808', 'a'],
        [I64MAX, 'a'],
      ]) {
        await q.same('SINTERCARD', ...args);
      }
    });
  });

  it('SINTERSTORE SUNIONSTORE SDIFFSTORE: results, encodings, destination replaced or deleted', async () => {
    const enc = (k: string) => p.same('OBJECT', 'ENCODING', k);
    // SMEMBERS exactly for an intset (ordered), in any order for a hashtable.
    const members = async (k: string) => {
      if ((await p.redis.call('OBJECT', 'ENCODING', k)).includes('intset')) await p.same('SMEMBERS', k);
      else await p.sameUnordered('SMEMBERS', k);
    };
    await p.same('SADD', 'a', '5', '1', '3', '7', '9');
    await p.same('SADD', 'b', '3', '9', '1', '100');
    await p.same('SADD', 'w', 'x', 'y', '1', '3');
    await p.same('SADD', 'big', ...range(0, 600));
    await p.same('SET', 'str', 'v');
    await p.same('SET', 'dst', 'old', 'EX', '100');
    await p.same('SINTERSTORE', 'dst', 'a', 'b');
    await p.same('TTL', 'dst');
    await enc('dst');
    await members('dst');
    // An intersection with a hashtable set can still be stored as an intset.
    await p.same('SINTERSTORE', 'd2', 'w', 'a');
    await enc('d2');
    await members('d2');
    await p.same('SINTERSTORE', 'd3', 'big', 'a');
    await enc('d3');
    await p.same('SINTERSTORE', 'dst', 'a', 'nokey');
    await p.same('EXISTS', 'dst');
    await p.same('SINTERSTORE', 'dst', 'a', 'nokey');
    await p.same('SINTERSTORE', 'str', 'a', 'str');
    await p.same('SINTERSTORE', 'str', 'a', 'b');
    await p.same('TYPE', 'str');
    await p.same('SUNIONSTORE', 'u', 'a', 'b');
    await enc('u');
    await members('u');
    await p.same('SUNIONSTORE', 'u', 'a', 'w');
    await enc('u');
    await p.same('SUNIONSTORE', 'u', 'big', 'a');
    await enc('u');
    await p.same('SCARD', 'u');
    await p.same('SUNIONSTORE', 'u', 'nokey');
    await p.same('EXISTS', 'u');
    await p.same('SDIFFSTORE', 'df', 'a', 'b');
    await enc('df');
    await members('df');
    // SDIFF's second algorithm copies the whole first set before removing:
    // a big or non-integer first set leaves a hashtable even when little survives.
    await p.same('SDIFFSTORE', 'df', 'big', 'a', 'b');
    await enc('df');
    await p.same('SADD', 'most', ...range(0, 598));
    await p.same('SDIFFSTORE', 'df', 'big', 'most');
    await enc('df');
    await members('df');
    await p.same('SDIFFSTORE', 'df', 'w', 'a', 'b', 'big', 'most');
    await enc('df');
    await members('df');
    await p.same('SDIFFSTORE', 'df2', 'w', 'b');
    await enc('df2');
    await p.same('SDIFFSTORE', 'df', 'a', 'a');
    await p.same('EXISTS', 'df');
    await p.same('SDIFFSTORE', 'df', 'nokey', 'a');
    await p.same('SDIFFSTORE', 'x', 'str', 'a');
    await p.same('SUNIONSTORE', 'x', 'a', 'str');
  });

  it('SPOP: errors, single pops, counts, deletion and the encoding of what remains', async () => {
    await bothProtocols(async (q) => {
      await q.same('SPOP', 'nokey');
      await q.same('SPOP', 'nokey', '3');
      await q.same('SPOP', 'nokey', '0');
      await q.same('SPOP', 'nokey', '-1');
      await q.same('SADD', 's', '1', '2', '3');
      for (const bad of [['-1'], ['x'], ['1.5'], [I64MIN], ['1', '2']]) await q.same('SPOP', 's', ...bad);
      await q.same('SPOP', 's', '0');
      const [a, b] = await q.both('SPOP', 's');
      for (const r of [a, b]) assert.ok(['1', '2', '3'].includes(str(parse(r))));
      await q.same('SCARD', 's');
      await q.both('SPOP', 's');
      await q.both('SPOP', 's');
      await q.same('EXISTS', 's');
      // A count reaching the size returns the whole set (an intset: in order) and deletes it.
      await q.same('SADD', 's', '5', '3', '1');
      await q.same('SPOP', 's', '3');
      await q.same('EXISTS', 's');
      await q.same('SADD', 's', '5', '3', '1');
      await q.same('SPOP', 's', '100');
      for (const [size, count] of [
        [10, 2],
        [10, 9],
        [600, 10],
        [600, 590],
      ]) {
        await q.same('DEL', 's');
        await q.same('SADD', 's', ...range(0, size));
        const [ra, rb] = await q.both('SPOP', 's', String(count));
        for (const r of [ra, rb]) {
          const v = parse(r);
          assert.equal(v.t, q === p3 ? 'set' : 'array');
          const got = items(v).map(str);
          assert.equal(got.length, count);
          assert.equal(new Set(got).size, count);
          for (const m of got) assert.ok(Number(m) >= 0 && Number(m) < size);
        }
        await q.same('SCARD', 's');
        // A hashtable of integers popped down to a few comes back as an intset.
        await q.same('OBJECT', 'ENCODING', 's');
      }
    });
  });

  it('SRANDMEMBER: errors, whole-set replies, random shapes and invariants', async () => {
    await bothProtocols(async (q) => {
      await q.same('SRANDMEMBER', 'nokey');
      await q.same('SRANDMEMBER', 'nokey', '5');
      await q.same('SRANDMEMBER', 'nokey', '-5');
      await q.same('SRANDMEMBER', 'nokey', 'x');
      await q.same('SADD', 's', '30', '10', '20');
      for (const bad of [['x'], ['1.5'], [I64MIN], ['1', '2'], ['0'], ['3'], ['10'], [I64MAX]]) {
        await q.same('SRANDMEMBER', 's', ...bad);
      }
      await q.same('SADD', 'h', ...range(0, 600));
      await q.same('SADD', 'h', 'x');
      const check = (raw: string, count: number, pool: Set<string>) => {
        const v = parse(raw);
        if (count === 0) {
          assert.ok(pool.has(str(v)));
          return;
        }
        assert.equal(v.t, 'array');
        const got = items(v).map(str);
        assert.equal(got.length, count > 0 ? Math.min(count, pool.size) : -count);
        for (const m of got) assert.ok(pool.has(m), m);
        if (count > 0) assert.equal(new Set(got).size, got.length);
      };
      const small = new Set(['10', '20', '30']);
      const big = new Set([...range(0, 600), 'x']);
      for (const n of [0, 1, 2, -1, -10]) {
        const [a, b] = await q.both('SRANDMEMBER', 's', ...(n === 0 ? [] : [String(n)]));
        check(a, n, small);
        check(b, n, small);
      }
      for (const n of [0, 1, 5, 300, 599, -30]) {
        const [a, b] = await q.both('SRANDMEMBER', 'h', ...(n === 0 ? [] : [String(n)]));
        check(a, n, big);
        check(b, n, big);
      }
      await q.sameUnordered('SRANDMEMBER', 'h', '601');
      await q.sameUnordered('SRANDMEMBER', 'h', '1000');
    });
  });

  it('keyspace hits and misses are counted like Redis (STORE sources are reads)', async () => {
    await p.same('SADD', 'a', '1', '2');
    await p.same('SADD', 'b', '2', 'x');
    const stat = async (...cmd: string[]) => {
      await p.same('CONFIG', 'RESETSTAT');
      await p.both(...cmd);
      const [a, b] = await p.both('INFO', 'stats');
      const pick = (raw: string) => /keyspace_hits:\d+\r\nkeyspace_misses:\d+/.exec(raw)?.[0];
      assert.equal(pick(b), pick(a), cmd.join(' '));
    };
    for (const cmd of [
      ['SINTERSTORE', 'd', 'a', 'b', 'nokey'],
      ['SUNIONSTORE', 'd', 'a', 'nokey'],
      ['SDIFFSTORE', 'd', 'a', 'b'],
      ['SINTER', 'a', 'nokey', 'b'],
      ['SINTERCARD', '2', 'a', 'b'],
      ['SUNION', 'a', 'b'],
      ['SDIFF', 'nokey', 'a'],
      ['SMEMBERS', 'nokey'],
      ['SISMEMBER', 'a', '1'],
      ['SMISMEMBER', 'a', '1'],
      ['SCARD', 'a'],
      ['SRANDMEMBER', 'a'],
      ['SRANDMEMBER', 'nokey', '2'],
      ['SSCAN', 'a', '0'],
      ['SMOVE', 'a', 'b', '1'],
      ['SPOP', 'b'],
      ['SADD', 'a', '7'],
      ['SREM', 'a', '7'],
      ['HSET', 'h', 'f', '1'],
      ['HGET', 'h', 'f'],
      ['HMGET', 'nokey', 'f'],
      ['HGETALL', 'h'],
      ['HINCRBY', 'h', 'f', '1'],
      ['HRANDFIELD', 'h', '1'],
      ['HSCAN', 'h', '0'],
      ['HEXISTS', 'h', 'f'],
      ['HDEL', 'h', 'f'],
    ]) {
      await stat(...cmd);
    }
  });

  it('SSCAN: intset in one reply, hashtable by cursor, MATCH and COUNT, errors', async () => {
    await bothProtocols(async (q) => {
      await q.same('SSCAN', 'nokey', '0');
      await q.same('SSCAN', 'nokey', '0', 'COUNT', '0');
      await q.same('SSCAN', 'nokey', 'x');
      await q.same('SADD', 's', '12', '3', '1', '25');
      await q.same('SSCAN', 's', '0');
      await q.same('SSCAN', 's', '7');
      await q.same('SSCAN', 's', '0', 'MATCH', '1*');
      await q.same('SSCAN', 's', '0', 'MATCH', '*', 'COUNT', '1');
      for (const bad of [['x'], ['-1'], ['18446744073709551616']]) await q.same('SSCAN', 's', ...bad);
      for (const bad of [['COUNT', '0'], ['COUNT', 'x'], ['COUNT'], ['TYPE', 'set'], ['FOO', 'bar']]) {
        await q.same('SSCAN', 's', '0', ...bad);
      }
      await q.same('SADD', 'big', ...range(0, 700).map((i) => `m${i}`));
      for (const server of ['redis', 'respite'] as const) {
        const seen = new Set<string>();
        let cursor = '0';
        let calls = 0;
        do {
          const v = items(parse(await q[server].call('SSCAN', 'big', cursor, 'COUNT', '40', 'MATCH', 'm2*')));
          cursor = str(v[0]);
          for (const m of items(v[1])) seen.add(str(m));
          calls++;
        } while (cursor !== '0');
        const expected = range(0, 700).filter((i) => i.startsWith('2'));
        assert.equal(seen.size, expected.length, server);
        for (const i of expected) assert.ok(seen.has(`m${i}`));
        assert.ok(calls > 1, `${server} scanned a hashtable in one call`);
      }
    });
  });
});
