/**
 * ZUNION ZINTER ZDIFF ZINTERCARD and their STORE forms. Inputs may be sorted
 * sets or plain sets (members of a set count with score 1, as in Redis).
 */
import { Err, fail } from '../../errors.js';
import type { Client } from '../../net/client.js';
import type { SetValue } from '../../types/set.js';
import type { ObjectValue } from '../../types/value.js';
import type { ZSet } from '../../types/zset.js';
import { intArg, isWord } from '../args.js';
import type { CommandDef } from '../table.js';
import { replyEntries, scoreArg, storeResult } from './common.js';

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input: a zset, a set, or nothing (missing key). */
interface Source {
  z: ZSet | null;
  s: SetValue | null;
  size: number;
  weight: number;
}

function sourceOf(v: ObjectValue | string | undefined): Source {
  if (v === undefined) return { z: null, s: null, size: 0, weight: 1 };
  if (typeof v === 'string' || (v.type !== 'zset' && v.type !== 'set')) fail(Err.wrongType);
  if (v.type === 'zset') return { z: v as ZSet, s: null, size: (v as ZSet).size, weight: 1 };
  return { z: null, s: v as SetValue, size: (v as SetValue).size, weight: 1 };
}

function each(src: Source, visit: (m: string, score: number) => void): void {
  if (src.z !== null) src.z.forEach(visit);
  else if (src.s !== null) for (const m of src.s) visit(m, 1);
}

function find(src: Source, m: string): number | undefined {
  if (src.z !== null) return src.z.score(m);
  if (src.s !== null) return src.s.has(m) ? 1 : undefined;
  return undefined;
}

function aggregate(target: number, val: number, agg: Aggregate): number {
  if (agg === 'sum') {
    const r = target + val;
    // Why: inf + -inf is NaN; Redis defines that sum as 0.
    return Number.isNaN(r) ? 0 : r;
  }
  // Comparisons with NaN are false, so a NaN value never replaces the target (as in Redis).
  if (agg === 'min') return val < target ? val : target;
  return val > target ? val : target;
}

interface Request {
  srcs: Source[];
  agg: Aggregate;
  withScores: boolean;
  limit: number;
}

/**
 * Parses numkeys, the keys (looked up right away: WRONGTYPE comes before
 * option errors, as in Redis) and WEIGHTS / AGGREGATE / WITHSCORES / LIMIT.
 */
function parseRequest(c: Client, argv: string[], numIdx: number, op: Op, store: boolean, cardOnly: boolean): Request {
  const n = intArg(argv[numIdx]);
  if (n < 1) fail(`ERR at least 1 input key is needed for '${argv[0].toLowerCase()}' command`);
  if (n > argv.length - numIdx - 1) fail(Err.syntax);
  const srcs: Source[] = [];
  for (let i = 0; i < n; i++) srcs.push(sourceOf(c.db.get(argv[numIdx + 1 + i])));
  const req: Request = { srcs, agg: 'sum', withScores: false, limit: 0 };
  let j = numIdx + 1 + n;
  while (j < argv.length) {
    const left = argv.length - j;
    const a = argv[j];
    if (op !== 'diff' && !cardOnly && left >= n + 1 && isWord(a, 'WEIGHTS')) {
      for (let i = 0; i < n; i++) srcs[i].weight = scoreArg(argv[j + 1 + i], 'ERR weight value is not a float');
      j += n + 1;
    } else if (op !== 'diff' && !cardOnly && left >= 2 && isWord(a, 'AGGREGATE')) {
      const v = argv[j + 1];
      if (isWord(v, 'SUM')) req.agg = 'sum';
      else if (isWord(v, 'MIN')) req.agg = 'min';
      else if (isWord(v, 'MAX')) req.agg = 'max';
      else fail(Err.syntax);
      j += 2;
    } else if (!store && !cardOnly && isWord(a, 'WITHSCORES')) {
      req.withScores = true;
      j++;
    } else if (cardOnly && left >= 2 && isWord(a, 'LIMIT')) {
      const l = intArg(argv[j + 1], "ERR LIMIT can't be negative");
      if (l < 0) fail("ERR LIMIT can't be negative");
      req.limit = l;
      j += 2;
    } else fail(Err.syntax);
  }
  return req;
}

