/**
 * Popping: ZPOPMIN ZPOPMAX ZMPOP and the blocking BZPOPMIN BZPOPMAX BZMPOP.
 *
 * Effects are propagated as ZPOPMIN/ZPOPMAX on the key that was served
 * (Redis rewrites ZMPOP and the blocking forms the same way).
 */
import { Err, fail } from '../../errors.js';
import { parseBlockTimeout } from '../../keyspace/blocking.js';
import type { Client } from '../../net/client.js';
import { parseInt64 } from '../../types/int64.js';
import { ZSet } from '../../types/zset.js';
import { isWord } from '../args.js';
import { type BlockingSource, serveOrBlock } from '../blocking-serve.js';
import type { CommandDef } from '../table.js';
import { ZErr, deleteIfEmpty } from './common.js';

/** Pops up to `count` entries from the low (or high) end; notifies and deletes an emptied key. */
function popEntries(c: Client, key: string, z: ZSet, count: number, max: boolean): Array<string | number> {
  const size = z.size;
  const n = Math.min(count, size);
  const removed = max ? z.removeRanks(size - n, size) : z.removeRanks(0, n);
  if (max) {
    // removeRanks returns ascending order; ZPOPMAX replies highest first.
    const rev: Array<string | number> = [];
    for (let i = removed.length - 2; i >= 0; i -= 2) rev.push(removed[i], removed[i + 1]);
    return finishPop(c, key, z, rev, max);
  }
  return finishPop(c, key, z, removed, max);
}

function finishPop(c: Client, key: string, z: ZSet, popped: Array<string | number>, max: boolean): Array<string | number> {
  if (popped.length !== 0) {
    c.server.keyChanged(c.db, key, 'z', max ? 'zpopmax' : 'zpopmin');
    deleteIfEmpty(c, key, z);
  }
  return popped;
}

/** Popped entries: a flat member/score array, or (`nested`) an array of [member, score] pairs. */
function replyPopped(c: Client, flat: Array<string | number>, nested: boolean): void {
  c.array(nested ? flat.length >> 1 : flat.length);
  for (let i = 0; i < flat.length; i += 2) {
    if (nested) c.array(2);
    c.bulk(flat[i] as string);
    c.double(flat[i + 1] as number);
  }
}

/** The first existing key among `keys` (WRONGTYPE if one before it has another type). */
function firstZ(c: Client, keys: string[]): [string, ZSet] | null {
  for (const key of keys) {
    const v = c.db.peek(key);
    if (v === undefined) continue;
    if (typeof v === 'string' || v.type !== 'zset') fail(Err.wrongType);
    const z = v as ZSet;
    if (z.size !== 0) return [key, z];
  }
  return null;
}

// ZPOPMIN|ZPOPMAX key [count]
function zpop(c: Client, argv: string[], max: boolean): void {
  // Why: the arity allows more arguments, but Redis accepts at most a count.
  if (argv.length > 3) fail(Err.syntax);
  let count = 1;
  if (argv.length > 2) {
    const n = parseInt64(argv[2]);
    if (n === null || n < 0) fail(ZErr.mustBePositive);
    count = Number(n);
  }
  const z = (() => {
    const v = c.db.peek(argv[1]);
    if (v === undefined) return undefined;
    if (typeof v === 'string' || v.type !== 'zset') fail(Err.wrongType);
    return v as ZSet;
  })();
  if (z === undefined || count === 0) return c.array(0);
  const popped = popEntries(c, argv[1], z, count, max);
  c.server.propagate(c.db.id, argv, popped.length >> 1);
  // Why: RESP3 nests pairs only when a count was given; RESP2 is always flat.
  replyPopped(c, popped, argv.length > 2 && c.resp === 3);
}

/** Parsed ZMPOP / BZMPOP arguments after numkeys. */
interface MpopArgs {
  keys: string[];
  max: boolean;
  count: number;
}

function parseMpop(argv: string[], numIdx: number): MpopArgs {
  const n = parseInt64(argv[numIdx]);
  if (n === null || n < 1) fail('ERR numkeys should be greater than 0');
  const whereIdx = numIdx + Number(n) + 1;
  if (whereIdx >= argv.length) fail(Err.syntax);
  let max: boolean;
  if (isWord(argv[whereIdx], 'MIN')) max = false;
  else if (isWord(argv[whereIdx], 'MAX')) max = true;
  else fail(Err.syntax);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && isWord(argv[j], 'COUNT') && j + 1 < argv.length) {
      const v = parseInt64(argv[++j]);
      if (v === null || v < 1) fail('ERR count should be greater than 0');
      count = Number(v);
    } else fail(Err.syntax);
  }
  return { keys: argv.slice(numIdx + 1, whereIdx), max, count: count === -1 ? 1 : count };
}

/** Serves a ZMPOP-style request from `key`: [key, [[member, score], ...]]. */
function serveMpop(c: Client, key: string, z: ZSet, a: MpopArgs): void {
  const popped = popEntries(c, key, z, a.count, a.max);
  // Why: Redis 7.0 propagates the number of entries actually popped, not the COUNT asked.
  c.server.propagate(c.db.id, [a.max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(popped.length >> 1)], popped.length >> 1);
  c.array(2);
  c.bulk(key);
  replyPopped(c, popped, true);
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
function zmpop(c: Client, argv: string[]): void {
  const a = parseMpop(argv, 1);
  const found = firstZ(c, a.keys);
  if (found === null) return c.nilArray();
  serveMpop(c, found[0], found[1], a);
}

/** Sorted sets that can serve a blocked client: non-empty ones. */
const zsets: BlockingSource<ZSet> = {
  woken(c, key) {
    const v = c.db.peek(key);
    return v instanceof ZSet && v.size !== 0 ? v : undefined;
  },
  first: firstZ,
};

// BZPOPMIN|BZPOPMAX key [key ...] timeout
function bzpop(c: Client, argv: string[], max: boolean): void {
  const timeoutMs = parseBlockTimeout(argv[argv.length - 1]);
  serveOrBlock(c, { argv, keys: argv.slice(1, -1), timeoutMs }, zsets, (key, z) => {
    const popped = popEntries(c, key, z, 1, max);
    c.server.propagate(c.db.id, [max ? 'ZPOPMAX' : 'ZPOPMIN', key]);
    c.array(3);
    c.bulk(key);
    c.bulk(popped[0] as string);
    c.double(popped[1] as number);
  });
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
function bzmpop(c: Client, argv: string[]): void {
  const a = parseMpop(argv, 2);
  const timeoutMs = parseBlockTimeout(argv[1]);
  serveOrBlock(c, { argv, keys: a.keys, timeoutMs }, zsets, (key, z) => serveMpop(c, key, z, a));
}

export const zsetPopCommands: CommandDef[] = [
  { name: 'zpopmin', handler: (c, argv) => zpop(c, argv, false) },
  { name: 'zpopmax', handler: (c, argv) => zpop(c, argv, true) },
  { name: 'zmpop', handler: zmpop },
  { name: 'bzpopmin', handler: (c, argv) => bzpop(c, argv, false) },
  { name: 'bzpopmax', handler: (c, argv) => bzpop(c, argv, true) },
  { name: 'bzmpop', handler: bzmpop },
];
