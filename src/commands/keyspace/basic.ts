/**
 * DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE SWAPDB RANDOMKEY.
 */
import { Err, fail } from '../../errors.js';
import type { Database } from '../../keyspace/db.js';
import type { Client } from '../../net/client.js';
import { parseInt64 } from '../../types/int64.js';
import { noteEncoding, stringEncoding } from '../../types/strings.js';
import { typeOf, type Value } from '../../types/value.js';
import { isWord } from '../args.js';
import type { CommandDef } from '../table.js';

const INT32_RANGE = 'ERR value is out of range, value must between -2147483648 and 2147483647';

/**
 * Parses a C `int` argument like Redis's getIntFromObjectOrReply: `msg` (if
 * given) replaces both the "not an integer" and the "out of range" errors.
 */
export function int32Arg(s: string, msg?: string): number {
  const n = parseInt64(s);
  if (n === null) fail(msg ?? Err.notInteger);
  if (typeof n !== 'number' || n < -2147483648 || n > 2147483647) fail(msg ?? INT32_RANGE);
  return n;
}

/**
 * Stores `v` at dst/dstKey with the TTL and string encoding it had at
 * src/srcKey (RENAME, MOVE and COPY keep both; Redis moves or duplicates the
 * object with its encoding).
 */
function placeLike(c: Client, src: Database, srcKey: string, dst: Database, dstKey: string, v: Value, when: number): void {
  const enc = typeof v === 'string' ? stringEncoding(v, src, srcKey) : null;
  dst.set(dstKey, v);
  if (when !== -1) dst.setExpire(dstKey, when);
  if (enc !== null) noteEncoding(dst, dstKey, v as string, enc);
  // A list or zset arriving under a name clients are blocked on serves them.
  else c.server.blocking.signalReady(dst, dstKey);
}

/** The database with index `id`, or ERR DB index is out of range. */
function dbAt(c: Client, id: number): Database {
  if (id < 0 || id >= c.server.dbs.length) fail(Err.dbIndexOutOfRange);
  return c.server.dbs[id];
}

/**
 * A deep copy of a value for COPY. Strings are immutable so they are shared.
 * Aggregate values may provide `clone()`; otherwise their own fields are
 * copied recursively (Maps, Sets, arrays, typed arrays, class instances keep
 * their prototypes).
 */
export function cloneValue(v: Value): Value {
  if (typeof v === 'string') return v;
  const withClone = v as Value & { clone?: () => Value };
  if (typeof withClone.clone === 'function') return withClone.clone();
  return deepCopy(v) as Value;
}

function deepCopy(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Buffer.isBuffer(x)) return Buffer.from(x);
  if (ArrayBuffer.isView(x)) return (x as unknown as { slice(): unknown }).slice();
  if (Array.isArray(x)) return x.map(deepCopy);
  if (x instanceof Map) return new Map([...x].map(([k, v]) => [deepCopy(k), deepCopy(v)]));
  if (x instanceof Set) return new Set([...x].map(deepCopy));
  const out = Object.create(Object.getPrototypeOf(x) as object) as Record<string, unknown>;
  for (const k of Object.keys(x)) out[k] = deepCopy((x as Record<string, unknown>)[k]);
  return out;
}

// DEL key [key ...]   /   UNLINK key [key ...]
function del(c: Client, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i];
    // An expired key is expired first (its own DEL propagates), then counts as missing.
    if (db.peek(key) === undefined) continue;
    db.delete(key);
    c.server.keyChanged(db, key, 'g', 'del');
    n++;
  }
  if (n > 0) c.server.propagate(db.id, argv, n);
  c.integer(n);
}

/** How many of the keys exist (a key named twice counts twice, as in Redis); only TOUCH's lookups are accesses. */
function existing(c: Client, argv: string[], touch: boolean): number {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if ((touch ? c.db.get(argv[i]) : c.db.getNoTouch(argv[i])) !== undefined) n++;
  return n;
}

// EXISTS key [key ...]
function exists(c: Client, argv: string[]): void {
  c.integer(existing(c, argv, false));
}

// TOUCH key [key ...]
function touch(c: Client, argv: string[]): void {
  c.integer(existing(c, argv, true));
}

// TYPE key
function type(c: Client, argv: string[]): void {
  const v = c.db.getNoTouch(argv[1]);
  c.simple(v === undefined ? 'none' : typeOf(v));
}

