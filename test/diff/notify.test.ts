/**
 * Keyspace notifications against the oracle: a subscriber connection on each
 * server PSUBSCRIBEs to every keyspace/keyevent channel, the same writes run
 * on both, and the received message streams must be identical (order
 * included: each event is a __keyspace@ message then a __keyevent@ one).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { drainUntilPong } from '../support/effects.js';
import { oracleSkip } from '../support/oracle.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('differential keyspace notifications', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let sub: Pair;
  before(async () => {
    env = await DiffEnv.start({ 'enable-debug-command': 'yes' });
    await env.pair.same('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    sub = await env.connect();
    await sub.same('PSUBSCRIBE', '__key*__:*');
  });
  after(() => env.stop());
  beforeEach(async () => {
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await env.reset();
    await env.pair.same('SELECT', '0');
    await sameEvents();
  });

  /** Drains both subscribers and asserts the same messages arrived. */
  async function sameEvents(): Promise<string[]> {
    const [a, b] = await Promise.all([drainUntilPong(sub.redis), drainUntilPong(sub.respite)]);
    assert.deepEqual(b, a, 'keyspace notifications differ');
    return a;
  }

  /** Runs each command on both servers (replies compared), then compares the events. */
  async function run(p: Pair, cmds: string[][]): Promise<void> {
    for (const cmd of cmds) await p.same(...cmd);
    const events = await sameEvents();
    assert.ok(events.length > 0, 'the sequence raised no event at all');
  }

  /** Runs the commands if respite implements them (other families may still be in progress). */
  function implemented(name: string): boolean {
    return env.server.server.commands.get(name)?.handler !== undefined;
  }

  it('strings', async () => {
    await run(env.pair, [
      ['SET', 's', 'v'],
      ['SET', 's', 'v', 'NX'],
      ['SETEX', 's', '100', 'v'],
      ['SET', 's', 'v', 'EX', '100', 'GET'],
      ['APPEND', 's', 'x'],
      ['SETRANGE', 's', '1', 'yy'],
      ['INCR', 'n'],
      ['INCRBY', 'n', '5'],
      ['DECR', 'n'],
      ['INCRBYFLOAT', 'n', '0.5'],
      ['MSET', 'a', '1', 'b', '2'],
      ['MSETNX', 'a', '1', 'c', '3'],
      ['GETSET', 'a', 'x'],
      ['GETDEL', 'a'],
      ['GETEX', 'b', 'EX', '100'],
      ['GETEX', 'b', 'PERSIST'],
      ['SETNX', 'd', '1'],
      ['INCR', 's'],
    ]);
  });

  it('generic keyspace commands and expiry', async () => {
    await run(env.pair, [
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100'],
      ['PEXPIRE', 'k', '100000'],
      ['PERSIST', 'k'],
      ['RENAME', 'k', 'k2'],
      ['SET', 'k3', 'x'],
      ['RENAME', 'k3', 'k2'],
      ['COPY', 'k2', 'k4'],
      ['MOVE', 'k4', '1'],
      ['DEL', 'k2', 'nokey'],
      ['SET', 'e', 'v'],
      ['EXPIRE', 'e', '0'],
      ['SET', 'e', 'v', 'PX', '10'],
    ]);
    await sleep(30);
    await run(env.pair, [['GET', 'e']]);
    await run(env.pair, [['SET', 'f', 'v'], ['UNLINK', 'f'], ['SET', 'g', 'v'], ['PEXPIREAT', 'g', '1']]);
  });

  it('bitmaps', async (t) => {
    if (!implemented('setbit')) return t.skip('SETBIT not implemented yet');
    await run(env.pair, [
      ['SETBIT', 'bm', '7', '1'],
      ['BITOP', 'NOT', 'bm2', 'bm'],
      ['BITFIELD', 'bm', 'INCRBY', 'u8', '0', '1'],
    ]);
  });

  it('lists', async (t) => {
    if (!implemented('lpush')) return t.skip('lists not implemented yet');
    await run(env.pair, [
      ['LPUSH', 'l', 'a', 'b', 'c'],
      ['RPUSH', 'l', 'd'],
      ['LPUSHX', 'nol', 'x'],
      ['LSET', 'l', '0', 'z'],
      ['LINSERT', 'l', 'BEFORE', 'z', 'y'],
      ['LREM', 'l', '1', 'y'],
      ['LTRIM', 'l', '0', '2'],
      ['LPOP', 'l'],
      ['RPOPLPUSH', 'l', 'l2'],
      ['LMOVE', 'l2', 'l', 'LEFT', 'RIGHT'],
      ['RPOP', 'l', '5'],
    ]);
  });

  it('hashes', async (t) => {
    if (!implemented('hset')) return t.skip('hashes not implemented yet');
    await run(env.pair, [
      ['HSET', 'h', 'f', 'v', 'g', 'w'],
      ['HSETNX', 'h', 'f', 'x'],
      ['HINCRBY', 'h', 'n', '2'],
      ['HINCRBYFLOAT', 'h', 'n', '1.5'],
      ['HDEL', 'h', 'f'],
      ['HDEL', 'h', 'g', 'n'],
    ]);
  });

  it('sets', async (t) => {
    if (!implemented('sadd')) return t.skip('sets not implemented yet');
    await run(env.pair, [
      ['SADD', 's', 'a', 'b', 'c'],
      ['SREM', 's', 'a'],
      ['SMOVE', 's', 's2', 'b'],
      ['SADD', 's3', 'c', 'd'],
      ['SINTERSTORE', 'dst', 's', 's3'],
      ['SUNIONSTORE', 'dst', 's', 's3'],
      ['SDIFFSTORE', 'dst', 'nos', 's3'],
      ['SREM', 's', 'c'],
    ]);
  });

  it('sorted sets', async (t) => {
    if (!implemented('zadd')) return t.skip('sorted sets not implemented yet');
    await run(env.pair, [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['ZINCRBY', 'z', '5', 'a'],
      ['ZREM', 'z', 'b'],
      ['ZPOPMIN', 'z'],
      ['ZADD', 'z2', '1', 'x'],
      ['ZUNIONSTORE', 'zu', '2', 'z', 'z2'],
      ['ZREMRANGEBYSCORE', 'zu', '0', '1'],
      ['ZRANGESTORE', 'zr', 'zu', '0', '-1'],
    ]);
  });

  it('class filters: K only, E only, a single class, and none', async () => {
    for (const flags of ['K$', 'Eg', 'KEx', 'g', 'KE']) {
      await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', flags);
      for (const cmd of [['SET', 'k', 'v'], ['EXPIRE', 'k', '100'], ['DEL', 'k'], ['SET', 'x', 'v', 'PX', '1']]) await env.pair.same(...cmd);
      await sleep(10);
      await env.pair.same('GET', 'x');
      await sameEvents();
    }
  });

  it("new-key events (class n, not part of 'A') and the database in channel names", async () => {
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEAn');
    await run(env.pair, [
      ['SET', 'k', 'v'],
      ['SET', 'k', 'w'],
      ['SELECT', '3'],
      ['MSET', 'a', '1', 'b', '2'],
      ['INCR', 'n'],
      ['RENAME', 'a', 'c'],
      ['COPY', 'c', 'd'],
      ['APPEND', 'e', 'x'],
      ['SELECT', '0'],
    ]);
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'En');
    await run(env.pair, [['SET', 'new1', 'v'], ['SET', 'new1', 'v']]);
  });

  it('key-miss events (class m) from read commands', async () => {
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEm');
    await env.pair.same('SET', 'here', 'v');
    const reads = [['GET', 'nokey'], ['GET', 'here'], ['STRLEN', 'nokey'], ['GETRANGE', 'nokey', '0', '1'], ['MGET', 'here', 'no1', 'no2'], ['EXISTS', 'nokey'], ['TYPE', 'nokey'], ['TTL', 'nokey'], ['SET', 'nokey2', 'v', 'GET']];
    if (implemented('hget')) reads.push(['HGET', 'nokey', 'f'], ['HGETALL', 'nokey']);
    if (implemented('lrange')) reads.push(['LRANGE', 'nokey', '0', '-1'], ['LLEN', 'nokey']);
    if (implemented('smembers')) reads.push(['SMEMBERS', 'nokey'], ['SISMEMBER', 'nokey', 'x']);
    if (implemented('zscore')) reads.push(['ZSCORE', 'nokey', 'x'], ['ZRANGE', 'nokey', '0', '-1']);
    for (const cmd of reads) {
      await env.pair.same(...cmd);
      await sameEvents();
    }
  });

  it('expired events from active expiry', async () => {
    await env.pair.same('SET', 'a', '1', 'PX', '20');
    await env.pair.same('SET', 'b', '1', 'PX', '20');
    await env.pair.same('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    try {
      await sleep(400);
      const [a, b] = await Promise.all([drainUntilPong(sub.redis), drainUntilPong(sub.respite)]);
      // The cycle's sampling order is Redis's own: compare as sets.
      assert.deepEqual([...b].sort(), [...a].sort());
      assert.equal(a.filter((m) => m.includes('expired')).length, 4);
    } finally {
      await env.pair.same('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    }
  });

  it('events of a transaction are published as its commands run', async () => {
    const p = env.pair;
    await p.same('MULTI');
    await p.same('SET', 'a', '1');
    await p.same('INCR', 'a');
    await p.same('DEL', 'a');
    await p.same('EXEC');
    await sameEvents();
  });
});
