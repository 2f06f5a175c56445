/**
 * Argument parsing shared by handlers: Redis's number rules and error texts.
 */
import { Err, fail } from '../errors.js';
import { parseInt64 } from '../types/int64.js';

/** An int64 argument (number when safe, bigint beyond), or ERR not an integer. */
export function int64Arg(s: string, msg: string = Err.notInteger): number | bigint {
  const n = parseInt64(s);
  if (n === null) fail(msg);
  return n;
}

/** An integer argument that must fit a JS safe integer (indexes, counts, offsets). */
export function intArg(s: string, msg: string = Err.notInteger): number {
  const n = parseInt64(s);
  if (n === null) fail(msg);
  return typeof n === 'number' ? n : Number(n);
}

/**
 * Parses a double like Redis's strtod-based getDoubleFromObject: no leading or
 * trailing space, "inf"/"-inf" accepted, NaN rejected. Returns null if invalid.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  const c0 = s.charCodeAt(0);
  const cl = s.charCodeAt(s.length - 1);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13) || cl === 32 || (cl >= 9 && cl <= 13)) return null;
  const lower = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower) && !/^[+-]?0x[0-9a-f]+(\.[0-9a-f]*)?(p[+-]?\d+)?$/.test(lower)) return null;
  const n = lower.includes('x') ? parseHexFloat(lower) : Number(s);
  return Number.isNaN(n) ? null : n;
}

function parseHexFloat(s: string): number {
  const m = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(s)!;
  const int = m[2] === '' ? 0 : parseInt(m[2], 16);
  const frac = m[3] ? parseInt(m[3], 16) / 16 ** m[3].length : 0;
  const v = (int + frac) * 2 ** Number(m[4] ?? 0);
  return m[1] === '-' ? -v : v;
}

/** A double argument or ERR not a valid float. */
export function doubleArg(s: string, msg: string = Err.notFloat): number {
  const d = parseDouble(s);
  if (d === null) fail(msg);
  return d;
}

/** Case-insensitive keyword comparison without allocating for exact-case matches. */
export function isWord(arg: string, upper: string): boolean {
  return arg.length === upper.length && (arg === upper || arg.toUpperCase() === upper);
}

/**
 * Redis's start/stop index rule (LRANGE, LTRIM, ZRANGE by rank,
 * ZREMRANGEBYRANK): negative indexes count from the end, then both are
 * clamped to the collection. Returns [start, end] inclusive, or null when
 * the range is empty.
 */
export function indexRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}
