/**
 * GEO commands: positions stored as sorted-set scores (see src/types/geohash.ts).
 * GEOADD rewrites itself into ZADD as Redis does; the searches (GEOSEARCH,
 * GEOSEARCHSTORE, GEORADIUS[BYMEMBER][_RO]) share one argument parser and
 * one executor, following Redis's order of checks and errors.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import {
  type Shape,
  decodeScore,
  distance,
  distanceIfInShape,
  encode,
  cellBitsString,
  geohashString,
  searchRanges,
  validLonLat,
  STEP_MAX,
} from '../types/geohash.js';
import { pqsort } from '../types/pqsort.js';
import type { ZSet } from '../types/zset.js';
import { int64Arg, isWord } from './args.js';
import type { CommandDef } from './table.js';
import { parseScore, readZ, storeResult } from './zsets/common.js';

// ---------------------------------------------------------------------------
// C number formatting

/**
 * C's `%.{digits}f` of a double: the exact binary value rounded half to even
 * (glibc), where JS's toFixed rounds exact ties away from zero.
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s: string;
  if (a >= 1e21) {
    s = BigInt(a).toString() + (digits > 0 ? '.' + '0'.repeat(digits) : '');
  } else {
    s = a.toFixed(digits);
    // An exact tie shows as "5" then zeros in the (exact) 100-digit expansion. Only a
    // multiple of 2^-(digits+1) can be one (a tie is odd / (2^(digits+1) * 5^digits)).
    if (digits < 100 && Number.isInteger(a * 2 ** (digits + 1))) {
      const full = a.toFixed(100);
      const dot = full.indexOf('.');
      const rest = full.slice(dot + 1 + digits);
      if (rest[0] === '5' && /^50*$/.test(rest)) {
        const kept = full.slice(0, dot + 1 + digits).replace(/\.$/, '');
        const lastDigit = kept.charCodeAt(kept.length - 1) - 48;
        // Half to even: toFixed already rounded up; keep the truncation if its last digit is even.
        if (lastDigit % 2 === 0) s = kept;
      }
    }
  }
  return neg ? '-' + s : s;
}

/** Redis's "human" long-double text: `%.17Lf` with trailing zeros (and a bare '.') removed. */
export function formatHuman(x: number): string {
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  let s = formatFixed(x, 17);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

// ---------------------------------------------------------------------------
// Argument readers

const UNITS: Array<[string, number]> = [
  ['M', 1],
  ['KM', 1000],
  ['FT', 0.3048],
  ['MI', 1609.34],
];

/** Meters per unit for m|km|ft|mi (case-insensitive). */
function unitArg(s: string): number {
  for (const [w, m] of UNITS) if (isWord(s, w)) return m;
  return fail('ERR unsupported unit provided. please use M, KM, FT, MI');
}

/** A double argument with Redis's getDoubleFromObject rules. */
function floatArg(s: string, msg: string = Err.notFloat): number {
  const d = parseScore(s);
  if (d === null) fail(msg);
  return d;
}

/** Longitude and latitude at argv[i], argv[i+1], checked against the storable ranges. */
function lonLatArg(argv: string[], i: number): [number, number] {
  const lon = floatArg(argv[i]);
  const lat = floatArg(argv[i + 1]);
  if (!validLonLat(lon, lat)) fail(`ERR invalid longitude,latitude pair ${formatFixed(lon, 6)},${formatFixed(lat, 6)}`);
  return [lon, lat];
}

/** radius unit → [radius, meters per unit]. */
function radiusArg(argv: string[], i: number): [number, number] {
  const r = floatArg(argv[i], 'ERR need numeric radius');
  if (r < 0) fail('ERR radius cannot be negative');
  return [r, unitArg(argv[i + 1])];
}

/** width height unit → [width, height, meters per unit]. */
function boxArg(argv: string[], i: number): [number, number, number] {
  const w = floatArg(argv[i], 'ERR need numeric width');
  const h = floatArg(argv[i + 1], 'ERR need numeric height');
  if (h < 0 || w < 0) fail('ERR height or width cannot be negative');
  return [w, h, unitArg(argv[i + 2])];
}

/** The decoded position of a member, or the "could not decode" error. */
function memberPos(z: ZSet, member: string): [number, number] {
  const s = z.score(member);
  if (s === undefined) fail('ERR could not decode requested zset member');
  return decodeScore(s);
}

// ---------------------------------------------------------------------------
// GEOADD GEOPOS GEODIST GEOHASH

// GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...]
function geoadd(c: Client, argv: string[]): void {
  let i = 2;
  let nx = false;
  let xx = false;
  for (; i < argv.length; i++) {
    if (isWord(argv[i], 'NX')) nx = true;
    else if (isWord(argv[i], 'XX')) xx = true;
    else if (!isWord(argv[i], 'CH')) break;
  }
  if ((argv.length - i) % 3 !== 0 || (nx && xx)) fail(Err.syntax);
  const zargv = ['zadd', ...argv.slice(1, i)];
  for (let j = i; j < argv.length; j += 3) {
    const [lon, lat] = lonLatArg(argv, j);
    zargv.push(cellBitsString(encode(lon, lat, STEP_MAX)), argv[j + 2]);
  }
  // Why: Redis turns GEOADD into a ZADD of the encoded scores (also what it propagates).
  const zadd = c.server.commands.get('zadd')!.handler!;
  zadd(c, zargv);
}

// GEOPOS key [member ...]
function geopos(c: Client, argv: string[]): void {
  const z = readZ(c, argv[1]);
  c.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]);
    if (s === undefined) {
      c.nilArray();
      continue;
    }
    const [lon, lat] = decodeScore(s);
    c.array(2);
    c.doubleText(formatHuman(lon));
    c.doubleText(formatHuman(lat));
  }
}

