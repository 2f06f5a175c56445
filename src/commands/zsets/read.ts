/**
 * Sorted-set reads: ZSCORE ZMSCORE ZRANK ZREVRANK ZCARD ZCOUNT ZLEXCOUNT
 * ZRANDMEMBER ZSCAN.
 */
import { Err, fail } from '../../errors.js';
import { globMatch } from '../../keyspace/glob.js';
import type { Client } from '../../net/client.js';
import { formatDouble } from '../../protocol/number-format.js';
import { parseInt64 } from '../../types/int64.js';
import type { ZSet } from '../../types/zset.js';
import { isWord } from '../args.js';
import { checkRepeatedPicks } from '../collections.js';
import { parseCursor } from '../keyspace/scan.js';
import type { CommandDef } from '../table.js';
import { parseLexRange, parseScoreRange, readZ, replyEntries } from './common.js';

// ZSCORE key member
function zscore(c: Client, argv: string[]): void {
  const s = readZ(c, argv[1])?.score(argv[2]);
  if (s === undefined) c.nil();
  else c.double(s);
}

// ZMSCORE key member [member ...]
function zmscore(c: Client, argv: string[]): void {
  const z = readZ(c, argv[1]);
  c.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]);
    if (s === undefined) c.nil();
    else c.double(s);
  }
}

function rankGeneric(c: Client, argv: string[], rev: boolean): void {
  const r = readZ(c, argv[1])?.rank(argv[2], rev);
  if (r === undefined || r === null) c.nil();
  else c.integer(r);
}

// ZCARD key
function zcard(c: Client, argv: string[]): void {
  c.integer(readZ(c, argv[1])?.size ?? 0);
}

// ZCOUNT key min max
function zcount(c: Client, argv: string[]): void {
  const range = parseScoreRange(argv[2], argv[3]);
  const z = readZ(c, argv[1]);
  if (z === undefined) return c.integer(0);
  const [a, b] = z.scoreSpan(range);
  c.integer(b - a);
}

// ZLEXCOUNT key min max
function zlexcount(c: Client, argv: string[]): void {
  const range = parseLexRange(argv[2], argv[3]);
  const z = readZ(c, argv[1]);
  if (z === undefined) return c.integer(0);
  c.integer(z.lexCount(range));
}

const LONG_MAX = 9223372036854775807n;

/**
 * ZRANDMEMBER's count: any long except LONG_MIN (its negation would
 * overflow); with WITHSCORES, Redis halves the range so the reply length
 * cannot overflow.
 */
function randCount(s: string, withScores: boolean): number {
  const n = parseInt64(s);
  if (n === null) fail(Err.notInteger);
  const b = BigInt(n);
  if (b < -LONG_MAX) fail('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  return withScores && (b < -LONG_MAX / 2n || b > LONG_MAX / 2n) ? NaN : Number(n);
}

/** Picks `count` distinct entries (count < size) without replacement. */
function distinctSample(z: ZSet, count: number): Array<string | number> {
  const size = z.size;
  const out: Array<string | number> = [];
  if (count * 3 > size) {
    // Many of them: walk the set once, keeping each with the right probability.
    let need = count;
    let left = size;
    z.forEach((m, s) => {
      if (need > 0 && Math.random() * left < need) {
        out.push(m, s);
        need--;
      }
      left--;
    });
    return out;
  }
  const seen = new Set<string>();
  while (seen.size < count) {
    const [m, s] = z.randomEntry();
    if (seen.has(m)) continue;
    seen.add(m);
    out.push(m, s);
  }
  return out;
}

// ZRANDMEMBER key [count [WITHSCORES]]
function zrandmember(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    const z = readZ(c, argv[1]);
    if (z === undefined) return c.nil();
    return c.bulk(z.randomEntry()[0]);
  }
  const count = randCount(argv[2], argv.length === 4);
  if (argv.length > 4 || (argv.length === 4 && !isWord(argv[3], 'WITHSCORES'))) fail(Err.syntax);
  const withScores = argv.length === 4;
  if (Number.isNaN(count)) fail('ERR value is out of range');
  const z = readZ(c, argv[1]);
  if (z === undefined || count === 0) return c.array(0);
  let flat: Array<string | number>;
  if (count < 0) {
    checkRepeatedPicks(-count);
    flat = [];
    for (let i = 0; i < -count; i++) flat.push(...z.randomEntry());
  } else if (count >= z.size) {
    flat = [];
    z.forEach((m, s) => flat.push(m, s));
  } else flat = distinctSample(z, count);
  replyEntries(c, flat, withScores);
}

/** ZSCAN's options: COUNT n (>= 1) and MATCH pattern. */
function scanOptions(argv: string[]): { count: number; pattern: string | null } {
  const o = { count: 10, pattern: null as string | null };
  for (let i = 3; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) fail(Err.syntax);
    if (isWord(argv[i], 'COUNT')) {
      const n = parseInt64(argv[i + 1]);
      if (n === null) fail(Err.notInteger);
      if (n < 1) fail(Err.syntax);
      o.count = Math.min(Number(n), 2 ** 30);
    } else if (isWord(argv[i], 'MATCH')) {
      // Why: "*" matches everything, so Redis skips matching.
      o.pattern = argv[i + 1] === '*' ? null : argv[i + 1];
    } else fail(Err.syntax);
  }
  return o;
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
function zscan(c: Client, argv: string[]): void {
  const cur = parseCursor(argv[2]);
  if (cur === null) fail('ERR invalid cursor');
  const z = readZ(c, argv[1]);
  if (z === undefined) {
    c.array(2);
    c.bulk('0');
    return c.array(0);
  }
  const o = scanOptions(argv);
  const out: string[] = [];
  const next = z.scan(Number(cur & 0xffffffffn), o.count, (m, s) => {
    if (o.pattern === null || globMatch(o.pattern, m)) out.push(m, formatDouble(s));
  });
  c.array(2);
  c.bulk(String(next));
  c.bulks(out);
}

export const zsetReadCommands: CommandDef[] = [
  { name: 'zscore', handler: zscore },
  { name: 'zmscore', handler: zmscore },
  { name: 'zrank', handler: (c, argv) => rankGeneric(c, argv, false) },
  { name: 'zrevrank', handler: (c, argv) => rankGeneric(c, argv, true) },
  { name: 'zcard', handler: zcard },
  { name: 'zcount', handler: zcount },
  { name: 'zlexcount', handler: zlexcount },
  { name: 'zrandmember', handler: zrandmember },
  { name: 'zscan', handler: zscan },
];
