/**
 * List commands over several keys: RPOPLPUSH, LMOVE and LMPOP, and the
 * pieces their blocking variants (blocking.ts) reuse.
 */
import { Err, fail } from '../../errors.js';
import type { Client } from '../../net/client.js';
import type { ListValue } from '../../types/list.js';
import type { CommandDef } from '../table.js';
import { type End, endArg, keyword, popMany, popped, pushOne, rangeArg, writeList } from './common.js';

/**
 * Moves one element from the non-empty list `src` at srcKey to the list at
 * dstKey (`dst`, undefined if missing; its type already checked), raising
 * the push event on the destination, then the pop (and del) event on the
 * source, as Redis does. Returns the element moved.
 */
export function moveOne(c: Client, srcKey: string, src: ListValue, dstKey: string, dst: ListValue | undefined, from: End, to: End): string {
  const v = (from === 'head' ? src.popHead() : src.popTail())!;
  // When src and dst are the same list, the push lands in the same object
  // before the emptiness check, so a one-element rotation keeps the key.
  pushOne(c, dstKey, dst, v, to);
  popped(c, srcKey, src, from);
  return v;
}

/** LMOVE/RPOPLPUSH on an existing source; `effect` is what gets propagated, counted as `changes`. */
export function lmoveFrom(c: Client, src: ListValue, argv: string[], from: End, to: End, effect: string[], changes = 1): void {
  const dst = writeList(c, argv[2]);
  const v = moveOne(c, argv[1], src, argv[2], dst, from, to);
  c.server.propagate(c.db.id, effect, changes);
  c.bulk(v);
}

function lmoveGeneric(c: Client, argv: string[], from: End, to: End): void {
  const src = writeList(c, argv[1]);
  if (src === undefined) return c.nil();
  lmoveFrom(c, src, argv, from, to, argv);
}

// RPOPLPUSH source destination
function rpoplpush(c: Client, argv: string[]): void {
  lmoveGeneric(c, argv, 'tail', 'head');
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
function lmove(c: Client, argv: string[]): void {
  const from = endArg(argv[3]);
  const to = endArg(argv[4]);
  lmoveGeneric(c, argv, from, to);
}

/** Parsed LMPOP/BLMPOP arguments after the timeout. */
export interface MpopArgs {
  keys: string[];
  end: End;
  count: number;
}

/** Parses `numkeys key... LEFT|RIGHT [COUNT count]` starting at argv[at]. */
export function parseMpop(argv: string[], at: number): MpopArgs {
  const numkeys = rangeArg(argv[at], 1, 'ERR numkeys should be greater than 0');
  const whereAt = at + numkeys + 1;
  if (whereAt >= argv.length) fail(Err.syntax);
  const end = endArg(argv[whereAt]);
  let count = -1;
  for (let i = whereAt + 1; i < argv.length; i++) {
    if (count === -1 && keyword(argv[i]) === 'COUNT' && i + 1 < argv.length) {
      count = rangeArg(argv[++i], 1, 'ERR count should be greater than 0');
    } else fail(Err.syntax);
  }
  return { keys: argv.slice(at + 1, whereAt), end, count: count === -1 ? 1 : count };
}

/**
 * Pops up to `count` elements from the non-empty list at key and replies
 * [key, [elements]]; propagated as LPOP/RPOP key n.
 */
export function mpopFrom(c: Client, key: string, list: ListValue, end: End, count: number): void {
  const items = popMany(list, end, count);
  popped(c, key, list, end);
  c.server.propagate(c.db.id, [end === 'head' ? 'LPOP' : 'RPOP', key, String(items.length)], items.length);
  c.array(2);
  c.bulk(key);
  c.bulks(items);
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
function lmpop(c: Client, argv: string[]): void {
  const { keys, end, count } = parseMpop(argv, 1);
  for (const key of keys) {
    const list = writeList(c, key);
    if (list !== undefined && list.length !== 0) return mpopFrom(c, key, list, end, count);
  }
  c.nilArray();
}

export const moveListCommands: CommandDef[] = [
  { name: 'rpoplpush', handler: rpoplpush },
  { name: 'lmove', handler: lmove },
  { name: 'lmpop', handler: lmpop },
];
