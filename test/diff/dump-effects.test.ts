/**
 * RESTORE's side effects against the oracle: what it propagates (relative
 * TTLs become absolute with ABSTTL; an already-expired REPLACE becomes DEL)
 * and which keyspace notifications it raises.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { collectPropagation, collectNotifications } from '../support/effects.js';
import { oracleSkip } from '../support/oracle.js';

describe('differential: RESTORE side effects', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  let payload: Buffer;
  before(async () => {
    env = await DiffEnv.start();
    await env.pair.same('RPUSH', 'src', 'a', 'b');
    const v = (await env.pair.redis.callValue('DUMP', 'src')) as { v: string };
    payload = Buffer.from(v.v, 'latin1');
  });
  after(() => env.stop());

  async function run(): Promise<void> {
    const p = env.pair;
    const past = String(Date.now() - 10000);
    await p.same('RESTORE', 'k1', '0', payload);
    await p.same('RESTORE', 'k1', '0', payload);
    await p.same('RESTORE', 'k1', '0', payload, 'REPLACE');
    await p.same('RESTORE', 'k2', '100000', payload);
    await p.same('RESTORE', 'k3', String(Date.now() + 100000), payload, 'ABSTTL');
    await p.same('RESTORE', 'k4', past, payload, 'ABSTTL');
    await p.same('RESTORE', 'k1', past, payload, 'ABSTTL', 'REPLACE');
    await p.same('RESTORE', 'k5', '0', payload, 'IDLETIME', '10');
    await p.same('RESTORE', 'k6', '0', 'garbage');
  }

  /** The absolute TTL of a propagated RESTORE depends on the millisecond it ran: compared within 2 s. */
  function normalize(cmds: string[][]): string[][] {
    return cmds.map((c) => (c[0].toUpperCase() === 'RESTORE' && c.includes('ABSTTL') && c[2] !== '0' ? [...c.slice(0, 2), String(Math.round(Number(c[2]) / 2000)), ...c.slice(3)] : c));
  }

  it('propagates like Redis 7.0', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    const { ours, theirs } = await collectPropagation(env, run);
    assert.ok(theirs.some((c) => c[0] === 'RESTORE' && c.includes('ABSTTL')));
    assert.deepEqual(normalize(ours), normalize(theirs));
  });

  it('raises the same keyspace notifications', async () => {
    const { ours, theirs } = await collectNotifications(env, run);
    assert.ok(theirs.length > 5);
    assert.deepEqual(ours, theirs);
  });
});
