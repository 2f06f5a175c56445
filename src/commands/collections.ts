/**
 * Helpers shared by the aggregate families (hashes, sets, sorted sets):
 *
 * - HSCAN/SSCAN/ZSCAN: cursor and option parsing with Redis 7.0's errors and
 *   order, and the reply. The cursor is parsed before the key is looked up;
 *   the options only after (a missing key answers the empty scan whatever
 *   follows). TYPE is a SCAN-only option: a syntax error here.
 * - the count argument of SRANDMEMBER/HRANDFIELD/ZRANDMEMBER.
 */
import { Err, fail } from '../errors.js';
import { globMatch } from '../keyspace/glob.js';
import type { Client } from '../net/client.js';
import { INT64_MAX, parseInt64 } from '../types/int64.js';
import { parseCursor } from './keyspace/scan.js';

/**
 * Whether an option argument is `upper`, compared as Redis's strcasecmp sees
 * C strings: only up to the first NUL byte ("LIMIT\0x" is LIMIT).
 */
export function isOption(arg: string, upper: string): boolean {
  const nul = arg.indexOf('\0');
  const s = nul < 0 ? arg : arg.slice(0, nul);
  return s.length === upper.length && (s === upper || s.toUpperCase() === upper);
}

/** COUNT and MATCH of a collection scan. */
export interface CollectionScanOptions {
  count: number;
  /** null when absent or "*" (Redis skips matching for a lone star). */
  pattern: string | null;
}

/** The cursor argument as a bucket cursor (low 32 bits), or ERR invalid cursor. */
export function collectionCursor(arg: string): number {
  const cur = parseCursor(arg);
  if (cur === null) fail('ERR invalid cursor');
  return Number(cur & 0xffffffffn);
}

/** Parses `[MATCH pattern] [COUNT count]` from argv[from..]. */
export function parseCollectionScanOptions(argv: readonly string[], from: number): CollectionScanOptions {
  const o: CollectionScanOptions = { count: 10, pattern: null };
  for (let i = from; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) fail(Err.syntax);
    const v = argv[i + 1];
    if (isOption(argv[i], 'COUNT')) {
      const n = parseInt64(v);
      if (n === null) fail(Err.notInteger);
      if (n < 1) fail(Err.syntax);
      o.count = Number(n);
    } else if (isOption(argv[i], 'MATCH')) {
      o.pattern = v === '*' ? null : v;
    } else fail(Err.syntax);
  }
  return o;
}

/** The empty scan reply Redis sends for a missing key: cursor 0, no elements. */
export function replyEmptyScan(c: Client): void {
  c.array(2);
  c.bulk('0');
  c.array(0);
}

/**
 * Replies `[cursor, items]`. With `pairs`, items alternate element and value
 * and the pattern filters on the element (dropping its value too).
 */
export function replyScan(c: Client, next: number, items: readonly string[], pattern: string | null, pairs: boolean): void {
  let out = items;
  if (pattern !== null) {
    const kept: string[] = [];
    const step = pairs ? 2 : 1;
    for (let i = 0; i < items.length; i += step) {
      if (!globMatch(pattern, items[i])) continue;
      kept.push(items[i]);
      if (pairs) kept.push(items[i + 1]);
    }
    out = kept;
  }
  c.array(2);
  c.bulk(String(next));
  c.bulks(out);
}

/** COUNT capped so a huge value cannot make the scan loop unbounded in one step. */
export function scanBudget(o: CollectionScanOptions): number {
  return Math.min(o.count, 2 ** 30);
}

/** LONG_MAX as Redis's range checks print it. */
const LONG_MAX = INT64_MAX;

/**
 * A random-member count (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER): an int64 in
 * [-LONG_MAX, LONG_MAX] (Redis's getRangeLongFromObjectOrReply), exact
 * (a bigint beyond 2^53) so later range checks can be exact too.
 */
export function randomCountArg(s: string): number | bigint {
  const n = parseInt64(s);
  if (n === null) fail(Err.notInteger);
  if (n < -LONG_MAX) fail(`ERR value is out of range, value must between -${LONG_MAX} and ${LONG_MAX}`);
  return n;
}

/**
 * Most picks a negative-count SRANDMEMBER/HRANDFIELD/ZRANDMEMBER may ask
 * for. Redis 7.0 tries to build any such reply (and dies of it for huge
 * counts); a reply this size is already hundreds of MB, so respite refuses
 * larger ones instead of stalling every client.
 */
export const MAX_REPEATED_PICKS = 1 << 24;

/** Refuses a repeated-picks count no reply could carry (see MAX_REPEATED_PICKS). */
export function checkRepeatedPicks(count: number): void {
  if (count > MAX_REPEATED_PICKS) fail('ERR value is out of range');
}

/**
 * Shrinks `all` in place to `count` uniformly chosen elements by removing
 * random ones (the strategy Redis uses when most elements are kept).
 */
export function keepRandom<T>(all: T[], count: number): T[] {
  while (all.length > count) {
    const i = (Math.random() * all.length) | 0;
    all[i] = all[all.length - 1];
    all.pop();
  }
  return all;
}
