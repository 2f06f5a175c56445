/**
 * Set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SMOVE SSCAN,
 * SPOP SRANDMEMBER (random), and the algebra SINTER SINTERCARD SUNION SDIFF
 * with their STORE forms.
 *
 * Writes follow the rhythm: validate, mutate, keyspace event ('s' class;
 * 'del' after it when the set empties), propagate, reply. SPOP propagates
 * SREMs of what it popped (or DEL when it took everything); the rest
 * propagate themselves.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';
import { parseInt64 } from '../types/int64.js';
import { SetValue } from '../types/set.js';
import {
  checkRepeatedPicks,
  keepRandom,
  collectionCursor,
  isOption,
  parseCollectionScanOptions,
  randomCountArg,
  replyEmptyScan,
  replyScan,
  scanBudget,
} from './collections.js';
import type { CommandDef } from './table.js';
import { readTyped, writeTyped } from './typed.js';

const intsetMaxByServer = new WeakMap<Server, { max: number }>();

/** set-max-intset-entries, cached per server and kept current by a config watcher. */
function intsetMax(c: Client): number {
  let box = intsetMaxByServer.get(c.server);
  if (box === undefined) {
    const b = { max: 512 };
    const cfg = c.server.config;
    if (cfg.directive('set-max-intset-entries')) cfg.watch('set-max-intset-entries', () => (b.max = cfg.int('set-max-intset-entries')));
    intsetMaxByServer.set(c.server, b);
    box = b;
  }
  return box.max;
}

/** Deletes an emptied set and raises the 'del' event after the command's own. */
function dropIfEmpty(c: Client, key: string, s: SetValue): boolean {
  if (s.size !== 0) return false;
  c.db.delete(key);
  c.server.keyChanged(c.db, key, 'g', 'del');
  return true;
}

// SADD key member [member ...]
function sadd(c: Client, argv: string[]): void {
  const key = argv[1];
  const existing = writeTyped<SetValue>(c, key, 'set');
  // Why: a new set's encoding is chosen by its first member (setTypeCreate).
  const s = existing ?? SetValue.forMember(argv[2]);
  const max = intsetMax(c);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i], max)) added++;
  if (existing === undefined) c.db.set(key, s, true);
  if (added > 0) {
    c.server.keyChanged(c.db, key, 's', 'sadd');
    c.server.propagate(c.db.id, argv, added);
  }
  c.integer(added);
}

// SREM key member [member ...]
function srem(c: Client, argv: string[]): void {
  const key = argv[1];
  const s = writeTyped<SetValue>(c, key, 'set');
  let removed = 0;
  if (s !== undefined) {
    for (let i = 2; i < argv.length && s.size > 0; i++) if (s.remove(argv[i])) removed++;
  }
  if (removed > 0) {
    c.server.keyChanged(c.db, key, 's', 'srem');
    dropIfEmpty(c, key, s!);
    c.server.propagate(c.db.id, argv, removed);
  }
  c.integer(removed);
}

// SCARD key
function scard(c: Client, argv: string[]): void {
  c.integer(readTyped<SetValue>(c, argv[1], 'set')?.size ?? 0);
}

