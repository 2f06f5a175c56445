/**
 * Non-blocking list commands on one key: the push and pop families, LLEN,
 * LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM and LPOS.
 */
import { Err, fail } from '../../errors.js';
import type { Client } from '../../net/client.js';
import { ListValue } from '../../types/list.js';
import { indexRange, intArg } from '../args.js';
import type { CommandDef } from '../table.js';
import { type End, deleteIfEmpty, keyword, popMany, popped, rangeArg, readList, writeList } from './common.js';

// LPUSH|RPUSH key element [element ...], LPUSHX|RPUSHX (onlyExisting)
function push(c: Client, argv: string[], end: End, onlyExisting: boolean): void {
  const key = argv[1];
  const db = c.db;
  let list = writeList(c, key);
  if (list === undefined) {
    if (onlyExisting) return c.integer(0);
    // LPUSH a b c makes [c, b, a]: each element goes in front of the previous one.
    const items = argv.slice(2);
    list = ListValue.fromArray(end === 'head' ? items.reverse() : items);
    db.set(key, list);
  } else {
    for (let i = 2; i < argv.length; i++) {
      if (end === 'head') list.pushHead(argv[i]);
      else list.pushTail(argv[i]);
    }
  }
  c.server.keyChanged(db, key, 'l', end === 'head' ? 'lpush' : 'rpush');
  c.server.blocking.signalReady(db, key);
  // One change per element pushed.
  c.server.propagate(db.id, argv, argv.length - 2);
  c.integer(list.length);
}

// LPOP|RPOP key [count]
function pop(c: Client, argv: string[], end: End): void {
  // Why here and not in the table: the metadata says -2, Redis checks the upper bound itself.
  if (argv.length > 3) fail(Err.wrongArity(end === 'head' ? 'lpop' : 'rpop'));
  const hasCount = argv.length === 3;
  const count = hasCount ? rangeArg(argv[2], 0, 'ERR value is out of range, must be positive') : 1;
  const key = argv[1];
  const list = writeList(c, key);
  if (list === undefined) return hasCount ? c.nilArray() : c.nil();
  // A count of 0 on an existing list is an empty array (a missing key stays null).
  if (hasCount && count === 0) return c.array(0);
  const items = popMany(list, end, count);
  popped(c, key, list, end);
  c.server.propagate(c.db.id, argv, items.length);
  if (hasCount) c.bulks(items);
  else c.bulk(items[0]);
}

// LLEN key
function llen(c: Client, argv: string[]): void {
  const list = readList(c, argv[1]);
  c.integer(list === undefined ? 0 : list.length);
}

// LRANGE key start stop
function lrange(c: Client, argv: string[]): void {
  const start = intArg(argv[2]);
  const stop = intArg(argv[3]);
  const list = readList(c, argv[1]);
  const r = list === undefined ? null : indexRange(start, stop, list.length);
  if (r === null) return c.array(0);
  c.bulks(list!.range(r[0], r[1]));
}

// LINDEX key index
function lindex(c: Client, argv: string[]): void {
  // Why the lookup comes first: a missing key answers nil even for a bad index.
  const list = readList(c, argv[1]);
  if (list === undefined) return c.nil();
  let i = intArg(argv[2]);
  if (i < 0) i += list.length;
  const v = list.get(i);
  if (v === undefined) c.nil();
  else c.bulk(v);
}

// LSET key index element
function lset(c: Client, argv: string[]): void {
  const key = argv[1];
  const list = writeList(c, key);
  if (list === undefined) fail(Err.noSuchKey);
  let i = intArg(argv[2]);
  if (i < 0) i += list.length;
  if (!list.set(i, argv[3])) fail('ERR index out of range');
  c.server.keyChanged(c.db, key, 'l', 'lset');
  c.server.propagate(c.db.id, argv);
  c.ok();
}

// LINSERT key BEFORE|AFTER pivot element
function linsert(c: Client, argv: string[]): void {
  const where = keyword(argv[2]);
  if (where !== 'BEFORE' && where !== 'AFTER') fail(Err.syntax);
  const key = argv[1];
  const list = writeList(c, key);
  if (list === undefined) return c.integer(0);
  let at = -1;
  list.scan(0, false, (v, i) => {
    if (v !== argv[3]) return false;
    at = i;
    return true;
  });
  if (at < 0) return c.integer(-1);
  list.insert(where === 'AFTER' ? at + 1 : at, argv[4]);
  c.server.keyChanged(c.db, key, 'l', 'linsert');
  c.server.propagate(c.db.id, argv);
  c.integer(list.length);
}

