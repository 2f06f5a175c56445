/**
 * String commands: GET SET and their variants, MGET MSET, APPEND SETRANGE
 * GETRANGE STRLEN, the INCR family, INCRBYFLOAT and LCS.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import type { Value } from '../types/value.js';
import { INT64_MAX, INT64_MIN, addInt64, parseInt64 } from '../types/int64.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../types/long-double.js';
import { lcs, noteEncoding, stringRange } from '../types/strings.js';
import { int64Arg, intArg, isWord } from './args.js';
import type { CommandDef } from './table.js';

/** The string at key, undefined if missing; WRONGTYPE for other types. */
export function getString(c: Client, key: string): string | undefined {
  const v: Value | undefined = c.db.get(key);
  if (v === undefined || typeof v === 'string') return v;
  fail(Err.wrongType);
}

/** Like getString but without hit/miss accounting (Redis's lookupKeyWrite). */
function peekString(c: Client, key: string): string | undefined {
  const v: Value | undefined = c.db.peek(key);
  if (v === undefined || typeof v === 'string') return v;
  fail(Err.wrongType);
}

// GET key
function get(c: Client, argv: string[]): void {
  const v = getString(c, argv[1]);
  if (v === undefined) c.nil();
  else c.bulk(v);
}

const enum Opt {
  NX = 1,
  XX = 2,
  GET = 4,
  KEEPTTL = 8,
  PERSIST = 16,
  EX = 32,
  PX = 64,
  EXAT = 128,
  PXAT = 256,
  ANY_EXPIRE = EX | PX | EXAT | PXAT,
}

/** Parsed SET/GETEX options: flags and the expiry argument (not yet validated). */
interface ExtOptions {
  flags: number;
  expire: string | null;
}

/** An option word as C's string compare sees it: up to the first NUL byte, upper-cased. */
function optWord(a: string): string {
  const nul = a.indexOf('\0');
  return (nul < 0 ? a : a.slice(0, nul)).toUpperCase();
}

/**
 * Parses SET's (forSet) or GETEX's options. Like Redis, only the syntax is
 * checked here (the expiry number is validated afterwards, so a syntax error
 * wins over a bad number). A repeated NX, GET or EX is accepted; the last
 * expiry of the same unit wins.
 */
function parseExtOptions(argv: string[], from: number, forSet: boolean): ExtOptions {
  let flags = 0;
  let expire: string | null = null;
  for (let i = from; i < argv.length; i++) {
    const a = optWord(argv[i]);
    const hasNext = i + 1 < argv.length;
    const expireOk = !(flags & (Opt.KEEPTTL | Opt.PERSIST)) && hasNext;
    if (forSet && a === 'NX' && !(flags & Opt.XX)) flags |= Opt.NX;
    else if (forSet && a === 'XX' && !(flags & Opt.NX)) flags |= Opt.XX;
    else if (forSet && a === 'GET') flags |= Opt.GET;
    else if (forSet && a === 'KEEPTTL' && !(flags & (Opt.PERSIST | Opt.ANY_EXPIRE))) flags |= Opt.KEEPTTL;
    else if (!forSet && a === 'PERSIST' && !(flags & (Opt.KEEPTTL | Opt.ANY_EXPIRE))) flags |= Opt.PERSIST;
    else if (a === 'EX' && expireOk && !(flags & (Opt.ANY_EXPIRE & ~Opt.EX))) ((flags |= Opt.EX), (expire = argv[++i]));
    else if (a === 'PX' && expireOk && !(flags & (Opt.ANY_EXPIRE & ~Opt.PX))) ((flags |= Opt.PX), (expire = argv[++i]));
    else if (a === 'EXAT' && expireOk && !(flags & (Opt.ANY_EXPIRE & ~Opt.EXAT))) ((flags |= Opt.EXAT), (expire = argv[++i]));
    else if (a === 'PXAT' && expireOk && !(flags & (Opt.ANY_EXPIRE & ~Opt.PXAT))) ((flags |= Opt.PXAT), (expire = argv[++i]));
    else fail(Err.syntax);
  }
  return { flags, expire };
}

const MAX_SECONDS = 9223372036854775n; // LLONG_MAX / 1000

/**
 * The absolute expiry in ms for an EX/PX/EXAT/PXAT argument, with Redis's
 * errors: not an integer, or "invalid expire time" when <= 0, when seconds
 * would overflow as ms, or when adding the current time overflows int64.
 * Why lossy: expiries are stored as JS numbers, exact up to 2^53 ms.
 */
