/**
 * Side effects of the GEO commands against the oracle: what they propagate
 * (GEOADD as its ZADD rewrite, searches with STORE as themselves) and which
 * keyspace notifications they raise, in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { collectPropagation, drainUntilPong } from '../support/effects.js';
import { oracleSkip } from '../support/oracle.js';

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
    const { ours, theirs } = await collectPropagation(env, async () => {
      for (const c of SEQ) await p.same(...c);
    });
    assert.deepEqual(ours, theirs);
  });

  it('raises the same keyspace notifications', async () => {
    const sub = await env.connect();
    await env.pair.same('FLUSHALL');
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await sub.same('PSUBSCRIBE', '__key*__:*');
    for (const c of SEQ) await env.pair.same(...c);
    const [a, b] = await Promise.all([drainUntilPong(sub.redis), drainUntilPong(sub.respite)]);
    assert.ok(a.length > 10);
    assert.deepEqual(b, a);
    await env.pair.same('CONFIG', 'SET', 'notify-keyspace-events', '');
    sub.close();
  });
});
