/**
 * Geohash arithmetic as Redis's GEO commands use it. A position is stored
 * as a sorted-set score: the 52-bit interleaving of a 26-bit latitude index
 * (even bits) and a 26-bit longitude index (odd bits), over the Web Mercator
 * latitude range ±85.05112878 and longitude ±180. Decoding yields the center
 * of the cell. Searches cover the query shape with the cell holding the
 * center plus its eight neighbours at a step chosen from the radius, then
 * filter by true distance (haversine on a sphere of 6372797.560856 m).
 *
 * Every formula here follows Redis's order of floating-point operations so
 * that results match bit for bit (membership at the edges, printed digits).
 * Nothing here knows about RESP or clients.
 */
import { libmAsin, libmCos, libmSin } from './geohash-math.js';

export const LONG_MIN = -180;
export const LONG_MAX = 180;
export const LAT_MIN = -85.05112878;
export const LAT_MAX = 85.05112878;
/** Steps (bits per coordinate) of a stored position. */
export const STEP_MAX = 26;
export const EARTH_RADIUS_M = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;
const TWO32 = 4294967296;


/** A cell: latitude and longitude indexes at `step` bits each. */
export interface Cell {
  lat: number;
  lon: number;
  step: number;
}

/** A decoded cell's bounds in degrees. */
export interface Area {
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
}

/** A search shape: a circle (radius) or an axis-aligned box (width, height), in `unit` multiples of a meter. */
export interface Shape {
  lon: number;
  lat: number;
  /** Meters per unit. */
  conversion: number;
  radius?: number;
  width?: number;
  height?: number;
}

export function degRad(d: number): number {
  return d * D_R;
}

export function radDeg(r: number): number {
  return r / D_R;
}

/** True if (lon, lat) can be stored (Redis's GEOADD bounds, inclusive). */
export function validLonLat(lon: number, lat: number): boolean {
  return lon >= LONG_MIN && lon <= LONG_MAX && lat >= LAT_MIN && lat <= LAT_MAX;
}

/** Spreads the low 16 bits of `x` to the even bit positions of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** Gathers the even bits of a 32-bit word into 16 bits. */
function squash32(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x >>> 0;
}

/** The interleaved word of a cell as [high 32 bits, low 32 bits]. */
function interleave(lat: number, lon: number): [number, number] {
  const lo = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  const hi = (spread16(lat >>> 16) | (spread16(lon >>> 16) << 1)) >>> 0;
  return [hi, lo];
}

/** The cell's interleaved bits as a number (exact below 2^53, else rounded as a double). */
export function cellBits(c: Cell): number {
  const [hi, lo] = interleave(c.lat, c.lon);
  return hi * TWO32 + lo;
}

