/**
 * Side effects of the GEO commands against the oracle: what they propagate
 * (GEOADD as its ZADD rewrite, searches with STORE as themselves) and which
 * keyspace notifications they raise, in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import type { RawClient } from '../support/raw-client.js';
import { SyncStream } from '../support/sync-stream.js';

const SEQ: string[][] = [
  ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
  ['GEOADD', 'g', 'nx', 'CH', '13.361389', '38.115556', 'Palermo', '1', '2', 'new'],
  ['GEOADD', 'g', 'XX', 'ch', '13.5', '38.1', 'Palermo', '1', '2', 'absent'],
  ['GEOADD', 'g', 'XX', '13.5', '38.1', 'Palermo'],
  ['GEOADD', 'g', '180', '85.05112878', 'corner'],
  ['GEOADD', 'g', '200', '0', 'bad'],
  ['GEOADD', 'nokey', 'XX', '1', '1', 'a'],
  ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'd1'],
  ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STOREDIST', 'd2'],
  ['GEORADIUSBYMEMBER', 'g', 'Palermo', '1', 'm', 'STORE', 'd1'],
  ['GEORADIUSBYMEMBER', 'g', 'Palermo', '1', 'm', 'STORE', 'd1'],
  ['GEOSEARCHSTORE', 'd3', 'g', 'FROMMEMBER', 'Catania', 'BYBOX', '500', '500', 'km', 'STOREDIST'],
  ['GEOSEARCHSTORE', 'd3', 'nokey', 'FROMMEMBER', 'Catania', 'BYBOX', '500', '500', 'km'],
  ['GEOSEARCHSTORE', 'd3', 'nokey', 'FROMMEMBER', 'Catania', 'BYBOX', '500', '500', 'km'],
  ['GEORADIUS', 'g', '15', '37', '200', 'km'],
  ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
];

describe('differential: GEO side effects', { skip: oracleSkip }, () => {
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
