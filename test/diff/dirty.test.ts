/**
 * Change counting (server.dirty) against the oracle: after every command the
 * delta of INFO persistence's rdb_changes_since_last_save must equal
 * redis-server 7.0.15's. Redis counts changes, not commands (MSET of 10 keys
 * is 10, a no-op write 0), and its save points ("save 60 10000") fire on
 * that count. Both servers run with `save ''` except the save-point test.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import type { RawClient } from '../support/raw-client.js';
import { oracleSkip, startOracle } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';
import { runRandomSequence } from '../support/random-sequence.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const nums = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => String(from + i));

/** Commands whose reply is random (the change count is not). */
const RANDOM_REPLY = new Set(['SPOP', 'SRANDMEMBER', 'HRANDFIELD', 'ZRANDMEMBER', 'RANDOMKEY']);

/** A line of INFO persistence as a number. */
async function infoField(c: RawClient, field: string): Promise<number> {
  const raw = await c.call('INFO', 'persistence');
  const m = new RegExp(`${field}:(\\d+)`).exec(raw);
  assert.ok(m !== null, `no ${field} in INFO`);
  return Number(m[1]);
}
const changes = (c: RawClient): Promise<number> => infoField(c, 'rdb_changes_since_last_save');

/** A case: setup commands run on both (not compared), then the commands whose deltas are compared. */
type Case = string[][];

const STRINGS: Case = [
  ['SET', 's', 'v'],
  ['SET', 's', 'v'],
  ['SET', 's', 'w', 'NX'],
  ['SET', 's', 'w', 'XX'],
  ['SET', 'nos', 'w', 'XX'],
  ['SET', 's', 'x', 'GET'],
  ['SET', 's', 'x', 'KEEPTTL'],
  ['SET', 's', 'x', 'BADOPT'],
  ['SETNX', 's', 'v'],
  ['SETNX', 's2', 'v'],
  ['SETEX', 's3', '100', 'v'],
  ['SETEX', 's3', '0', 'v'],
  ['PSETEX', 's3', '100000', 'v'],
  ['MSET', 'a', '1', 'b', '2', 'c', '3'],
  ['MSET', 'a', '1', 'a', '2'],
  ['MSET', 'a', '1', 'b'],
  ['MSETNX', 'a', '1', 'z', '2'],
  ['MSETNX', 'y', '1', 'z', '2', 'x', '3'],
  ['GETSET', 'a', '9'],
  ['GETSET', 'new', '9'],
  ['GETDEL', 'new'],
  ['GETDEL', 'new'],
  ['GETEX', 'a'],
  ['GETEX', 'a', 'EX', '100'],
  ['GETEX', 'a', 'PERSIST'],
  ['GETEX', 'a', 'PERSIST'],
  ['GETEX', 'nokey', 'EX', '100'],
  ['GETEX', 'a', 'PX', '0'],
  ['GETEX', 'a', 'PXAT', '1'],
  ['GETEX', 'a', 'PXAT', '1'],
  ['SET', 'past', 'v', 'PXAT', '1'],
  ['SET', 'past', 'v', 'EX', '0'],
  ['SETEX', 'past', '-1', 'v'],
  ['GETDEL', 'l'],
  ['INCRBYFLOAT', 'n', '1e400'],
  ['APPEND', 'ap', 'x'],
  ['APPEND', 'ap', ''],
  ['APPEND', 'ap', 'yz'],
  ['SETRANGE', 'ap', '1', 'Q'],
  ['SETRANGE', 'ap', '1', 'Q'],
  ['APPEND', 'ap', ''],
  ['SETRANGE', 'ap', '1', ''],
  ['SETRANGE', 'nosr', '0', ''],
  ['SETRANGE', 'nosr', '3', 'x'],
  ['INCR', 'n'],
  ['INCRBY', 'n', '0'],
  ['INCRBY', 'n', '5'],
  ['DECR', 'n'],
  ['DECRBY', 'n', '2'],
  ['INCRBYFLOAT', 'n', '1.5'],
  ['INCRBYFLOAT', 'n', '0'],
  ['INCR', 's'],
  ['INCRBYFLOAT', 's', '1'],
  ['LPUSH', 'l', 'x'],
  ['SET', 'l', 'v', 'NX'],
  ['APPEND', 'l', 'v'],
  ['GET', 'a'],
  ['STRLEN', 'a'],
];

