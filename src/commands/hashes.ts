/**
 * Hash commands: HSET HSETNX HMSET HGET HMGET HDEL HLEN HSTRLEN HEXISTS
 * HINCRBY HINCRBYFLOAT HKEYS HVALS HGETALL HRANDFIELD HSCAN.
 *
 * Writes follow the rhythm: validate, mutate, keyspace event ('h' class;
 * 'del' after it when the hash empties), propagate, reply. Every command
 * propagates itself, except HINCRBYFLOAT which propagates the resulting
 * HSET so replicas never redo floating-point arithmetic.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';
import { HashValue, type HashLimits } from '../types/hash.js';
import { addInt64, parseInt64 } from '../types/int64.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../types/long-double.js';
import { int64Arg } from './args.js';
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

const limitsByServer = new WeakMap<Server, HashLimits>();

/** The hash-max-listpack-* limits, cached per server and kept current by config watchers. */
function limits(c: Client): HashLimits {
  const cached = limitsByServer.get(c.server);
  if (cached !== undefined) return cached;
  const lim: HashLimits = { entries: 512, value: 64 };
  const cfg = c.server.config;
  if (cfg.directive('hash-max-listpack-entries')) cfg.watch('hash-max-listpack-entries', () => (lim.entries = cfg.int('hash-max-listpack-entries')));
  if (cfg.directive('hash-max-listpack-value')) cfg.watch('hash-max-listpack-value', () => (lim.value = cfg.int('hash-max-listpack-value')));
  limitsByServer.set(c.server, lim);
  return lim;
}

/** The hash at key for writing, created (not yet stored) when missing. */
function hashForWrite(c: Client, key: string): { h: HashValue; created: boolean } {
  const h = writeTyped<HashValue>(c, key, 'hash');
  return h === undefined ? { h: new HashValue(), created: true } : { h, created: false };
}

/** HSET and HMSET: the pairs after the key; an odd count is an arity error naming the command. */
function setPairs(c: Client, argv: string[], name: string): number {
  if (argv.length % 2 === 1) fail(Err.wrongArity(name));
  const key = argv[1];
  const { h, created } = hashForWrite(c, key);
  const lim = limits(c);
  h.prepareFor(argv, 2, lim);
  let added = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i], argv[i + 1], lim)) added++;
  if (created) c.db.set(key, h, true);
  c.server.keyChanged(c.db, key, 'h', 'hset');
  // One change per field written, new or not.
  c.server.propagate(c.db.id, argv, (argv.length - 2) / 2);
  return added;
}

// HSET key field value [field value ...]
function hset(c: Client, argv: string[]): void {
  c.integer(setPairs(c, argv, 'hset'));
}

// HMSET key field value [field value ...]
function hmset(c: Client, argv: string[]): void {
  setPairs(c, argv, 'hmset');
  c.ok();
}

// HSETNX key field value
function hsetnx(c: Client, argv: string[]): void {
  const key = argv[1];
  const { h, created } = hashForWrite(c, key);
  if (h.has(argv[2])) {
    c.integer(0);
    return;
  }
  const lim = limits(c);
  h.prepareFor(argv, 2, lim);
  h.set(argv[2], argv[3], lim);
  if (created) c.db.set(key, h, true);
  c.server.keyChanged(c.db, key, 'h', 'hset');
  c.server.propagate(c.db.id, argv);
  c.integer(1);
}

// HGET key field
function hget(c: Client, argv: string[]): void {
  const v = readTyped<HashValue>(c, argv[1], 'hash')?.get(argv[2]);
  if (v === undefined) c.nil();
  else c.bulk(v);
}

// HMGET key field [field ...]
function hmget(c: Client, argv: string[]): void {
  const h = readTyped<HashValue>(c, argv[1], 'hash');
  c.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = h?.get(argv[i]);
    if (v === undefined) c.nil();
    else c.bulk(v);
  }
}

