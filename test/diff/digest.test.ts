/**
 * DEBUG POPULATE, DEBUG DIGEST and DEBUG DIGEST-VALUE against redis-server
 * 7.0: the same datasets built in both servers must give byte-identical
 * digests, so two servers' datasets can be compared with one command.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { collectPropagation, drainUntilPong } from '../support/effects.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';

/** rdb_changes_since_last_save of one server. */
async function dirty(c: Pair['redis']): Promise<number> {
  const v = (await c.callValue('INFO', 'persistence')) as { v: string };
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(v.v)![1]);
}

describe('DEBUG POPULATE against redis-server 7.0', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start({ 'enable-debug-command': 'yes' });
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('argument errors', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'POPULATE');
    await p.same('DEBUG', 'POPULATE', '1', 'p', '1', 'extra');
    for (const bad of ['abc', '-1', '-0', '+1', '01', '1.5', '', '99999999999999999999', ' 1']) await p.same('DEBUG', 'POPULATE', bad);
    for (const bad of ['abc', '-1', '1.5']) await p.same('DEBUG', 'POPULATE', '3', 'p', bad);
    await p.same('DBSIZE');
    await p.same('DEBUG', 'POPULATE', '0');
    await p.same('DBSIZE');
  });

  it('key names, values, sizes and prefixes', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'populate', '12');
    await p.same('DBSIZE');
    await p.same('MGET', ...Array.from({ length: 13 }, (_, i) => `key:${i}`));
    // size 0 keeps the value as is; smaller cuts it; larger pads with NUL bytes.
    for (const [prefix, size] of [['a', '0'], ['b', '3'], ['c', '7'], ['d', '8'], ['e', '40'], ['f', '1']]) {
      await p.same('DEBUG', 'POPULATE', '11', prefix, size);
      await p.same('MGET', ...Array.from({ length: 11 }, (_, i) => `${prefix}:${i}`));
    }
    await p.same('DEBUG', 'POPULATE', '3', '');
    await p.same('DEBUG', 'POPULATE', '3', 'bin\x00\xff\r\n');
    await p.same('STRLEN', 'e:10');
    await p.same('OBJECT', 'ENCODING', 'key:1');
    await p.same('OBJECT', 'ENCODING', 'e:1');
    await p.sameUnordered('KEYS', '*');
  });

  it('cuts long key names to 127 bytes as Redis formats them into a 128-byte buffer', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'POPULATE', '12', 'x'.repeat(120));
    await p.same('DEBUG', 'POPULATE', '3', 'y'.repeat(300));
    await p.same('DBSIZE');
    await p.sameUnordered('KEYS', '*');
  });

  it('skips existing keys, of any type, and replaces expired ones', async () => {
    const p = env.pair;
    await p.same('SET', 'key:3', 'mine');
    await p.same('RPUSH', 'key:5', 'a');
    await p.same('SET', 'key:7', 'gone', 'PX', '1');
    await new Promise((r) => setTimeout(r, 10));
    await p.same('DEBUG', 'POPULATE', '9');
    await p.same('MGET', ...Array.from({ length: 9 }, (_, i) => `key:${i}`));
    await p.same('TYPE', 'key:5');
    await p.same('TTL', 'key:7');
  });

  it('signals WATCH but is not counted as a change (not propagated)', async () => {
    const p = env.pair;
    const w = await env.connect();
    await w.same('WATCH', 'key:0');
    const before = await Promise.all([dirty(p.redis), dirty(p.respite)]);
    await p.same('DEBUG', 'POPULATE', '100');
    const now = await Promise.all([dirty(p.redis), dirty(p.respite)]);
    assert.equal(now[1] - before[1], now[0] - before[0]);
    await w.same('MULTI');
    await w.same('PING');
    await w.same('EXEC');
    // A key the populate skipped is not touched.
    await w.same('WATCH', 'key:1');
    await p.same('DEBUG', 'POPULATE', '100');
    await w.same('MULTI');
    await w.same('PING');
    await w.same('EXEC');
  });

  it('propagates nothing but the DEL of an expired key it replaces', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    try {
      await p.same('SET', 'key:2', 'old', 'PX', '1');
      await new Promise((r) => setTimeout(r, 10));
      const { ours, theirs } = await collectPropagation(env, async () => {
        await p.same('DEBUG', 'POPULATE', '5');
        await p.same('DEBUG', 'POPULATE', '5', 'other', '10');
      });
      assert.deepEqual(ours, theirs);
    } finally {
      await p.same('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    }
  });

  it('raises the new-key event for each key it adds', async () => {
    const p = env.pair;
    const sub = await env.connect();
    await p.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEAn');
    try {
      await sub.same('PSUBSCRIBE', '__key*__:*');
      await p.same('SET', 'key:1', 'x');
      await p.same('DEBUG', 'POPULATE', '3');
      const [a, b] = await Promise.all([drainUntilPong(sub.redis), drainUntilPong(sub.respite)]);
      assert.deepEqual(b, a);
      assert.ok(a.length > 0);
    } finally {
      await p.same('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });

  it('works in the selected database', async () => {
    const p = env.pair;
    await p.same('SELECT', '5');
    await p.same('DEBUG', 'POPULATE', '4', 'db5');
    await p.same('DBSIZE');
    await p.same('SELECT', '0');
    await p.same('DBSIZE');
  });

  it('DEBUG DIGEST after DEBUG POPULATE is the same in both servers', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'POPULATE', '1000');
    await p.same('DEBUG', 'DIGEST');
    await p.same('DEBUG', 'POPULATE', '1500', 'key', '20');
    await p.same('DEBUG', 'POPULATE', '300', 'big', '5000');
    await p.same('SELECT', '2');
    await p.same('DEBUG', 'POPULATE', '50', 'x'.repeat(130));
    await p.same('DEBUG', 'DIGEST');
    await p.same('DEBUG', 'DIGEST-VALUE', 'key:0', 'key:999', 'key:1499', 'big:299', 'x'.repeat(127));
  });
});

/** Both servers' DIGEST and the DIGEST-VALUE of every key of the selected database, byte for byte. */
async function sameDigests(p: Pair): Promise<void> {
  await p.same('DEBUG', 'DIGEST');
  const keys = (await p.redis.callValue('KEYS', '*')) as { v: Array<{ v: string }> };
  const names = keys.v.map((k) => Buffer.from(k.v, 'latin1'));
  if (names.length > 0) await p.same('DEBUG', 'DIGEST-VALUE', ...names, 'no-such-key');
}

const SEED = testSeed(20240607);

/** Scores Redis prints in every way %.17g can: integers, exponents, inf, -0, subnormals, hex. */
const TRICKY_SCORES = [
  '0', '-0', '1', '-1', '0.1', '-0.1', '1.5', '1e300', '-1e300', 'inf', '-inf', '+inf', '5e-324', '2.2250738585072014e-308',
  '1e17', '1e16', '123456789012345678', '4503599627370496', '9007199254740993', '4611686018427387904', '9223372036854775807',
  '1.7976931348623157e308', '3.14159265358979', '1e-5', '0.0001', '100000000000000000000', '33.333333333333336', '1e21', '0x10',
];

describe('DEBUG DIGEST and DEBUG DIGEST-VALUE against redis-server 7.0', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let dir: string;
  before(async () => {
    env = await DiffEnv.start({ 'enable-debug-command': 'yes', 'enable-protected-configs': 'yes' });
    // DEBUG RELOAD writes dump.rdb: respite's goes to its own directory (the oracle has one already).
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digest-diff-'));
    assert.equal(await env.pair.respite.call('CONFIG', 'SET', 'dir', dir), '+OK\r\n');
  });
  after(async () => {
    await env.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => env.reset());

  it('an empty dataset, missing keys and argument forms', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'DIGEST');
    await p.same('debug', 'digest');
    await p.same('DEBUG', 'DIGEST', 'extra');
    await p.same('DEBUG', 'DIGEST-VALUE');
    await p.same('DEBUG', 'DIGEST-VALUE', 'missing', 'other');
    await p.same('SET', 'k', 'v');
    await p.same('DEBUG', 'digest-value', 'k', 'k', 'missing');
    await p.same('DEL', 'k');
    // Back to empty: all zeros again.
    await p.same('DEBUG', 'DIGEST');
  });

  it('strings: int-encoded, embstr, raw, binary, empty', async () => {
    const p = env.pair;
    const values = [
      '', '0', '-0', '1', '-1', '01', ' 1', '1.5', '12345678901234', '9223372036854775807', '-9223372036854775808',
      '9223372036854775808', 'hello', 'x'.repeat(44), 'x'.repeat(45), 'y'.repeat(100000), '\x00\xff\r\n\t binary \x80',
    ];
    for (const [i, v] of values.entries()) await p.same('SET', `s${i}`, v);
    await p.same('SET', '\x00\xffbinary key\r\n', 'v');
    await p.same('SET', '', 'empty key');
    await p.same('SET', 'counter', '10');
    await p.same('INCRBY', 'counter', '-25');
    await p.same('APPEND', 's1', '7');
    await p.same('SETRANGE', 's13', '3', 'abc');
    await p.same('INCRBYFLOAT', 'f', '1.25');
    await sameDigests(p);
  });

  it('lists, small and large, in order', async () => {
    const p = env.pair;
    await p.same('RPUSH', 'small', 'a', '1', '-2', '', 'b');
    await p.same('RPUSH', 'ab', 'a', 'b');
    await p.same('RPUSH', 'ba', 'b', 'a');
    await p.same('RPUSH', 'large', ...Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? String(i) : `element-${i}`)));
    await p.same('RPUSH', 'bigelems', 'z'.repeat(10000), 'w'.repeat(70000), '3');
    await p.same('LPUSH', 'large', 'head');
    await p.same('LSET', 'large', '1500', 'changed');
    await p.same('LINSERT', 'small', 'BEFORE', 'b', 'inserted');
    await p.same('RPUSH', 'bin', '\x00', '\xff\xfe', '\r\n');
    await sameDigests(p);
    await p.same('LPOP', 'large', '100');
    await sameDigests(p);
  });

  it('sets: intset, hashtable, converted', async () => {
    const p = env.pair;
    await p.same('SADD', 'ints', '1', '2', '3', '-7', '9223372036854775807', '-9223372036854775808');
    await p.same('SADD', 'strs', 'a', 'b', 'c', '', '\x00\xff');
    await p.same('SADD', 'bigints', ...Array.from({ length: 600 }, (_, i) => String(i * 1000003 - 300000000)));
    await p.same('SADD', 'mixed', '1', '2');
    await p.same('SADD', 'mixed', 'x');
    await p.same('SADD', 'notint', '01', '1', ' 2');
    await p.same('OBJECT', 'ENCODING', 'ints');
    await p.same('OBJECT', 'ENCODING', 'bigints');
    await p.same('OBJECT', 'ENCODING', 'mixed');
    await sameDigests(p);
    await p.same('SREM', 'mixed', 'x');
    await p.same('SMOVE', 'ints', 'strs', '2');
    await sameDigests(p);
  });

  it('hashes: listpack and hashtable', async () => {
    const p = env.pair;
    await p.same('HSET', 'small', 'f', 'v', '1', '2', '', 'empty', 'neg', '-5');
    await p.same('HSET', 'wide', ...Array.from({ length: 300 }, (_, i) => [`field${i}`, String(i * 7)]).flat());
    await p.same('HSET', 'longval', 'f', 'v'.repeat(100));
    await p.same('HSET', 'bin', '\x00\xff', '\r\n', 'k', '\x80');
    await p.same('HINCRBY', 'small', 'neg', '10');
    await p.same('HINCRBYFLOAT', 'small', 'fl', '0.1');
    await p.same('OBJECT', 'ENCODING', 'small');
    await p.same('OBJECT', 'ENCODING', 'wide');
    await sameDigests(p);
    await p.same('HDEL', 'wide', 'field3', 'field200');
    await sameDigests(p);
  });

  it('sorted sets with tricky scores in listpack and skiplist', async () => {
    const p = env.pair;
    const args = TRICKY_SCORES.flatMap((s, i) => [s, `m${i}`]);
    // One member per score so each score is checked alone, then all together.
    for (const [i, s] of TRICKY_SCORES.entries()) await p.same('ZADD', `one${i}`, s, 'member');
    await p.same('ZADD', 'lp', ...args);
    await p.same('ZADD', 'sl', ...args, ...Array.from({ length: 200 }, (_, i) => [String(i / 7), `extra${i}`]).flat());
    await p.same('ZADD', 'longmember', '1', 'x'.repeat(100), '2', 'y');
    await p.same('ZADD', 'intmembers', '1', '100', '2', '-100', '3', '9223372036854775807');
    await p.same('OBJECT', 'ENCODING', 'lp');
    await p.same('OBJECT', 'ENCODING', 'sl');
    await sameDigests(p);
    // -0 reads back as 0 from a listpack, as -0 from a skiplist.
    await p.same('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    for (const [i, s] of TRICKY_SCORES.entries()) await p.same('ZADD', `skip${i}`, s, 'member');
    await p.same('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
    await p.same('ZINCRBY', 'lp', '0.1', 'm1');
    await p.same('ZINCRBY', 'sl', '1e300', 'm5');
    await sameDigests(p);
  });

  it('keys with a TTL (the marker, not the time)', async () => {
    const p = env.pair;
    const at = String(Date.now() + 3_600_000);
    await p.same('SET', 'plain', 'v');
    await p.same('SET', 'ttl', 'v');
    await p.same('PEXPIREAT', 'ttl', at);
    await p.same('RPUSH', 'list', 'a');
    await p.same('PEXPIREAT', 'list', at);
    await p.same('HSET', 'h', 'f', 'v');
    await p.same('PEXPIREAT', 'h', String(Number(at) + 12345));
    await sameDigests(p);
    await p.same('PERSIST', 'h');
    await sameDigests(p);
    // Redis mixes in only the fact that a TTL exists: another time, same digest.
    const [before] = await p.both('DEBUG', 'DIGEST-VALUE', 'ttl');
    await p.same('PEXPIREAT', 'ttl', String(Number(at) + 99999));
    await p.same('DEBUG', 'DIGEST-VALUE', 'ttl');
    assert.equal((await p.both('DEBUG', 'DIGEST-VALUE', 'ttl'))[0], before);
  });

  it('logically expired keys still stored are digested', async () => {
    const p = env.pair;
    await p.same('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    try {
      await p.same('SET', 'live', '1');
      await p.same('SET', 'dead', '2', 'PX', '1');
      await p.same('SADD', 'deadset', 'a', 'PX');
      await p.same('PEXPIRE', 'deadset', '1');
      await new Promise((r) => setTimeout(r, 20));
      await p.same('DEBUG', 'DIGEST');
      await p.same('DEBUG', 'DIGEST-VALUE', 'dead', 'deadset', 'live');
      // An access removes it; then it is gone from the digest.
      await p.same('GET', 'dead');
      await p.same('DEBUG', 'DIGEST');
      await p.same('DEBUG', 'DIGEST-VALUE', 'dead');
    } finally {
      await p.same('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    }
  });

  it('several databases: the index is part of the digest', async () => {
    const p = env.pair;
    for (const db of ['0', '1', '7', '15']) {
      await p.same('SELECT', db);
      await p.same('SET', 'same', 'value');
      await p.same('RPUSH', `list${db}`, db);
      await p.same('DEBUG', 'DIGEST');
    }
    await p.same('DEBUG', 'DIGEST-VALUE', 'same', 'list15', 'list0');
    await p.same('SWAPDB', '1', '3');
    await p.same('DEBUG', 'DIGEST');
    await p.same('MOVE', 'same', '4');
    await p.same('DEBUG', 'DIGEST');
    await p.same('SELECT', '0');
    await p.same('FLUSHDB');
    await p.same('DEBUG', 'DIGEST');
  });

  it('every type: unchanged by DEBUG RELOAD, and by RESTORE of the oracle\'s DUMP', async () => {
    const p = env.pair;
    await buildEveryType(p);
    await p.same('SELECT', '3');
    await buildEveryType(p);
    const [digest] = await p.both('DEBUG', 'DIGEST');
    await sameDigests(p);
    await p.same('DEBUG', 'RELOAD');
    assert.equal(await p.same('DEBUG', 'DIGEST'), digest);
    await sameDigests(p);
    // Each value re-created from Redis's own serialization, in both directions.
    const keys = ((await p.redis.callValue('KEYS', '*')) as { v: Array<{ v: string }> }).v.map((k) => Buffer.from(k.v, 'latin1'));
    for (const key of keys) {
      const fromRedis = (await p.redis.callValue('DUMP', key)) as { v: string };
      const fromUs = (await p.respite.callValue('DUMP', key)) as { v: string };
      const [pttl] = await p.both('PTTL', key);
      const ttl = pttl.startsWith(':-') ? '0' : String(Date.now() + 3_600_000);
      const abs = ttl === '0' ? [] : ['ABSTTL'];
      assert.equal(await p.respite.call('RESTORE', key, ttl, Buffer.from(fromRedis.v, 'latin1'), 'REPLACE', ...abs), '+OK\r\n');
      assert.equal(await p.redis.call('RESTORE', key, ttl, Buffer.from(fromUs.v, 'latin1'), 'REPLACE', ...abs), '+OK\r\n');
    }
    assert.equal(await p.same('DEBUG', 'DIGEST'), digest);
    await sameDigests(p);
  });

  it(`a seeded random dataset (seed ${SEED})`, async () => {
    const p = env.pair;
    const rng = new Rng(SEED);
    const at = Date.now() + 3_600_000;
    for (let round = 0; round < 400; round++) {
      await p.same('SELECT', String(rng.int(0, 3)));
      await randomWrite(p, rng, `k${rng.int(0, 60)}`, at);
      if (round % 40 === 39) await sameDigests(p);
    }
    for (const db of ['0', '1', '2', '3']) {
      await p.same('SELECT', db);
      await sameDigests(p);
    }
  });
});


/** One value of every type and encoding under fixed names, some with a TTL. */
async function buildEveryType(p: Pair): Promise<void> {
  const at = String(Date.now() + 3_600_000);
  await p.same('SET', 'str', 'hello');
  await p.same('SET', 'int', '-123456789');
  await p.same('SET', 'raw', 'r'.repeat(500));
  await p.same('SET', 'bin\x00\xff', '\x00\x01\xff');
  await p.same('RPUSH', 'list', 'a', 'b', '3');
  await p.same('RPUSH', 'biglist', ...Array.from({ length: 1000 }, (_, i) => `e${i}`));
  await p.same('SADD', 'intset', '3', '1', '2');
  await p.same('SADD', 'set', 'x', 'y', 'z');
  await p.same('HSET', 'hash', 'f', 'v', 'n', '1');
  await p.same('HSET', 'bighash', ...Array.from({ length: 200 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  await p.same('ZADD', 'zset', ...TRICKY_SCORES.flatMap((s, i) => [s, `m${i}`]));
  await p.same('ZADD', 'bigzset', ...Array.from({ length: 200 }, (_, i) => [String(i * 0.37), `m${i}`]).flat());
  for (const k of ['str', 'list', 'intset', 'bighash', 'zset']) await p.same('PEXPIREAT', k, at);
}

function element(rng: Rng): string {
  switch (rng.int(0, 5)) {
    case 0:
      return String(rng.int(-300, 300));
    case 1:
      return String(rng.int(-(2 ** 40), 2 ** 40));
    case 2:
      return 'x'.repeat(rng.int(0, 90));
    case 3:
      return Array.from({ length: rng.int(0, 20) }, () => String.fromCharCode(rng.int(0, 255))).join('');
    case 4:
      return `${rng.int(0, 99)}.${rng.int(0, 9)}`;
    default:
      return `el-${rng.int(0, 50)}`;
  }
}

function randomScore(rng: Rng): string {
  switch (rng.int(0, 3)) {
    case 0:
      return String(rng.int(-1000, 1000));
    case 1:
      return String(rng.int(-1e6, 1e6) / rng.pick([3, 7, 10, 1024]));
    case 2:
      return `${rng.int(1, 9)}e${rng.int(-40, 40)}`;
    default:
      return rng.pick(TRICKY_SCORES);
  }
}

/** One random write to `key` (the same on both servers); WRONGTYPE and the like are compared too. */
async function randomWrite(p: Pair, rng: Rng, key: string, at: number): Promise<void> {
  const n = rng.pick([1, 2, 5, 20, 150, 600]);
  const many = (f: () => string[]): string[] => Array.from({ length: n }, f).flat();
  switch (rng.int(0, 11)) {
    case 0:
      await p.same('SET', key, element(rng));
      return;
    case 1:
      await p.same('RPUSH', key, ...many(() => [element(rng)]));
      return;
    case 2:
      await p.same('LPUSH', key, ...many(() => [element(rng)]));
      return;
    case 3:
      await p.same('SADD', key, ...many(() => [rng.chance(0.6) ? String(rng.int(-5000, 5000)) : element(rng)]));
      return;
    case 4:
      await p.same('HSET', key, ...many(() => [`f${rng.int(0, 300)}`, element(rng)]));
      return;
    case 5:
      await p.same('ZADD', key, ...many(() => [randomScore(rng), element(rng)]));
      return;
    case 6:
      await p.same('PEXPIREAT', key, String(at + rng.int(0, 100000)));
      return;
    case 7:
      await p.same('PERSIST', key);
      return;
    case 8:
      await p.same('DEL', key);
      return;
    case 9:
      await p.same('APPEND', key, element(rng));
      return;
    case 10:
      await p.same('SREM', key, String(rng.int(-5000, 5000)), element(rng));
      return;
    default:
      await p.same('ZINCRBY', key, randomScore(rng), element(rng));
  }
}