const KEYSPACE: Case = [
  ['MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4'],
  ['DEL', 'a', 'b', 'nokey'],
  ['DEL', 'nokey'],
  ['UNLINK', 'c', 'd', 'c'],
  ['MSET', 'a', '1', 'b', '2'],
  ['RENAME', 'a', 'r'],
  ['RENAME', 'r', 'r'],
  ['RENAME', 'nokey', 'x'],
  ['RENAMENX', 'r', 'b'],
  ['RENAMENX', 'r', 'r2'],
  ['RENAMENX', 'r2', 'r2'],
  ['MOVE', 'r2', '1'],
  ['MOVE', 'nokey', '1'],
  ['SET', 'r2', 'x'],
  ['MOVE', 'r2', '1'],
  ['COPY', 'b', 'b2'],
  ['COPY', 'b', 'b2'],
  ['COPY', 'b', 'b2', 'REPLACE'],
  ['COPY', 'b', 'b3', 'DB', '1'],
  ['COPY', 'nokey', 'b4'],
  ['EXPIRE', 'b', '100'],
  ['EXPIRE', 'b', '100', 'NX'],
  ['EXPIRE', 'b', '200', 'GT'],
  ['EXPIRE', 'b', '50', 'GT'],
  ['EXPIRE', 'nokey', '100'],
  ['PEXPIRE', 'b', '100000'],
  ['EXPIREAT', 'b', '9999999999'],
  ['PEXPIREAT', 'b', '9999999999000'],
  ['PERSIST', 'b'],
  ['PERSIST', 'b'],
  ['EXPIRE', 'b2', '-1'],
  ['EXISTS', 'b2'],
  ['SET', 'b6', 'x'],
  ['EXPIRE', 'b6', '0'],
  ['COPY', 'b', 'b'],
  ['RENAME', 'b', 'b7'],
  ['RENAME', 'b7', 'b'],
  ['EXPIRETIME', 'b'],
  ['SET', 'b5', 'x'],
  ['PEXPIREAT', 'b5', '1'],
  ['TOUCH', 'b', 'nokey'],
  ['TTL', 'b'],
  ['MSET', 'x1', '1', 'x2', '2'],
  ['SELECT', '1'],
  ['SET', 'y1', '1'],
  ['SELECT', '0'],
  ['SWAPDB', '0', '1'],
  ['SWAPDB', '0', '0'],
  ['SWAPDB', '0', '99'],
  ['FLUSHDB'],
  ['FLUSHDB'],
  ['MSET', 'f1', '1', 'f2', '2', 'f3', '3'],
  ['FLUSHALL'],
  ['FLUSHALL'],
  ['SET', 'rt', 'v'],
  ['RESTORE', 'rt', '0', 'bad'],
];

const LISTS: Case = [
  ['LPUSH', 'l', 'a', 'b', 'c'],
  ['RPUSH', 'l', 'd'],
  ['LPUSHX', 'l', 'e', 'f'],
  ['LPUSHX', 'nol', 'e'],
  ['RPUSHX', 'l', 'g'],
  ['LPOP', 'l'],
  ['RPOP', 'l', '2'],
  ['LPOP', 'l', '0'],
  ['LPOP', 'nol'],
  ['LSET', 'l', '0', 'Z'],
  ['LSET', 'l', '99', 'Z'],
  ['LINSERT', 'l', 'BEFORE', 'Z', 'Y'],
  ['LINSERT', 'l', 'AFTER', 'nope', 'Y'],
  ['LINSERT', 'nol', 'AFTER', 'x', 'Y'],
  ['LSET', 'nol', '0', 'x'],
  ['SET', 'str', 'v'],
  ['LPUSH', 'str', 'x', 'y'],
  ['RPUSH', 'l', 'a', 'a', 'b', 'a'],
  ['LREM', 'l', '0', 'a'],
  ['LREM', 'l', '0', 'nope'],
  ['LTRIM', 'l', '0', '-1'],
  ['LTRIM', 'l', '1', '2'],
  ['LTRIM', 'l', '5', '2'],
  ['RPUSH', 'src', '1', '2', '3'],
  ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
  ['LMOVE', 'src', 'src', 'LEFT', 'RIGHT'],
  ['LMOVE', 'src', 'str', 'LEFT', 'RIGHT'],
  ['RPOPLPUSH', 'src', 'dst'],
  ['LMOVE', 'nol', 'dst', 'LEFT', 'RIGHT'],
  ['LMPOP', '2', 'nol', 'dst', 'LEFT', 'COUNT', '2'],
  ['BLPOP', 'dst', '0.05'],
  ['BLMPOP', '0.05', '1', 'src', 'RIGHT', 'COUNT', '5'],
  ['BRPOPLPUSH', 'nol', 'dst', '0.01'],
  ['LPOS', 'dst', 'x'],
];