// SISMEMBER key member
function sismember(c: Client, argv: string[]): void {
  const s = readTyped<SetValue>(c, argv[1], 'set');
  c.integer(s !== undefined && s.has(argv[2]) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
function smismember(c: Client, argv: string[]): void {
  const s = readTyped<SetValue>(c, argv[1], 'set');
  c.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.integer(s !== undefined && s.has(argv[i]) ? 1 : 0);
}

// SMEMBERS key (Redis runs it as a one-key SINTER: same reply, a RESP3 set)
function smembers(c: Client, argv: string[]): void {
  const s = readTyped<SetValue>(c, argv[1], 'set');
  if (s === undefined) {
    c.set(0);
    return;
  }
  c.set(s.size);
  for (const m of s) c.bulk(m);
}

// SMOVE source destination member
function smove(c: Client, argv: string[]): void {
  const [, srcKey, dstKey, member] = argv;
  // Why: a missing source answers 0 before the destination's type is checked.
  if (c.db.peek(srcKey) === undefined) {
    c.integer(0);
    return;
  }
  const from = writeTyped<SetValue>(c, srcKey, 'set')!;
  const to = writeTyped<SetValue>(c, dstKey, 'set');
  if (from === to) {
    c.integer(from.has(member) ? 1 : 0);
    return;
  }
  if (!from.remove(member)) {
    c.integer(0);
    return;
  }
  c.server.keyChanged(c.db, srcKey, 's', 'srem');
  dropIfEmpty(c, srcKey, from);
  const dst = to ?? SetValue.forMember(member);
  if (to === undefined) c.db.set(dstKey, dst, true);
  // Two changes (removed, added), one when the destination had the member.
  const added = dst.add(member, intsetMax(c));
  if (added) c.server.keyChanged(c.db, dstKey, 's', 'sadd');
  c.server.propagate(c.db.id, argv, added ? 2 : 1);
  c.integer(1);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
function sscan(c: Client, argv: string[]): void {
  const cursor = collectionCursor(argv[2]);
  const s = readTyped<SetValue>(c, argv[1], 'set');
  if (s === undefined) {
    replyEmptyScan(c);
    return;
  }
  const o = parseCollectionScanOptions(argv, 3);
  const items: string[] = [];
  const next = s.scan(cursor, scanBudget(o), (m) => void items.push(m));
  replyScan(c, next, items, o.pattern, false);
}

/** Redis's SPOP_MOVE_STRATEGY_MUL: below remaining*5 <= count, build a new set of the survivors instead. */
const SPOP_MOVE_STRATEGY_MUL = 5;

/**
 * Propagates a multi-effect command as Redis 7.0 does: several effects go out
 * wrapped in MULTI/EXEC (the wrappers carry no database, -1). Inside EXEC
 * (a propagation buffer is collecting) the transaction wraps them instead.
 */
function propagateAll(c: Client, cmds: string[][]): void {
  const server = c.server;
  const wrap = cmds.length > 1 && server.propagationBuffer === null;
  // Each effect is one change; the wrappers are none.
  if (wrap) server.propagate(-1, ['MULTI'], 0);
  for (const argv of cmds) server.propagate(c.db.id, argv);
  if (wrap) server.propagate(-1, ['EXEC'], 0);
}

// SPOP key [count]
function spop(c: Client, argv: string[]): void {
  if (argv.length === 3) return spopCount(c, argv);
  if (argv.length > 3) fail(Err.syntax);
  const key = argv[1];
  const s = writeTyped<SetValue>(c, key, 'set');
  if (s === undefined) {
    c.nil();
    return;
  }
  const m = s.pop();
  c.server.keyChanged(c.db, key, 's', 'spop');
  dropIfEmpty(c, key, s);
  c.server.propagate(c.db.id, ['SREM', key, m]);
  c.bulk(m);
}

function spopCount(c: Client, argv: string[]): void {
  const n = parseInt64(argv[2]);
  // Why: Redis's positive-long parser reports a non-number with the range text too.
  if (n === null || n < 0) fail('ERR value is out of range, must be positive');
  const key = argv[1];
  const s = writeTyped<SetValue>(c, key, 'set');
  if (s === undefined || n === 0) {
    c.set(0);
    return;
  }
  const count = Number(n);
  const size = s.size;
  c.server.keyChanged(c.db, key, 's', 'spop');
  if (count >= size) {
    const all = s.members();
    c.db.delete(key);
    c.server.keyChanged(c.db, key, 'g', 'del');
    // Popping everything is propagated as one DEL but counts every member.
    c.server.propagate(c.db.id, ['DEL', key], all.length);
    c.set(all.length);
    for (const m of all) c.bulk(m);
    return;
  }
  const remaining = size - count;
  const popped = remaining * SPOP_MOVE_STRATEGY_MUL > count ? popSome(s, count) : keepSome(c, key, s, remaining);
  propagateAll(
    c,
    popped.map((m) => ['SREM', key, m]),
  );
  c.set(popped.length);
  for (const m of popped) c.bulk(m);
}

/** Pops `count` random members one by one (most of the set stays). */
function popSome(s: SetValue, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(s.pop());
  return out;
}

/**
 * Moves `remaining` random members to a fresh set that replaces the key, and
 * returns the rest (Redis's case for popping most of a set). Why it matters:
 * the fresh set's encoding is chosen anew, so a hashtable of integers can
 * come back as an intset.
 */
function keepSome(c: Client, key: string, s: SetValue, remaining: number): string[] {
  const max = intsetMax(c);
  let fresh: SetValue | undefined;
  for (let i = 0; i < remaining; i++) {
    const m = s.pop();
    fresh ??= SetValue.forMember(m);
    fresh.add(m, max);
  }
  const rest = s.members();
  c.db.set(key, fresh!, true);
  return rest;
}

/** Redis's SRANDMEMBER_SUB_STRATEGY_MUL: above count*3 > size, sample by removal from a copy. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

// SRANDMEMBER key [count]
function srandmember(c: Client, argv: string[]): void {
  if (argv.length > 3) fail(Err.syntax);
  if (argv.length === 2) {
    const s = readTyped<SetValue>(c, argv[1], 'set');
    if (s === undefined) c.nil();
    else c.bulk(s.random());
    return;
  }
  const l = randomCountArg(argv[2]);
  const s = readTyped<SetValue>(c, argv[1], 'set');
  if (s === undefined || l === 0) {
    c.array(0);
    return;
  }
  const unique = l > 0;
  const count = Number(unique ? l : -l);
  if (!unique || count === 1) {
    // Repeats allowed: each pick samples the whole set, in random order.
    checkRepeatedPicks(count);
    c.array(count);
    for (let i = 0; i < count; i++) c.bulk(s.random());
    return;
  }
  if (count >= s.size) {
    c.array(s.size);
    for (const m of s) c.bulk(m);
    return;
  }
  c.bulks(uniqueMembers(s, count));
}

/** `count` distinct random members (count < size), as Redis's cases 3 and 4. */
function uniqueMembers(s: SetValue, count: number): string[] {
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > s.size) {
    const all = s.members();
    return keepRandom(all, count);
  }
  const seen = new Set<string>();
  while (seen.size < count) seen.add(s.random());
  return [...seen];
}

/**
 * The sets named by `keys` (undefined for missing keys), WRONGTYPE if any
 * key holds another type. Every key is a read lookup (hits and misses are
 * counted), the STORE variants' sources too, as in Redis 7.0.
 */
function lookupSets(c: Client, keys: readonly string[]): Array<SetValue | undefined> {
  const out: Array<SetValue | undefined> = [];
  for (const k of keys) out.push(readTyped<SetValue>(c, k, 'set'));
  return out;
}

/**
 * Members of the intersection, iterating the smallest set and probing the
 * others (O(N*M), N the smallest cardinality), stopping at `limit` (0 = none).
 */
function intersect(sets: SetValue[], limit: number): string[] {
  const sorted = sets.slice().sort((a, b) => a.size - b.size);
  const first = sorted[0];
  const out: string[] = [];
  for (const m of first) {
    let j = 1;
    for (; j < sorted.length; j++) {
      if (sorted[j] !== first && !sorted[j].has(m)) break;
    }
    if (j === sorted.length) {
      out.push(m);
      if (out.length === limit) break;
    }
  }
  return out;
}

/**
 * Stores a computed result at `dst` (or deletes `dst` when it is empty),
 * with Redis's events and propagation; replies the cardinality.
 */
function storeResult(c: Client, argv: string[], dst: string, result: SetValue, event: string): void {
  const db = c.db;
  if (result.size > 0) {
    db.set(dst, result);
    c.server.keyChanged(db, dst, 's', event);
    c.server.propagate(db.id, argv);
  } else if (db.delete(dst)) {
    c.server.keyChanged(db, dst, 'g', 'del');
    c.server.propagate(db.id, argv);
  }
  c.integer(result.size);
}

/** A fresh result set: Redis builds every SINTER/SUNION/SDIFF result as an intset and lets adds convert it. */
function buildSet(c: Client, members: Iterable<string>): SetValue {
  const out = SetValue.empty();
  const max = intsetMax(c);
  for (const m of members) out.add(m, max);
  return out;
}

/** SINTER, SINTERSTORE (dst set) and SINTERCARD (cardOnly). */
function interGeneric(c: Client, argv: string[], keys: readonly string[], dst: string | null, cardOnly: boolean, limit: number): void {
  const sets = lookupSets(c, keys);
  const present = sets.filter((s): s is SetValue => s !== undefined);
  // An intersection with a missing key (an empty set) is empty, once every type was checked.
  const members = present.length < sets.length ? [] : intersect(present, cardOnly ? limit : 0);
  if (dst !== null) storeResult(c, argv, dst, buildSet(c, members), 'sinterstore');
  else if (cardOnly) c.integer(members.length);
  else {
    c.set(members.length);
    for (const m of members) c.bulk(m);
  }
}

// SINTER key [key ...]
function sinter(c: Client, argv: string[]): void {
  interGeneric(c, argv, argv.slice(1), null, false, 0);
}

// SINTERSTORE destination key [key ...]
function sinterstore(c: Client, argv: string[]): void {
  interGeneric(c, argv, argv.slice(2), argv[1], false, 0);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
function sintercard(c: Client, argv: string[]): void {
  const nk = parseInt64(argv[1]);
  if (nk === null || nk < 1) fail('ERR numkeys should be greater than 0');
  if (nk > argv.length - 2) fail("ERR Number of keys can't be greater than number of args");
  const numkeys = Number(nk);
  let limit = 0;
  for (let i = 2 + numkeys; i < argv.length; i++) {
    if (isOption(argv[i], 'LIMIT') && i + 1 < argv.length) {
      const l = parseInt64(argv[++i]);
      if (l === null || l < 0) fail("ERR LIMIT can't be negative");
      limit = Number(l);
    } else fail(Err.syntax);
  }
  interGeneric(c, argv, argv.slice(2, 2 + numkeys), null, true, limit);
}

/** The union of the present sets, built as Redis builds it (an intset first). */
function union(c: Client, sets: ReadonlyArray<SetValue | undefined>): SetValue {
  const out = SetValue.empty();
  const max = intsetMax(c);
  for (const s of sets) if (s !== undefined) for (const m of s) out.add(m, max);
  return out;
}

/**
 * The difference sets[0] - sets[1..], with Redis 7.0's choice between its
 * two algorithms. The choice is visible: the second adds all of sets[0]
 * before removing, so the result's encoding can differ (a big or non-integer
 * first set converts the result to a hashtable even if little survives).
 */
function difference(c: Client, sets: ReadonlyArray<SetValue | undefined>): SetValue {
  const out = SetValue.empty();
  const first = sets[0];
  // The same key subtracted from itself leaves nothing.
  if (first === undefined || sets.some((s, j) => j > 0 && s === first)) return out;
  const max = intsetMax(c);
  let work1 = 0;
  let work2 = 0;
  for (const s of sets) {
    if (s === undefined) continue;
    work1 += first.size;
    work2 += s.size;
  }
  // Algorithm 1 (probe each member of the first set) gets a 2x advantage.
  if (Math.floor(work1 / 2) <= work2) {
    const others = sets.slice(1).filter((s): s is SetValue => s !== undefined);
    others.sort((a, b) => b.size - a.size);
    for (const m of first) if (!others.some((s) => s.has(m))) out.add(m, max);
    return out;
  }
  for (const m of first) out.add(m, max);
  for (let j = 1; j < sets.length && out.size > 0; j++) {
    const s = sets[j];
    if (s !== undefined) for (const m of s) out.remove(m);
  }
  return out;
}

/** SUNION, SDIFF and their STORE forms. */
function unionDiffGeneric(c: Client, argv: string[], keys: readonly string[], dst: string | null, diff: boolean): void {
  const sets = lookupSets(c, keys);
  const result = diff ? difference(c, sets) : union(c, sets);
  if (dst !== null) {
    storeResult(c, argv, dst, result, diff ? 'sdiffstore' : 'sunionstore');
    return;
  }
  c.set(result.size);
  for (const m of result) c.bulk(m);
}

// SUNION key [key ...]
function sunion(c: Client, argv: string[]): void {
  unionDiffGeneric(c, argv, argv.slice(1), null, false);
}

// SUNIONSTORE destination key [key ...]
function sunionstore(c: Client, argv: string[]): void {
  unionDiffGeneric(c, argv, argv.slice(2), argv[1], false);
}

// SDIFF key [key ...]
function sdiff(c: Client, argv: string[]): void {
  unionDiffGeneric(c, argv, argv.slice(1), null, true);
}

// SDIFFSTORE destination key [key ...]
function sdiffstore(c: Client, argv: string[]): void {
  unionDiffGeneric(c, argv, argv.slice(2), argv[1], true);
}

export const setCommands: CommandDef[] = [
  { name: 'sadd', handler: sadd },
  { name: 'srem', handler: srem },
  { name: 'scard', handler: scard },
  { name: 'sismember', handler: sismember },
  { name: 'smismember', handler: smismember },
  { name: 'smembers', handler: smembers },
  { name: 'smove', handler: smove },
  { name: 'sscan', handler: sscan },
  { name: 'spop', handler: spop },
  { name: 'srandmember', handler: srandmember },
  { name: 'sinter', handler: sinter },
  { name: 'sinterstore', handler: sinterstore },
  { name: 'sintercard', handler: sintercard },
  { name: 'sunion', handler: sunion },
  { name: 'sunionstore', handler: sunionstore },
  { name: 'sdiff', handler: sdiff },
  { name: 'sdiffstore', handler: sdiffstore },
];