// HDEL key field [field ...]
function hdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = writeTyped<HashValue>(c, key, 'hash');
  if (h === undefined) {
    c.integer(0);
    return;
  }
  let deleted = 0;
  let emptied = false;
  for (let i = 2; i < argv.length; i++) {
    if (!h.delete(argv[i])) continue;
    deleted++;
    if (h.size === 0) {
      c.db.delete(key);
      emptied = true;
      break;
    }
  }
  if (deleted > 0) {
    c.server.keyChanged(c.db, key, 'h', 'hdel');
    if (emptied) c.server.keyChanged(c.db, key, 'g', 'del');
    c.server.propagate(c.db.id, argv, deleted);
  }
  c.integer(deleted);
}

// HLEN key
function hlen(c: Client, argv: string[]): void {
  c.integer(readTyped<HashValue>(c, argv[1], 'hash')?.size ?? 0);
}

// HSTRLEN key field
function hstrlen(c: Client, argv: string[]): void {
  c.integer(readTyped<HashValue>(c, argv[1], 'hash')?.get(argv[2])?.length ?? 0);
}

// HEXISTS key field
function hexists(c: Client, argv: string[]): void {
  const h = readTyped<HashValue>(c, argv[1], 'hash');
  c.integer(h !== undefined && h.has(argv[2]) ? 1 : 0);
}

// HINCRBY key field increment
function hincrby(c: Client, argv: string[]): void {
  const key = argv[1];
  const incr = int64Arg(argv[3]);
  const { h, created } = hashForWrite(c, key);
  const old = h.get(argv[2]);
  let cur: number | bigint = 0;
  if (old !== undefined) {
    const n = parseInt64(old);
    if (n === null) fail('ERR hash value is not an integer');
    cur = n;
  }
  const next = addInt64(cur, incr);
  if (next === null) fail(Err.overflow);
  h.set(argv[2], String(next), limits(c));
  if (created) c.db.set(key, h, true);
  c.server.keyChanged(c.db, key, 'h', 'hincrby');
  c.server.propagate(c.db.id, argv);
  c.integer(next);
}

// HINCRBYFLOAT key field increment
function hincrbyfloat(c: Client, argv: string[]): void {
  const key = argv[1];
  const incr = parseLongDouble(argv[3]);
  if (incr === null) fail(Err.notFloat);
  // Why: unlike INCRBYFLOAT, HINCRBYFLOAT rejects an infinite increment up front.
  if (incr.inf) fail('ERR value is NaN or Infinity');
  const { h, created } = hashForWrite(c, key);
  const old = h.get(argv[2]);
  const cur = parseLongDouble(old ?? '0');
  if (cur === null) fail('ERR hash value is not a float');
  // Redis adds in x87 long double and prints with %.17Lf: emulated exactly.
  const sum = addLongDouble(cur, incr);
  if (sum.inf) fail('ERR increment would produce NaN or Infinity');
  const text = formatLongDoubleHuman(sum);
  h.set(argv[2], text, limits(c));
  if (created) c.db.set(key, h, true);
  c.server.keyChanged(c.db, key, 'h', 'hincrbyfloat');
  c.server.propagate(c.db.id, ['HSET', key, argv[2], text]);
  c.bulk(text);
}

const KEYS = 1;
const VALUES = 2;

/** HKEYS, HVALS, HGETALL: a RESP3 map when both are asked for, else a flat array. */
function getAll(c: Client, key: string, what: number): void {
  const h = readTyped<HashValue>(c, key, 'hash');
  const both = what === (KEYS | VALUES);
  const n = h?.size ?? 0;
  if (both) c.map(n);
  else c.array(n);
  h?.forEach((f, v) => {
    if (what & KEYS) c.bulk(f);
    if (what & VALUES) c.bulk(v);
  });
}

// HKEYS key
function hkeys(c: Client, argv: string[]): void {
  getAll(c, argv[1], KEYS);
}

// HVALS key
function hvals(c: Client, argv: string[]): void {
  getAll(c, argv[1], VALUES);
}

// HGETALL key
function hgetall(c: Client, argv: string[]): void {
  getAll(c, argv[1], KEYS | VALUES);
}

/** LONG_MAX / 2: the WITHVALUES count bound (the reply holds twice as many items). */
const HALF_LONG_MAX = 4611686018427387903n;

