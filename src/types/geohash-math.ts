/**
 * sin, cos and asin with the exact results of glibc's libm (2.28 and later,
 * as on Debian 12), which is what Redis's GEO distance calls on Linux.
 *
 * Why: glibc's results are not the correctly rounded ones; they miss by one
 * ulp in ~0.1% of arguments, and V8's Math (fdlibm) in ~3-6%. One ulp shows
 * in STOREDIST scores, in 4-decimal GEODIST replies and at a radius's edge.
 * So each function below follows the algorithm glibc uses (IBM Accurate
 * Mathematical Library: a table of sin/cos at k/128 with short Taylor
 * corrections; asin by Taylor series around table points), with the same
 * constants and the same order of operations.
 *
 * Two facts come from the machine, not from the algorithm:
 * - On x86-64 CPUs with FMA, glibc runs a build of these functions compiled
 *   with FMA contraction (gcc fuses `a*b + c` into one rounding). `FUSED`
 *   follows /proc/cpuinfo; `fma` below emulates the fused operation exactly.
 * - asin for |x| in [0.125, 0.96875) evaluates per-interval polynomials whose
 *   2568 coefficients are tuned data, not derivable from math alone. They are
 *   read once from the system's libm (see loadAsinTable); without it asin
 *   falls back to the correctly rounded value, which agrees with glibc in all
 *   but ~0.1% of cases.
 *
 * Arguments are expected within the distance formula's ranges (|x| <= ~3.2);
 * larger ones fall back to Math.
 */
import { readFileSync } from 'node:fs';

// ---------------------------------------------------------------------------
// Exact fused multiply-add

const SPLITTER = 134217729; // 2^27 + 1
const bitsF = new Float64Array(1);
const bitsW = new Uint32Array(bitsF.buffer);

/** a + b rounded to odd (Boldo-Melquiond): the inexact result keeps its last bit set. */
function addRoundOdd(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  const e = a - (s - bb) + (b - bb);
  if (e === 0) return s;
  bitsF[0] = s;
  if ((bitsW[0] & 1) === 1) return s;
  // Why: the exact sum lies between s and its neighbour on e's side; the odd one of the two is that neighbour.
  if (e > 0 === s > 0) {
    bitsW[0] = (bitsW[0] + 1) >>> 0;
    if (bitsW[0] === 0) bitsW[1]++;
  } else {
    if (bitsW[0] === 0) bitsW[1]--;
    bitsW[0] = (bitsW[0] - 1) >>> 0;
  }
  return bitsF[0];
}

/** a*b + c with a single rounding (IEEE fma), for finite arguments without underflow. */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const pl = ah * bh - p + ah * bl + al * bh + al * bl;
  const th = c + p;
  const bv = th - c;
  const tl = c - (th - bv) + (p - bv);
  return th + addRoundOdd(tl, pl);
}

function mulAdd(a: number, b: number, c: number): number {
  return a * b + c;
}

/** True when glibc picks its FMA-compiled variants (x86-64 with fma or fma4; other CPUs: assumed). */
function detectFused(): boolean {
  try {
    const info = readFileSync('/proc/cpuinfo', 'latin1');
    const flags = /^flags\s*:(.*)$/m.exec(info);
    if (flags === null) return true;
    return / fma4?( |$)/.test(flags[1]);
  } catch {
    return true;
  }
}

const FUSED = detectFused();

/** Which glibc variant is emulated, and whether asin's table was found (for tests and diagnostics). */
export function libmInfo(): { fused: boolean; asinTable: boolean } {
  if (asinTable === undefined) asinTable = loadAsinTable();
  return { fused: FUSED, asinTable: asinTable !== null };
}
/** A product fed into a sum, as gcc compiled glibc for this CPU. */
const F = FUSED ? fma : mulAdd;

// ---------------------------------------------------------------------------
// Correctly rounded asin in double-double arithmetic (fallback only), and
// the double-double sin/cos that also build the sin/cos table.

