/**
 * Differential AOF content: the same commands sent to redis-server 7.0.15 and
 * to respite (both with appendonly yes) must leave byte-identical incr files:
 * same effects (absolute expiries, INCRBYFLOAT as SET KEEPTTL, MULTI/EXEC
 * wrapping), same SELECT placement, same encoding.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/index.js';
import { oracleSkip, startOracle, type Oracle } from '../support/oracle.js';
import { RawClient } from '../support/raw-client.js';
import { tempDir } from '../e2e/aof-support.js';

describe('AOF content vs redis-server', { skip: oracleSkip }, () => {
  let oracle: Oracle;
  let srv: RunningServer;
  let dir: string;
  let a: RawClient;
  let b: RawClient;
  before(async () => {
    dir = tempDir('respite-aof-diff-');
    oracle = await startOracle(['--appendonly', 'yes', '--aof-use-rdb-preamble', 'no']);
    srv = await startServer({ dir, appendonly: 'yes' });
    a = await RawClient.connect(oracle.port);
    b = await RawClient.connect(srv.port);
  });
  after(async () => {
    a.close();
    b.close();
    await Promise.all([oracle.stop(), srv.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function both(...args: string[]): Promise<void> {
    const [x, y] = await Promise.all([a.call(...args), b.call(...args)]);
    assert.equal(y, x, args.join(' '));
  }

  const incr = (d: string) => fs.readFileSync(path.join(d, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');

  it('writes the same bytes for the same commands', async () => {
    const abs = String(Date.now() + 3_600_000);
    await both('SET', 'a', '1');
    await both('set', 'lower', 'case');
    await both('APPEND', 'a', 'x\r\n\x00');
    await both('INCR', 'n');
    await both('INCRBYFLOAT', 'f', '1.5');
    await both('SET', 'p', 'v', 'PXAT', abs);
    await both('PEXPIREAT', 'a', abs);
    await both('PERSIST', 'a');
    await both('RPUSH', 'l', 'a', 'b', 'c');
    await both('LPOP', 'l');
    await both('HSET', 'h', 'f', 'v');
    await both('SADD', 's', '1', '2');
    await both('SREM', 's', '1');
    await both('ZADD', 'z', '1', 'm', '2.5', 'n');
    await both('ZINCRBY', 'z', '1', 'm');
    await both('GET', 'a');
    await both('DEL', 'nosuchkey');
    await both('SELECT', '3');
    await both('SET', 'b', '2');
    await both('MULTI');
    await both('INCR', 'c');
    await both('INCR', 'c');
    await both('EXEC');
    await both('MULTI');
    await both('INCR', 'single');
    await both('EXEC');
    await both('SELECT', '0');
    await both('GETDEL', 'b');
    await both('DEL', 'a', 'n');
    await both('FLUSHDB');
    // A key found expired by a read is propagated as DEL.
    await both('SET', 'e', 'v', 'PXAT', String(Date.now() + 40));
    await new Promise((r) => setTimeout(r, 80));
    await both('GET', 'e');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(incr(dir), incr(oracle.dir));
  });
});
