/**
 * What list commands propagate (AOF / replicas), compared with the oracle's
 * replication stream: blocking commands become their non-blocking effect
 * (BLPOP -> LPOP, BLMPOP -> LPOP key n, BLMOVE -> LMOVE...), no-op writes
 * propagate nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand } from '../support/raw-client.js';
import { SyncStream } from '../support/sync-stream.js';

describe('differential: list command propagation (vs the oracle replication stream)', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  async function waitBlocked(n: number): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      const info = await env.pair.redis.call('INFO', 'clients');
      if (info.includes(`blocked_clients:${n}\r\n`) && env.server.server.blocking.blockedCount === n) return;
      await sleep(2);
    }
    assert.fail('clients did not block');
  }

  it('propagates effects like Redis 7.0', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    const stream = SyncStream.open(env.oracle.port);
    const ours: string[][] = [];
    env.server.server.propagationSinks.push((_db, argv) => ours.push([...argv]));
    try {
      await stream.ready();
      const seq: string[][] = [
        ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
        ['lpush', 'l', 'z'],
        ['LPUSHX', 'nokey', 'x'],
        ['RPUSHX', 'l', 'y'],
        ['LPOP', 'l'],
        ['RPOP', 'l', '2'],
        ['LPOP', 'l', '0'],
        ['LPOP', 'nokey'],
        ['LSET', 'l', '0', 'A'],
        ['LSET', 'l', '99', 'A'],
        ['LINSERT', 'l', 'BEFORE', 'c', 'C'],
        ['LINSERT', 'l', 'BEFORE', 'nope', 'C'],
        ['LREM', 'l', '0', 'nope'],
        ['LREM', 'l', '-1', 'C'],
        ['LTRIM', 'l', '0', '-1'],
        ['LTRIM', 'l', '1', '-1'],
        ['RPOPLPUSH', 'l', 'm'],
        ['LMOVE', 'l', 'm', 'left', 'Right'],
        ['LMOVE', 'nokey', 'm', 'LEFT', 'RIGHT'],
        ['LMPOP', '2', 'nokey', 'l', 'RIGHT', 'COUNT', '2'],
        ['LMPOP', '1', 'm', 'left', 'COUNT', '100'],
        ['RPUSH', 'l', '1', '2', '3', '4', '5'],
        ['BLPOP', 'nokey', 'l', '0'],
        ['BRPOP', 'l', '0'],
        ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '9'],
        ['RPUSH', 'l', '1', '2', '3'],
        ['BLMOVE', 'l', 'm', 'right', 'left', '0'],
        ['BRPOPLPUSH', 'l', 'm', '0'],
        ['LTRIM', 'm', '5', '1'],
      ];
      for (const c of seq) await p.same(...c);
      // Served after blocking: the effect uses Redis's own LEFT/RIGHT words.
      const blockers = [
        ['BLMOVE', 'b1', 'b2', 'left', 'right', '0'],
        ['BRPOPLPUSH', 'b2', 'b3', '0'],
        ['BLMPOP', '0', '1', 'b3', 'RIGHT', 'COUNT', '5'],
        ['BLPOP', 'b4', 'b1', '0'],
      ];
      const conns = [];
      for (let i = 0; i < blockers.length; i++) {
        const c = await env.connect();
        c.writeRaw(encodeCommand(blockers[i]));
        await waitBlocked(i + 1);
        conns.push(c);
      }
      await p.same('RPUSH', 'b1', 'x', 'y');
      for (const c of conns) await c.readSame();
      await p.same('SET', '__end__', '1');
      await stream.waitFor('SET', '__end__');
      assert.deepEqual(ours, stream.commands);
    } finally {
      stream.close();
      env.server.server.propagationSinks.pop();
    }
  });
});