// GEODIST key member1 member2 [M|KM|FT|MI]
function geodist(c: Client, argv: string[]): void {
  let toMeters = 1;
  if (argv.length === 5) toMeters = unitArg(argv[4]);
  else if (argv.length > 5) fail(Err.syntax);
  const z = readZ(c, argv[1]);
  const s1 = z?.score(argv[2]);
  const s2 = s1 === undefined ? undefined : z!.score(argv[3]);
  if (s1 === undefined || s2 === undefined) return c.nil();
  const [lon1, lat1] = decodeScore(s1);
  const [lon2, lat2] = decodeScore(s2);
  c.bulk(formatFixed(distance(lon1, lat1, lon2, lat2) / toMeters, 4));
}

// GEOHASH key [member ...]
function geohash(c: Client, argv: string[]): void {
  const z = readZ(c, argv[1]);
  c.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]);
    if (s === undefined) c.nil();
    else c.bulk(geohashString(s));
  }
}

// ---------------------------------------------------------------------------
// Searches

const enum Kind {
  /** GEORADIUS: center and radius are positional. */
  RadiusCoords = 1,
  /** GEORADIUSBYMEMBER: member and radius are positional. */
  RadiusMember = 2,
  /** GEOSEARCH / GEOSEARCHSTORE: FROM* and BY* are options. */
  Search = 4,
  SearchStore = 8,
  /** The _RO variants: no STORE option. */
  NoStore = 16,
}

interface SearchArgs {
  shape: Shape;
  store: string | null;
  storeDist: boolean;
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  sort: 0 | 1 | -1;
  any: boolean;
  count: number;
}

interface Point {
  member: string;
  score: number;
  dist: number;
  lon: number;
  lat: number;
}

