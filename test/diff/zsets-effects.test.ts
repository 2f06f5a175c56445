/**
 * Side effects of the sorted-set commands against the oracle: what they
 * propagate (the oracle's replication stream vs our propagation sinks) and
 * which keyspace notifications they raise, in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiffEnv } from '../support/diff.js';
import { collectPropagation, collectNotifications } from '../support/effects.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand } from '../support/raw-client.js';

const SEQ: string[][] = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
  ['ZADD', 'z', 'NX', '9', 'a'],
  ['ZADD', 'z', 'XX', 'CH', '9', 'a'],
  ['ZADD', 'z', 'INCR', '1', 'a'],
  ['ZADD', 'z', '2', 'b'],
  ['ZADD', 'nokey', 'XX', '1', 'a'],
  ['ZINCRBY', 'z', '0.5', 'b'],
  ['ZREM', 'z', 'nope'],
  ['ZREM', 'z', 'c', 'nope'],
  ['ZREMRANGEBYRANK', 'z', '100', '200'],
  ['ZREMRANGEBYRANK', 'z', '0', '0'],
  ['ZREMRANGEBYSCORE', 'z', '(4', '4.5'],
  ['ZREMRANGEBYSCORE', 'z', '4', '4'],
  ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c'],
  ['ZREMRANGEBYLEX', 'lex', '[a', '[b'],
  ['ZREMRANGEBYLEX', 'lex', '-', '+'],
  ['ZPOPMIN', 'z'],
  ['ZPOPMAX', 'z', '0'],
  ['ZPOPMAX', 'nokey', '2'],
  ['ZADD', 'z', '1', 'p', '2', 'q', '3', 'r'],
  ['ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '2'],
  ['ZMPOP', '1', 'nokey', 'MIN'],
  ['BZPOPMIN', 'nokey', 'z', '0'],
  ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '10'],
  ['ZADD', 'u1', '1', 'a', '2', 'b'],
  ['ZADD', 'u2', '3', 'b', '4', 'c'],
  ['ZUNIONSTORE', 'dst', '2', 'u1', 'u2', 'WEIGHTS', '2', '1'],
  ['ZINTERSTORE', 'dst', '2', 'u1', 'u2'],
  ['ZDIFFSTORE', 'dst', '2', 'u1', 'u1'],
  ['ZDIFFSTORE', 'dst', '2', 'u1', 'u1'],
  ['ZRANGESTORE', 'dst', 'u1', '0', '-1'],
  ['ZRANGESTORE', 'dst', 'u1', '5', '6'],
  ['ZRANGESTORE', 'dst', 'nokey', '0', '-1'],
  ['ZPOPMIN', 'u1', '5'],
  ['ZADD', 'm', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
  ['ZMPOP', '1', 'm', 'MIN', 'COUNT', '2'],
  ['ZMPOP', '1', 'm', 'MAX', 'COUNT', '10'],
  ['ZADD', 'm', '1', 'a', '2', 'b', '3', 'c'],
  ['BZMPOP', '0', '1', 'm', 'MAX', 'COUNT', '2'],
  ['BZPOPMAX', 'm', '0'],
];

describe('differential: sorted-set side effects', { skip: oracleSkip }, () => {
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

  it('propagates effects like Redis 7.0 (blocking pops as ZPOPMIN/ZPOPMAX)', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    const { ours, theirs } = await collectPropagation(env, async () => {
      for (const c of SEQ) await p.same(...c);
      const blockers = [
        ['BZPOPMAX', 'b1', '0'],
        ['BZMPOP', '0', '2', 'b2', 'b1', 'MIN', 'COUNT', '3'],
        ['BZPOPMIN', 'b1', '0'],
      ];
      const conns = [];
      for (let i = 0; i < blockers.length; i++) {
        const c = await env.connect();
        c.writeRaw(encodeCommand(blockers[i]));
        await waitBlocked(i + 1);
        conns.push(c);
      }
      await p.same('ZADD', 'b1', '1', 'x', '2', 'y', '3', 'z', '4', 'w', '5', 'v');
      for (const c of conns) await c.readSame();
    });
    assert.deepEqual(ours, theirs);
  });

  it('raises the same keyspace notifications', async () => {
    const { ours, theirs } = await collectNotifications(env, async () => {
      for (const c of SEQ) await env.pair.same(...c);
    });
    assert.ok(theirs.length > 20);
    assert.deepEqual(ours, theirs);
  });
});
