/**
 * Signed 64-bit integers as Redis parses and prints them. Values within 2^53
 * stay plain numbers (the fast path); larger ones are bigints.
 */

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses like Redis's string2ll: optional '-', digits, no '+', no leading
 * zeros, no spaces, within int64. Returns null when invalid.
 */
export function parseInt64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  if (n - i <= 15) return Number(s);
  const b = BigInt(s);
  if (b > INT64_MAX || b < INT64_MIN) return null;
  return Number.isSafeInteger(Number(b)) ? Number(b) : b;
}

/** True if `s` is the canonical decimal form of an int64 (what Redis stores as "int" encoding). */
export function isCanonicalInt64(s: string): boolean {
  return parseInt64(s) !== null;
}

/** Adds with int64 overflow detection; returns null on overflow. */
export function addInt64(a: number | bigint, b: number | bigint): number | bigint | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r > INT64_MAX || r < INT64_MIN) return null;
  return Number.isSafeInteger(Number(r)) ? Number(r) : r;
}