function expireAtMs(c: Client, arg: string, flags: number, cmd: string): number {
  const n = int64Arg(arg);
  const seconds = (flags & (Opt.EX | Opt.EXAT)) !== 0;
  const relative = (flags & (Opt.EX | Opt.PX)) !== 0;
  if (n <= 0) fail(Err.invalidExpire(cmd));
  if (typeof n === 'number') {
    const ms = (seconds ? n * 1000 : n) + (relative ? c.server.now() : 0);
    if (Number.isSafeInteger(ms)) return ms;
  }
  const big = BigInt(n);
  if (seconds && big > MAX_SECONDS) fail(Err.invalidExpire(cmd));
  const ms = (seconds ? big * 1000n : big) + (relative ? BigInt(c.server.now()) : 0n);
  if (ms > INT64_MAX) fail(Err.invalidExpire(cmd)); // Redis's signed addition wraps negative
  return Number(ms);
}

/** SET's argv minus its GET options: Redis 7.0 propagates SET ... GET without them. */
function withoutGet(argv: string[]): string[] {
  const out = argv.slice(0, 3);
  for (let i = 3; i < argv.length; i++) if (optWord(argv[i]) !== 'GET') out.push(argv[i]);
  return out;
}

function replyOld(c: Client, old: string | undefined): void {
  if (old === undefined) c.nil();
  else c.bulk(old);
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
function set(c: Client, argv: string[]): void {
  const key = argv[1];
  const value = argv[2];
  const db = c.db;
  if (argv.length === 3) {
    db.set(key, value);
    c.server.keyChanged(db, key, '$', 'set');
    c.server.propagate(db.id, argv);
    c.ok();
    return;
  }
  const { flags, expire } = parseExtOptions(argv, 3, true);
  const expireAt = expire === null ? -1 : expireAtMs(c, expire, flags, 'set');
  // With GET the old value is replied (or WRONGTYPE raised) before NX/XX apply.
  const old = flags & Opt.GET ? getString(c, key) : undefined;
  const found = flags & Opt.GET ? old !== undefined : db.peek(key) !== undefined;
  if ((flags & Opt.NX && found) || (flags & Opt.XX && !found)) {
    replyOld(c, old);
    return;
  }
  db.set(key, value, (flags & Opt.KEEPTTL) !== 0);
  c.server.keyChanged(db, key, '$', 'set');
  if (expireAt >= 0) {
    // Why: an EXAT/PXAT in the past is accepted in 7.0; the key then expires on next access.
    db.setExpire(key, expireAt);
    c.server.keyChanged(db, key, 'g', 'expire');
    // Relative expiries are propagated as absolute ones so replays agree.
    c.server.propagate(db.id, ['SET', key, value, 'PXAT', String(expireAt)]);
  } else c.server.propagate(db.id, flags & Opt.GET ? withoutGet(argv) : argv);
  if (flags & Opt.GET) replyOld(c, old);
  else c.ok();
}

// SETNX key value
function setnx(c: Client, argv: string[]): void {
  const db = c.db;
  if (db.peek(argv[1]) !== undefined) return c.integer(0);
  db.set(argv[1], argv[2]);
  c.server.keyChanged(db, argv[1], '$', 'set');
  c.server.propagate(db.id, argv);
  c.integer(1);
}

/** SETEX / PSETEX: SET with a relative expiry in the given unit. */
function setWithExpire(c: Client, argv: string[], unit: Opt, cmd: string): void {
  const db = c.db;
  const key = argv[1];
  const value = argv[3];
  const expireAt = expireAtMs(c, argv[2], unit, cmd);
  db.set(key, value);
  c.server.keyChanged(db, key, '$', 'set');
  db.setExpire(key, expireAt);
  c.server.keyChanged(db, key, 'g', 'expire');
  c.server.propagate(db.id, ['SET', key, value, 'PXAT', String(expireAt)]);
  c.ok();
}

// SETEX key seconds value
function setex(c: Client, argv: string[]): void {
  setWithExpire(c, argv, Opt.EX, 'setex');
}

// PSETEX key milliseconds value
function psetex(c: Client, argv: string[]): void {
  setWithExpire(c, argv, Opt.PX, 'psetex');
}

// GETSET key value
function getset(c: Client, argv: string[]): void {
  const db = c.db;
  const old = getString(c, argv[1]);
  db.set(argv[1], argv[2]);
  c.server.keyChanged(db, argv[1], '$', 'set');
  c.server.propagate(db.id, ['SET', argv[1], argv[2]]);
  replyOld(c, old);
}

// GETDEL key
function getdel(c: Client, argv: string[]): void {
  const db = c.db;
  const old = getString(c, argv[1]);
  if (old === undefined) return c.nil();
  db.delete(argv[1]);
  c.server.keyChanged(db, argv[1], 'g', 'del');
  c.server.propagate(db.id, ['DEL', argv[1]]);
  c.bulk(old);
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]
function getex(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const { flags, expire } = parseExtOptions(argv, 2, false);
  const v = getString(c, key);
  if (v === undefined) return c.nil();
  const expireAt = expire === null ? -1 : expireAtMs(c, expire, flags, 'getex');
  c.bulk(v);
  if (flags & (Opt.EXAT | Opt.PXAT) && expireAt <= c.server.now() && !c.server.loading) {
    // An absolute time already past deletes the key right away.
    db.delete(key);
    c.server.keyChanged(db, key, 'g', 'del');
    c.server.propagate(db.id, ['DEL', key]);
  } else if (expireAt >= 0) {
    db.setExpire(key, expireAt);
    c.server.keyChanged(db, key, 'g', 'expire');
    c.server.propagate(db.id, ['PEXPIREAT', key, String(expireAt)]);
  } else if (flags & Opt.PERSIST && db.persist(key)) {
    c.server.keyChanged(db, key, 'g', 'persist');
    c.server.propagate(db.id, ['PERSIST', key]);
  }
}

// MGET key [key ...]
function mget(c: Client, argv: string[]): void {
  c.array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const v = c.db.get(argv[i]);
    // Why: MGET answers nil for a key of another type instead of WRONGTYPE.
    if (typeof v === 'string') c.bulk(v);
    else c.nil();
  }
}