function union(srcs: Source[], agg: Aggregate): Map<string, number> {
  const acc = new Map<string, number>();
  for (const src of srcs) {
    each(src, (m, s) => {
      let score = src.weight * s;
      // Why: 0 * inf is NaN; Redis counts it as 0.
      if (Number.isNaN(score)) score = 0;
      const cur = acc.get(m);
      acc.set(m, cur === undefined ? score : aggregate(cur, score, agg));
    });
  }
  return acc;
}

/** Intersection; stops counting at `limit` (> 0) when only the cardinality is wanted. */
function inter(srcs: Source[], agg: Aggregate, cardOnly: boolean, limit: number): [Map<string, number>, number] {
  const acc = new Map<string, number>();
  let card = 0;
  const first = srcs[0];
  if (first.size === 0) return [acc, 0];
  let done = false;
  each(first, (m, s) => {
    if (done) return;
    let score = first.weight * s;
    if (Number.isNaN(score)) score = 0;
    for (let j = 1; j < srcs.length; j++) {
      const v = srcs[j] === first || (first.z !== null && srcs[j].z === first.z) ? s : find(srcs[j], m);
      if (v === undefined) return;
      score = aggregate(score, v * srcs[j].weight, agg);
    }
    if (cardOnly) {
      card++;
      if (limit > 0 && card >= limit) done = true;
    } else acc.set(m, score);
  });
  return [acc, card];
}

function diff(srcs: Source[]): Map<string, number> {
  const acc = new Map<string, number>();
  each(srcs[0], (m, s) => {
    for (let j = 1; j < srcs.length; j++) if (find(srcs[j], m) !== undefined) return;
    acc.set(m, s);
  });
  return acc;
}

function compute(req: Request, op: Op, cardOnly: boolean): [Map<string, number>, number] {
  const srcs = req.srcs;
  // Redis orders the inputs by size (smallest first) except for DIFF, whose
  // first input is special; the sort is stable, which fixes the order of SUM's additions.
  if (op !== 'diff') srcs.sort((a, b) => a.size - b.size);
  if (op === 'union') return [union(srcs, req.agg), 0];
  if (op === 'inter') return inter(srcs, req.agg, cardOnly, req.limit);
  return [diff(srcs), 0];
}

function sortedFlat(acc: Map<string, number>): Array<string | number> {
  const pairs = [...acc];
  pairs.sort((a, b) => (a[1] < b[1] || (a[1] === b[1] && a[0] < b[0]) ? -1 : 1));
  const flat: Array<string | number> = [];
  for (const [m, s] of pairs) flat.push(m, s);
  return flat;
}

// ZUNION|ZINTER|ZDIFF numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...] [WITHSCORES]
function setop(c: Client, argv: string[], op: Op): void {
  const req = parseRequest(c, argv, 1, op, false, false);
  const [acc] = compute(req, op, false);
  replyEntries(c, sortedFlat(acc), req.withScores);
}

// ZUNIONSTORE|ZINTERSTORE|ZDIFFSTORE destination numkeys key [key ...] [options]
function setopStore(c: Client, argv: string[], op: Op): void {
  const req = parseRequest(c, argv, 2, op, true, false);
  const [acc] = compute(req, op, false);
  storeResult(c, argv[1], [...acc], `z${op}store`, argv);
}

// ZINTERCARD numkeys key [key ...] [LIMIT limit]
function zintercard(c: Client, argv: string[]): void {
  const req = parseRequest(c, argv, 1, 'inter', false, true);
  c.integer(compute(req, 'inter', true)[1]);
}

export const zsetSetOpCommands: CommandDef[] = [
  { name: 'zunion', handler: (c, argv) => setop(c, argv, 'union') },
  { name: 'zinter', handler: (c, argv) => setop(c, argv, 'inter') },
  { name: 'zdiff', handler: (c, argv) => setop(c, argv, 'diff') },
  { name: 'zunionstore', handler: (c, argv) => setopStore(c, argv, 'union') },
  { name: 'zinterstore', handler: (c, argv) => setopStore(c, argv, 'inter') },
  { name: 'zdiffstore', handler: (c, argv) => setopStore(c, argv, 'diff') },
  { name: 'zintercard', handler: zintercard },
];
