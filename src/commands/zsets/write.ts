/**
 * Sorted-set writes: ZADD, ZINCRBY, ZREM, ZREMRANGEBYRANK|SCORE|LEX.
 */
import { Err, fail } from '../../errors.js';
import type { Client } from '../../net/client.js';
import { type ZLimits, ZSet } from '../../types/zset.js';
import { indexRange, intArg, isWord } from '../args.js';
import type { CommandDef } from '../table.js';
import { ZErr, deleteIfEmpty, parseLexRange, parseScoreRange, scoreArg, writeZ, zlimits } from './common.js';

const enum F {
  NX = 1,
  XX = 2,
  GT = 4,
  LT = 8,
  CH = 16,
  INCR = 32,
}

const FLAG_WORDS: Array<[string, F]> = [
  ['NX', F.NX],
  ['XX', F.XX],
  ['GT', F.GT],
  ['LT', F.LT],
  ['CH', F.CH],
  ['INCR', F.INCR],
];

function flagOf(arg: string): F | 0 {
  for (const [w, f] of FLAG_WORDS) if (isWord(arg, w)) return f;
  return 0;
}

/** Outcome of adding one pair. */
interface AddResult {
  added: number;
  updated: number;
  processed: number;
  score: number;
}

/** Applies one (score, member) under ZADD's flags; throws on a NaN result. */
function addOne(z: ZSet, member: string, score: number, flags: number, res: AddResult, lim: ZLimits): void {
  const cur = z.score(member);
  if (cur !== undefined) {
    if (flags & F.NX) return;
    if (flags & F.INCR) {
      score += cur;
      if (Number.isNaN(score)) fail(ZErr.nan);
    }
    if ((flags & F.LT && score >= cur) || (flags & F.GT && score <= cur)) return;
    res.processed++;
    res.score = score;
    if (score !== cur) {
      z.update(member, cur, score);
      res.updated++;
    }
    return;
  }
  if (flags & F.XX) return;
  z.insert(member, score, lim);
  res.added++;
  res.processed++;
  res.score = score;
}

/** ZADD and ZINCRBY share this: validate, apply, notify, propagate, reply. */
function zaddGeneric(c: Client, argv: string[], key: string, flags: number, pairs: string[], scores: number[]): void {
  const db = c.db;
  let z = writeZ(c, key);
  const res: AddResult = { added: 0, updated: 0, processed: 0, score: 0 };
  let created = false;
  if (z === undefined && !(flags & F.XX)) {
    z = new ZSet();
    created = true;
  }
  if (z !== undefined) {
    const lim = zlimits(c);
    try {
      for (let i = 0; i < scores.length; i++) addOne(z, pairs[2 * i + 1], scores[i], flags, res, lim);
    } finally {
      if (created && z.size !== 0) db.set(key, z);
    }
  }
  if (res.added || res.updated) {
    c.server.keyChanged(db, key, 'z', flags & F.INCR ? 'zincr' : 'zadd');
    if (res.added) c.server.blocking.signalReady(db, key);
    c.server.propagate(db.id, argv, res.added + res.updated);
  }
  if (flags & F.INCR) {
    if (res.processed) c.double(res.score);
    else c.nil();
  } else c.integer(flags & F.CH ? res.added + res.updated : res.added);
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
function zadd(c: Client, argv: string[]): void {
  let i = 2;
  let flags = 0;
  for (; i < argv.length; i++) {
    const f = flagOf(argv[i]);
    if (f === 0) break;
    flags |= f;
  }
  const pairs = argv.slice(i);
  const n = argv.length - i;
  if (n === 0 || n % 2 !== 0) fail(Err.syntax);
  if (flags & F.NX && flags & F.XX) fail('ERR XX and NX options at the same time are not compatible');
  const gtLtNx = (flags & F.GT ? 1 : 0) + (flags & F.LT ? 1 : 0) + (flags & F.NX ? 1 : 0);
  if (gtLtNx > 1) fail('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (flags & F.INCR && n > 2) fail('ERR INCR option supports a single increment-element pair');
  const scores: number[] = [];
  for (let j = i; j < argv.length; j += 2) scores.push(scoreArg(argv[j]));
  zaddGeneric(c, argv, argv[1], flags, pairs, scores);
}

// ZINCRBY key increment member
function zincrby(c: Client, argv: string[]): void {
  const incr = scoreArg(argv[2]);
  zaddGeneric(c, argv, argv[1], F.INCR, [argv[1], argv[3]], [incr]);
}

// ZREM key member [member ...]
function zrem(c: Client, argv: string[]): void {
  const key = argv[1];
  const z = writeZ(c, key);
  if (z === undefined) return c.integer(0);
  let removed = 0;
  for (let i = 2; i < argv.length && z.size !== 0; i++) if (z.remove(argv[i])) removed++;
  if (removed) {
    c.server.keyChanged(c.db, key, 'z', 'zrem');
    deleteIfEmpty(c, key, z);
    c.server.propagate(c.db.id, argv, removed);
  }
  c.integer(removed);
}

/** Shared tail of the ZREMRANGEBY* commands: remove forward ranks [start, end). */
function removeSpan(c: Client, argv: string[], z: ZSet, start: number, end: number, event: string): void {
  const removed = z.removeRanks(start, end).length >> 1;
  if (removed) {
    const key = argv[1];
    c.server.keyChanged(c.db, key, 'z', event);
    deleteIfEmpty(c, key, z);
    c.server.propagate(c.db.id, argv, removed);
  }
  c.integer(removed);
}

// ZREMRANGEBYRANK key start stop
function zremrangebyrank(c: Client, argv: string[]): void {
  const start = intArg(argv[2]);
  const stop = intArg(argv[3]);
  const z = writeZ(c, argv[1]);
  if (z === undefined) return c.integer(0);
  const r = indexRange(start, stop, z.size);
  if (r === null) return c.integer(0);
  removeSpan(c, argv, z, r[0], r[1] + 1, 'zremrangebyrank');
}

// ZREMRANGEBYSCORE key min max
function zremrangebyscore(c: Client, argv: string[]): void {
  const range = parseScoreRange(argv[2], argv[3]);
  const z = writeZ(c, argv[1]);
  if (z === undefined) return c.integer(0);
  const [a, b] = z.scoreSpan(range);
  removeSpan(c, argv, z, a, b, 'zremrangebyscore');
}

// ZREMRANGEBYLEX key min max
function zremrangebylex(c: Client, argv: string[]): void {
  const range = parseLexRange(argv[2], argv[3]);
  const z = writeZ(c, argv[1]);
  if (z === undefined) return c.integer(0);
  const [a, b] = z.lexDeleteSpan(range);
  removeSpan(c, argv, z, a, b, 'zremrangebylex');
}

export const zsetWriteCommands: CommandDef[] = [
  { name: 'zadd', handler: zadd },
  { name: 'zincrby', handler: zincrby },
  { name: 'zrem', handler: zrem },
  { name: 'zremrangebyrank', handler: zremrangebyrank },
  { name: 'zremrangebyscore', handler: zremrangebyscore },
  { name: 'zremrangebylex', handler: zremrangebylex },
];
