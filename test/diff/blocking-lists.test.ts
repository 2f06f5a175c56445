import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { blockOn, waitBlocked } from '../support/blocking.js';
import { oracleSkip } from '../support/oracle.js';
import { RawClient, encodeCommand } from '../support/raw-client.js';

describe('differential: blocking list commands over several connections', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('FIFO between three clients, one element each', async () => {
    const [a, b, c] = [await env.connect(), await env.connect(), await env.connect()];
    await blockOn(env, a, 1, 'BLPOP', 'k', '0');
    await blockOn(env, b, 2, 'BLPOP', 'k', '0');
    await blockOn(env, c, 3, 'BRPOP', 'k', '0');
    await env.pair.same('RPUSH', 'k', 'x', 'y');
    assert.equal(await a.readSame(), '*2\r\n$1\r\nk\r\n$1\r\nx\r\n');
    await b.readSame();
    await waitBlocked(env, 1);
    await env.pair.same('EXISTS', 'k');
    await env.pair.same('LPUSH', 'k', 'z', 'w');
    await c.readSame();
    await env.pair.same('LRANGE', 'k', '0', '-1');
    await waitBlocked(env, 0);
  });

  it('the push replies the length before the blocked client is served', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BLPOP', 'k', '0');
    await env.pair.same('RPUSH', 'k', 'a', 'b', 'c');
    await a.readSame();
    await env.pair.same('LRANGE', 'k', '0', '-1');
  });

  it('timeouts reply nil (array or bulk) in RESP2 and RESP3', async () => {
    for (const proto of ['2', '3']) {
      const a = await env.connect();
      await a.both('HELLO', proto);
      for (const cmd of [
        ['BLPOP', 'k1', 'k2', '0.1'],
        ['BRPOP', 'k1', '0.05'],
        ['BLMPOP', '0.1', '2', 'k1', 'k2', 'LEFT', 'COUNT', '3'],
        ['BRPOPLPUSH', 'k1', 'd', '0.1'],
        ['BLMOVE', 'k1', 'd', 'LEFT', 'RIGHT', '0.1'],
        ['BLPOP', 'k1', '0.0001'],
      ]) {
        a.writeRaw(encodeCommand(cmd));
        await a.readSame();
      }
      await env.pair.same('EXISTS', 'd');
    }
  });

  it('a pipeline resumes after the blocked command is served', async () => {
    const a = await env.connect();
    a.writeRaw(Buffer.concat([encodeCommand(['BLPOP', 'k', '0']), encodeCommand(['PING']), encodeCommand(['LLEN', 'k'])]));
    await waitBlocked(env, 1);
    await env.pair.same('RPUSH', 'k', '1', '2');
    await a.readSame();
    assert.equal(await a.readSame(), '+PONG\r\n');
    assert.equal(await a.readSame(), ':1\r\n');
  });

  it('BLMOVE chain: one push travels through three blocked clients', async () => {
    const [a, b, c] = [await env.connect(), await env.connect(), await env.connect()];
    await blockOn(env, a, 1, 'BLMOVE', 's1', 's2', 'RIGHT', 'LEFT', '0');
    await blockOn(env, b, 2, 'BRPOPLPUSH', 's2', 's3', '0');
    await blockOn(env, c, 3, 'BLPOP', 's3', '0');
    await env.pair.same('RPUSH', 's1', 'v1', 'v2');
    assert.equal(await a.readSame(), '$2\r\nv2\r\n');
    await b.readSame();
    await c.readSame();
    for (const k of ['s1', 's2', 's3']) await env.pair.same('LRANGE', k, '0', '-1');
    await waitBlocked(env, 0);
  });

  it('BLMOVE into its own source key and into a key another client waits on', async () => {
    const [a, b] = [await env.connect(), await env.connect()];
    await blockOn(env, a, 1, 'BLMOVE', 'r', 'r', 'LEFT', 'RIGHT', '0');
    await blockOn(env, b, 2, 'BLPOP', 'r', '0');
    await env.pair.same('RPUSH', 'r', 'only');
    await a.readSame();
    await b.readSame();
    await env.pair.same('EXISTS', 'r');
  });

  it('a woken client is served from the key that became ready, not its first key (MULTI)', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BLPOP', 'a', 'b', '0');
    const p = env.pair;
    await p.same('MULTI');
    await p.same('RPUSH', 'b', 'from-b');
    await p.same('RPUSH', 'a', 'from-a');
    await p.same('EXEC');
    assert.equal(await a.readSame(), '*2\r\n$1\r\nb\r\n$6\r\nfrom-b\r\n');
    await p.same('LRANGE', 'a', '0', '-1');
    await p.same('LRANGE', 'b', '0', '-1');
  });

  it('pushes inside MULTI wake clients only after EXEC', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BLMPOP', '0', '1', 'k', 'RIGHT', 'COUNT', '2');
    const p = env.pair;
    await p.same('MULTI');
    await p.same('RPUSH', 'k', '1', '2', '3');
    await p.same('LLEN', 'k');
    await p.same('LPOP', 'k');
    await p.same('EXEC');
    await a.readSame();
    await p.same('LRANGE', 'k', '0', '-1');
  });

  it('a key filled then emptied (or retyped) inside MULTI leaves the client blocked', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BLPOP', 'k', '0');
    const p = env.pair;
    await p.same('MULTI');
    await p.same('RPUSH', 'k', 'x');
    await p.same('DEL', 'k');
    await p.same('EXEC');
    await p.same('MULTI');
    await p.same('RPUSH', 'k', 'x');
    await p.same('DEL', 'k');
    await p.same('SET', 'k', 'string');
    await p.same('EXEC');
    await waitBlocked(env, 1);
    await p.same('RPUSH', 'k', 'y');
    await p.same('DEL', 'k');
    await p.same('RPUSH', 'k', 'z');
    await a.readSame();
    await waitBlocked(env, 0);
  });

  it('blocking commands inside MULTI answer like a timeout', async () => {
    const p = env.pair;
    await p.same('MULTI');
    await p.same('BLPOP', 'k', '0');
    await p.same('BRPOP', 'k', '1');
    await p.same('BLMPOP', '0', '1', 'k', 'LEFT');
    await p.same('BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    await p.same('BRPOPLPUSH', 'k', 'd', '0');
    await p.same('RPUSH', 'k', 'v');
    await p.same('BLPOP', 'k', '0');
    await p.same('EXEC');
  });

  it('BLMOVE whose destination became another type gets WRONGTYPE when woken', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
    await env.pair.same('SET', 'dst', 'str');
    await env.pair.same('RPUSH', 'src', 'x');
    await a.readSame();
    await env.pair.same('LRANGE', 'src', '0', '-1');
    await waitBlocked(env, 0);
  });

  it('a disconnected client is forgotten', async () => {
    const a = await env.connect();
    const b = await env.connect();
    await blockOn(env, a, 1, 'BLPOP', 'k', '0');
    await blockOn(env, b, 2, 'BLPOP', 'k', '0');
    a.close();
    await waitBlocked(env, 1);
    await env.pair.same('RPUSH', 'k', 'x', 'y');
    await b.readSame();
    await env.pair.same('LRANGE', 'k', '0', '-1');
  });

  it('blocking is per database', async () => {
    const a = await env.connect();
    await a.same('SELECT', '1');
    await blockOn(env, a, 1, 'BLPOP', 'k', '0');
    await env.pair.same('RPUSH', 'k', 'db0');
    await env.pair.same('SELECT', '1');
    await env.pair.same('RPUSH', 'k', 'db1');
    await a.readSame();
    await env.pair.same('EXISTS', 'k');
    await env.pair.same('SELECT', '0');
    await env.pair.same('LRANGE', 'k', '0', '-1');
  });

  it('the same key twice, and keys served by LMOVE/LINSERT-free pushes from other commands', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BRPOP', 'k', 'k', 'j', '0');
    await env.pair.same('RPUSH', 'src', 's1', 's2');
    await env.pair.same('LMOVE', 'src', 'j', 'LEFT', 'LEFT');
    await a.readSame();
    await env.pair.same('LRANGE', 'src', '0', '-1');
  });

  it('CLIENT UNBLOCK with TIMEOUT and ERROR', async () => {
    const a = await env.connect();
    const ids = [await a.redis.call('CLIENT', 'ID'), await a.respite.call('CLIENT', 'ID')].map((r) => r.slice(1, -2));
    for (const mode of ['TIMEOUT', 'ERROR']) {
      await blockOn(env, a, 1, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
      const [x, y] = await Promise.all([
        env.pair.redis.call('CLIENT', 'UNBLOCK', ids[0], mode),
        env.pair.respite.call('CLIENT', 'UNBLOCK', ids[1], mode),
      ]);
      assert.equal(y, x);
      await a.readSame();
    }
  });

  it('INFO commandstats counts a blocking command once, served, woken in vain or failed', async () => {
    const p = env.pair;
    await p.both('CONFIG', 'RESETSTAT');
    const [a, b, c] = [await env.connect(), await env.connect(), await env.connect()];
    await blockOn(env, a, 1, 'BLPOP', 'k', '0');
    await blockOn(env, b, 2, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    await blockOn(env, c, 3, 'BLMOVE', 'src', 'str', 'LEFT', 'LEFT', '0');
    // A sorted set at k wakes the list waiters in vain: they stay blocked.
    await p.same('ZADD', 'k', '1', 'm');
    await p.same('DEL', 'k');
    await p.same('RPUSH', 'k', '1');
    await a.readSame();
    await p.same('RPUSH', 'k', '2');
    await b.readSame();
    await p.same('SET', 'str', 'v');
    await p.same('RPUSH', 'src', 'x');
    await c.readSame();
    const stats = (raw: string): string[] => raw.split('\r\n').filter((l) => /^cmdstat_(blpop|blmove)/.test(l)).map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, '')).sort();
    const [x, y] = await p.both('INFO', 'commandstats');
    assert.deepEqual(stats(y), stats(x));
    assert.equal(stats(x).length, 2);
  });

  it('1000 clients blocked on one key are served in arrival order', async () => {
    const n = 1000;
    const clients: RawClient[][] = [[], []];
    const ports: Array<[number, string?]> = [[env.oracle.port], [env.server.port, env.server.host]];
    try {
      for (let i = 0; i < n; i++) {
        for (let s = 0; s < 2; s++) {
          const c = await RawClient.connect(...ports[s]);
          c.writeRaw(encodeCommand(['BLPOP', 'q', '0']));
          clients[s].push(c);
        }
        // Arrival order must be the same on both: wait until this one is blocked.
        await waitBlocked(env, i + 1);
      }
      const items = Array.from({ length: n }, (_, i) => `item${i}`);
      await env.pair.same('RPUSH', 'q', ...items, 'extra');
      for (let i = 0; i < n; i++) {
        const [a, b] = await Promise.all([clients[0][i].readRaw(), clients[1][i].readRaw()]);
        assert.equal(b, a, `client ${i}`);
        assert.equal(b, `*2\r\n$1\r\nq\r\n$${items[i].length}\r\n${items[i]}\r\n`);
      }
      await env.pair.same('LRANGE', 'q', '0', '-1');
      await waitBlocked(env, 0);
    } finally {
      for (const list of clients) for (const c of list) c.close();
    }
  });
});
