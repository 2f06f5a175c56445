/**
 * Side effects of the SORT command against the oracle: what it propagates
 * (SORT ... STORE as itself, nothing for plain SORT) and which
 * keyspace notifications they raise, in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import type { RawClient } from '../support/raw-client.js';
import { SyncStream } from '../support/sync-stream.js';

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
    const stream = SyncStream.open(env.oracle.port);
    const ours: string[][] = [];
    env.server.server.propagationSinks.push((_db, argv) => ours.push([...argv]));
    try {
      await stream.ready();
      for (const c of SEQ) await p.same(...c);
      await p.same('SET', '__end__', '1');
      await stream.waitFor('SET', '__end__');
      assert.deepEqual(ours, stream.commands);
    } finally {
      stream.close();
      env.server.server.propagationSinks.pop();
    }
  });

  it('raises the same keyspace notifications', async () => {
    const sub = await env.connect();
    await env.pair.same('FLUSHALL');
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await sub.same('PSUBSCRIBE', '__key*__:*');
    for (const c of SEQ) await env.pair.same(...c);
    const drain = async (c: RawClient): Promise<string[]> => {
      c.writeRaw('*1\r\n$4\r\nPING\r\n');
      const out: string[] = [];
      for (;;) {
        const raw = await c.readRaw();
        if (raw === '*2\r\n$4\r\npong\r\n$0\r\n\r\n') return out;
        out.push(raw);
      }
    };
    const [a, b] = await Promise.all([drain(sub.redis), drain(sub.respite)]);
    assert.ok(a.length > 10);
    assert.deepEqual(b, a);
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', '');
    sub.close();
  });
});
