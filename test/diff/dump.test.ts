import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Arg, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import type { RawClient } from '../support/raw-client.js';
import { Rng } from '../support/random.js';

/** A value built by the same commands on both servers. */
interface Case {
  name: string;
  key: string;
  cmds: Arg[][];
  /** Redis's bytes for this value do not depend on hash-table order. */
  deterministic: boolean;
  /** Reads the whole value (compared unordered when `unordered`). */
  read: Arg[];
  unordered?: boolean;
}

const rng = new Rng(20240501);
const randomBytes = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(rng.int(0, 255));
  return s;
};
const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

const CASES: Case[] = [
  { name: 'short string', key: 's', cmds: [['SET', 's', 'hello']], deterministic: true, read: ['GET', 's'] },
  { name: 'empty string', key: 's', cmds: [['SET', 's', '']], deterministic: true, read: ['GET', 's'] },
  ...['0', '-1', '127', '-128', '128', '-32769', '2147483647', '-2147483649', '9223372036854775807', '007', '-0', '1e3'].map(
    (v): Case => ({ name: `integer-like string ${v}`, key: 's', cmds: [['SET', 's', v]], deterministic: true, read: ['GET', 's'] }),
  ),
  { name: 'compressible long string', key: 's', cmds: [['SET', 's', 'abcabcabc'.repeat(50)]], deterministic: true, read: ['GET', 's'] },
  { name: 'incompressible binary string', key: 's', cmds: [['SET', 's', Buffer.from(randomBytes(300), 'latin1')]], deterministic: true, read: ['GET', 's'] },
  { name: 'big string (LZF with long matches)', key: 's', cmds: [['SET', 's', 'x'.repeat(70000) + randomBytes(500)]], deterministic: true, read: ['GET', 's'] },
  { name: 'small list with mixed ints', key: 'l', cmds: [['RPUSH', 'l', 'a', '1', '-1', '127', '128', '4095', '-4096', '40000', '-8388608', '8388608', '2147483648', '-9223372036854775808', 'b'.repeat(70), 'c'.repeat(5000)]], deterministic: true, read: ['LRANGE', 'l', '0', '-1'] },
  { name: 'list of 3000 elements (many quicklist nodes)', key: 'l', cmds: [['RPUSH', 'l', ...range(3000, (i) => (i % 3 === 0 ? String(i) : `element-${i}`))]], deterministic: true, read: ['LRANGE', 'l', '0', '-1'] },
  { name: 'list with big elements', key: 'l', cmds: [['RPUSH', 'l', ...range(20, (i) => `${i}`.repeat(900))]], deterministic: true, read: ['LRANGE', 'l', '0', '-1'] },
  { name: 'listpack hash', key: 'h', cmds: [['HSET', 'h', 'f1', 'v1', 'n', '12', 'neg', '-300', 'big', '99999999999999']], deterministic: true, read: ['HGETALL', 'h'] },
  { name: 'hashtable hash (many fields)', key: 'h', cmds: [['HSET', 'h', ...range(1200, (i) => (i % 2 === 0 ? `f${i}` : String(i)))]], deterministic: false, read: ['HGETALL', 'h'], unordered: true },
  { name: 'hashtable hash (long value)', key: 'h', cmds: [['HSET', 'h', 'a', '1', 'b', 'v'.repeat(100)]], deterministic: false, read: ['HGETALL', 'h'], unordered: true },
  { name: 'intset 16-bit', key: 'i', cmds: [['SADD', 'i', '5', '-3', '1000', '0']], deterministic: true, read: ['SMEMBERS', 'i'] },
  { name: 'intset 32-bit', key: 'i', cmds: [['SADD', 'i', '5', '-70000', '100000']], deterministic: true, read: ['SMEMBERS', 'i'] },
  { name: 'intset 64-bit', key: 'i', cmds: [['SADD', 'i', '5', '9223372036854775807', '-9223372036854775808', '4294967296']], deterministic: true, read: ['SMEMBERS', 'i'] },
  { name: 'hashtable set (strings)', key: 'i', cmds: [['SADD', 'i', 'a', 'b', 'c', '1']], deterministic: false, read: ['SMEMBERS', 'i'], unordered: true },
  { name: 'hashtable set (600 ints)', key: 'i', cmds: [['SADD', 'i', ...range(600, (i) => String(i * 7))]], deterministic: false, read: ['SMEMBERS', 'i'], unordered: true },
  { name: 'listpack zset', key: 'z', cmds: [['ZADD', 'z', '1', 'a', '1.5', 'b', '-3', 'c', 'inf', 'd', '-inf', 'e', '0', 'f', '3e20', 'g', '0.1', 'h', '-0', 'i', '4503599627370496', 'j', '2e17', 'k', '4611686018427387904', 'l', '-4611686018427387904', 'm', '9223372036854775807', 'n']], deterministic: true, read: ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'] },
  { name: 'skiplist zset (200 members)', key: 'z', cmds: [['ZADD', 'z', ...range(200, (i) => (i % 2 === 0 ? String(i / 7) : `m${i}`))]], deterministic: true, read: ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'] },
  { name: 'skiplist zset (long member)', key: 'z', cmds: [['ZADD', 'z', '1', 'x'.repeat(100), '2', 'y']], deterministic: true, read: ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'] },
];

async function bulkOf(c: RawClient, ...args: Arg[]): Promise<Buffer> {
  const v = await c.callValue(...args);
  assert.equal(v.t, 'bulk');
  return Buffer.from((v as { v: string }).v, 'latin1');
}

async function compare(p: Pair, c: Case, key: string): Promise<void> {
  const read = [c.read[0], key, ...c.read.slice(2)];
  if (c.unordered) await p.sameUnordered(...read);
  else await p.same(...read);
  await p.same('OBJECT', 'ENCODING', key);
  await p.same('TYPE', key);
}

describe('DUMP / RESTORE against redis-server 7.0', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  for (const c of CASES) {
    it(`${c.name}: same DUMP bytes where deterministic; payloads restore across servers`, async () => {
      const p = env.pair;
      for (const cmd of c.cmds) await p.same(...cmd);
      if (c.deterministic) await p.same('DUMP', c.key);
      // Redis's payload into respite, respite's into Redis.
      const fromRedis = await bulkOf(p.redis, 'DUMP', c.key);
      const fromUs = await bulkOf(p.respite, 'DUMP', c.key);
      assert.equal(await p.respite.call('RESTORE', 'copy', '0', fromRedis), '+OK\r\n');
      assert.equal(await p.redis.call('RESTORE', 'copy', '0', fromUs), '+OK\r\n');
      await compare(p, c, 'copy');
      // And each server's own payload back into itself.
      await p.same('RESTORE', 'copy', '0', fromRedis, 'REPLACE');
      await compare(p, c, 'copy');
      await p.same('DEL', 'copy');
    });
  }

  it('RESTORE errors and options', async () => {
    const p = env.pair;
    await p.same('SET', 'k', 'v');
    const payload = await bulkOf(p.redis, 'DUMP', 'k');
    await p.same('DUMP', 'missing');
    await p.same('RESTORE', 'k', '0', payload);
    await p.same('RESTORE', 'k', '-1', payload, 'REPLACE');
    await p.same('RESTORE', 'n', 'abc', payload);
    await p.same('RESTORE', 'n', '0', 'junk');
    await p.same('RESTORE', 'n', '0', 'junkjunkjunkjunk');
    const badCrc = Buffer.from(payload);
    badCrc[badCrc.length - 1] ^= 1;
    await p.same('RESTORE', 'n', '0', badCrc);
    const newer = Buffer.from(payload);
    newer[newer.length - 10] = 11;
    await p.same('RESTORE', 'n', '0', newer);
    await p.same('RESTORE', 'n', '0', payload, 'FOO');
    await p.same('RESTORE', 'n', '0', payload, 'IDLETIME');
    await p.same('RESTORE', 'n', '0', payload, 'IDLETIME', '-1');
    await p.same('RESTORE', 'n', '0', payload, 'IDLETIME', 'x');
    await p.same('RESTORE', 'n', '0', payload, 'FREQ', '256');
    await p.same('RESTORE', 'n', '0', payload, 'FREQ', '-1');
    await p.same('RESTORE', 'n', '0', payload, 'FREQ', '5', 'IDLETIME', '5');
    await p.same('RESTORE', 'n', '0', payload, 'IDLETIME', '5', 'FREQ', '5');
    await p.same('RESTORE', 'n', '0', payload, 'IDLETIME', '5', 'REPLACE');
    await p.same('GET', 'n');
    await p.same('RESTORE', 'n', '0', payload, 'FREQ', '100', 'REPLACE');
    await p.same('RESTORE', 'n', '0', payload);
    // TTLs: relative, absolute in the future, absolute in the past (nothing created, REPLACE deletes).
    await p.same('RESTORE', 't', '100000', payload);
    await p.same('TTL', 't');
    const future = String(Date.now() + 200000);
    await p.same('RESTORE', 't2', future, payload, 'ABSTTL');
    await p.same('TTL', 't2');
    await p.same('RESTORE', 't3', '1000', payload, 'ABSTTL');
    await p.same('EXISTS', 't3');
    await p.same('RESTORE', 't2', '1000', payload, 'ABSTTL', 'REPLACE');
    await p.same('EXISTS', 't2');
    // A payload whose checksum is right but whose body is garbage.
    const p2 = await bulkOf(p.respite, 'DUMP', 'k');
    assert.ok(p2.equals(payload));
  });

  it('a corrupt body with a valid checksum is "Bad data format"', async () => {
    const p = env.pair;
    await p.same('RPUSH', 'l', 'a', 'b', 'c');
    const good = await bulkOf(p.respite, 'DUMP', 'l');
    // Type byte 2 (set) with a length past the end; checksum recomputed by respite's own DUMP machinery.
    const { crc64 } = await import('../../src/persistence/rdb/crc64.js');
    const body = Buffer.from([2, 5, 1, 0x61, 10, 0]);
    const bad = Buffer.concat([body, crc64(body).bytes()]);
    await p.same('RESTORE', 'x', '0', bad);
    assert.ok(good.length > 10);
  });

  it('DUMP follows rdbcompression and list-max-listpack-size', async () => {
    const p = env.pair;
    await p.same('SET', 's', 'abc'.repeat(100));
    await p.same('CONFIG', 'SET', 'rdbcompression', 'no');
    await p.same('DUMP', 's');
    await p.same('CONFIG', 'SET', 'rdbcompression', 'yes');
    for (const fill of ['3', '-1', '-5']) {
      await p.same('CONFIG', 'SET', 'list-max-listpack-size', fill);
      await p.same('DEL', 'l');
      await p.same('RPUSH', 'l', ...range(500, (i) => `v${i}`.repeat(1 + (i % 9))));
      await p.same('DUMP', 'l');
    }
    await p.same('CONFIG', 'SET', 'list-max-listpack-size', '-2');
  });

  it('RESTORE picks encodings under the current limits', async () => {
    const p = env.pair;
    await p.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    await p.same('HSET', 'h', 'a', '1', 'b', '2');
    await p.same('SADD', 's', '1', '2', '3');
    const dumps: Record<string, Buffer> = {};
    for (const k of ['z', 'h', 's']) dumps[k] = await bulkOf(p.redis, 'DUMP', k);
    await p.same('CONFIG', 'SET', 'zset-max-listpack-entries', '2');
    await p.same('CONFIG', 'SET', 'hash-max-listpack-entries', '1');
    await p.same('CONFIG', 'SET', 'set-max-intset-entries', '2');
    for (const k of ['z', 'h', 's']) {
      await p.same('RESTORE', `${k}2`, '0', dumps[k]);
      await p.same('OBJECT', 'ENCODING', `${k}2`);
    }
    await p.same('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
    await p.same('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
    await p.same('CONFIG', 'SET', 'set-max-intset-entries', '512');
  });
});