/** The cell's interleaved bits as an exact decimal string (ZADD's score argument). */
export function cellBitsString(c: Cell): string {
  const [hi, lo] = interleave(c.lat, c.lon);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** The 52-bit score aligned from a cell of any step (Redis's align-to-52-bits). */
export function alignedScore(c: Cell): number {
  return cellBits(c) * 2 ** (52 - c.step * 2);
}

/**
 * Encodes (lon, lat) at `step` bits over the given latitude range (Redis uses
 * ±85.05112878 for storage and ±90 for GEOHASH strings). Why the truncation:
 * the fixed-point offsets are converted to uint32 by a C cast.
 */
export function encode(lon: number, lat: number, step: number, latMin = LAT_MIN, latMax = LAT_MAX): Cell {
  let latOff = (lat - latMin) / (latMax - latMin);
  let lonOff = (lon - LONG_MIN) / (LONG_MAX - LONG_MIN);
  latOff *= 2 ** step;
  lonOff *= 2 ** step;
  return { lat: Math.trunc(latOff) >>> 0, lon: Math.trunc(lonOff) >>> 0, step };
}

/**
 * The 64-bit word a C `(uint64_t)score` cast yields, as [hi, lo]. Why: GEO
 * commands decode any zset score, including ones not written by GEOADD;
 * negative values wrap (x86-64 behaviour); out-of-range ones follow gcc's
 * conversion sequence (see below).
 */
function scoreWord(score: number): [number, number] {
  const t = Math.trunc(score);
  if (t >= 0 && t < 2 ** 53) return [Math.floor(t / TWO32) >>> 0, t % TWO32 >>> 0];
  let b: bigint;
  // Why: gcc converts values >= 2^63 as (x - 2^63) then flips bit 63, so
  // +inf and values >= 2^64 come out 0, while -inf and values < -2^63 give 2^63.
  if (t >= 2 ** 64) b = 0n;
  else if (t < -(2 ** 63) || Number.isNaN(t)) b = 1n << 63n;
  else b = BigInt.asUintN(64, BigInt(t));
  return [Number(b >> 32n) >>> 0, Number(b & 0xffffffffn) >>> 0];
}

/** The cell a stored score stands for (26 steps). */
export function scoreCell(score: number): Cell {
  const [hi, lo] = scoreWord(score);
  const lat = (squash32(lo) | (squash32(hi) << 16)) >>> 0;
  const lon = (squash32(lo >>> 1) | (squash32(hi >>> 1) << 16)) >>> 0;
  return { lat, lon, step: STEP_MAX };
}

/** The bounds of a cell over the storage ranges. */
export function decodeArea(c: Cell): Area {
  const latScale = LAT_MAX - LAT_MIN;
  const lonScale = LONG_MAX - LONG_MIN;
  const div = 2 ** c.step;
  return {
    latMin: LAT_MIN + (c.lat / div) * latScale,
    latMax: LAT_MIN + ((c.lat + 1) / div) * latScale,
    lonMin: LONG_MIN + (c.lon / div) * lonScale,
    lonMax: LONG_MIN + ((c.lon + 1) / div) * lonScale,
  };
}

/** The [lon, lat] a stored score decodes to: its cell's center, clamped to the valid ranges. */
export function decodeScore(score: number): [number, number] {
  let hi: number;
  let lo: number;
  if (score >= 0 && score < 2 ** 53) {
    // Fast path (every GEOADD score): no intermediate objects.
    const t = Math.trunc(score);
    hi = Math.floor(t / TWO32) >>> 0;
    lo = t % TWO32 >>> 0;
  } else [hi, lo] = scoreWord(score);
  const latIdx = (squash32(lo) | (squash32(hi) << 16)) >>> 0;
  const lonIdx = (squash32(lo >>> 1) | (squash32(hi >>> 1) << 16)) >>> 0;
  // Cell bounds as Redis computes them (scale, then offset), then the center.
  const div = 2 ** STEP_MAX;
  const latScale = LAT_MAX - LAT_MIN;
  const lonScale = LONG_MAX - LONG_MIN;
  let lon = (LONG_MIN + (lonIdx / div) * lonScale + (LONG_MIN + ((lonIdx + 1) / div) * lonScale)) / 2;
  if (lon > LONG_MAX) lon = LONG_MAX;
  if (lon < LONG_MIN) lon = LONG_MIN;
  let lat = (LAT_MIN + (latIdx / div) * latScale + (LAT_MIN + ((latIdx + 1) / div) * latScale)) / 2;
  if (lat > LAT_MAX) lat = LAT_MAX;
  if (lat < LAT_MIN) lat = LAT_MIN;
  return [lon, lat];
}

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * The standard 11-character geohash of a stored score: decode, re-encode
 * over latitude ±90, then 5 bits per character. Why the last '0': only 52
 * bits exist, and Redis pads the eleventh character with zero bits.
 */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const bits = cellBits(encode(lon, lat, STEP_MAX, -90, 90));
  let out = '';
  for (let i = 0; i < 10; i++) out += ALPHABET[Math.floor(bits / 2 ** (52 - (i + 1) * 5)) % 32];
  return out + ALPHABET[0];
}

/** Distance in meters between two points along a meridian. */
export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_M * Math.abs(degRad(lat2) - degRad(lat1));
}

type Trig = (x: number) => number;

function haversine(lon1: number, lat1: number, lon2: number, lat2: number, sin: Trig, cos: Trig, asin: Trig): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = sin((lon2r - lon1r) / 2);
  // Why: Redis short-cuts equal longitudes to the meridian distance.
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = sin((lat2r - lat1r) / 2);
  const a = u * u + cos(lat1r) * cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_M * asin(Math.sqrt(a));
}

/** Haversine distance in meters, bit-identical to Redis's (operation order, glibc's libm results). */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return haversine(lon1, lat1, lon2, lat2, libmSin, libmCos, libmAsin);
}

/** The same within a few ulps, with V8's Math (fast filter). */
function roughDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return haversine(lon1, lat1, lon2, lat2, Math.sin, Math.cos, Math.asin);
}

/** True if a rough distance is certainly above `limit` (far beyond the few-ulp error). */
function clearlyAbove(rough: number, limit: number): boolean {
  return rough > limit * (1 + 1e-12) + 1e-9;
}