const HASHES: Case = [
  ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
  ['HSET', 'h', 'a', '1', 'd', '4'],
  ['HSET', 'h', 'a', '9'],
  ['HMSET', 'h', 'a', '1', 'e', '5'],
  ['HSETNX', 'h', 'a', '1'],
  ['HSETNX', 'h', 'z', '1'],
  ['HDEL', 'h', 'a', 'b', 'nope'],
  ['HDEL', 'h', 'nope'],
  ['HDEL', 'noh', 'a'],
  ['HINCRBY', 'h', 'n', '0'],
  ['HINCRBY', 'h', 'n', '3'],
  ['HINCRBYFLOAT', 'h', 'f', '1.5'],
  ['HINCRBYFLOAT', 'h', 'f', '0'],
  ['HSETNX', 'newh', 'a', '1'],
  ['HINCRBYFLOAT', 'h', 'a', 'x'],
  ['HINCRBY', 'h', 'z', 'x'],
  ['HSET', 'h', 'a'],
  ['HSET', 'h2', 'x', '1', 'y', '2'],
  ['HDEL', 'h2', 'x', 'y'],
  ['HGETALL', 'h'],
];

const SETS: Case = [
  ['SADD', 's', '1', '2', '3', 'x'],
  ['SADD', 's', '1', '2', '4'],
  ['SADD', 's', '1'],
  ['SREM', 's', '1', '2', 'nope'],
  ['SREM', 's', 'nope'],
  ['SMOVE', 's', 'd', '3'],
  ['SMOVE', 's', 'd', 'nope'],
  ['SMOVE', 'nos', 'd', 'x'],
  ['SMOVE', 's', 'str', 'x'],
  ['SMOVE', 's', 's', 'x'],
  ['SADD', 'd', 'x'],
  ['SMOVE', 's', 'd', 'x'],
  ['SADD', 'p', ...nums(10)],
  ['SPOP', 'p'],
  ['SPOP', 'p', '3'],
  ['SPOP', 'p', '0'],
  ['SPOP', 'p', '100'],
  ['SPOP', 'nos', '2'],
  ['SADD', 'p2', ...nums(600)],
  ['SPOP', 'p2', '590'],
  ['SADD', 'a', '1', '2', '3', '4'],
  ['SADD', 'b', '3', '4', '5'],
  ['SINTERSTORE', 'dst', 'a', 'b'],
  ['SINTERSTORE', 'dst', 'a', 'b'],
  ['SINTERSTORE', 'dst', 'a', 'nokey'],
  ['SINTERSTORE', 'dst', 'a', 'nokey'],
  ['SUNIONSTORE', 'dst', 'a', 'b'],
  ['SDIFFSTORE', 'dst', 'a', 'b'],
  ['SDIFFSTORE', 'dst', 'a', 'a'],
  ['SDIFFSTORE', 'dst', 'a', 'a'],
  ['SUNIONSTORE', 'dst', 'a'],
  ['SUNIONSTORE', 'dst', 'nokey'],
  ['SINTERCARD', '2', 'a', 'b'],
  ['SRANDMEMBER', 'a', '2'],
];

