import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv, type Pair } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';

/** Sends each command line (space-separated; `\e` = empty argument) to both servers, replies compared. */
async function script(p: Pair, lines: string[]): Promise<void> {
  for (const line of lines) {
    const args = line.split(' ').map((a) => (a === '\\e' ? '' : a));
    try {
      await p.same(...args);
    } catch (e) {
      if (e instanceof Error) e.message = `${line}: ${e.message}`;
      throw e;
    }
  }
}

/** Both protocols: the lines under RESP2, then again under RESP3. */
async function bothProtocols(p: Pair, setup: string[], lines: string[]): Promise<void> {
  await script(p, setup);
  await script(p, lines);
  await p.both('HELLO', '3');
  await script(p, lines);
  await p.both('HELLO', '2');
}

const SICILY = ['GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania', 'GEOADD Sicily 12.758489 38.788135 edge1 17.241510 38.788135 edge2'];

describe('GEO differential', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  it('GEOADD options, scores and errors', async () => {
    await script(env.pair, [
      'GEOADD g 13.361389 38.115556 Palermo',
      'ZSCORE g Palermo',
      'GEOADD g NX 1 1 Palermo 2 2 b',
      'GEOADD g XX 1 1 Palermo 3 3 c',
      'GEOADD g XX CH 1.5 1 Palermo 3 3 b',
      'GEOADD g CH 1.5 1 Palermo 4 4 b 5 5 d',
      'GEOADD g ch nx 7 7 e',
      'GEOADD g NX XX 1 1 x',
      'GEOADD g GT 1 1 x',
      'GEOADD g 1 1 x 2',
      'GEOADD g CH CH CH',
      'GEOADD g 181 10 x',
      'GEOADD g -180.0000001 10 x',
      'GEOADD g 10 85.05112879 x',
      'GEOADD g 10 -85.06 x',
      'GEOADD g 1e300 10 x',
      'GEOADD g -inf 10 x',
      'GEOADD g 0.0078125 86 x',
      'GEOADD g -0.0000001 86 x',
      'GEOADD g 10 1e-400 x',
      'GEOADD g nan 1 x',
      'GEOADD g abc 1 x',
      'GEOADD g 1 \\e x',
      'GEOADD g 0 0 ok 1 200 bad',
      'ZCARD g',
      'GEOADD g 180 85.05112878 corner1 -180 -85.05112878 corner2 180 -85.05112878 corner3 -180 85.05112878 corner4 0 0 zero',
      'ZRANGE g 0 -1 WITHSCORES',
      'GEOPOS g corner1 corner2 corner3 corner4 zero',
      'GEOHASH g corner1 corner2 corner3 corner4 zero',
      'OBJECT ENCODING g',
      'SET s v',
      'GEOADD s 1 1 x',
      'GEOPOS s x',
      'GEODIST s a b',
      'GEOHASH s a',
      'GEOSEARCH s FROMLONLAT 1 1 BYRADIUS 1 km',
      'GEORADIUS s 1 1 1 km',
    ]);
  });

  it('GEOPOS GEODIST GEOHASH, both protocols', async () => {
    await bothProtocols(env.pair, SICILY, [
      'GEOPOS Sicily Palermo nope Catania',
      'GEOPOS Sicily',
      'GEOPOS nokey a b',
      'GEODIST Sicily Palermo Catania',
      'GEODIST Sicily Palermo Catania km',
      'GEODIST Sicily Palermo Catania KM',
      'GEODIST Sicily Palermo Catania ft',
      'GEODIST Sicily Palermo Catania mi',
      'GEODIST Sicily Palermo Catania M',
      'GEODIST Sicily Palermo Catania yd',
      'GEODIST Sicily Palermo Catania km x',
      'GEODIST Sicily Palermo nope',
      'GEODIST Sicily nope Palermo',
      'GEODIST Sicily Palermo Palermo',
      'GEODIST nokey a b',
      'GEODIST nokey a b yd',
      'GEOHASH Sicily Palermo Catania nope edge1',
      'GEOHASH Sicily',
      'GEOHASH nokey a',
    ]);
  });

  it('GEOPOS/GEOHASH/GEODIST of scores not written by GEOADD', async () => {
    await bothProtocols(
      env.pair,
      ['ZADD z 0 a 1 b -1 c 1.5 d 4503599627370495 e 4503599627370496 f 9007199254740993 g 1e19 h -1e19 i inf j -inf k 1e30 l'],
      ['GEOPOS z a b c d e f g h i j k l', 'GEOHASH z a b c d e f g h i j k l', 'GEODIST z a l', 'GEODIST z c d km', 'GEODIST z e f mi'],
    );
  });

  it('GEOSEARCH and GEORADIUS replies, both protocols', async () => {
    await bothProtocols(env.pair, SICILY, [
      'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC',
      'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km DESC WITHCOORD WITHDIST WITHHASH',
      'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km WITHHASH',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 300 300 km withdist asc count 2',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1000 km COUNT 1',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1000 km COUNT 1 ANY',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1000 km COUNT 3 DESC WITHDIST',
      'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 m',
      'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 0 m',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 0 m WITHDIST',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 0 0 m WITHDIST',
      'GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 200 km',
      'GEOSEARCH nokey FROMMEMBER x BYRADIUS 200 km',
      'GEOSEARCH Sicily FROMMEMBER Palermo FROMMEMBER Catania BYRADIUS 10 km BYRADIUS 20 km',
      'GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD',
      'GEORADIUS Sicily 15 37 200 km WITHDIST ASC COUNT 1',
      'GEORADIUS Sicily 15 37 200 mi WITHDIST DESC',
      'GEORADIUS Sicily 15 37 200000 ft WITHHASH',
      'GEORADIUS_RO Sicily 15 37 200 km WITHDIST ASC',
      'GEORADIUSBYMEMBER Sicily Palermo 200 km WITHDIST ASC',
      'GEORADIUSBYMEMBER_RO Sicily Palermo 200 km WITHCOORD DESC COUNT 2',
      'GEORADIUS nokey 15 37 200 km',
      'GEORADIUSBYMEMBER nokey x 200 km',
      'GEORADIUSBYMEMBER nokey x -1 yd',
    ]);
  });

  it('search errors', async () => {
    await script(env.pair, [
      ...SICILY,
      'GEORADIUS Sicily 15 37 x km',
      'GEORADIUS Sicily 15 37 -1 km',
      'GEORADIUS Sicily 15 37 1 yd',
      'GEORADIUS Sicily 200 37 1 km',
      'GEORADIUS Sicily x 37 1 km',
      'GEORADIUS nokey 200 37 1 km',
      'GEORADIUS nokey 15 37 1 yd',
      'GEORADIUS Sicily 15 37 1 km FOO',
      'GEORADIUS Sicily 15 37 1 km COUNT',
      'GEORADIUS Sicily 15 37 1 km COUNT 0',
      'GEORADIUS Sicily 15 37 1 km COUNT -3',
      'GEORADIUS Sicily 15 37 1 km COUNT x',
      'GEORADIUS Sicily 15 37 1 km ANY',
      'GEORADIUS Sicily 15 37 1 km STORE',
      'GEORADIUS Sicily 15 37 1 km WITHDIST STORE d',
      'GEORADIUS Sicily 15 37 1 km STOREDIST d WITHCOORD',
      'GEORADIUS_RO Sicily 15 37 1 km STORE d',
      'GEORADIUS Sicily 15 37 1 km FROMLONLAT 1 1',
      'GEORADIUSBYMEMBER Sicily nope 1 km',
      'GEORADIUSBYMEMBER Sicily Palermo x km',
      'GEORADIUSBYMEMBER Sicily Palermo 1 km BYBOX 1 1 km',
      'GEOSEARCH Sicily FROMLONLAT 15 37',
      'GEOSEARCH Sicily BYRADIUS 1 km',
      'geosearch Sicily BYRADIUS 1 km ASC',
      'GeoSearch Sicily FROMLONLAT 15 37 ASC',
      'GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 1 2 BYRADIUS 1 km',
      'GEOSEARCH Sicily FROMLONLAT 1 2 FROMMEMBER Palermo BYRADIUS 1 km',
      'GEOSEARCH Sicily FROMLONLAT 1 2 BYRADIUS 1 km BYBOX 1 1 km',
      'GEOSEARCH Sicily FROMLONLAT 1 2 BYBOX 1 1 km BYRADIUS 1 km',
      'GEOSEARCH Sicily FROMLONLAT 1 2 BYBOX x 1 km',
      'GEOSEARCH Sicily FROMLONLAT 1 2 BYBOX 1 x km',
      'GEOSEARCH Sicily FROMLONLAT 1 2 BYBOX -1 1 km',
      'GEOSEARCH Sicily FROMLONLAT 1 2 BYBOX 1 -1 yd',
      'GEOSEARCH Sicily FROMLONLAT 1 2 BYBOX 1 1 yd',
      'GEOSEARCH Sicily FROMLONLAT 1 2 BYBOX 1 1',
      'GEOSEARCH Sicily FROMLONLAT 1 BYRADIUS 1 km',
      'GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 1 km',
      'GEOSEARCH nokey FROMMEMBER nope BYRADIUS 1 km',
      'GEOSEARCH nokey FROMMEMBER nope BYRADIUS 1 km ANY',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km STORE d',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km STOREDIST',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km ANY',
      'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km COUNT 0',
      'GEOSEARCHSTORE d Sicily FROMMEMBER Palermo BYRADIUS 1 km WITHDIST',
      'GEOSEARCHSTORE d Sicily FROMMEMBER Palermo BYRADIUS 1 km STORE x',
      'GEOSEARCHSTORE d Sicily FROMMEMBER Palermo',
      'SET str v',
      'GEOSEARCHSTORE d str FROMMEMBER Palermo BYRADIUS 1 km',
      'GEOSEARCHSTORE str Sicily FROMMEMBER Palermo BYRADIUS 1000 km',
      'TYPE str',
      'GEORADIUSBYMEMBER str a b c',
    ]);
  });

  it('STORE, STOREDIST and GEOSEARCHSTORE results', async () => {
    await script(env.pair, [
      ...SICILY,
      'GEORADIUS Sicily 15 37 200 km STORE d',
      'ZRANGE d 0 -1 WITHSCORES',
      'OBJECT ENCODING d',
      'GEORADIUS Sicily 15 37 200 km STOREDIST d',
      'ZRANGE d 0 -1 WITHSCORES',
      'GEORADIUS Sicily 15 37 200 km STORE d STOREDIST e',
      'EXISTS d e',
      'ZRANGE e 0 -1 WITHSCORES',
      'GEORADIUS Sicily 15 37 500 km COUNT 2 DESC STOREDIST d',
      'ZRANGE d 0 -1 WITHSCORES',
      'GEORADIUSBYMEMBER Sicily Palermo 500 mi STORE d',
      'ZRANGE d 0 -1 WITHSCORES',
      'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYBOX 400 400 km',
      'ZRANGE d 0 -1 WITHSCORES',
      'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST',
      'ZRANGE d 0 -1 WITHSCORES',
      'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST COUNT 1',
      'ZRANGE d 0 -1 WITHSCORES',
      'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 1 m',
      'EXISTS d',
      'SET d v',
      'GEOSEARCHSTORE d nokey FROMLONLAT 15 37 BYRADIUS 1 m',
      'EXISTS d',
      'SET d v',
      'GEORADIUS nokey 15 37 1 m STORE d',
      'EXISTS d',
      'SET d v',
      'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 1000 km',
      'TYPE d',
      'GEOSEARCHSTORE Sicily Sicily FROMLONLAT 15 37 BYRADIUS 120 km',
      'ZRANGE Sicily 0 -1',
    ]);
  });

  it('big result sets: skiplist sources and results', async () => {
    const add = ['GEOADD big'];
    for (let i = 0; i < 200; i++) add[0] += ` ${(i * 0.01).toFixed(2)} ${(i * 0.005).toFixed(3)} m${i}`;
    await script(env.pair, [
      add[0],
      'OBJECT ENCODING big',
      'GEOSEARCH big FROMLONLAT 1 0.5 BYRADIUS 60 km ASC WITHDIST',
      'GEOSEARCH big FROMLONLAT 1 0.5 BYBOX 100 50 km DESC COUNT 30',
      'GEOSEARCHSTORE dst big FROMLONLAT 1 0.5 BYRADIUS 200 km',
      'OBJECT ENCODING dst',
      'ZCARD dst',
      'GEOSEARCHSTORE dst big FROMLONLAT 1 0.5 BYRADIUS 20 km',
      'OBJECT ENCODING dst',
    ]);
  });

  it('ties: equal distances under COUNT (partial sort)', async () => {
    const add = ['GEOADD', 'same'];
    for (let i = 0; i < 60; i++) add.push('10', '20', `s${i}`);
    for (let i = 0; i < 12; i++) add.push('10.001', String(20 + (i % 3) * 0.001), `t${i}`);
    await env.pair.same(...add);
    for (const n of ['1', '3', '5', '11', '13', '20', '30', '45', '59', '61', '71', '100']) {
      for (const dir of ['ASC', 'DESC']) {
        await env.pair.same('GEOSEARCH', 'same', 'FROMLONLAT', '10', '20', 'BYRADIUS', '10', 'km', dir, 'COUNT', n);
        await env.pair.same('GEOSEARCH', 'same', 'FROMLONLAT', '10', '20', 'BYRADIUS', '10', 'km', dir, 'COUNT', n, 'ANY');
      }
      await env.pair.same('GEOSEARCH', 'same', 'FROMLONLAT', '10', '20', 'BYRADIUS', '10', 'km', 'COUNT', n);
    }
  });

  it('keyspace hits and misses are counted like Redis', async () => {
    const p = env.pair;
    for (const c of [['SET', 'str', 'v']]) await p.same(...c);
    for (const cmd of [
      ['GEOADD', 'g', '1', '1', 'a', '2', '2', 'b'], ['GEOPOS', 'g', 'a'], ['GEOPOS', 'nokey', 'a'], ['GEODIST', 'g', 'a', 'b'], ['GEODIST', 'nokey', 'a', 'b'],
      ['GEOHASH', 'g', 'a'], ['GEOSEARCH', 'g', 'FROMMEMBER', 'a', 'BYRADIUS', '500', 'km'], ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'a', 'BYRADIUS', '500', 'km'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMMEMBER', 'a', 'BYRADIUS', '500', 'km'], ['GEORADIUS', 'g', '1', '1', '500', 'km', 'STORE', 'd'], ['GEORADIUSBYMEMBER_RO', 'nokey', 'a', '1', 'km'],
    ]) {
      await p.same('CONFIG', 'RESETSTAT');
      await p.both(...cmd);
      const [a, b] = await p.both('INFO', 'stats');
      const pick = (raw: string) => /keyspace_hits:\d+\r\nkeyspace_misses:\d+/.exec(raw)?.[0];
      assert.equal(pick(b), pick(a), cmd.join(' '));
    }
  });
});
