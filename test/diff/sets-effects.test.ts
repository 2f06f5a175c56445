/**
 * Side effects of the set commands against the oracle: what they propagate
 * (the oracle's replication stream vs our propagation sinks) and which
 * keyspace notifications they raise, in order. SPOP's members are random:
 * on keys named rnd* the popped member in a propagated SREM is masked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { collectPropagation, collectNotifications } from '../support/effects.js';
import { oracleSkip } from '../support/oracle.js';

const nums = (n: number) => Array.from({ length: n }, (_, i) => String(i));

const SEQ: string[][] = [
  ['SADD', 's', '1', '2', '3', 'x'],
  ['sadd', 's', '1', '2'],
  ['SADD', 's', '4', '4', 'y'],
  ['SREM', 's', 'nope'],
  ['SREM', 's', '1', 'nope'],
  ['SREM', 'nokey', 'a'],
  ['SMOVE', 's', 'd', '2'],
  ['SMOVE', 's', 'd', 'nope'],
  ['SMOVE', 's', 's', '3'],
  ['SMOVE', 'nokey', 'd', '3'],
  ['SADD', 'd', '3'],
  ['SMOVE', 's', 'd', '3'],
  ['SADD', 'one', 'm'],
  ['SMOVE', 'one', 'd', 'm'],
  ['SADD', 'one', 'm'],
  ['SPOP', 'one'],
  ['SPOP', 'nokey'],
  ['SPOP', 'nokey', '3'],
  ['SADD', 'one', 'm'],
  ['SPOP', 'one', '0'],
  ['SPOP', 'one', '1'],
  ['SADD', 'all', '3', '1', '2'],
  ['SPOP', 'all', '3'],
  ['SADD', 'all', '3', '1', '2'],
  ['SPOP', 'all', '10'],
  ['SADD', 'rnd1', ...nums(10)],
  ['SPOP', 'rnd1'],
  ['SPOP', 'rnd1', '1'],
  ['SPOP', 'rnd1', '3'],
  ['SPOP', 'rnd1', '4'],
  ['SADD', 'rnd2', ...nums(600)],
  ['SPOP', 'rnd2', '590'],
  ['SRANDMEMBER', 'rnd2', '5'],
  ['SADD', 'a', '1', '2', '3', '4'],
  ['SADD', 'b', '3', '4', '5'],
  ['SINTERSTORE', 'dst', 'a', 'b'],
  ['SINTERSTORE', 'dst', 'a', 'nokey'],
  ['SINTERSTORE', 'dst', 'a', 'nokey'],
  ['SUNIONSTORE', 'dst', 'a', 'b'],
  ['SUNIONSTORE', 'dst', 'nokey'],
  ['SUNIONSTORE', 'dst', 'nokey'],
  ['SDIFFSTORE', 'dst', 'a', 'b'],
  ['SDIFFSTORE', 'dst', 'a', 'a'],
  ['SDIFFSTORE', 'dst', 'a', 'a'],
  ['SET', 'str', 'v'],
  ['SINTERSTORE', 'str', 'a', 'b'],
  ['SREM', 'a', '1', '2', '3', '4'],
  ['SADD', 'str', 'x'],
  ['SINTER', 'b', 'b'],
  ['SINTERCARD', '1', 'b'],
  // Inside a transaction the SREMs join the transaction's one MULTI/EXEC.
  ['SADD', 'rnd3', ...nums(10)],
  ['MULTI'],
  ['SPOP', 'rnd3', '3'],
  ['SADD', 'rnd3', 'x'],
  ['SPOP', 'rnd3', '100'],
  ['EXEC'],
];

/** Masks the member of SREMs on rnd* keys (what SPOP popped is random). */
function mask(cmds: string[][]): string[][] {
  return cmds.map((c) => (c[0] === 'SREM' && (c[1] ?? '').startsWith('rnd') ? ['SREM', c[1], '?'] : c));
}

describe('differential: set side effects', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  async function run(): Promise<void> {
    for (const c of SEQ) {
      const random = c[0] === 'EXEC' || ((c[1] ?? '').startsWith('rnd') && (c[0] === 'SPOP' || c[0] === 'SRANDMEMBER'));
      if (random) await env.pair.both(...c);
      else await env.pair.same(...c);
    }
  }

  it('propagates effects like Redis 7.0 (SPOP as SREMs in MULTI/EXEC, or DEL)', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    const { ours, theirs } = await collectPropagation(env, run);
    assert.deepEqual(mask(ours), mask(theirs));
  });

  it('SPOP with a count propagates exactly the members it replied', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    await p.same('SADD', 'k', ...nums(20));
    const ours: string[][] = [];
    env.server.server.propagationSinks.push((_db, argv) => ours.push([...argv]));
    try {
      const reply = await p.respite.callValue('SPOP', 'k', '5');
      assert.ok(reply.t === 'array' && reply.v !== null);
      const popped = reply.v.map((x) => (x as { v: string }).v).sort();
      assert.deepEqual(ours[0], ['MULTI']);
      assert.deepEqual(ours[ours.length - 1], ['EXEC']);
      const srem = ours.slice(1, -1);
      assert.ok(srem.every((c) => c.length === 3 && c[0] === 'SREM' && c[1] === 'k'));
      assert.deepEqual(srem.map((c) => c[2]).sort(), popped);
    } finally {
      env.server.server.propagationSinks.pop();
    }
  });

  it('raises the same keyspace notifications', async () => {
    const { ours, theirs } = await collectNotifications(env, run);
    assert.ok(theirs.length > 40);
    assert.deepEqual(ours, theirs);
  });
});