/** A double-double value hi + lo with |lo| <= ulp(hi)/2. */
type DD = [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [s2, e2] = quickTwoSum(s, e + t);
  return quickTwoSum(s2, e2 + f);
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

/** a / d for a small positive integer d. */
function divInt(a: DD, d: number): DD {
  const q1 = a[0] / d;
  const [p, e] = twoProd(q1, d);
  const r = a[0] - p - e + a[1];
  return quickTwoSum(q1, r / d);
}

function neg(a: DD): DD {
  return [-a[0], -a[1]];
}

/** (-1)^k / (2k+1)! and (-1)^k / (2k)! as double-doubles, k = 0..TERMS-1. */
const TERMS = 15;
const SIN_C: DD[] = [];
const COS_C: DD[] = [];
{
  let f: DD = [1, 0];
  for (let n = 1; n <= 2 * TERMS + 1; n++) {
    f = divInt(f, n);
    const signed: DD = ((n >> 1) & 1) === 1 ? neg(f) : f;
    if (n % 2 === 1) SIN_C.push(signed);
    else COS_C.push(signed);
  }
  COS_C.unshift([1, 0]);
  COS_C.length = TERMS;
}

/** Terms evaluated in double-double; the (tiny) higher ones are summed in plain double. */
const DD_TERMS = 6;

/** Taylor series of sin (odd) or cos around 0 by Horner's rule in r², for |r| <= ~0.9. */
function series(r: DD, odd: boolean): DD {
  const r2 = mul(r, r);
  const c = odd ? SIN_C : COS_C;
  let tail = c[TERMS - 1][0];
  for (let k = TERMS - 2; k >= DD_TERMS; k--) tail = tail * r2[0] + c[k][0];
  let acc: DD = add(mul([tail, 0], r2), c[DD_TERMS - 1]);
  for (let k = DD_TERMS - 2; k >= 0; k--) acc = add(mul(acc, r2), c[k]);
  return odd ? mul(acc, r) : acc;
}

function sinDD(x: DD): DD {
  return series(x, true);
}

function cosDD(x: DD): DD {
  return series(x, false);
}

/** asin(y) for 0 < y < 1, correctly rounded: one Newton step on Math.asin in double-double. */
function crAsin(y: number): number {
  const a0 = Math.asin(y);
  const s = sinDD([a0, 0]);
  const c = cosDD([a0, 0]);
  const f = add(s, [-y, 0]);
  const delta = (f[0] + f[1]) / (c[0] + c[1]);
  const v = quickTwoSum(a0, -delta);
  return v[0] + v[1];
}

// ---------------------------------------------------------------------------
// sin and cos

const S1 = -0x15555555555555 * 2 ** -55;
const S2 = 0x11111111110ece * 2 ** -59;
const S3 = -0x1a01a019db08b8 * 2 ** -65;
const S4 = 0x171de27b9a7ed9 * 2 ** -71;
const S5 = -0x1addffc2fcdf59 * 2 ** -78;
const SN3 = -1.66666666666664880952546298448555e-1;
const SN5 = 8.33333214285722277379541354343671e-3;
const CS2 = 4.99999999999999999999950396842453e-1;
const CS4 = -4.16666666666664434524222570944589e-2;
const CS6 = 1.38888874007937613028114285595617e-3;
/** 1.5 * 2^45: adding it rounds a small positive number to a multiple of 1/128. */
const BIG = 1.5 * 2 ** 45;
/** pi/2 as hi + lo. */
const HP0 = 0x1921fb54442d18 * 2 ** -52;
const HP1 = 0x11a62633145c07 * 2 ** -106;
/** pi/2 in three pieces for the quadrant reduction. */
const MP1 = 0x1921fb58000000 * 2 ** -52;
const MP2 = -0x1dde973c000000 * 2 ** -79;
const PP3 = -0x1cb3b398000000 * 2 ** -107;
const PP4 = -0x1d747f23e32ed7 * 2 ** -135;
const HPINV = 0x145f306dc9c883 * 2 ** -53;
const TOINT = 1.5 * 2 ** 52;
const SIN_LIMIT = 0x1b6 * 2 ** -9; // 0.85546875
const COS_LIMIT = 0x1368fd * 2 ** -19; // 2.4262638...
const REDUCE_LIMIT = 105414350;

/** sin(k/128), cos(k/128) for k = 0..109, each as hi + lo: [sinHi, sinLo, cosHi, cosLo] per k. */
const SINCOS = buildSinCosTable();

function buildSinCosTable(): Float64Array {
  const out = new Float64Array(440);
  for (let k = 0; k < 110; k++) {
    const s = sinDD([k / 128, 0]);
    const c = cosDD([k / 128, 0]);
    out.set([s[0], s[1], c[0], c[1]], 4 * k);
  }
  return out;
}

/** sin(x + dx) for |x| < ~0.86 (Taylor near 0, else table point plus corrections). */
function sinKernel(x: number, dx: number): number {
  const xold = x;
  if (Math.abs(x) < 0.126) {
    const xx = x * x;
    const p = F(F(F(F(S5, xx, S4), xx, S3), xx, S2), xx, S1);
    return x + F(F(p, x, -(0.5 * dx)), xx, dx);
  }
  if (x <= 0) dx = -dx;
  const ax = Math.abs(x);
  const u = BIG + ax - BIG;
  const k = (u * 512) | 0;
  x = ax - u;
  const xx = x * x;
  const s = x + F(x * xx, F(xx, SN5, SN3), dx);
  const c = F(x, dx, xx * F(xx, F(xx, CS6, CS4), CS2));
  const sn = SINCOS[k];
  const cor = F(SINCOS[k + 2], s, F(-sn, c, F(s, SINCOS[k + 3], SINCOS[k + 1])));
  const r = sn + cor;
  return xold < 0 || Object.is(xold, -0) ? -r : r;
}

/** cos(x + dx) for |x| < ~0.86. */
function cosKernel(x: number, dx: number): number {
  if (x < 0) dx = -dx;
  const ax = Math.abs(x);
  const u = BIG + ax - BIG;
  const k = (u * 512) | 0;
  x = ax - u + dx;
  const xx = x * x;
  const s = F(x * xx, F(xx, SN5, SN3), x);
  const c = xx * F(xx, F(xx, CS6, CS4), CS2);
  const cs = SINCOS[k + 2];
  const cor = F(-SINCOS[k], s, F(-cs, c, F(-s, SINCOS[k + 1], SINCOS[k + 3])));
  return cs + cor;
}

/** sin (quadrant n even) or cos (n odd) of a + da, negated for quadrants 2 and 3. */
function quadrant(x: number, odd: number): number {
  const t = F(x, HPINV, TOINT);
  const xn = t - TOINT;
  const y = F(-xn, MP2, F(-xn, MP1, x));
  const n = (((xn % 4) + 4) % 4) + odd;
  // Why each product appears twice: gcc fused xn*PP3 into both of its uses.
  const t2 = F(-xn, PP3, y);
  let da = F(-xn, PP3, y - t2);
  const a = F(-xn, PP4, t2);
  da += F(-xn, PP4, t2 - a);
  const r = (n & 1) === 1 ? cosKernel(a, da) : sinKernel(a, da);
  return (n & 2) === 2 ? -r : r;
}

/** sin(x) exactly as glibc computes it. */
export function libmSin(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2 ** -26) return x;
  if (ax < SIN_LIMIT) return sinKernel(x, 0);
  if (ax < COS_LIMIT) {
    const r = cosKernel(HP0 - ax, HP1);
    return x < 0 ? -r : r;
  }
  if (ax < REDUCE_LIMIT) return quadrant(x, 0);
  return Math.sin(x);
}

