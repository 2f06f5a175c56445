import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { blockOn, waitBlocked } from '../support/blocking.js';
import { oracleSkip } from '../support/oracle.js';
import { RawClient, encodeCommand } from '../support/raw-client.js';

describe('differential: blocking sorted-set pops over several connections', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('FIFO between three clients (BZPOPMIN, BZPOPMAX, BZMPOP)', async () => {
    const [a, b, c] = [await env.connect(), await env.connect(), await env.connect()];
    await blockOn(env, a, 1, 'BZPOPMIN', 'z', '0');
    await blockOn(env, b, 2, 'BZPOPMAX', 'z', '0');
    await blockOn(env, c, 3, 'BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5');
    await env.pair.same('ZADD', 'z', '1', 'a', '2', 'b');
    assert.equal(await a.readSame(), '*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n');
    await b.readSame();
    await waitBlocked(env, 1);
    await env.pair.same('EXISTS', 'z');
    await env.pair.same('ZADD', 'z', '3', 'c', '4', 'd', '5', 'e');
    await c.readSame();
    await env.pair.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES');
    await waitBlocked(env, 0);
  });

  it('RESP3 replies of served blocking pops', async () => {
    const [a, b] = [await env.connect(), await env.connect()];
    await a.both('HELLO', '3');
    await b.both('HELLO', '3');
    await blockOn(env, a, 1, 'BZPOPMAX', 'z', '0');
    await blockOn(env, b, 2, 'BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '2');
    await env.pair.same('ZADD', 'z', '1.5', 'a', '2.5', 'b', 'inf', 'c');
    await a.readSame();
    await b.readSame();
  });

  it('timeouts reply nil arrays in RESP2 and RESP3', async () => {
    for (const proto of ['2', '3']) {
      const a = await env.connect();
      await a.both('HELLO', proto);
      for (const cmd of [
        ['BZPOPMIN', 'k1', 'k2', '0.1'],
        ['BZPOPMAX', 'k1', '0.05'],
        ['BZMPOP', '0.1', '2', 'k1', 'k2', 'MIN', 'COUNT', '3'],
        ['BZPOPMIN', 'k1', '0.0001'],
      ]) {
        a.writeRaw(encodeCommand(cmd));
        await a.readSame();
      }
    }
  });

  it('a pipeline resumes after the blocked command is served', async () => {
    const a = await env.connect();
    a.writeRaw(Buffer.concat([encodeCommand(['BZPOPMIN', 'z', '0']), encodeCommand(['PING']), encodeCommand(['ZCARD', 'z'])]));
    await waitBlocked(env, 1);
    await env.pair.same('ZADD', 'z', '1', 'a', '2', 'b');
    await a.readSame();
    assert.equal(await a.readSame(), '+PONG\r\n');
    assert.equal(await a.readSame(), ':1\r\n');
  });

  it('ZINCRBY, ZUNIONSTORE and ZRANGESTORE destinations wake clients', async () => {
    const [a, b, c] = [await env.connect(), await env.connect(), await env.connect()];
    await blockOn(env, a, 1, 'BZPOPMIN', 'k1', '0');
    await blockOn(env, b, 2, 'BZPOPMAX', 'k2', '0');
    await blockOn(env, c, 3, 'BZMPOP', '0', '1', 'k3', 'MAX');
    await env.pair.same('ZINCRBY', 'k1', '5', 'm');
    await a.readSame();
    await env.pair.same('ZADD', 'src', '1', 'x', '2', 'y');
    await env.pair.same('ZUNIONSTORE', 'k2', '1', 'src');
    await b.readSame();
    await env.pair.same('ZRANGESTORE', 'k3', 'src', '0', '-1');
    await c.readSame();
    await env.pair.same('ZRANGE', 'k3', '0', '-1');
    await waitBlocked(env, 0);
  });

  it('adds inside MULTI wake clients only after EXEC, from the key that became ready', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BZPOPMIN', 'a', 'b', '0');
    const p = env.pair;
    await p.same('MULTI');
    await p.same('ZADD', 'b', '1', 'from-b');
    await p.same('ZADD', 'a', '1', 'from-a');
    await p.same('ZCARD', 'b');
    await p.same('EXEC');
    await a.readSame();
    await p.same('ZRANGE', 'a', '0', '-1');
    await p.same('ZRANGE', 'b', '0', '-1');
  });

  it('a key filled then emptied (or retyped) inside MULTI leaves the client blocked', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BZPOPMAX', 'k', '0');
    const p = env.pair;
    await p.same('MULTI');
    await p.same('ZADD', 'k', '1', 'x');
    await p.same('DEL', 'k');
    await p.same('EXEC');
    await p.same('MULTI');
    await p.same('ZADD', 'k', '1', 'x');
    await p.same('DEL', 'k');
    await p.same('SET', 'k', 'string');
    await p.same('EXEC');
    await waitBlocked(env, 1);
    await p.same('DEL', 'k');
    await p.same('ZADD', 'k', '2', 'z');
    await a.readSame();
    await waitBlocked(env, 0);
  });

  it('blocking pops inside MULTI answer like a timeout', async () => {
    const p = env.pair;
    await p.same('MULTI');
    await p.same('BZPOPMIN', 'k', '0');
    await p.same('BZPOPMAX', 'k', '1');
    await p.same('BZMPOP', '0', '1', 'k', 'MIN');
    await p.same('ZADD', 'k', '1', 'v', '2', 'w');
    await p.same('BZPOPMIN', 'k', '0');
    await p.same('BZMPOP', '0', '1', 'k', 'MAX', 'COUNT', '9');
    await p.same('EXEC');
  });

  it('a disconnected client is forgotten', async () => {
    const a = await env.connect();
    const b = await env.connect();
    await blockOn(env, a, 1, 'BZPOPMIN', 'k', '0');
    await blockOn(env, b, 2, 'BZPOPMIN', 'k', '0');
    a.close();
    await waitBlocked(env, 1);
    await env.pair.same('ZADD', 'k', '1', 'x', '2', 'y');
    await b.readSame();
    await env.pair.same('ZRANGE', 'k', '0', '-1');
  });

  it('blocking is per database', async () => {
    const a = await env.connect();
    await a.same('SELECT', '1');
    await blockOn(env, a, 1, 'BZPOPMIN', 'k', '0');
    await env.pair.same('ZADD', 'k', '0', 'db0');
    await env.pair.same('SELECT', '1');
    await env.pair.same('ZADD', 'k', '1', 'db1');
    await a.readSame();
    await env.pair.same('EXISTS', 'k');
    await env.pair.same('SELECT', '0');
    await env.pair.same('ZRANGE', 'k', '0', '-1');
  });

  it('CLIENT UNBLOCK with TIMEOUT and ERROR', async () => {
    const a = await env.connect();
    const ids = [await a.redis.call('CLIENT', 'ID'), await a.respite.call('CLIENT', 'ID')].map((r) => r.slice(1, -2));
    for (const [mode, cmd] of [
      ['TIMEOUT', ['BZPOPMIN', 'k', '0']],
      ['ERROR', ['BZMPOP', '0', '1', 'k', 'MAX']],
    ] as const) {
      await blockOn(env, a, 1, ...cmd);
      const [x, y] = await Promise.all([
        env.pair.redis.call('CLIENT', 'UNBLOCK', ids[0], mode),
        env.pair.respite.call('CLIENT', 'UNBLOCK', ids[1], mode),
      ]);
      assert.equal(y, x);
      await a.readSame();
    }
  });

  it('WATCH sees only writes that changed the set', async () => {
    const [a, b] = [await env.connect(), await env.connect()];
    await b.same('ZADD', 'w', '1', 'x');
    for (const write of [
      ['ZADD', 'w', 'NX', '5', 'x'],
      ['ZADD', 'w', '1', 'x'],
      ['ZREM', 'w', 'nope'],
      ['ZREMRANGEBYSCORE', 'w', '10', '20'],
      ['ZPOPMIN', 'w', '0'],
      ['ZUNIONSTORE', 'w2', '1', 'nokey'],
      ['ZADD', 'w', 'XX', '2', 'x'],
      ['ZINCRBY', 'w', '1', 'x'],
      ['ZPOPMIN', 'w'],
    ]) {
      await a.same('WATCH', 'w', 'w2');
      await b.same(...write);
      await a.same('MULTI');
      await a.same('ZCARD', 'w');
      await a.same('EXEC');
      await b.same('ZADD', 'w', '1', 'x');
    }
  });

  it('1000 clients blocked on one key are served in arrival order', async () => {
    const n = 1000;
    const clients: RawClient[][] = [[], []];
    const ports: Array<[number, string?]> = [[env.oracle.port], [env.server.port, env.server.host]];
    try {
      for (let i = 0; i < n; i++) {
        for (let s = 0; s < 2; s++) {
          const c = await RawClient.connect(...ports[s]);
          c.writeRaw(encodeCommand(['BZPOPMIN', 'q', '0']));
          clients[s].push(c);
        }
        await waitBlocked(env, i + 1);
      }
      const args: string[] = [];
      for (let i = 0; i <= n; i++) args.push(String(i), `m${i}`);
      await env.pair.same('ZADD', 'q', ...args);
      for (let i = 0; i < n; i++) {
        const [a, b] = await Promise.all([clients[0][i].readRaw(), clients[1][i].readRaw()]);
        assert.equal(b, a, `client ${i}`);
        assert.equal(b, `*3\r\n$1\r\nq\r\n$${`m${i}`.length}\r\nm${i}\r\n$${String(i).length}\r\n${i}\r\n`);
      }
      await env.pair.same('ZRANGE', 'q', '0', '-1', 'WITHSCORES');
      await waitBlocked(env, 0);
    } finally {
      for (const list of clients) for (const c of list) c.close();
    }
  });
});