/** MSET / MSETNX: the pairs are checked here because arity only gives a minimum. */
function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) fail(Err.wrongArity(nx ? 'msetnx' : 'mset'));
  const db = c.db;
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) if (db.peek(argv[i]) !== undefined) return c.integer(0);
  }
  for (let i = 1; i < argv.length; i += 2) {
    db.set(argv[i], argv[i + 1]);
    c.server.keyChanged(db, argv[i], '$', 'set');
  }
  // One change per pair, repeated keys included.
  c.server.propagate(db.id, argv, (argv.length - 1) / 2);
  if (nx) c.integer(1);
  else c.ok();
}

// MSET key value [key value ...]
function mset(c: Client, argv: string[]): void {
  msetGeneric(c, argv, false);
}

// MSETNX key value [key value ...]
function msetnx(c: Client, argv: string[]): void {
  msetGeneric(c, argv, true);
}

/** Node's longest string; past it we answer as if proto-max-bulk-len were hit. */
const MAX_JS_STRING = 2 ** 29 - 24;

/** checkStringLength: the grown string must fit proto-max-bulk-len. */
function checkStringLength(c: Client, total: number): void {
  if (total > c.server.config.int('proto-max-bulk-len') || total > MAX_JS_STRING) fail(Err.stringTooLong);
}

// APPEND key value
function append(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const old = peekString(c, key);
  let v = argv[2];
  if (old === undefined) {
    // A new key gets the argument's normal encoding (int/embstr/raw).
    db.set(key, v);
  } else {
    checkStringLength(c, old.length + v.length);
    v = old + v;
    db.set(key, v, true);
    // Appending grows a private copy, which Redis always encodes "raw".
    noteEncoding(db, key, v, 'raw');
  }
  c.server.keyChanged(db, key, '$', 'append');
  c.server.propagate(db.id, argv);
  c.integer(v.length);
}

// STRLEN key
function strlen(c: Client, argv: string[]): void {
  const v = getString(c, argv[1]);
  c.integer(v === undefined ? 0 : v.length);
}

// GETRANGE key start end (SUBSTR is the same command)
function getrange(c: Client, argv: string[]): void {
  const start = int64Arg(argv[2]);
  const end = int64Arg(argv[3]);
  const v = getString(c, argv[1]);
  c.bulk(v === undefined ? '' : stringRange(v, start, end));
}

// SETRANGE key offset value
function setrange(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const value = argv[3];
  const offset = intArg(argv[2]);
  if (offset < 0) fail(Err.outOfRangeOffset);
  const old = peekString(c, key);
  if (value.length === 0) return c.integer(old === undefined ? 0 : old.length);
  checkStringLength(c, offset + value.length);
  const base = old ?? '';
  const head = base.length >= offset ? base.slice(0, offset) : base + '\0'.repeat(offset - base.length);
  const v = head + value + base.slice(offset + value.length);
  db.set(key, v, true);
  noteEncoding(db, key, v, 'raw');
  c.server.keyChanged(db, key, '$', 'setrange');
  c.server.propagate(db.id, argv);
  c.integer(v.length);
}

/** INCR/DECR/INCRBY/DECRBY: adds `incr` to the int64 at key, keeping its TTL. */
function incrBy(c: Client, argv: string[], incr: number | bigint): void {
  const db = c.db;
  const key = argv[1];
  const old = peekString(c, key);
  const value = old === undefined ? 0 : parseInt64(old);
  if (value === null) fail(Err.notInteger);
  const r = addInt64(value, incr);
  if (r === null) fail(Err.overflow);
  db.set(key, String(r), true);
  c.server.keyChanged(db, key, '$', 'incrby');
  c.server.propagate(db.id, argv);
  c.integer(r);
}