/** cos(x) exactly as glibc computes it. */
export function libmCos(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2 ** -27) return 1;
  if (ax < SIN_LIMIT) return cosKernel(x, 0);
  if (ax < COS_LIMIT) {
    const y = HP0 - ax;
    const a = y + HP1;
    return sinKernel(a, y - a + HP1);
  }
  if (ax < REDUCE_LIMIT) return quadrant(x, 1);
  return Math.cos(x);
}

// ---------------------------------------------------------------------------
// asin

const F1 = 1.66666666666664110590506577996662e-1;
const F2 = 7.50000000026122686814431784722623e-2;
const F3 = 4.4642856142105975097851735000694e-2;
const F4 = 3.03821268582119319911193410625235e-2;
const F5 = 2.23551211026525610742786300334557e-2;
const F6 = 1.81382903404565056280372531963613e-2;
const RT0 = 9.99999999859990725855365213134618e-1;
const RT1 = 4.99999999495955425917856814202739e-1;
const RT2 = 3.7501750086734518258145302613085e-1;
const RT3 = 3.12523626554518656309172508769531e-1;
const T24 = 16777216;

/** Starting points for 1/sqrt(z): at the centers of 128 intervals over [0.5, 2), to 14 decimals. */
const INVROOT = Float64Array.from({ length: 128 }, (_v, i) => {
  const center = i < 64 ? 0.5 + (2 * i + 1) / 256 : 1 + (2 * (i - 64) + 1) / 128;
  return Number((1 / Math.sqrt(center)).toFixed(14));
});

/** glibc's asin coefficients: undefined until first needed, null where no libm holds them. */
let asinTable: Float64Array | null | undefined;

/** asin(x) exactly as glibc computes it (correctly rounded where glibc's table is unavailable). */
export function libmAsin(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 1)) return ax === 1 ? (x > 0 ? HP0 : -HP0) : NaN;
  if (ax < 2 ** -26) return x;
  if (ax < 0.125) {
    const x2 = x * x;
    const p = F(F(F(F(F(F6, x2, F5), x2, F4), x2, F3), x2, F2), x2, F1);
    return F(p, x2 * x, x);
  }
  const r = ax < 0.96875 ? tableAsin(ax) : nearOneAsin(ax);
  return x < 0 ? -r : r;
}

