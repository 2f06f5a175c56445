/**
 * What EXEC propagates, compared with the oracle's replication stream: the
 * effects of the queued commands, wrapped in MULTI/EXEC when there is more
 * than one (lazy-expiry DELs during EXEC included).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { SyncStream } from '../support/sync-stream.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('differential: transaction propagation (vs the oracle replication stream)', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start({ 'enable-debug-command': 'yes' });
    await env.pair.same('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  });
  after(() => env.stop());

  it('propagates EXEC effects like Redis 7.0', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    await p.same('SET', 'old', 'x', 'PX', '20');
    const stream = SyncStream.open(env.oracle.port);
    const ours: string[][] = [];
    env.server.server.propagationSinks.push((_db, argv) => {
      if (argv[0] !== 'SELECT') ours.push([...argv]);
    });
    try {
      await stream.ready();
      const transactions: string[][][] = [
        [['SET', 'a', '1']],
        [['SET', 'a', '2'], ['INCR', 'a'], ['GET', 'a']],
        [['GET', 'a'], ['PING']],
        [['INCR', 'nope'], ['SET', 'a', 'x', 'NX', 'XX'], ['APPEND', 'a', 'y']],
        [['SELECT', '2'], ['SET', 'b', '1'], ['SELECT', '0'], ['DEL', 'a']],
        [['GET', 'old'], ['SET', 'c', '1']],
        [['SET', 's', 'v'], ['INCR', 's'], ['DEL', 'missing']],
      ];
      await sleep(40); // 'old' is now logically expired
      for (const tx of transactions) {
        await p.same('MULTI');
        for (const cmd of tx) await p.same(...cmd);
        await p.same('EXEC');
      }
      await p.same('SET', 'marker', 'done');
      await stream.waitFor('SET', 'marker', 'done');
      const theirs = stream.commands.filter((c) => c[0] !== 'FLUSHALL');
      assert.deepEqual(ours, theirs);
      assert.ok(theirs.filter((c) => c[0] === 'MULTI').length >= 3, 'transactions were wrapped');
    } finally {
      stream.close();
    }
  });
});