/** Parses a search's arguments in Redis's order; `z` undefined skips member lookups (missing key). */
function parseSearch(argv: string[], kind: number, z: ZSet | undefined): SearchArgs {
  const a: SearchArgs = {
    shape: { lon: 0, lat: 0, conversion: 1 },
    store: null,
    storeDist: false,
    withDist: false,
    withHash: false,
    withCoord: false,
    sort: 0,
    any: false,
    count: 0,
  };
  let base: number;
  const sh = a.shape;
  if (kind & Kind.RadiusCoords) {
    base = 6;
    [sh.lon, sh.lat] = lonLatArg(argv, 2);
    [sh.radius, sh.conversion] = radiusArg(argv, 4);
  } else if (kind & Kind.RadiusMember) {
    base = 5;
    // Why: with no source key Redis skips the member and radius checks entirely.
    if (z !== undefined) {
      [sh.lon, sh.lat] = memberPos(z, argv[2]);
      [sh.radius, sh.conversion] = radiusArg(argv, 3);
    }
  } else {
    base = kind & Kind.SearchStore ? 3 : 2;
    if (kind & Kind.SearchStore) a.store = argv[1];
  }
  parseOptions(argv, base, kind, z, a);
  return a;
}

/** The optional tail of a search; sets `a` and checks the combinations. */
function parseOptions(argv: string[], base: number, kind: number, z: ZSet | undefined, a: SearchArgs): void {
  const search = (kind & Kind.Search) !== 0;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  const sh = a.shape;
  for (let i = base; i < argv.length; i++) {
    const arg = argv[i];
    const left = argv.length - i - 1;
    if (isWord(arg, 'WITHDIST')) a.withDist = true;
    else if (isWord(arg, 'WITHHASH')) a.withHash = true;
    else if (isWord(arg, 'WITHCOORD')) a.withCoord = true;
    else if (isWord(arg, 'ANY')) a.any = true;
    else if (isWord(arg, 'ASC')) a.sort = 1;
    else if (isWord(arg, 'DESC')) a.sort = -1;
    else if (isWord(arg, 'COUNT') && left >= 1) {
      const n = int64Arg(argv[++i]);
      if (n <= 0) fail('ERR COUNT must be > 0');
      a.count = Number(n);
    } else if ((isWord(arg, 'STORE') || isWord(arg, 'STOREDIST')) && left >= 1 && !(kind & Kind.NoStore) && !search) {
      a.storeDist = isWord(arg, 'STOREDIST');
      a.store = argv[++i];
    } else if (isWord(arg, 'STOREDIST') && kind & Kind.SearchStore) {
      a.storeDist = true;
    } else if (isWord(arg, 'FROMMEMBER') && left >= 1 && search && !fromLoc) {
      if (z !== undefined) [sh.lon, sh.lat] = memberPos(z, argv[i + 1]);
      fromMember = true;
      i++;
    } else if (isWord(arg, 'FROMLONLAT') && left >= 2 && search && !fromMember) {
      [sh.lon, sh.lat] = lonLatArg(argv, i + 1);
      fromLoc = true;
      i += 2;
    } else if (isWord(arg, 'BYRADIUS') && left >= 2 && search && !byBox) {
      [sh.radius, sh.conversion] = radiusArg(argv, i + 1);
      byRadius = true;
      i += 2;
    } else if (isWord(arg, 'BYBOX') && left >= 3 && search && !byRadius) {
      [sh.width, sh.height, sh.conversion] = boxArg(argv, i + 1);
      byBox = true;
      i += 3;
    } else fail(Err.syntax);
  }
  if (a.store !== null && (a.withDist || a.withHash || a.withCoord)) {
    const what = kind & Kind.SearchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    fail(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  // Why: the command name is echoed as the client spelled it.
  if (search && !(fromMember || fromLoc)) fail(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`);
  if (search && !(byRadius || byBox)) fail(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  if (a.any && a.count === 0) fail('ERR the ANY argument requires COUNT argument');
}

/**
 * The members inside the shape, scanning the covering cells' score ranges
 * in Redis's order; stops once `limit` points are found (ANY), else 0.
 */
function findPoints(z: ZSet, shape: Shape, limit: number): Point[] {
  const out: Point[] = [];
  for (const [min, max] of searchRanges(shape)) {
    if (limit && out.length >= limit) break;
    const [first, end] = z.scoreSpan({ min, max, minex: false, maxex: true });
    z.walk(first, end - first, false, (member, score) => {
      if (limit && out.length >= limit) return;
      const [lon, lat] = decodeScore(score);
      const dist = distanceIfInShape(shape, lon, lat);
      if (dist >= 0) out.push({ member, score, dist, lon, lat });
    });
  }
  return out;
}

/** Runs a parsed search: replies the points, or stores them. */
function runSearch(c: Client, argv: string[], z: ZSet | undefined, a: SearchArgs): void {
  if (z === undefined) {
    if (a.store !== null) storeResult(c, a.store, [], '', argv);
    else c.array(0);
    return;
  }
  // Why: COUNT without ASC/DESC returns the nearest ones (except with ANY).
  if (a.count !== 0 && a.sort === 0 && !a.any) a.sort = 1;
  const points = findPoints(z, a.shape, a.any ? a.count : 0);
  if (points.length === 0 && a.store === null) return c.array(0);
  const n = a.count === 0 || points.length < a.count ? points.length : a.count;
  if (a.sort !== 0) {
    const dir = a.sort;
    const cmp = (p: Point, q: Point): number => (p.dist > q.dist ? dir : p.dist < q.dist ? -dir : 0);
    // Why: Redis sorts fully with glibc's (stable) qsort, but partially with its pqsort when COUNT
    // cuts the result; equal distances then come out in pqsort's order.
    if (n === points.length) points.sort(cmp);
    else pqsort(points, cmp, 0, n - 1);
  }
  const conv = a.shape.conversion;
  if (a.store !== null) {
    const pairs: Array<[string, number]> = [];
    for (let i = 0; i < n; i++) pairs.push([points[i].member, a.storeDist ? points[i].dist / conv : points[i].score]);
    const event = argv[0].toLowerCase().startsWith('geosearch') ? 'geosearchstore' : 'georadiusstore';
    // Why: Redis counts one change per member stored here (ZUNIONSTORE and the like count one).
    storeResult(c, a.store, pairs, event, argv, pairs.length);
    return;
  }
  replyPoints(c, points, n, a);
}

function replyPoints(c: Client, points: Point[], n: number, a: SearchArgs): void {
  const extra = (a.withDist ? 1 : 0) + (a.withHash ? 1 : 0) + (a.withCoord ? 1 : 0);
  c.array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (extra === 0) {
      c.bulk(p.member);
      continue;
    }
    c.array(extra + 1);
    c.bulk(p.member);
    if (a.withDist) c.bulk(formatFixed(p.dist / a.shape.conversion, 4));
    if (a.withHash) c.integer(Math.trunc(p.score));
    if (a.withCoord) {
      c.array(2);
      c.doubleText(formatHuman(p.lon));
      c.doubleText(formatHuman(p.lat));
    }
  }
}

/** Handler for one search command shape. */
function searchCommand(kind: number, keyIndex: number): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    const z = readZ(c, argv[keyIndex]);
    const a = parseSearch(argv, kind, z);
    runSearch(c, argv, z, a);
  };
}

export const geoCommands: CommandDef[] = [
  { name: 'geoadd', handler: geoadd },
  { name: 'geopos', handler: geopos },
  { name: 'geodist', handler: geodist },
  { name: 'geohash', handler: geohash },
  // GEOSEARCH key FROMMEMBER m | FROMLONLAT lon lat BYRADIUS r unit | BYBOX w h unit [ASC|DESC] [COUNT n [ANY]] [WITH...]
  { name: 'geosearch', handler: searchCommand(Kind.Search, 1) },
  { name: 'geosearchstore', handler: searchCommand(Kind.Search | Kind.SearchStore, 2) },
  // GEORADIUS key lon lat radius unit [WITH...] [COUNT n [ANY]] [ASC|DESC] [STORE k] [STOREDIST k]
  { name: 'georadius', handler: searchCommand(Kind.RadiusCoords, 1) },
  { name: 'georadius_ro', handler: searchCommand(Kind.RadiusCoords | Kind.NoStore, 1) },
  { name: 'georadiusbymember', handler: searchCommand(Kind.RadiusMember, 1) },
  { name: 'georadiusbymember_ro', handler: searchCommand(Kind.RadiusMember | Kind.NoStore, 1) },
];
