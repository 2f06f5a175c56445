/**
 * What string commands propagate (AOF / replicas), compared with the oracle's
 * own replication stream: a raw SYNC connection to redis-server receives the
 * RDB payload and then every propagated command, which we compare with what
 * respite hands to its propagation sinks. Absolute times (PXAT, PEXPIREAT)
 * only need to agree within a few seconds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { SyncStream } from '../support/sync-stream.js';

/** Replaces absolute times by 'T' after checking both sides agree within 5 s. */
function normalizeTimes(ours: string[][], theirs: string[][]): [string[][], string[][]] {
  const timeIndex = (c: string[]): number => {
    const up = c.map((a) => a.toUpperCase());
    if (up[0] === 'PEXPIREAT') return 2;
    const i = up.indexOf('PXAT');
    return i >= 0 ? i + 1 : -1;
  };
  const a = ours.map((c) => [...c]);
  const b = theirs.map((c) => [...c]);
  for (let n = 0; n < Math.min(a.length, b.length); n++) {
    const i = timeIndex(a[n]);
    if (i < 0 || i !== timeIndex(b[n])) continue;
    const diff = Math.abs(Number(a[n][i]) - Number(b[n][i]));
    if (Number(b[n][i]) > 1e12 && diff < 5000) a[n][i] = b[n][i] = 'T';
  }
  return [a, b];
}

describe('differential: string command propagation (vs the oracle replication stream)', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  it('propagates effects like Redis 7.0', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    const stream = SyncStream.open(env.oracle.port);
    const ours: string[][] = [];
    env.server.server.propagationSinks.push((_db, argv) => ours.push([...argv]));
    try {
      await stream.ready();
      const seq: string[][] = [
        ['SET', 'k', 'v'],
        ['SET', 'k', 'v2', 'GET'],
        ['SET', 'k', 'v3', 'NX'],
        ['SET', 'k', 'v3', 'XX', 'KEEPTTL'],
        ['SET', 'k', 'v4', 'EX', '100'],
        ['SET', 'k', 'v5', 'PX', '100000', 'GET'],
        ['SET', 'k', 'v6', 'EXAT', '1999999999'],
        ['SET', 'k', 'v7', 'PXAT', '1999999999000'],
        ['SET', 'old', 'x', 'PXAT', '1'],
        ['GET', 'old'],
        ['SETNX', 'k', 'x'],
        ['SETNX', 'n', 'x'],
        ['SETEX', 'k', '100', 'x'],
        ['PSETEX', 'k', '100000', 'y'],
        ['GETSET', 'k', 'z'],
        ['GETDEL', 'k'],
        ['GETDEL', 'k'],
        ['SET', 'g', 'v'],
        ['GETEX', 'g'],
        ['GETEX', 'g', 'EX', '100'],
        ['GETEX', 'g', 'PERSIST'],
        ['GETEX', 'g', 'PERSIST'],
        ['GETEX', 'g', 'PXAT', '1999999999000'],
        ['GETEX', 'g', 'EXAT', '1'],
        ['MSET', 'a', '1', 'b', '2'],
        ['MSETNX', 'a', '1', 'c', '3'],
        ['MSETNX', 'c', '3', 'd', '4'],
        ['APPEND', 'a', 'x'],
        ['APPEND', 'new', ''],
        ['SETRANGE', 'b', '3', 'yy'],
        ['SETRANGE', 'b', '3', ''],
        ['INCR', 'i'],
        ['DECR', 'i'],
        ['INCRBY', 'i', '10'],
        ['DECRBY', 'i', '3'],
        ['INCR', 'a'],
        ['INCRBYFLOAT', 'f', '10.5'],
        ['INCRBYFLOAT', 'f', '0.1'],
        ['INCRBYFLOAT', 'f', 'x'],
        ['LCS', 'a', 'b'],
        ['SET', '__end__', '1'],
      ];
      for (const c of seq) await p.both(...c);
      await stream.waitFor('SET', '__end__');
      const [a, b] = normalizeTimes(ours, stream.commands);
      assert.deepEqual(a, b);
    } finally {
      stream.close();
      env.server.server.propagationSinks.pop();
    }
  });
});