/** One field (and its value) of a HRANDFIELD reply: RESP3 nests each pair in an array. */
function replyField(c: Client, h: HashValue, field: string, withValues: boolean): void {
  if (withValues && c.resp === 3) c.array(2);
  c.bulk(field);
  if (withValues) c.bulk(h.get(field)!);
}

// HRANDFIELD key [count [WITHVALUES]]
function hrandfield(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    const h = readTyped<HashValue>(c, argv[1], 'hash');
    if (h === undefined) c.nil();
    else c.bulk(h.randomField());
    return;
  }
  const l = randomCountArg(argv[2]);
  if (argv.length > 4 || (argv.length === 4 && !isOption(argv[3], 'WITHVALUES'))) fail(Err.syntax);
  const withValues = argv.length === 4;
  if (withValues && (l < -HALF_LONG_MAX || l > HALF_LONG_MAX)) fail('ERR value is out of range');
  const h = readTyped<HashValue>(c, argv[1], 'hash');
  if (h === undefined || l === 0 || l === 0n) {
    c.array(0);
    return;
  }
  const unique = l > 0;
  const count = Number(unique ? l : -l);
  const flat = withValues && c.resp === 2 ? 2 : 1;
  if (!unique || count === 1) {
    // Repeats allowed: each pick samples the whole hash, in random order.
    checkRepeatedPicks(count);
    c.array(count * flat);
    for (let i = 0; i < count; i++) replyField(c, h, h.randomField(), withValues);
    return;
  }
  const size = h.size;
  if (count >= size) {
    c.array(size * flat);
    h.forEach((f) => replyField(c, h, f, withValues));
    return;
  }
  const picked = uniqueFields(h, count);
  c.array(count * flat);
  for (const f of picked) replyField(c, h, f, withValues);
}

/**
 * `count` distinct random fields (count < size). A listpack is sampled in
 * one ordered pass (Redis also answers listpacks in their own order); a
 * hashtable by removing random fields from a copy when most are wanted, else
 * by drawing until enough distinct ones came up (Redis's cases 3 and 4).
 */
function uniqueFields(h: HashValue, count: number): string[] {
  const size = h.size;
  if (h.encoding() === 'listpack') {
    const out: string[] = [];
    for (let i = 0; i < size && out.length < count; i++) {
      if (Math.random() * (size - i) < count - out.length) out.push(h.listpackField(i)!);
    }
    return out;
  }
  if (count * 3 > size) {
    const all: string[] = [];
    h.forEach((f) => void all.push(f));
    return keepRandom(all, count);
  }
  const seen = new Set<string>();
  while (seen.size < count) seen.add(h.randomField());
  return [...seen];
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
function hscan(c: Client, argv: string[]): void {
  const cursor = collectionCursor(argv[2]);
  const h = readTyped<HashValue>(c, argv[1], 'hash');
  if (h === undefined) {
    replyEmptyScan(c);
    return;
  }
  const o = parseCollectionScanOptions(argv, 3);
  const items: string[] = [];
  const next = h.scan(cursor, scanBudget(o), (f, v) => void items.push(f, v));
  replyScan(c, next, items, o.pattern, true);
}

export const hashCommands: CommandDef[] = [
  { name: 'hset', handler: hset },
  { name: 'hmset', handler: hmset },
  { name: 'hsetnx', handler: hsetnx },
  { name: 'hget', handler: hget },
  { name: 'hmget', handler: hmget },
  { name: 'hdel', handler: hdel },
  { name: 'hlen', handler: hlen },
  { name: 'hstrlen', handler: hstrlen },
  { name: 'hexists', handler: hexists },
  { name: 'hincrby', handler: hincrby },
  { name: 'hincrbyfloat', handler: hincrbyfloat },
  { name: 'hkeys', handler: hkeys },
  { name: 'hvals', handler: hvals },
  { name: 'hgetall', handler: hgetall },
  { name: 'hrandfield', handler: hrandfield },
  { name: 'hscan', handler: hscan },
];
