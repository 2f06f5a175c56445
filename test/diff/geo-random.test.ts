import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';

const UNITS = ['m', 'km', 'ft', 'mi'];

/** A coordinate with a random number of decimals (so text round trips vary). */
function coord(r: Rng, lo: number, hi: number): string {
  const x = lo + r.next() * (hi - lo);
  return x.toFixed(r.int(0, 9));
}

/** A random search center: near the cluster, anywhere, or near the poles and the antimeridian. */
function center(r: Rng, cx: number, cy: number): [string, string] {
  switch (r.int(0, 3)) {
    case 0:
      return [coord(r, cx - 1, cx + 1), coord(r, cy - 1, cy + 1)];
    case 1:
      return [coord(r, -180, 180), coord(r, -85, 85)];
    case 2:
      return [coord(r, -180, 180), coord(r, r.chance(0.5) ? 70 : -85, r.chance(0.5) ? 85 : -70)];
    default:
      return [coord(r, 179, 180), coord(r, cy - 2, cy + 2)];
  }
}

function options(r: Rng, store: boolean): string[] {
  const o: string[] = [];
  if (!store) {
    if (r.chance(0.4)) o.push('WITHDIST');
    if (r.chance(0.3)) o.push('WITHCOORD');
    if (r.chance(0.3)) o.push('WITHHASH');
  }
  const sort = r.int(0, 2);
  if (sort === 1) o.push('ASC');
  if (sort === 2) o.push('DESC');
  if (r.chance(0.3)) {
    o.push('COUNT', String(r.int(1, 12)));
    if (r.chance(0.3)) o.push('ANY');
  }
  return o;
}

function distance(r: Rng): string {
  return r.pick(['0', '1', '50', '500', '2000', '15000', '120000', '800000', '6000000', '21000000'].map((d) => (Number(d) * (0.5 + r.next())).toFixed(r.int(0, 3))));
}

/** One random GEO command (write or search) for key `g`. */
function command(r: Rng, cx: number, cy: number, n: number): string[] {
  const member = `p${r.int(0, n)}`;
  const [lon, lat] = center(r, cx, cy);
  const unit = r.pick(UNITS);
  switch (r.int(0, 9)) {
    case 0:
    case 1: {
      const args = ['GEOADD', 'g'];
      if (r.chance(0.2)) args.push(r.pick(['NX', 'XX', 'CH']));
      for (let k = r.int(1, 4); k > 0; k--) {
        const [x, y] = r.chance(0.7) ? [coord(r, cx - 2, cx + 2), coord(r, cy - 2, cy + 2)] : center(r, cx, cy);
        args.push(x, y, `p${r.int(0, n)}`);
      }
      return args;
    }
    case 2:
      return ['GEOSEARCH', 'g', 'FROMLONLAT', lon, lat, 'BYRADIUS', distance(r), unit, ...options(r, false)];
    case 3:
      return ['GEOSEARCH', 'g', 'FROMMEMBER', member, 'BYBOX', distance(r), distance(r), unit, ...options(r, false)];
    case 4:
      return ['GEORADIUS', 'g', lon, lat, distance(r), unit, ...options(r, false)];
    case 5:
      return ['GEORADIUSBYMEMBER_RO', 'g', member, distance(r), unit, ...options(r, false)];
    case 6:
      // Distances go to 'dd', geohash scores to 'd'; both are compared exactly.
      return r.chance(0.5)
        ? ['GEOSEARCHSTORE', 'dd', 'g', 'FROMLONLAT', lon, lat, 'BYBOX', distance(r), distance(r), unit, ...options(r, true), 'STOREDIST']
        : ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', lon, lat, 'BYBOX', distance(r), distance(r), unit, ...options(r, true)];
    case 7:
      return ['GEODIST', 'g', member, `p${r.int(0, n)}`, unit];
    case 8:
      return ['GEOPOS', 'g', member, `p${r.int(0, n)}`];
    default:
      return ['GEOHASH', 'g', member, `p${r.int(0, n)}`];
  }
}

describe('GEO randomized differential', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  for (const [label, cx, cy, n] of [
    ['mid latitudes', 13, 38, 40],
    ['equator and antimeridian', 179.5, 0, 40],
    ['high latitudes', -20, 78, 40],
    ['many members (skiplist)', 2, 48, 400],
  ] as Array<[string, number, number, number]>) {
    it(`random GEOADD/GEOSEARCH sequence: ${label}`, async () => {
      const seed = testSeed(0x9e0 + n + Math.round(cy));
      const r = new Rng(seed);
      for (let step = 0; step < 1500; step++) {
        const args = command(r, cx, cy, n);
        try {
          await env.pair.same(...args);
          if (args[0] === 'GEOSEARCHSTORE') await env.pair.same('ZRANGE', args[1], '0', '-1', 'WITHSCORES');
        } catch (e) {
          if (e instanceof Error) e.message = `seed ${seed} step ${step}: ${args.join(' ')}: ${e.message}`;
          throw e;
        }
        if (step === 750) {
          await env.pair.both('HELLO', r.chance(0.5) ? '3' : '2');
        }
      }
    });
  }
});