// INCR key
function incr(c: Client, argv: string[]): void {
  incrBy(c, argv, 1);
}

// DECR key
function decr(c: Client, argv: string[]): void {
  incrBy(c, argv, -1);
}

// INCRBY key increment
function incrby(c: Client, argv: string[]): void {
  incrBy(c, argv, int64Arg(argv[2]));
}

// DECRBY key decrement
function decrby(c: Client, argv: string[]): void {
  const n = int64Arg(argv[2]);
  // Why: -LLONG_MIN does not exist, so Redis rejects it before looking at the key.
  if (n === INT64_MIN) fail('ERR decrement would overflow');
  incrBy(c, argv, typeof n === 'number' ? -n : -n /* bigint */);
}

// INCRBYFLOAT key increment
function incrbyfloat(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const old = peekString(c, key);
  const value = old === undefined ? parseLongDouble('0') : parseLongDouble(old);
  const inc = value === null ? null : parseLongDouble(argv[2]);
  if (value === null || inc === null) fail(Err.notFloat);
  // Redis adds in x87 long double and prints with %.17Lf: emulated exactly.
  const sum = addLongDouble(value, inc);
  if (sum.inf) fail('ERR increment would produce NaN or Infinity');
  const text = formatLongDoubleHuman(sum);
  db.set(key, text, true);
  // The result is built as a plain string object: never "int" encoded.
  noteEncoding(db, key, text, text.length <= 44 ? 'embstr' : 'raw');
  c.server.keyChanged(db, key, '$', 'incrbyfloat');
  c.server.propagate(db.id, ['SET', key, text, 'KEEPTTL']);
  c.bulk(text);
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
function lcsCommand(c: Client, argv: string[]): void {
  const va = c.db.get(argv[1]);
  const vb = c.db.get(argv[2]);
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) {
    fail('ERR The specified keys must contain string values');
  }
  const a = va ?? '';
  const b = vb ?? '';
  let getIdx = false;
  let getLen = false;
  let withLen = false;
  let minLen = 0;
  for (let i = 3; i < argv.length; i++) {
    const o = optWord(argv[i]);
    if (o === 'IDX') getIdx = true;
    else if (o === 'LEN') getLen = true;
    else if (o === 'WITHMATCHLEN') withLen = true;
    else if (o === 'MINMATCHLEN' && i + 1 < argv.length) {
      const n = int64Arg(argv[++i]);
      minLen = n < 0 ? 0 : Number(n);
    } else fail(Err.syntax);
  }
  if (getIdx && getLen) fail('ERR If you want both the length and indexes, please just use IDX.');
  if ((a.length + 1) * (b.length + 1) * 4 > c.server.config.int('proto-max-bulk-len')) {
    fail('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  }
  const r = lcs(a, b, minLen, !getLen && !getIdx, getIdx);
  if (getIdx) replyLcsMatches(c, r.matches, r.len, withLen);
  else if (getLen) c.integer(r.len);
  else c.bulk(r.text);
}

/** LCS IDX's reply: a map {matches: [[[a1,a2],[b1,b2](,len)]...], len}. */
function replyLcsMatches(c: Client, matches: ReturnType<typeof lcs>['matches'], len: number, withLen: boolean): void {
  c.map(2);
  c.bulk('matches');
  c.array(matches.length);
  for (const m of matches) {
    c.array(withLen ? 3 : 2);
    c.array(2);
    c.integer(m.aStart);
    c.integer(m.aEnd);
    c.array(2);
    c.integer(m.bStart);
    c.integer(m.bEnd);
    if (withLen) c.integer(m.len);
  }
  c.bulk('len');
  c.integer(len);
}

export { isWord };

export const stringCommands: CommandDef[] = [
  { name: 'get', handler: get },
  { name: 'set', handler: set },
  { name: 'setnx', handler: setnx },
  { name: 'setex', handler: setex },
  { name: 'psetex', handler: psetex },
  { name: 'getset', handler: getset },
  { name: 'getdel', handler: getdel },
  { name: 'getex', handler: getex },
  { name: 'mget', handler: mget },
  { name: 'mset', handler: mset },
  { name: 'msetnx', handler: msetnx },
  { name: 'append', handler: append },
  { name: 'strlen', handler: strlen },
  { name: 'getrange', handler: getrange },
  { name: 'substr', handler: getrange },
  { name: 'setrange', handler: setrange },
  { name: 'incr', handler: incr },
  { name: 'decr', handler: decr },
  { name: 'incrby', handler: incrby },
  { name: 'decrby', handler: decrby },
  { name: 'incrbyfloat', handler: incrbyfloat },
  { name: 'lcs', handler: lcsCommand },
];