/** The distance from the shape's center to (lon, lat) if the point is inside the shape, else -1. */
export function distanceIfInShape(s: Shape, lon: number, lat: number): number {
  if (s.radius !== undefined) {
    const r = s.radius * s.conversion;
    // The great-circle distance is never below the meridian distance: a trig-free first filter.
    if (clearlyAbove(latDistance(lat, s.lat), r)) return -1;
    // Why the rough pass: exact trigonometry is slower, and only points near or inside the circle need it.
    if (clearlyAbove(roughDistance(s.lon, s.lat, lon, lat), r)) return -1;
    const d = distance(s.lon, s.lat, lon, lat);
    return d > r ? -1 : d;
  }
  const w = s.width! * s.conversion;
  const h = s.height! * s.conversion;
  if (latDistance(lat, s.lat) > h / 2) return -1;
  if (clearlyAbove(roughDistance(lon, lat, s.lon, lat), w / 2)) return -1;
  if (distance(lon, lat, s.lon, lat) > w / 2) return -1;
  return distance(s.lon, s.lat, lon, lat);
}

/** The step whose cells are about the size of `rangeMeters` at latitude `lat`. */
export function stepsForRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  // Why: cells get narrower in meters towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** The shape's bounding box [minLon, minLat, maxLon, maxLat] in degrees. */
export function boundingBox(s: Shape): [number, number, number, number] {
  const height = s.conversion * (s.radius !== undefined ? s.radius : s.height! / 2);
  const width = s.conversion * (s.radius !== undefined ? s.radius : s.width! / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_M);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_M / Math.cos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_M / Math.cos(degRad(s.lat - latDelta)));
  // Why: the wider edge of the box is the one nearer the equator.
  const south = s.lat < 0;
  const lonDelta = south ? lonDeltaBottom : lonDeltaTop;
  return [s.lon - lonDelta, s.lat - latDelta, s.lon + lonDelta, s.lat + latDelta];
}

/**
 * The neighbour cell `dLon`, `dLat` away, wrapping around within `step`
 * bits. Why only the moved coordinate wraps: Redis masks just the bits it
 * moves, so a coordinate at the +180 / +85.05 overflow index keeps it.
 */
function moved(c: Cell, dLon: number, dLat: number): Cell {
  const mod = 2 ** c.step;
  const lat = dLat === 0 ? c.lat : (c.lat + dLat + mod) % mod;
  const lon = dLon === 0 ? c.lon : (c.lon + dLon + mod) % mod;
  return { lat, lon, step: c.step };
}

/**
 * The score ranges [min, max) to scan for a search, in Redis's order: the
 * center cell, N, S, E, W, NE, NW, SE, SW, skipping neighbours that the
 * bounding box cannot reach and a neighbour equal to the one scanned just
 * before it (huge radii make neighbours coincide).
 */
export function searchRanges(s: Shape): Array<[number, number]> {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  const radius = s.radius !== undefined ? s.radius : Math.sqrt((s.width! / 2) * (s.width! / 2) + (s.height! / 2) * (s.height! / 2));
  let steps = stepsForRadius(radius * s.conversion, s.lat);
  let center = encode(s.lon, s.lat, steps);
  const north = decodeArea(moved(center, 0, 1));
  const south = decodeArea(moved(center, 0, -1));
  const east = decodeArea(moved(center, 1, 0));
  const west = decodeArea(moved(center, -1, 0));
  // Why: near a cell's edge the estimated step may leave part of the box uncovered.
  const decrease = north.latMax < maxLat || south.latMin > minLat || east.lonMax < maxLon || west.lonMin > minLon;
  if (steps > 1 && decrease) {
    steps--;
    center = encode(s.lon, s.lat, steps);
  }
  const area = decodeArea(center);
  // [dLon, dLat] in Redis's neighbour order.
  const order: Array<[number, number]> = [[0, 0], [0, 1], [0, -1], [1, 0], [-1, 0], [1, 1], [-1, 1], [1, -1], [-1, -1]];
  const cells: Array<Cell | null> = order.map(([x, y]) => moved(center, x, y));
  if (steps >= 2) {
    const drop = (pred: (x: number, y: number) => boolean): void => {
      order.forEach(([x, y], i) => {
        if (pred(x, y)) cells[i] = null;
      });
    };
    if (area.latMin < minLat) drop((_x, y) => y === -1);
    if (area.latMax > maxLat) drop((_x, y) => y === 1);
    if (area.lonMin < minLon) drop((x) => x === -1);
    if (area.lonMax > maxLon) drop((x) => x === 1);
  }
  const out: Array<[number, number]> = [];
  let last: Cell | null = null;
  for (const cell of cells) {
    if (cell === null) continue;
    if (last !== null && last.lat === cell.lat && last.lon === cell.lon && last.step === cell.step) continue;
    out.push([alignedScore(cell), nextScore(cell)]);
    last = cell;
  }
  return out;
}

/** The aligned score just past a cell: (bits + 1) << (52 - 2*step), as Redis computes the range end. */
function nextScore(c: Cell): number {
  return (cellBits(c) + 1) * 2 ** (52 - c.step * 2);
}
