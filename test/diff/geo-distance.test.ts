/**
 * Distances to the last bit: thousands of random point pairs through GEODIST
 * (every unit), GEOSEARCH WITHDIST and GEOSEARCHSTORE STOREDIST (the stored
 * score prints the full double), raw replies compared byte for byte.
 *
 * Why the point sets: Redis's haversine calls glibc's sin, cos and asin, and
 * each of their code paths (Taylor near 0, table points, quadrant reduction,
 * asin's per-interval tables and its branch near 1) is reached by a different
 * range of distances; equal longitudes take Redis's meridian shortcut.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import { DiffEnv } from '../support/diff.js';
import { oracleSkip } from '../support/oracle.js';
import { Rng, testSeed } from '../support/random.js';

const UNITS = ['m', 'km', 'mi', 'ft'];
const POINTS = 150;

type Spread = (r: Rng, i: number) => [number, number];

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Points within `deg` degrees of a random center (spreads from meters to continents). */
function cluster(r: Rng, deg: number): Spread {
  const cx = -180 + 360 * r.next();
  const cy = -80 + 160 * r.next();
  return (q) => [clamp(cx + deg * (2 * q.next() - 1), -180, 180), clamp(cy + deg * (2 * q.next() - 1), -85, 85)];
}

const SPREADS: Array<[string, (r: Rng) => Spread]> = [
  ['anywhere', () => (q) => [-180 + 360 * q.next(), -85 + 170 * q.next()]],
  ['within meters', (r) => cluster(r, 1e-4)],
  ['within kilometers', (r) => cluster(r, 0.05)],
  ['within a country', (r) => cluster(r, 4)],
  ['within a continent', (r) => cluster(r, 30)],
  // Near-antipodal pairs reach asin's branch near 1.
  ['two antipodal clusters', (r) => {
    const a = cluster(r, 8);
    return (q, i) => {
      const [x, y] = a(q, i);
      return i % 2 === 0 ? [x, y] : [x > 0 ? x - 180 : x + 180, -y];
    };
  }],
  // Shared longitudes take Redis's meridian shortcut.
  ['few longitudes', () => (q) => [[-120.5, 0, 33.3, 179.9][q.int(0, 3)], -85 + 170 * q.next()]],
];

function coords(x: number, r: Rng): string {
  return x.toFixed(r.int(2, 12));
}

describe('GEO distances to the last bit', { skip: oracleSkip }, () => {
  let env: DiffEnv;
  before(async () => {
    env = await DiffEnv.start();
  });
  after(() => env.stop());
  beforeEach(() => env.reset());

  for (const [label, make] of SPREADS) {
    it(`random pairs: ${label}`, async () => {
      const seed = testSeed(0x6e0d15 + label.length);
      const r = new Rng(seed);
      const spread = make(r);
      const add = ['GEOADD', 'g'];
      const pos: Array<[string, string]> = [];
      for (let i = 0; i < POINTS; i++) {
        const [x, y] = spread(r, i);
        pos.push([coords(x, r), coords(y, r)]);
        add.push(pos[i][0], pos[i][1], `p${i}`);
      }
      const where = (step: number, args: string[]): string => `seed ${seed} step ${step}: ${args.join(' ')}`;
      try {
        await env.pair.same(...add);
      } catch (e) {
        if (e instanceof Error) e.message = `${where(0, add)}: ${e.message}`;
        throw e;
      }
      for (let step = 0; step < 400; step++) {
        const i = r.int(0, POINTS - 1);
        const unit = r.pick(UNITS);
        const [lon, lat] = pos[r.int(0, POINTS - 1)];
        const cmds: string[][] = [['GEODIST', 'g', `p${i}`, `p${r.int(0, POINTS - 1)}`, unit]];
        if (step % 20 === 0) {
          // Whole sets at once: every member's distance from one center.
          cmds.push(['GEOSEARCH', 'g', 'FROMMEMBER', `p${i}`, 'BYRADIUS', '21000', 'km', 'WITHDIST', 'ASC']);
          cmds.push(['GEOSEARCHSTORE', 'dd', 'g', 'FROMLONLAT', lon, lat, 'BYRADIUS', '21000', 'km', 'STOREDIST']);
          cmds.push(['ZRANGE', 'dd', '0', '-1', 'WITHSCORES']);
          cmds.push(['GEOSEARCHSTORE', 'dd', 'g', 'FROMMEMBER', `p${i}`, 'BYBOX', '40000', '40000', unit, 'STOREDIST']);
          cmds.push(['ZRANGE', 'dd', '0', '-1', 'WITHSCORES']);
        }
        for (const args of cmds) {
          try {
            await env.pair.same(...args);
          } catch (e) {
            if (e instanceof Error) e.message = `${where(step, args)}: ${e.message}`;
            throw e;
          }
        }
      }
    });
  }
});