const ZSETS: Case = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
  ['ZADD', 'z', '1', 'a', '5', 'b', '4', 'd'],
  ['ZADD', 'z', 'NX', '9', 'a', '9', 'e'],
  ['ZADD', 'z', 'XX', '9', 'a', '9', 'nope'],
  ['ZADD', 'z', 'CH', '9', 'a', '1', 'f'],
  ['ZADD', 'z', 'INCR', '1', 'a'],
  ['ZADD', 'z', 'INCR', '0', 'a'],
  ['ZADD', 'z', 'GT', '1', 'a'],
  ['ZADD', 'z', 'LT', 'CH', '0', 'a', '0', 'b'],
  ['ZADD', 'z', 'INCR', 'nan', 'a'],
  ['ZINCRBY', 'z', 'inf', 'inf'],
  ['ZINCRBY', 'z', '-inf', 'inf'],
  ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
  ['ZINCRBY', 'z', '2', 'b'],
  ['ZINCRBY', 'z', '0', 'b'],
  ['ZINCRBY', 'z', '2', 'new'],
  ['ZREM', 'z', 'a', 'b', 'nope'],
  ['ZREM', 'z', 'nope'],
  ['ZADD', 'r', ...nums(10).flatMap((n) => [n, `m${n}`])],
  ['ZREMRANGEBYRANK', 'r', '0', '1'],
  ['ZREMRANGEBYRANK', 'r', '5', '1'],
  ['ZREMRANGEBYSCORE', 'r', '2', '4'],
  ['ZREMRANGEBYSCORE', 'r', '100', '200'],
  ['ZREMRANGEBYLEX', 'r', '-', '+'],
  ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd'],
  ['ZREMRANGEBYLEX', 'l', '[a', '[b'],
  ['ZPOPMIN', 'l'],
  ['ZPOPMAX', 'l', '5'],
  ['ZPOPMIN', 'l'],
  ['ZADD', 'm', '1', 'a', '2', 'b', '3', 'c'],
  ['ZMPOP', '2', 'nokey', 'm', 'MIN', 'COUNT', '2'],
  ['BZPOPMAX', 'm', '0.05'],
  ['BZMPOP', '0.05', '1', 'nokey', 'MIN'],
  ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
  ['ZADD', 'b', '1', 'y', '2', 'z', '3', 'w'],
  ['ZUNIONSTORE', 'dst', '2', 'a', 'b'],
  ['ZINTERSTORE', 'dst', '2', 'a', 'b'],
  ['ZDIFFSTORE', 'dst', '2', 'a', 'b'],
  ['ZDIFFSTORE', 'dst', '2', 'a', 'a'],
  ['ZDIFFSTORE', 'dst', '2', 'a', 'a'],
  ['ZRANGESTORE', 'dst', 'a', '0', '-1'],
  ['ZRANGESTORE', 'dst', 'a', '5', '9'],
  ['ZRANGESTORE', 'dst', 'a', '5', '9'],
  ['ZUNIONSTORE', 'dst', '1', 'a'],
  ['ZUNIONSTORE', 'dst', '1', 'nokey'],
  ['ZINTERSTORE', 'dst', '2', 'a', 'nokey'],
  ['ZINTERSTORE', 'dst', '2', 'a', 'b', 'WEIGHTS', '1', '2', 'AGGREGATE', 'MAX'],
  ['ZRANDMEMBER', 'a', '2'],
];

const BITS_HLL_GEO: Case = [
  ['SETBIT', 'bm', '7', '1'],
  ['SETBIT', 'bm', '7', '1'],
  ['SETBIT', 'bm', '100', '0'],
  ['SETBIT', 'bm', '7', '0'],
  ['SETBIT', 'bm', '200', '0'],
  ['SETBIT', 'bm', '200', '0'],
  ['SETBIT', 'bm', 'x', '0'],
  ['SET', 'b1', 'abc'],
  ['SET', 'b2', 'xyz'],
  ['BITOP', 'AND', 'bo', 'b1', 'b2'],
  ['BITOP', 'OR', 'bo', 'nokey'],
  ['BITOP', 'OR', 'bo', 'nokey'],
  ['BITOP', 'NOT', 'bo', 'b1'],
  ['BITOP', 'AND', 'bo', 'nokey'],
  ['BITOP', 'XOR', 'bo', 'b1', 'b1'],
  ['BITFIELD', 'bf', 'SET', 'u8', '0', '1', 'SET', 'u8', '8', '2'],
  ['BITFIELD', 'bf', 'GET', 'u8', '0'],
  ['BITFIELD', 'bf', 'INCRBY', 'u8', '0', '1', 'INCRBY', 'u8', '8', '1', 'GET', 'u8', '0'],
  ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '100'],
  ['BITFIELD', 'bf', 'SET', 'u8', '0', '2'],
  ['BITFIELD_RO', 'bf', 'GET', 'u8', '0'],
  ['PFADD', 'h', 'a', 'b', 'c'],
  ['PFADD', 'h', 'a', 'b'],
  ['PFADD', 'h'],
  ['PFADD', 'h2'],
  ['PFADD', 'h2'],
  ['PFADD', 'h3', 'x', 'y'],
  ['PFCOUNT', 'h'],
  ['PFCOUNT', 'h', 'h3'],
  ['PFADD', 'h', 'q'],
  ['PFCOUNT', 'h'],
  ['PFCOUNT', 'h'],
  ['PFDEBUG', 'TODENSE', 'h'],
  ['PFDEBUG', 'TODENSE', 'h'],
  ['PFADD', 'h', 'q', 'r', 's'],
  ['PFMERGE', 'hm', 'h', 'h3'],
  ['PFMERGE', 'hm', 'h'],
  ['PFMERGE', 'hm2'],
  ['GEOADD', 'g', '13.36', '38.11', 'Palermo', '15.08', '37.50', 'Catania'],
  ['GEOADD', 'g', '13.36', '38.11', 'Palermo'],
  ['GEOADD', 'g', 'CH', '13.37', '38.11', 'Palermo', '1', '1', 'x'],
  ['GEOADD', 'g', 'NX', '13.37', '38.11', 'Palermo'],
  ['GEOADD', 'g', 'XX', '1', '1', 'nope'],
  ['GEOADD', 'g', 'XX', 'CH', '2', '2', 'x'],
  ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'gs'],
  ['GEORADIUS', 'g', '15', '37', '1', 'm', 'STORE', 'gs'],
  ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
  ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST'],
  ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'm'],
  ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'm'],
  ['GEORADIUSBYMEMBER', 'g', 'Palermo', '300', 'km', 'STOREDIST', 'gs2'],
];

