/**
 * Exact emulation of the x87 80-bit `long double` that Redis's INCRBYFLOAT
 * computes with (64-bit mantissa with an explicit integer bit, 15-bit
 * exponent), using BigInt arithmetic:
 *
 *   - parseLongDouble: glibc `strtold` as Redis's string2ld uses it (decimal,
 *     hexadecimal and inf forms, correctly rounded, half to even);
 *   - addLongDouble: `a + b` rounded once to the nearest long double;
 *   - formatLongDoubleHuman: `printf("%.17Lf")` (exact decimal expansion,
 *     rounded half to even) with trailing zeros and the dot stripped, and
 *     "-0" printed as "0" (Redis's LD_STR_HUMAN mode).
 *
 * Plain JS doubles give different text: "10.5" + "0.1" prints "10.6" only
 * with the extra 11 bits of mantissa.
 */

/** A finite long double: (-1)^neg * m * 2^e, m < 2^64 (0n for zero); or an infinity. */
export interface LongDouble {
  readonly neg: boolean;
  readonly m: bigint;
  readonly e: number;
  readonly inf: boolean;
}

const MANT_BITS = 64;
/** Exponent of the least significant mantissa bit of the smallest subnormal. */
const MIN_E = -16445;
/** Largest exponent of the top mantissa bit (the max finite value is just under 2^16384). */
const MAX_TOP = 16383;

const ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function infinity(neg: boolean): LongDouble {
  return { neg, m: 0n, e: 0, inf: true };
}

/**
 * Rounds the exact value (-1)^neg * n * 2^e to the nearest long double (ties
 * to even). `sticky` says that nonzero bits were lost below n's last bit.
 */
export function roundLongDouble(neg: boolean, n: bigint, e: number, sticky = false): LongDouble {
  if (sticky) {
    // One extra low bit stands for everything truncated below.
    n = (n << 1n) | 1n;
    e -= 1;
  }
  if (n === 0n) return { neg, m: 0n, e: 0, inf: false };
  const len = bitLength(n);
  const shift = Math.max(len - MANT_BITS, MIN_E - e);
  if (shift > 0) {
    const b = BigInt(shift);
    let q = n >> b;
    const rem = n - (q << b);
    const half = 1n << (b - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    n = q;
    e += shift;
    if (bitLength(n) > MANT_BITS) {
      n >>= 1n;
      e += 1;
    }
  }
  if (n === 0n) return { neg, m: 0n, e: 0, inf: false };
  if (e + bitLength(n) - 1 > MAX_TOP) return infinity(neg);
  return { neg, m: n, e, inf: false };
}

/** The exact rational sign * num / den rounded to a long double. */
function fromRational(neg: boolean, num: bigint, den: bigint): LongDouble {
  if (num === 0n) return { neg, m: 0n, e: 0, inf: false };
  // Scale so the quotient keeps at least 66 significant bits.
  const e = bitLength(num) - bitLength(den) - (MANT_BITS + 2);
  const scaledNum = e < 0 ? num << BigInt(-e) : num;
  const scaledDen = e > 0 ? den << BigInt(e) : den;
  const q = scaledNum / scaledDen;
  return roundLongDouble(neg, q, e, q * scaledDen !== scaledNum);
}

const DECIMAL = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)(?:inf|infinity)$/i;

/**
 * Parses like Redis's string2ld: glibc strtold on the whole text, rejecting a
 * leading space, trailing garbage, NaN, and results that overflowed to
 * infinity or underflowed to zero ("inf" itself is accepted). Returns null
 * when Redis would say "value is not a valid float".
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= 5120) return null;
  let m = DECIMAL.exec(s);
  if (m !== null) return parseDecimal(m[1] === '-', (m[2] ?? '') + (m[3] ?? m[4] ?? ''), (m[3] ?? m[4] ?? '').length, m[5]);
  m = HEX.exec(s);
  if (m !== null) return parseHex(m[1] === '-', (m[2] ?? '') + (m[3] ?? m[4] ?? ''), (m[3] ?? m[4] ?? '').length, m[5]);
  m = INF.exec(s);
  if (m !== null) return infinity(m[1] === '-');
  return null;
}

/** Clamps a huge exponent text so BigInt powers stay bounded; returns a number. */
function expValue(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = Number(text);
  return Math.max(-1e7, Math.min(1e7, v));
}

function parseDecimal(neg: boolean, digits: string, fracLen: number, expText: string | undefined): LongDouble | null {
  const d = BigInt(digits);
  if (d === 0n) return { neg, m: 0n, e: 0, inf: false };
  const exp10 = expValue(expText) - fracLen;
  const magnitude = digits.replace(/^0+/, '').length + exp10; // value < 10^magnitude
  if (magnitude > 4940) return null; // overflow: strtold gives HUGE_VAL
  if (magnitude < -4960) return null; // underflow to zero
  const r = exp10 >= 0 ? fromRational(neg, d * 10n ** BigInt(exp10), 1n) : fromRational(neg, d, 10n ** BigInt(-exp10));
  return r.inf || r.m === 0n ? null : r;
}

function parseHex(neg: boolean, digits: string, fracLen: number, expText: string | undefined): LongDouble | null {
  const d = BigInt('0x' + digits);
  if (d === 0n) return { neg, m: 0n, e: 0, inf: false };
  const e2 = expValue(expText) - 4 * fracLen;
  const top = bitLength(d) + e2;
  if (top > MAX_TOP + 2) return null;
  if (top < MIN_E - 2) return null;
  const r = roundLongDouble(neg, d, e2);
  return r.inf || r.m === 0n ? null : r;
}

/**
 * Exact sum rounded once to a long double. `inf` is set when the result
 * overflows, is infinite, or is NaN (inf + -inf): INCRBYFLOAT rejects all three.
 */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return { neg: false, m: 0n, e: 0, inf: true }; // NaN: caller rejects
    return infinity(a.inf ? a.neg : b.neg);
  }
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0, inf: false } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const sa = a.m << BigInt(a.e - e);
  const sb = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -sa : sa) + (b.neg ? -sb : sb);
  if (sum === 0n) return ZERO;
  return roundLongDouble(sum < 0n, sum < 0n ? -sum : sum, e);
}

const TEN17 = 10n ** 17n;

/**
 * `%.17Lf` with trailing zeros (and then the dot) removed, "-0" shown as "0":
 * what INCRBYFLOAT replies and stores. Only for finite values.
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  let intPart: bigint;
  let frac: bigint;
  if (x.e >= 0) {
    intPart = x.m << BigInt(x.e);
    frac = 0n;
  } else {
    const b = BigInt(-x.e);
    const scaled = x.m * TEN17;
    let q = scaled >> b;
    const rem = scaled - (q << b);
    const half = 1n << (b - 1n);
    // glibc's printf rounds the exact binary value half to even.
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    intPart = q / TEN17;
    frac = q % TEN17;
  }
  let s = intPart.toString();
  if (frac !== 0n) s += '.' + frac.toString().padStart(17, '0').replace(/0+$/, '');
  // Why: Redis turns a lone "-0" into "0" but keeps the sign otherwise.
  if (x.neg && s !== '0') s = '-' + s;
  return s;
}
