/**
 * String helpers: OBJECT ENCODING for strings, GETRANGE's index rules and
 * the LCS computation. No RESP here.
 *
 * OBJECT ENCODING for a string value:
 *
 *   stringEncoding(value: string, db?: Database, key?: string): 'int' | 'embstr' | 'raw'
 *
 * Redis 7.0 picks the encoding when it stores an argument (tryObjectEncoding):
 * "int" if the text is a canonical int64 of at most 20 characters, "embstr"
 * if it is at most 44 bytes, "raw" otherwise. A few commands leave other
 * encodings behind: APPEND to an existing key and SETRANGE always produce
 * "raw" (they grow a private copy in place), INCRBYFLOAT produces "embstr"
 * even for integer-looking text. Those exceptions are remembered per key in
 * `db.encodingOverrides` (a Map created on first use, so a normal key costs
 * nothing); Database drops the entry whenever the key is overwritten,
 * deleted, expired or flushed. Pass db and key to take them into account.
 */
import type { Database } from '../keyspace/db.js';
import { parseInt64 } from './int64.js';

export type StringEncoding = 'int' | 'embstr' | 'raw';

/** Longest string Redis 7.0 stores as "embstr" (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
export const EMBSTR_SIZE_LIMIT = 44;

/**
 * What OBJECT ENCODING reports for the string `value` stored at `key` in
 * `db` (db and key are optional: without them, the encoding a freshly SET
 * value gets).
 */
export function stringEncoding(value: string, db?: Database, key?: string): StringEncoding {
  if (db !== undefined && key !== undefined && db.encodingOverrides !== null) {
    const forced = db.encodingOverrides.get(key);
    if (forced !== undefined) return forced;
  }
  return defaultEncoding(value);
}

function defaultEncoding(value: string): StringEncoding {
  if (value.length <= 20 && parseInt64(value) !== null) return 'int';
  return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

/**
 * Records the encoding a command left on a key's new value, after db.set()
 * (which clears any previous record). Only differences from the default
 * rule take memory.
 */
export function noteEncoding(db: Database, key: string, value: string, enc: StringEncoding): void {
  if (defaultEncoding(value) === enc) return;
  if (db.encodingOverrides === null) db.encodingOverrides = new Map();
  db.encodingOverrides.set(key, enc as 'raw' | 'embstr');
}

/**
 * GETRANGE's slice with Redis's index rules: negative indexes count from the
 * end, both are clamped, and an empty string comes back when start > end
 * (including both negative with start > end, checked before clamping).
 */
export function stringRange(s: string, start: number | bigint, end: number | bigint): string {
  const len = s.length;
  if (start < 0 && end < 0 && start > end) return '';
  let a = Number(start);
  let b = Number(end);
  if (a < 0) a = len + a;
  if (b < 0) b = len + b;
  if (a < 0) a = 0;
  if (b < 0) b = 0;
  if (b >= len) b = len - 1;
  if (a > b || len === 0) return '';
  return s.slice(a, b + 1);
}

/** One LCS match: ranges in a and b (inclusive) and their length. */
export interface LcsMatch {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
  len: number;
}

/** The LCS result: its length, the subsequence text (if asked) and the matches. */
export interface LcsResult {
  len: number;
  text: string;
  matches: LcsMatch[];
}

/**
 * The longest common subsequence of a and b with the classic dynamic
 * programming table, walked back from the end like Redis does so ties pick
 * the same subsequence and matches come out last-first. Matches shorter than
 * minMatchLen are dropped. `withText` builds the subsequence, `withMatches`
 * the ranges.
 */
export function lcs(a: string, b: string, minMatchLen: number, withText: boolean, withMatches: boolean): LcsResult {
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  const t = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) t[i * w + j] = t[(i - 1) * w + j - 1] + 1;
      else {
        const up = t[(i - 1) * w + j];
        const left = t[i * w + j - 1];
        t[i * w + j] = up > left ? up : left;
      }
    }
  }
  const total = t[alen * w + blen];
  const result: LcsResult = { len: total, text: '', matches: [] };
  if (!withText && !withMatches) return result;
  const chars: string[] = new Array<string>(total);
  let idx = total;
  let i = alen;
  let j = blen;
  // A range under construction; aStart === -1 means none.
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[--idx] = a[i - 1];
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      // A match touching the start of either string ends the walk.
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (t[(i - 1) * w + j] > t[i * w + j - 1]) i--;
      else j--;
      if (aStart !== -1) emit = true;
    }
    if (emit) {
      const len = aEnd - aStart + 1;
      if (withMatches && (minMatchLen === 0 || len >= minMatchLen)) result.matches.push({ aStart, aEnd, bStart, bEnd, len });
      aStart = -1;
    }
  }
  if (withText) result.text = chars.join('');
  return result;
}
