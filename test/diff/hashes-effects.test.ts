/**
 * Side effects of the hash commands against the oracle: what they propagate
 * (the oracle's replication stream vs our propagation sinks; HINCRBYFLOAT as
 * HSET of the result) and which keyspace notifications they raise, in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { collectPropagation, collectNotifications } from '../support/effects.js';
import { oracleSkip } from '../support/oracle.js';

const SEQ: string[][] = [
  ['HSET', 'h', 'a', '1', 'b', '2'],
  ['hset', 'h', 'a', '1'],
  ['HMSET', 'h', 'c', '3'],
  ['HSET', 'h', 'a'],
  ['HSETNX', 'h', 'a', 'x'],
  ['HSETNX', 'h', 'n', 'x'],
  ['HSETNX', 'new', 'n', 'x'],
  ['HDEL', 'h', 'nope'],
  ['HDEL', 'h', 'a', 'nope'],
  ['HDEL', 'nokey', 'a'],
  ['HDEL', 'new', 'n'],
  ['HINCRBY', 'h', 'i', '5'],
  ['HINCRBY', 'h', 'i', '-2'],
  ['HINCRBY', 'h', 'i', 'x'],
  ['HINCRBY', 'h', 'b', '9223372036854775807'],
  ['HINCRBY', 'h', 'c', '0'],
  ['HINCRBYFLOAT', 'h', 'f', '10.5'],
  ['HINCRBYFLOAT', 'h', 'f', '0.1'],
  ['HINCRBYFLOAT', 'h', 'f', '1e3'],
  ['HINCRBYFLOAT', 'h', 'f', 'inf'],
  ['HINCRBYFLOAT', 'h', 'n', '1'],
  ['HINCRBYFLOAT', 'fresh', 'g', '3.0'],
  ['HGET', 'h', 'f'],
  ['HGETALL', 'h'],
  ['HRANDFIELD', 'h', '2'],
  ['SET', 'str', 'v'],
  ['HSET', 'str', 'a', 'b'],
  ['HDEL', 'h', 'b', 'c', 'n', 'i', 'f', 'zz'],
  ['EXISTS', 'h'],
];

describe('differential: hash side effects', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());

  async function run(): Promise<void> {
    for (const c of SEQ) {
      if (c[0] === 'HRANDFIELD') await env.pair.both(...c);
      else await env.pair.same(...c);
    }
  }

  it('propagates effects like Redis 7.0', async () => {
    const p = env.pair;
    await p.same('FLUSHALL');
    const { ours, theirs } = await collectPropagation(env, async () => {
      await run();
    });
    assert.deepEqual(ours, theirs);
  });

  it('raises the same keyspace notifications', async () => {
    const { ours, theirs } = await collectNotifications(env, run);
    assert.ok(theirs.length > 20);
    assert.deepEqual(ours, theirs);
  });
});
