import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand } from '../support/raw-client.js';

/** Keyspace commands that bring a list under a blocked-on name wake the waiting client, as in Redis 7.0. */
describe('differential: RENAME, MOVE, COPY and SWAPDB serve blocked clients', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  async function waitBlocked(n: number): Promise<void> {
    for (let i = 0; i < 2000; i++) {
      const info = await env.pair.redis.call('INFO', 'clients');
      const a = Number(/blocked_clients:(\d+)/.exec(info)![1]);
      if (a === n && env.server.server.blocking.blockedCount === n) return;
      await sleep(2);
    }
    assert.fail(`expected ${n} blocked clients on both servers`);
  }

  async function blockOn(p: Pair, ...args: string[]): Promise<void> {
    p.writeRaw(encodeCommand(args));
    await waitBlocked(1);
  }

  it('RENAME onto the blocked key', async () => {
    const a = await env.connect();
    await blockOn(a, 'BLPOP', 'target', '0');
    await env.pair.same('RPUSH', 'src', 'x', 'y');
    await env.pair.same('RENAME', 'src', 'target');
    assert.equal(await a.readSame(), '*2\r\n$6\r\ntarget\r\n$1\r\nx\r\n');
    await env.pair.same('LRANGE', 'target', '0', '-1');
    await waitBlocked(0);
  });

  it('MOVE and COPY into the database a client is blocked in', async () => {
    const a = await env.connect();
    await a.same('SELECT', '1');
    await blockOn(a, 'BLPOP', 'k', '0');
    await env.pair.same('RPUSH', 'k', 'moved');
    await env.pair.same('MOVE', 'k', '1');
    await a.readSame();
    await waitBlocked(0);
    await blockOn(a, 'BRPOP', 'k2', '0');
    await env.pair.same('RPUSH', 'k2', 'copied');
    await env.pair.same('COPY', 'k2', 'k2', 'DB', '1');
    await a.readSame();
    await env.pair.same('LRANGE', 'k2', '0', '-1');
  });

  it('SWAPDB brings the list into the blocked database', async () => {
    const a = await env.connect();
    await blockOn(a, 'BLPOP', 'k', '0');
    await env.pair.same('SELECT', '3');
    await env.pair.same('RPUSH', 'k', 'from3');
    await env.pair.same('SWAPDB', '0', '3');
    assert.equal(await a.readSame(), '*2\r\n$1\r\nk\r\n$5\r\nfrom3\r\n');
    await env.pair.same('SELECT', '0');
    await env.pair.same('EXISTS', 'k');
  });
});
