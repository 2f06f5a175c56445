/**
 * Shared pieces of the sorted-set commands: Redis's score and range parsing
 * rules, the listpack limits, lookups, and the member/score reply shapes.
 */
import { Err, fail } from '../../errors.js';
import type { Client } from '../../net/client.js';
import type { LexBound, LexRange, ScoreRange } from '../../types/skiplist.js';
import { type ZLimits, ZSet } from '../../types/zset.js';
import { parseDouble } from '../args.js';
import { readTyped, writeTyped } from '../typed.js';

export const ZErr = {
  notFloatRange: 'ERR min or max is not a float',
  notLexRange: 'ERR min or max not valid string range item',
  nan: 'ERR resulting score is not a number (NaN)',
  mustBePositive: 'ERR value is out of range, must be positive',
} as const;

/** The zset-max-listpack-* limits (Redis's defaults if the directives are unknown). */
export function zlimits(c: Client): ZLimits {
  const cfg = c.server.config;
  return {
    entries: cfg.directive('zset-max-listpack-entries') ? cfg.int('zset-max-listpack-entries') : 128,
    value: cfg.directive('zset-max-listpack-value') ? cfg.int('zset-max-listpack-value') : 64,
  };
}

/** Read lookup of a sorted set (WRONGTYPE otherwise). */
export function readZ(c: Client, key: string): ZSet | undefined {
  return readTyped<ZSet>(c, key, 'zset');
}

/** Write lookup of a sorted set (WRONGTYPE otherwise). */
export function writeZ(c: Client, key: string): ZSet | undefined {
  return writeTyped<ZSet>(c, key, 'zset');
}

/**
 * A score argument as Redis's getDoubleFromObject reads it: parseDouble's
 * rules, plus strtod's ERANGE rejection of overflow ("1e400") and of
 * underflow to zero ("1e-400"). Null if invalid.
 */
export function parseScore(s: string): number | null {
  const d = parseDouble(s);
  if (d === null) return null;
  if (!Number.isFinite(d) && !/inf/i.test(s)) return null;
  if (d === 0 && /[1-9]/.test(mantissa(s))) return null;
  return d;
}

function mantissa(s: string): string {
  const lower = s.toLowerCase();
  if (lower.includes('x')) {
    const p = lower.indexOf('p');
    return p < 0 ? lower.replace(/^[+-]?0x/, '') : lower.slice(0, p).replace(/^[+-]?0x/, '');
  }
  const e = lower.indexOf('e');
  return e < 0 ? lower : lower.slice(0, e);
}

/** A score argument or `msg` (ERR value is not a valid float). */
export function scoreArg(s: string, msg: string = Err.notFloat): number {
  const d = parseScore(s);
  if (d === null) fail(msg);
  return d;
}

/**
 * C strtod on a whole argument, as zslParseRange uses it: leading
 * whitespace allowed, nothing may follow the number, and (quirk) an empty
 * string is 0 because strtod consumes nothing and the end is reached.
 */
function strtodWhole(s: string): number | null {
  if (s.length === 0) return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (t.length === 0) return null;
  const d = parseDouble(t);
  return d === null ? null : d;
}

function scoreBound(s: string): [number, boolean] {
  const ex = s.charCodeAt(0) === 40; // '('
  const d = strtodWhole(ex ? s.slice(1) : s);
  if (d === null) fail(ZErr.notFloatRange);
  return [d, ex];
}

/** Parses a min/max score range ("(" = exclusive, "-inf"/"+inf"). */
export function parseScoreRange(min: string, max: string): ScoreRange {
  const [lo, minex] = scoreBound(min);
  const [hi, maxex] = scoreBound(max);
  return { min: lo, max: hi, minex, maxex };
}

function lexBound(s: string): LexBound {
  const c0 = s[0];
  if (c0 === '+' || c0 === '-') {
    if (s.length !== 1) fail(ZErr.notLexRange);
    return { kind: c0 };
  }
  if (c0 === '(' || c0 === '[') return { kind: 'str', value: s.slice(1), ex: c0 === '(' };
  return fail(ZErr.notLexRange);
}

/** Parses a lex range ("[a" inclusive, "(a" exclusive, "-" and "+"). */
export function parseLexRange(min: string, max: string): LexRange {
  return { min: lexBound(min), max: lexBound(max) };
}

/**
 * Writes members with optional scores: RESP2 a flat array, RESP3 an array
 * of [member, score] pairs when `withScores` (the ZRANGE family's shape).
 * `flat` holds member, score, member, score...
 */
export function replyEntries(c: Client, flat: Array<string | number>, withScores: boolean): void {
  const n = flat.length >> 1;
  if (!withScores) {
    c.array(n);
    for (let i = 0; i < flat.length; i += 2) c.bulk(flat[i] as string);
    return;
  }
  if (c.resp === 2) {
    c.array(flat.length);
    for (let i = 0; i < flat.length; i += 2) {
      c.bulk(flat[i] as string);
      c.double(flat[i + 1] as number);
    }
    return;
  }
  c.array(n);
  for (let i = 0; i < flat.length; i += 2) {
    c.array(2);
    c.bulk(flat[i] as string);
    c.double(flat[i + 1] as number);
  }
}

/** Deletes `key` if its set became empty, with the generic "del" event. */
export function deleteIfEmpty(c: Client, key: string, z: ZSet): void {
  if (z.size !== 0) return;
  c.db.delete(key);
  c.server.keyChanged(c.db, key, 'g', 'del');
}

/**
 * Stores a freshly built result at `dst` (replacing any value), or deletes
 * `dst` when the result is empty, as ZUNIONSTORE/ZRANGESTORE do. Replies the
 * result's size. A store counts as `changes` (GEO*STORE: one per member),
 * a deletion as one.
 */
export function storeResult(c: Client, dst: string, pairs: Array<[string, number]>, event: string, argv: string[], changes = 1): void {
  const db = c.db;
  if (pairs.length !== 0) {
    db.set(dst, ZSet.build(pairs, zlimits(c)));
    c.server.keyChanged(db, dst, 'z', event);
    c.server.blocking.signalReady(db, dst);
    c.server.propagate(db.id, argv, changes);
  } else if (db.delete(dst)) {
    c.server.keyChanged(db, dst, 'g', 'del');
    c.server.propagate(db.id, argv);
  }
  c.integer(pairs.length);
}