const SORT_TX_DUMP: Case = [
  ['RPUSH', 'l', '3', '1', '2'],
  ['SORT', 'l', 'STORE', 'st'],
  ['SORT', 'l', 'STORE', 'st'],
  ['SORT', 'nokey', 'STORE', 'st'],
  ['SORT', 'nokey', 'STORE', 'st'],
  ['SORT_RO', 'l'],
  ['SORT', 'l'],
  ['MULTI'],
  ['MSET', 'a', '1', 'b', '2', 'c', '3'],
  ['SADD', 'set', '1', '2'],
  ['DEL', 'nokey'],
  ['INCR', 'a'],
  ['EXEC'],
  ['MULTI'],
  ['GET', 'a'],
  ['EXEC'],
  ['MULTI'],
  ['SET', 'a', '1'],
  ['DISCARD'],
  ['MULTI'],
  ['SET', 'a', '1'],
  ['NOSUCHCMD'],
  ['EXEC'],
  ['MULTI'],
  ['SELECT', '1'],
  ['MSET', 'm1', '1', 'm2', '2'],
  ['FLUSHDB'],
  ['SELECT', '0'],
  ['EXEC'],
  ['MULTI'],
  ['SET', 'a', '1'],
  ['LPUSH', 'a', 'x'],
  ['EXEC'],
  ['MULTI'],
  ['SET', 'a'],
  ['EXEC'],
  ['WATCH', 'a'],
  ['UNWATCH'],
  ['PUBLISH', 'ch', 'm'],
  ['PING'],
];

const CASES: Record<string, Case> = {
  strings: STRINGS,
  keyspace: KEYSPACE,
  lists: LISTS,
  hashes: HASHES,
  sets: SETS,
  zsets: ZSETS,
  'bitmaps, HyperLogLog, geo': BITS_HLL_GEO,
  'SORT, transactions, no-writes': SORT_TX_DUMP,
};

/** Each server's count, read on the observer connection (the main one may be inside MULTI). */
let observer: Pair;
const counts = (): Promise<[number, number]> => Promise.all([changes(observer.redis), changes(observer.respite)]);

/** Runs `cmd` on both; returns each server's change delta and its reply. */
async function deltas(p: Pair, cmd: string[]): Promise<{ redis: number; respite: number; replies: [string, string] }> {
  const [r0, s0] = await counts();
  const replies = await p.both(...cmd);
  const [r1, s1] = await counts();
  return { redis: r1 - r0, respite: s1 - s0, replies };
}

/** Runs a case and returns every mismatch (a reply or a delta) as text. */
async function runCase(p: Pair, cmds: Case): Promise<string[]> {
  const bad: string[] = [];
  for (const cmd of cmds) {
    const d = await deltas(p, cmd);
    const show = JSON.stringify(cmd).slice(0, 120);
    if (d.respite !== d.redis) bad.push(`${show}: changes redis=${d.redis} respite=${d.respite}`);
    if (!RANDOM_REPLY.has(cmd[0].toUpperCase()) && d.replies[0] !== d.replies[1]) {
      bad.push(`${show}: reply redis=${JSON.stringify(d.replies[0])} respite=${JSON.stringify(d.replies[1])}`);
    }
  }
  return bad;
}

