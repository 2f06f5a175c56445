/**
 * Side effects of the SORT command against the oracle: what it propagates
 * (SORT ... STORE as itself, nothing for plain SORT) and which
 * keyspace notifications they raise, in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { collectPropagation, collectNotifications } from '../support/effects.js';
import { oracleSkip } from '../support/oracle.js';

const SEQ: string[][] = [
  ['RPUSH', 'l', '3', '1', '2'],
  ['SADD', 's', 'b', 'a', 'c'],
  ['ZADD', 'z', '1', 'x', '2', 'y'],
  ['SORT', 'l'],
  ['SORT', 'l', 'STORE', 'd'],
  ['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'd'],
  ['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'd'],
  ['SORT', 's', 'ALPHA', 'STORE', 'd'],
  ['SORT', 's', 'BY', 'nosort', 'STORE', 'd'],
  ['SORT', 'z', 'BY', 'nosort', 'GET', '#', 'GET', 'nokey', 'STORE', 'z'],
  ['SORT', 'nokey', 'STORE', 'd'],
  ['SORT', 'l', 'BY', 'w_*', 'STORE', 'l'],
  ['SET', 'w_1', 'x'],
  ['SORT', 'l', 'BY', 'w_*', 'STORE', 'd'],
  ['SORT_RO', 'l'],
];

describe('differential: SORT side effects', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  it('propagates effects like Redis 7.0', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    const { ours, theirs } = await collectPropagation(env, async () => {
      for (const c of SEQ) await p.same(...c);
    });
    assert.deepEqual(ours, theirs);
  });

  it('raises the same keyspace notifications', async () => {
    const { ours, theirs } = await collectNotifications(env, async () => {
      for (const c of SEQ) await env.pair.same(...c);
    });
    assert.ok(theirs.length > 10);
    assert.deepEqual(ours, theirs);
  });
});
