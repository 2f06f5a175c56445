/**
 * The ZRANGE family: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES),
 * ZRANGESTORE, and the legacy ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE,
 * ZRANGEBYLEX, ZREVRANGEBYLEX — one parser and one range walk, as Redis
 * routes them all through the same code.
 */
import { Err, fail } from '../../errors.js';
import type { Client } from '../../net/client.js';
import type { LexRange, ScoreRange } from '../../types/skiplist.js';
import type { ZSet } from '../../types/zset.js';
import { indexRange, intArg, isWord } from '../args.js';
import type { CommandDef } from '../table.js';
import { parseLexRange, parseScoreRange, readZ, replyEntries, storeResult } from './common.js';

type Kind = 'auto' | 'rank' | 'score' | 'lex';

/** A parsed range request. */
interface RangeSpec {
  kind: 'rank' | 'score' | 'lex';
  rev: boolean;
  withScores: boolean;
  offset: number;
  limit: number;
  start: number;
  end: number;
  score: ScoreRange | null;
  lex: LexRange | null;
}

/**
 * Parses `argv[first]`, `argv[first+1]` (the range) and the options after
 * them. `kind`/`rev` preset by the legacy commands; `store` for ZRANGESTORE.
 */
function parseRange(argv: string[], first: number, kind: Kind, rev: boolean | null, store: boolean): RangeSpec {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = first + 2; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (!store && isWord(a, 'WITHSCORES')) withScores = true;
    else if (isWord(a, 'LIMIT') && left >= 2) {
      offset = intArg(argv[j + 1]);
      limit = intArg(argv[j + 2]);
      j += 2;
    } else if (rev === null && isWord(a, 'REV')) rev = true;
    else if (kind === 'auto' && isWord(a, 'BYLEX')) kind = 'lex';
    else if (kind === 'auto' && isWord(a, 'BYSCORE')) kind = 'score';
    else fail(Err.syntax);
  }
  const k = kind === 'auto' ? 'rank' : kind;
  const r = rev === true;
  // Why: Redis tests "limit != -1", so an explicit LIMIT x -1 passes with a rank range.
  if (limit !== -1 && k === 'rank') fail('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && k === 'lex') fail('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  // Score and lex ranges are given as max, min when reversed.
  const lo = argv[r && k !== 'rank' ? first + 1 : first];
  const hi = argv[r && k !== 'rank' ? first : first + 1];
  const spec: RangeSpec = { kind: k, rev: r, withScores, offset, limit, start: 0, end: 0, score: null, lex: null };
  if (k === 'rank') {
    spec.start = intArg(lo);
    spec.end = intArg(hi);
  } else if (k === 'score') spec.score = parseScoreRange(lo, hi);
  else spec.lex = parseLexRange(lo, hi);
  return spec;
}

/** The selected members as (member, score, ...), in reply order. */
function collect(z: ZSet, s: RangeSpec): Array<string | number> {
  const out: Array<string | number> = [];
  const push = (m: string, sc: number): void => void out.push(m, sc);
  const size = z.size;
  if (s.kind === 'rank') {
    const r = indexRange(s.start, s.end, size);
    if (r === null) return out;
    const n = r[1] - r[0] + 1;
    z.walk(s.rev ? size - 1 - r[0] : r[0], n, s.rev, push);
    return out;
  }
  if (s.kind === 'lex') return collectLex(z, s);
  const [a, b] = z.scoreSpan(s.score!);
  const inRange = b - a;
  // Why: Redis skips `offset` elements with "while (offset--)", so a negative offset skips everything.
  if (s.offset < 0 || s.offset >= inRange) return out;
  const avail = inRange - s.offset;
  const n = s.limit < 0 ? avail : Math.min(s.limit, avail);
  z.walk(s.rev ? b - 1 - s.offset : a + s.offset, n, s.rev, push);
  return out;
}

/** A lex range, walked member by member as Redis does (see ZSet.lexFirst). */
function collectLex(z: ZSet, s: RangeSpec): Array<string | number> {
  const out: Array<string | number> = [];
  const start = s.rev ? z.lexLast(s.lex!) : z.lexFirst(s.lex!);
  // A negative offset skips everything (see above).
  if (start < 0 || s.offset < 0) return out;
  const from = s.rev ? start - s.offset : start + s.offset;
  if (from < 0 || from >= z.size) return out;
  z.walkLex(from, s.rev, s.limit, s.lex!, (m, sc) => out.push(m, sc));
  return out;
}

function rangeGeneric(c: Client, argv: string[], kind: Kind, rev: boolean | null): void {
  const spec = parseRange(argv, 2, kind, rev, false);
  const z = readZ(c, argv[1]);
  if (z === undefined) return c.array(0);
  replyEntries(c, collect(z, spec), spec.withScores);
}

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
function zrangestore(c: Client, argv: string[]): void {
  const spec = parseRange(argv, 3, 'auto', null, true);
  const z = readZ(c, argv[2]);
  const flat = z === undefined ? [] : collect(z, spec);
  const pairs: Array<[string, number]> = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as number]);
  storeResult(c, argv[1], pairs, 'zrangestore', argv);
}

export const zsetRangeCommands: CommandDef[] = [
  { name: 'zrange', handler: (c, argv) => rangeGeneric(c, argv, 'auto', null) },
  { name: 'zrevrange', handler: (c, argv) => rangeGeneric(c, argv, 'rank', true) },
  { name: 'zrangebyscore', handler: (c, argv) => rangeGeneric(c, argv, 'score', false) },
  { name: 'zrevrangebyscore', handler: (c, argv) => rangeGeneric(c, argv, 'score', true) },
  { name: 'zrangebylex', handler: (c, argv) => rangeGeneric(c, argv, 'lex', false) },
  { name: 'zrevrangebylex', handler: (c, argv) => rangeGeneric(c, argv, 'lex', true) },
  { name: 'zrangestore', handler: zrangestore },
];