describe('differential: change counting (rdb_changes_since_last_save)', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start({ 'enable-debug-command': 'yes' });
    observer = await env.connect();
  });
  after(() => env.stop());

  for (const [family, cmds] of Object.entries(CASES)) {
    it(`${family}: each command changes the count as in Redis`, async () => {
      await env.pair.same('FLUSHALL');
      await env.pair.same('SELECT', '0');
      assert.deepEqual(await runCase(env.pair, cmds), []);
    });
  }

  it('a blocked pop served by a push counts both writes as in Redis', async () => {
    await env.pair.same('FLUSHALL');
    const w = await env.connect();
    const bad: string[] = [];
    for (const [block, serve] of [
      [['BLPOP', 'bl', '5'], ['RPUSH', 'bl', 'a', 'b', 'c']],
      [['BLMOVE', 'bl2', 'bd', 'LEFT', 'LEFT', '5'], ['LPUSH', 'bl2', 'x', 'y']],
      [['BLMPOP', '5', '1', 'bl3', 'LEFT', 'COUNT', '2'], ['LPUSH', 'bl3', 'x', 'y', 'z']],
      [['BZPOPMIN', 'bz', '5'], ['ZADD', 'bz', '1', 'a', '2', 'b']],
      [['BZMPOP', '5', '1', 'bz2', 'MAX', 'COUNT', '5'], ['ZADD', 'bz2', '1', 'a', '2', 'b']],
    ]) {
      const [r0, s0] = await counts();
      const blocked = w.both(...block);
      await sleep(50);
      await env.pair.same(...serve);
      const [a, b] = await blocked;
      assert.equal(b, a, `${block.join(' ')} reply`);
      const [r1, s1] = await counts();
      if (r1 - r0 !== s1 - s0) bad.push(`${block.join(' ')} served by ${serve.join(' ')}: redis=${r1 - r0} respite=${s1 - s0}`);
    }
    assert.deepEqual(bad, []);
  });

  it('expired keys (lazy and active) do not change the count, as in Redis', async () => {
    await env.pair.same('FLUSHALL');
    const bad = await runCase(env.pair, [
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['SET', 'e1', 'v', 'PX', '1'],
      ['SET', 'e2', 'v', 'PX', '1'],
    ]);
    await sleep(20);
    bad.push(...(await runCase(env.pair, [['GET', 'e1'], ['DEL', 'e2'], ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'], ['SET', 'e3', 'v', 'PX', '1']])));
    const [r0, s0] = await counts();
    await sleep(300);
    await env.pair.same('DBSIZE');
    const [r1, s1] = await counts();
    if (r1 - r0 !== s1 - s0) bad.push(`active expiry: redis=${r1 - r0} respite=${s1 - s0}`);
    assert.deepEqual(bad, []);
  });

  it('RESTORE and MIGRATE change the count as in Redis', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    await p.same('SADD', 'src', 'x', 'y', 'z');
    await p.same('RPUSH', 'src2', 'a', 'b');
    // The payload comes from the oracle: both servers restore the same bytes.
    const dump = await p.redis.callValue('DUMP', 'src');
    assert.ok(dump.t === 'bulk' && dump.v !== null);
    const payload = Buffer.from(dump.v, 'latin1');
    const target = await startOracle();
    try {
      const port = String(target.port);
      const bad = await runCase(p, [
        ['RESTORE', 'copy', '0', payload.toString('latin1')],
        ['RESTORE', 'copy', '0', payload.toString('latin1')],
        ['RESTORE', 'copy', '0', payload.toString('latin1'), 'REPLACE'],
        ['RESTORE', 'copy2', '1', payload.toString('latin1'), 'ABSTTL'],
        ['RESTORE', 'copy3', '0', 'bad payload'],
        ['MIGRATE', '127.0.0.1', port, '', '0', '5000', 'REPLACE', 'KEYS', 'src', 'src2', 'nokey'],
        ['SET', 'one', 'v'],
        ['MIGRATE', '127.0.0.1', port, 'one', '0', '5000', 'REPLACE'],
        ['SET', 'cp', 'v'],
        ['MIGRATE', '127.0.0.1', port, 'cp', '0', '5000', 'COPY', 'REPLACE'],
        ['MIGRATE', '127.0.0.1', port, 'nokey', '0', '5000'],
      ]);
      assert.deepEqual(bad, []);
    } finally {
      await target.stop();
    }
  });

  for (const base of [1, 2, 3]) {
    const seed = testSeed(7900 + base);
    it(`seed ${seed}: 400 random writes change the count as in Redis`, async () => {
      await env.pair.same('FLUSHALL');
      await runRandomSequence({
        rng: new Rng(seed),
        steps: 400,
        next: randomWrite,
        run: async (cmd) => {
          const d = await deltas(env.pair, cmd);
          if (!RANDOM_REPLY.has(cmd[0])) assert.equal(d.replies[1], d.replies[0], 'reply');
          assert.equal(d.respite, d.redis, 'change delta');
        },
      });
    });
  }
});

const KEYS = ['k1', 'k2', 'k3', 'k4'];
const MEMBERS = ['a', 'b', 'c', 'd', 'e', '1', '2'];

/** A random write over a few keys of every type (WRONGTYPE errors included). */
function randomWrite(rng: Rng): string[] {
  const k = rng.pick(KEYS);
  const k2 = rng.pick(KEYS);
  const m = (): string[] => Array.from({ length: rng.int(1, 4) }, () => rng.pick(MEMBERS));
  const pairs = (): string[] => m().flatMap((x) => [x, String(rng.int(0, 3))]);
  const scored = (): string[] => m().flatMap((x) => [String(rng.int(0, 3)), x]);
  const gens: Array<() => string[]> = [
    () => ['SET', k, rng.pick(MEMBERS), ...(rng.chance(0.3) ? [rng.pick(['NX', 'XX', 'GET'])] : [])],
    () => ['MSET', ...m().flatMap((x) => [rng.pick(KEYS), x])],
    () => ['MSETNX', ...m().flatMap((x) => [rng.pick(KEYS), x])],
    () => ['APPEND', k, rng.pick(['', 'x'])],
    () => ['SETRANGE', k, String(rng.int(0, 3)), rng.pick(['', 'y'])],
    () => ['INCRBY', k, String(rng.int(-1, 1))],
    () => ['DEL', ...m().map(() => rng.pick(KEYS))],
    () => ['EXPIRE', k, String(rng.int(50, 100)), ...(rng.chance(0.4) ? [rng.pick(['NX', 'XX', 'GT', 'LT'])] : [])],
    () => ['PERSIST', k],
    () => ['RENAME', k, k2],
    () => ['COPY', k, k2, ...(rng.chance(0.5) ? ['REPLACE'] : [])],
    () => [rng.pick(['LPUSH', 'RPUSH', 'LPUSHX']), k, ...m()],
    () => [rng.pick(['LPOP', 'RPOP']), k, ...(rng.chance(0.5) ? [String(rng.int(0, 3))] : [])],
    () => ['LREM', k, String(rng.int(-2, 2)), rng.pick(MEMBERS)],
    () => ['LTRIM', k, String(rng.int(-2, 2)), String(rng.int(-2, 2))],
    () => ['LMOVE', k, k2, rng.pick(['LEFT', 'RIGHT']), rng.pick(['LEFT', 'RIGHT'])],
    () => ['LINSERT', k, rng.pick(['BEFORE', 'AFTER']), rng.pick(MEMBERS), 'ins'],
    () => ['LSET', k, String(rng.int(-2, 2)), 'set'],
    () => ['HSET', k, ...pairs()],
    () => ['HSETNX', k, rng.pick(MEMBERS), 'v'],
    () => ['HDEL', k, ...m()],
    () => ['HINCRBY', k, rng.pick(MEMBERS), String(rng.int(-1, 1))],
    () => ['SADD', k, ...m()],
    () => ['SREM', k, ...m()],
    () => ['SMOVE', k, k2, rng.pick(MEMBERS)],
    () => [rng.pick(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']), k, k2, rng.pick(KEYS)],
    () => ['ZADD', k, ...(rng.chance(0.3) ? [rng.pick(['NX', 'XX', 'GT', 'LT', 'CH'])] : []), ...scored()],
    () => ['ZINCRBY', k, String(rng.int(-1, 1)), rng.pick(MEMBERS)],
    () => ['ZREM', k, ...m()],
    () => ['ZREMRANGEBYSCORE', k, String(rng.int(0, 2)), String(rng.int(1, 3))],
    () => ['ZREMRANGEBYRANK', k, String(rng.int(-2, 2)), String(rng.int(-2, 2))],
    () => [rng.pick(['ZPOPMIN', 'ZPOPMAX']), k, ...(rng.chance(0.5) ? [String(rng.int(0, 3))] : [])],
    () => [rng.pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']), k, '2', k2, rng.pick(KEYS)],
    () => ['SETBIT', k, String(rng.int(0, 15)), String(rng.int(0, 1))],
    () => ['BITOP', rng.pick(['AND', 'OR', 'XOR']), k, k2, rng.pick(KEYS)],
    () => ['BITFIELD', k, 'SET', 'u4', String(rng.int(0, 8)), String(rng.int(0, 15))],
    () => ['PFADD', k, ...m()],
    () => ['PFMERGE', k, k2],
    () => ['SORT', k2, 'ALPHA', 'STORE', k],
    () => ['GETDEL', k],
    () => ['GETEX', k, ...rng.pick([['EX', '100'], ['PERSIST'], ['PXAT', '1'], []])],
    () => ['SET', k, 'v', 'PXAT', rng.pick(['1', '99999999999999'])],
    () => ['PEXPIREAT', k, rng.pick(['1', '99999999999999'])],
    () => ['MOVE', k, '1'],
    () => ['SWAPDB', '0', '1'],
    () => ['LMPOP', '2', k, k2, rng.pick(['LEFT', 'RIGHT']), 'COUNT', String(rng.int(1, 3))],
    () => ['BLPOP', k, k2, '0.01'],
    () => ['ZMPOP', '2', k, k2, rng.pick(['MIN', 'MAX']), 'COUNT', String(rng.int(1, 3))],
    () => ['BZPOPMIN', k, '0.01'],
    () => ['ZADD', k, 'INCR', String(rng.int(-1, 1)), rng.pick(MEMBERS)],
    () => ['ZRANGESTORE', k, k2, '0', String(rng.int(-1, 2))],
    () => ['HINCRBYFLOAT', k, rng.pick(MEMBERS), rng.pick(['0', '1.5'])],
    () => ['BITFIELD', k, 'OVERFLOW', rng.pick(['WRAP', 'SAT', 'FAIL']), 'INCRBY', 'u2', String(rng.int(0, 8)), String(rng.int(-2, 2))],
    () => ['GEOADD', k, ...(rng.chance(0.3) ? [rng.pick(['NX', 'XX', 'CH'])] : []), String(rng.int(0, 2)), String(rng.int(0, 2)), rng.pick(MEMBERS)],
    () => ['GEOSEARCHSTORE', k, k2, 'FROMLONLAT', '1', '1', 'BYRADIUS', String(rng.int(1, 400)), 'km'],
    () => ['FLUSHDB'],
  ];
  // FLUSHDB rarely, so the keys grow state.
  const i = rng.int(0, gens.length - 1);
  return i === gens.length - 1 && rng.chance(0.7) ? gens[0]() : gens[i]();
}

describe('differential: save points count changes', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  // Both servers save into this directory (never the working directory).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-dirty-'));
  before(async () => {
    env = await DiffEnv.start({ dir });
    observer = await env.connect();
  });
  after(async () => {
    await env.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Polls both counts until both are 0 (a save happened) or `ms` pass; returns the last counts. */
  async function savedWithin(ms: number): Promise<[number, number]> {
    const deadline = Date.now() + ms;
    let last = await counts();
    while (Date.now() < deadline && !(last[0] === 0 && last[1] === 0)) {
      await sleep(50);
      last = await counts();
    }
    return last;
  }

  it('"save 1 5" fires after an MSET of 5 keys, not after 4 changes', async () => {
    const p = env.pair;
    await p.same('CONFIG', 'SET', 'save', '1 5');
    // With save points, FLUSHALL saves: the count restarts from what it removed, as in Redis.
    await p.same('MSET', 'x', '1', 'y', '2');
    await p.same('FLUSHALL');
    assert.deepEqual([await changes(p.respite)], [await changes(p.redis)]);
    await p.same('SAVE');
    await p.same('MSET', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    await sleep(1300);
    const [r4, s4] = await counts();
    assert.equal(r4, 4, 'redis must not save with 4 changes');
    assert.equal(s4, r4);
    await p.same('MSET', 'e', '5');
    assert.deepEqual(await savedWithin(3000), [0, 0], 'both save once the fifth change is made');
    // One MSET of five keys is five changes: enough on its own.
    await p.same('MSET', 'f', '1', 'g', '2', 'h', '3', 'i', '4', 'j', '5');
    assert.deepEqual(await counts(), [5, 5]);
    assert.deepEqual(await savedWithin(3000), [0, 0], 'both save after MSET of 5 keys');
    await p.same('CONFIG', 'SET', 'save', '');
  });
});
