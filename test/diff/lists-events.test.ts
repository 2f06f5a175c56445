/**
 * Keyspace events raised by list commands (including served blocked clients
 * and emptied lists), compared message for message with the oracle.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DiffEnv, type Pair } from '../support/diff.js';
import { drainUntilPong } from '../support/effects.js';
import { oracleSkip } from '../support/oracle.js';
import { encodeCommand } from '../support/raw-client.js';

describe('differential: list keyspace events', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let sub: Pair;
  before(async () => {
    env = await DiffEnv.start();
    sub = await env.connect();
    await sub.same('PSUBSCRIBE', '__key*__:*');
  });
  after(() => env.stop());
  beforeEach(async () => {
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await env.reset();
    await sameEvents();
  });

  async function sameEvents(): Promise<string[]> {
    const [a, b] = await Promise.all([drainUntilPong(sub.redis), drainUntilPong(sub.respite)]);
    assert.deepEqual(b, a, 'keyspace notifications differ');
    return a;
  }

  async function waitBlocked(n: number): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      const info = await env.pair.redis.call('INFO', 'clients');
      if (info.includes(`blocked_clients:${n}\r\n`) && env.server.server.blocking.blockedCount === n) return;
      await sleep(2);
    }
    assert.fail('clients did not block');
  }

  it('writes, no-ops, and emptied lists', async () => {
    // n (new key) and m (key miss) are not part of A: ask for them too.
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEAnm');
    const cmds: string[][] = [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
      ['LPUSHX', 'nokey', 'x'],
      ['LTRIM', 'l', '0', '-1'],
      ['LTRIM', 'l', '1', '-1'],
      ['LREM', 'l', '0', 'nope'],
      ['LINSERT', 'l', 'AFTER', 'nope', 'x'],
      ['LSET', 'l', '9', 'x'],
      ['LPOP', 'l', '0'],
      ['LMPOP', '2', 'nokey', 'l', 'RIGHT', 'COUNT', '2'],
      ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT'],
      ['LMOVE', 'l', 'm', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 'l', 'm'],
      ['BLPOP', 'm', '0'],
      ['BLMPOP', '0', '1', 'm', 'LEFT'],
      ['RPUSH', 'x', '1'],
      ['LTRIM', 'x', '5', '9'],
      ['RPUSH', 'y', '1', '2'],
      ['LREM', 'y', '0', '1'],
      ['LREM', 'y', '0', '2'],
    ];
    for (const c of cmds) await env.pair.same(...c);
    await sameEvents();
  });

  it('served blocked clients', async () => {
    const blockers = [
      ['BLMOVE', 'b1', 'b2', 'LEFT', 'RIGHT', '0'],
      ['BLMPOP', '0', '1', 'b2', 'RIGHT', 'COUNT', '5'],
      ['BRPOP', 'b1', '0'],
    ];
    const conns: Pair[] = [];
    for (let i = 0; i < blockers.length; i++) {
      const c = await env.connect();
      c.writeRaw(encodeCommand(blockers[i]));
      await waitBlocked(i + 1);
      conns.push(c);
    }
    await env.pair.same('RPUSH', 'b1', 'x', 'y');
    for (const c of conns) await c.readSame();
    const events = await sameEvents();
    assert.ok(events.length > 0);
  });
});