/** asin for 0.125 <= x < 0.96875: a polynomial in x - x0 around the interval's point x0. */
function tableAsin(x: number): number {
  if (asinTable === undefined) asinTable = loadAsinTable();
  if (asinTable === null) return crAsin(x);
  bitsF[0] = x;
  const k = bitsW[1];
  let n: number;
  let degree: number;
  if (k < 0x3fd00000) [n, degree] = [11 * ((k & 0xfffff) >> 15), 6];
  else if (k < 0x3fe00000) [n, degree] = [11 * ((k & 0xfffff) >> 14) + 352, 6];
  else if (k < 0x3fe80000) [n, degree] = [1056 + ((k & 0xfe000) >> 11) * 3, 7];
  else if (k < 0x3fed8000) [n, degree] = [992 + ((k & 0xfe000) >> 13) * 13, 8];
  else if (k < 0x3fee8000) [n, degree] = [884 + ((k & 0xfe000) >> 13) * 14, 9];
  else [n, degree] = [768 + ((k & 0xfe000) >> 13) * 15, 10];
  const c = asinTable;
  const xx = x - c[n];
  let q = c[n + degree];
  for (let j = degree - 1; j >= 2; j--) q = F(xx, q, c[n + j]);
  const p = F(xx * xx, q, c[n + degree + 1]);
  return c[n + degree + 2] + F(c[n + 1], xx, p);
}

/** asin for 0.96875 <= x < 1: pi/2 - 2*asin(sqrt((1 - x)/2)), the square root in two pieces. */
function nearOneAsin(x: number): number {
  const z = 0.5 * (1.0 - x);
  bitsF[0] = z;
  const k = bitsW[1];
  let t = INVROOT[(k & 0x1fffff) >> 14] * 2 ** (511 - (k >> 21));
  const r = F(-(t * t), z, 1.0);
  t = t * F(r, F(r, F(r, RT3, RT2), RT1), RT0);
  const c = t * z;
  t = c * F(-(0.5 * t), c, 1.5);
  const y = c + T24 - T24;
  const cc = F(-y, y, z) / (t + y);
  const p = F(F(F(F(F(F6, z, F5), z, F4), z, F3), z, F2), z, F1) * z;
  const cor = F(-(2.0 * (y + cc)), p, F(-2.0, cc, HP1));
  return HP0 - 2.0 * y + cor;
}

/** The first two entries of glibc's asin table (x0 = 0.126953125 and asin'(x0) rounded), to find it. */
const TABLE_MARK = [0.126953125, 0x10216988994424 * 2 ** -52];
const TABLE_LENGTH = 2568;

/**
 * glibc's asin coefficient table, read from the libm this process has
 * mapped (or the usual paths), or null if none holds it. Checked: every
 * interval's point must sit at its interval's center.
 */
function loadAsinTable(): Float64Array | null {
  for (const path of libmPaths()) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      continue;
    }
    const mark = Buffer.alloc(16);
    mark.writeDoubleLE(TABLE_MARK[0], 0);
    mark.writeDoubleLE(TABLE_MARK[1], 8);
    for (let at = bytes.indexOf(mark); at >= 0; at = bytes.indexOf(mark, at + 8)) {
      if (at + TABLE_LENGTH * 8 > bytes.length) break;
      const table = new Float64Array(TABLE_LENGTH);
      for (let i = 0; i < TABLE_LENGTH; i++) table[i] = bytes.readDoubleLE(at + 8 * i);
      if (plausibleTable(table)) return table;
    }
  }
  return null;
}

function libmPaths(): string[] {
  const out: string[] = [];
  try {
    const maps = readFileSync('/proc/self/maps', 'latin1');
    for (const m of maps.matchAll(/(\/\S*\/libm\.so[.\d]*)$/gm)) if (!out.includes(m[1])) out.push(m[1]);
  } catch {
    // not Linux: try the usual places below
  }
  for (const dir of ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib/aarch64-linux-gnu', '/usr/lib']) {
    out.push(`${dir}/libm.so.6`);
  }
  return out;
}

function plausibleTable(t: Float64Array): boolean {
  const starts: Array<[number, number, number, number]> = [
    [0, 32, 11, 0.125],
    [352, 64, 11, 0.25],
    [1056, 64, 12, 0.5],
    [1824, 44, 13, 0.75],
    [2396, 8, 14, 0.921875],
    [2508, 4, 15, 0.953125],
  ];
  for (const [first, count, size, low] of starts) {
    for (let i = 0; i < count; i++) {
      if (t[first + i * size] !== low + i / 256 + 1 / 512) return false;
    }
  }
  return true;
}
