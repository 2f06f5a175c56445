/**
 * Helpers shared by the list commands: typed lookups, the LEFT/RIGHT and
 * keyword parsing, and the write rhythm's tail after a push or a pop
 * (keyspace events, deleting an emptied list, waking blocked clients).
 */
import { Err, fail } from '../../errors.js';
import type { Client } from '../../net/client.js';
import { ListValue } from '../../types/list.js';
import { intArg } from '../args.js';
import { readTyped, writeTyped } from '../typed.js';

/** Which end of a list: Redis's LIST_HEAD (left) or LIST_TAIL (right). */
export type End = 'head' | 'tail';

/** The list at key for a read command, undefined if missing; WRONGTYPE otherwise. */
export function readList(c: Client, key: string): ListValue | undefined {
  return readTyped<ListValue>(c, key, 'list');
}

/** The list at key for a write command (no hit/miss stats). */
export function writeList(c: Client, key: string): ListValue | undefined {
  return writeTyped<ListValue>(c, key, 'list');
}

/**
 * An option keyword as Redis's strcasecmp sees it: compared up to the first
 * NUL byte (so "left\0junk" matches LEFT), upper-cased.
 */
export function keyword(arg: string): string {
  const nul = arg.indexOf('\0');
  return (nul < 0 ? arg : arg.slice(0, nul)).toUpperCase();
}

/** LEFT or RIGHT, else ERR syntax error. */
export function endArg(arg: string): End {
  const w = keyword(arg);
  if (w === 'LEFT') return 'head';
  if (w === 'RIGHT') return 'tail';
  fail(Err.syntax);
}

/**
 * A count argument in [min, LONG_MAX] (Redis's getRangeLongFromObjectOrReply):
 * any parse or range failure replies `msg`.
 */
export function rangeArg(arg: string, min: number, msg: string): number {
  const n = intArg(arg, msg);
  if (n < min) fail(msg);
  return n;
}

/** Pushes `v` onto the list at key (created if missing) and raises lpush/rpush. */
export function pushOne(c: Client, key: string, list: ListValue | undefined, v: string, end: End): ListValue {
  if (list === undefined) {
    list = new ListValue();
    c.db.set(key, list);
  }
  if (end === 'head') list.pushHead(v);
  else list.pushTail(v);
  c.server.keyChanged(c.db, key, 'l', end === 'head' ? 'lpush' : 'rpush');
  c.server.blocking.signalReady(c.db, key);
  return list;
}

/**
 * After elements were popped from the list at key: the lpop/rpop event, then
 * the key is deleted (with a del event) if the list became empty.
 */
export function popped(c: Client, key: string, list: ListValue, end: End): void {
  c.server.keyChanged(c.db, key, 'l', end === 'head' ? 'lpop' : 'rpop');
  deleteIfEmpty(c, key, list);
}

/** Deletes an emptied list and raises the generic del event. */
export function deleteIfEmpty(c: Client, key: string, list: ListValue): void {
  if (list.length !== 0) return;
  c.db.delete(key);
  c.server.keyChanged(c.db, key, 'g', 'del');
}

/** Pops up to `count` elements from one end, in pop order. */
export function popMany(list: ListValue, end: End, count: number): string[] {
  const n = Math.min(count, list.length);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = (end === 'head' ? list.popHead() : list.popTail())!;
  return out;
}