/** RENAME and RENAMENX; returns false when NX found the destination taken. */
function renameGeneric(c: Client, argv: string[], nx: boolean): boolean {
  const [, src, dst] = argv;
  const db = c.db;
  const v = db.peek(src);
  if (v === undefined) fail(Err.noSuchKey);
  // Why: renaming a key onto itself succeeds without touching anything.
  if (src === dst) return true;
  const when = db.getExpire(src);
  if (db.peek(dst) !== undefined) {
    if (nx) return false;
    db.delete(dst);
  }
  placeLike(c, db, src, db, dst, v, when);
  // The object moves, with its LRU/LFU field (just stamped by the lookup).
  db.setAccess(dst, db.accessOf(src));
  db.delete(src);
  c.server.keyChanged(db, src, 'g', 'rename_from');
  c.server.keyChanged(db, dst, 'g', 'rename_to');
  c.server.propagate(db.id, argv);
  return true;
}

// RENAME key newkey
function rename(c: Client, argv: string[]): void {
  renameGeneric(c, argv, false);
  c.ok();
}

// RENAMENX key newkey
function renamenx(c: Client, argv: string[]): void {
  const src = argv[1];
  // Why: with src === dst Redis replies 0 (after checking the key exists).
  const done = renameGeneric(c, argv, true);
  c.integer(done && src !== argv[2] ? 1 : 0);
}

// MOVE key db
function move(c: Client, argv: string[]): void {
  const key = argv[1];
  const src = c.db;
  const dst = dbAt(c, int32Arg(argv[2]));
  if (src === dst) fail('ERR source and destination objects are the same');
  const v = src.peek(key);
  if (v === undefined || dst.peek(key) !== undefined) {
    c.integer(0);
    return;
  }
  const when = src.getExpire(key);
  placeLike(c, src, key, dst, key, v, when);
  dst.setAccess(key, src.accessOf(key));
  src.delete(key);
  c.server.keyChanged(src, key, 'g', 'move_from');
  c.server.keyChanged(dst, key, 'g', 'move_to');
  c.server.propagate(src.id, argv);
  c.integer(1);
}

// COPY source destination [DB destination-db] [REPLACE]
function copy(c: Client, argv: string[]): void {
  const [, key, newkey] = argv;
  const src = c.db;
  let dst = src;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    if (isWord(argv[i], 'REPLACE')) replace = true;
    else if (isWord(argv[i], 'DB') && i + 1 < argv.length) dst = dbAt(c, int32Arg(argv[++i]));
    else fail(Err.syntax);
  }
  if (src === dst && key === newkey) fail('ERR source and destination objects are the same');
  const v = src.get(key);
  if (v === undefined) {
    c.integer(0);
    return;
  }
  const when = src.getExpire(key);
  if (dst.peek(newkey) !== undefined) {
    if (!replace) {
      c.integer(0);
      return;
    }
    dst.delete(newkey);
  }
  placeLike(c, src, key, dst, newkey, cloneValue(v), when);
  c.server.keyChanged(dst, newkey, 'g', 'copy_to');
  c.server.propagate(src.id, argv);
  c.integer(1);
}

// SWAPDB index1 index2
function swapdb(c: Client, argv: string[]): void {
  const a = int32Arg(argv[1], 'ERR invalid first DB index');
  const b = int32Arg(argv[2], 'ERR invalid second DB index');
  const dbs = c.server.dbs;
  if (a < 0 || a >= dbs.length || b < 0 || b >= dbs.length) fail(Err.dbIndexOutOfRange);
  if (a !== b) {
    dbs[a].swapWith(dbs[b]);
    // Clients blocked in either database may now find their keys.
    c.server.blocking.signalDatabase(dbs[a]);
    c.server.blocking.signalDatabase(dbs[b]);
  }
  c.server.propagate(c.db.id, argv);
  c.ok();
}

// RANDOMKEY
function randomkey(c: Client): void {
  const db = c.db;
  for (;;) {
    const key = db.dict.randomKey();
    if (key === undefined) {
      c.nil();
      return;
    }
    // Why: like Redis, an expired pick is expired and another key is drawn.
    if (db.expires.size !== 0 && db.expireIfNeeded(key)) continue;
    c.bulk(key);
    return;
  }
}

export const basicKeyspaceCommands: CommandDef[] = [
  { name: 'del', handler: del },
  { name: 'unlink', handler: del },
  { name: 'exists', handler: exists },
  { name: 'touch', handler: touch },
  { name: 'type', handler: type },
  { name: 'rename', handler: rename },
  { name: 'renamenx', handler: renamenx },
  { name: 'move', handler: move },
  { name: 'copy', handler: copy },
  { name: 'swapdb', handler: swapdb },
  { name: 'randomkey', handler: randomkey },
];
