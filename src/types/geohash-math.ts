/**
 * Correctly rounded sin, cos and asin for the GEO distance formula.
 *
 * Why: Redis calls the C library (glibc), whose results are the correctly
 * rounded ones in all but ~0.1% of cases, while V8's Math.sin/cos/asin
 * (fdlibm) differ from them in the last bit for ~3-6% of arguments. One ulp
 * shows in STOREDIST scores (printed with 17 digits) and decides membership
 * at a radius's edge. Here each function is evaluated in double-double
 * arithmetic (~106 bits) and rounded once, which matches glibc except in
 * its own rare misrounded cases.
 *
 * Arguments are expected within a few radians (the distance formula's are
 * within ±π); larger ones fall back to Math.
 */

/** A double-double value hi + lo with |lo| <= ulp(hi)/2. */
type DD = [number, number];

const SPLITTER = 134217729; // 2^27 + 1
const PIO2_1 = 1.5707963267948966;
const PIO2_2 = 6.123233995736766e-17;
const PIO2_3 = -1.4973849048591698e-33;

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
    // f = 1/n!
    const signed: DD = ((n >> 1) & 1) === 1 ? neg(f) : f;
    if (n % 2 === 1) SIN_C.push(signed);
    else COS_C.push(signed);
  }
  COS_C.unshift([1, 0]);
  COS_C.length = TERMS;
}

/** Terms evaluated in double-double; the (tiny) higher ones are summed in plain double. */
const DD_TERMS = 6;

/**
 * Taylor series of sin (odd) or cos around 0 by Horner's rule in r², for
 * |r| <= ~0.8. The terms from r^12 on are below 1e-11 of the result, so
 * their double rounding errors (~1e-27 relative) cannot change the rounding.
 */
function series(r: DD, odd: boolean): DD {
  const r2 = mul(r, r);
  const c = odd ? SIN_C : COS_C;
  let tail = c[TERMS - 1][0];
  for (let k = TERMS - 2; k >= DD_TERMS; k--) tail = tail * r2[0] + c[k][0];
  let acc: DD = add(mul([tail, 0], r2), c[DD_TERMS - 1]);
  for (let k = DD_TERMS - 2; k >= 0; k--) acc = add(mul(acc, r2), c[k]);
  return odd ? mul(acc, r) : acc;
}

/** x = k·π/2 + r with |r| <= ~π/4; returns [k mod 4, r]. */
function reduce(x: number): [number, DD] {
  const k = Math.round(x / PIO2_1);
  let r: DD = twoSum(x, -k * PIO2_1);
  r = add(r, twoProd(-k, PIO2_2));
  r = add(r, [-k * PIO2_3, 0]);
  return [((k % 4) + 4) % 4, r];
}

function sinDD(x: number): DD {
  const [q, r] = reduce(x);
  const v = q === 0 || q === 2 ? series(r, true) : series(r, false);
  return q >= 2 ? neg(v) : v;
}

function cosDD(x: number): DD {
  const [q, r] = reduce(x);
  const v = q === 0 || q === 2 ? series(r, false) : series(r, true);
  return q === 1 || q === 2 ? neg(v) : v;
}

const LIMIT = 64;

/** sin(x), correctly rounded (see file comment). */
export function crSin(x: number): number {
  if (!(Math.abs(x) < LIMIT) || x === 0) return Math.sin(x);
  const v = sinDD(x);
  return v[0] + v[1];
}

/** cos(x), correctly rounded (see file comment). */
export function crCos(x: number): number {
  if (!(Math.abs(x) < LIMIT)) return Math.cos(x);
  const v = cosDD(x);
  return v[0] + v[1];
}

/** asin(y), correctly rounded: one Newton step on Math.asin in double-double. */
export function crAsin(y: number): number {
  const a0 = Math.asin(y);
  if (!Number.isFinite(a0) || y === 0 || Math.abs(y) === 1) return a0;
  const s = sinDD(a0);
  const c = cosDD(a0);
  const f = add(s, [-y, 0]);
  const delta = (f[0] + f[1]) / (c[0] + c[1]);
  const v = quickTwoSum(a0, -delta);
  return v[0] + v[1];
}
