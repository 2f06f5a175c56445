import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { blockOn, waitBlocked } from '../support/blocking.js';
import { oracleSkip } from '../support/oracle.js';

/** Keyspace commands that bring a list under a blocked-on name wake the waiting client, as in Redis 7.0. */
describe('differential: RENAME, MOVE, COPY and SWAPDB serve blocked clients', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('RENAME onto the blocked key', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BLPOP', 'target', '0');
    await env.pair.same('RPUSH', 'src', 'x', 'y');
    await env.pair.same('RENAME', 'src', 'target');
    assert.equal(await a.readSame(), '*2\r\n$6\r\ntarget\r\n$1\r\nx\r\n');
    await env.pair.same('LRANGE', 'target', '0', '-1');
    await waitBlocked(env, 0);
  });

  it('MOVE and COPY into the database a client is blocked in', async () => {
    const a = await env.connect();
    await a.same('SELECT', '1');
    await blockOn(env, a, 1, 'BLPOP', 'k', '0');
    await env.pair.same('RPUSH', 'k', 'moved');
    await env.pair.same('MOVE', 'k', '1');
    await a.readSame();
    await waitBlocked(env, 0);
    await blockOn(env, a, 1, 'BRPOP', 'k2', '0');
    await env.pair.same('RPUSH', 'k2', 'copied');
    await env.pair.same('COPY', 'k2', 'k2', 'DB', '1');
    await a.readSame();
    await env.pair.same('LRANGE', 'k2', '0', '-1');
  });

  it('SWAPDB brings the list into the blocked database', async () => {
    const a = await env.connect();
    await blockOn(env, a, 1, 'BLPOP', 'k', '0');
    await env.pair.same('SELECT', '3');
    await env.pair.same('RPUSH', 'k', 'from3');
    await env.pair.same('SWAPDB', '0', '3');
    assert.equal(await a.readSame(), '*2\r\n$1\r\nk\r\n$5\r\nfrom3\r\n');
    await env.pair.same('SELECT', '0');
    await env.pair.same('EXISTS', 'k');
  });
});