// LREM key count element
function lrem(c: Client, argv: string[]): void {
  const count = intArg(argv[2]);
  const key = argv[1];
  const list = writeList(c, key);
  if (list === undefined) return c.integer(0);
  const removed = list.remove(argv[3], count);
  if (removed > 0) {
    c.server.keyChanged(c.db, key, 'l', 'lrem');
    deleteIfEmpty(c, key, list);
    c.server.propagate(c.db.id, argv, removed);
  }
  c.integer(removed);
}

// LTRIM key start stop
function ltrim(c: Client, argv: string[]): void {
  const start = intArg(argv[2]);
  const stop = intArg(argv[3]);
  const key = argv[1];
  const list = writeList(c, key);
  if (list === undefined) return c.ok();
  const len = list.length;
  const r = indexRange(start, stop, len);
  const dropHead = r === null ? len : r[0];
  const dropTail = r === null ? 0 : len - 1 - r[1];
  list.dropTail(dropTail);
  list.dropHead(dropHead);
  // Why the event fires even when nothing was trimmed: Redis notifies
  // unconditionally but only counts (and propagates) actual removals.
  c.server.keyChanged(c.db, key, 'l', 'ltrim');
  deleteIfEmpty(c, key, list);
  if (dropHead + dropTail > 0) c.server.propagate(c.db.id, argv, dropHead + dropTail);
  c.ok();
}

const LONG_MIN = -(2 ** 63);

interface LposOptions {
  rank: number;
  /** -1 when COUNT was not given, 0 for "all matches". */
  count: number;
  maxlen: number;
}

function parseLposOptions(argv: string[]): LposOptions {
  const o: LposOptions = { rank: 1, count: -1, maxlen: 0 };
  for (let i = 3; i < argv.length; i++) {
    const opt = keyword(argv[i]);
    const more = i + 1 < argv.length;
    if (opt === 'RANK' && more) {
      o.rank = intArg(argv[++i]);
      if (o.rank === 0) {
        fail(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
        );
      }
    } else if (opt === 'COUNT' && more) o.count = rangeArg(argv[++i], 0, "ERR COUNT can't be negative");
    else if (opt === 'MAXLEN' && more) o.maxlen = rangeArg(argv[++i], 0, "ERR MAXLEN can't be negative");
    else fail(Err.syntax);
  }
  return o;
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
function lpos(c: Client, argv: string[]): void {
  const o = parseLposOptions(argv);
  let { rank, count } = o;
  const fromTail = rank < 0;
  if (rank === LONG_MIN) {
    // Why: Redis negates LONG_MIN into itself, so every match passes the
    // rank test and the COUNT limit never triggers (signed overflow).
    rank = 1;
    if (count > 0) count = 0;
  } else if (fromTail) rank = -rank;
  const list = readList(c, argv[1]);
  if (list === undefined) return count !== -1 ? c.array(0) : c.nil();
  const found = findMatches(list, argv[2], fromTail, rank, count, o.maxlen);
  if (count !== -1) {
    c.array(found.length);
    for (const i of found) c.integer(i);
  } else if (found.length === 0) c.nil();
  else c.integer(found[0]);
}

/** LPOS's search: indexes of matches from the rank-th on, at most `count` (0 = all, -1 = one). */
function findMatches(list: ListValue, ele: string, fromTail: boolean, rank: number, count: number, maxlen: number): number[] {
  const out: number[] = [];
  let matches = 0;
  let seen = 0;
  const limit = count === -1 ? 1 : count;
  list.scan(fromTail ? list.length - 1 : 0, fromTail, (v, i) => {
    if (maxlen !== 0 && seen >= maxlen) return true;
    seen++;
    if (v !== ele || ++matches < rank) return false;
    out.push(i);
    return limit !== 0 && out.length >= limit;
  });
  return out;
}

export const basicListCommands: CommandDef[] = [
  { name: 'lpush', handler: (c, a) => push(c, a, 'head', false) },
  { name: 'rpush', handler: (c, a) => push(c, a, 'tail', false) },
  { name: 'lpushx', handler: (c, a) => push(c, a, 'head', true) },
  { name: 'rpushx', handler: (c, a) => push(c, a, 'tail', true) },
  { name: 'lpop', handler: (c, a) => pop(c, a, 'head') },
  { name: 'rpop', handler: (c, a) => pop(c, a, 'tail') },
  { name: 'llen', handler: llen },
  { name: 'lrange', handler: lrange },
  { name: 'lindex', handler: lindex },
  { name: 'lset', handler: lset },
  { name: 'linsert', handler: linsert },
  { name: 'lrem', handler: lrem },
  { name: 'ltrim', handler: ltrim },
  { name: 'lpos', handler: lpos },
];
