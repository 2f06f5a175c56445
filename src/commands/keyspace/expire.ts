/**
 * EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX XX GT LT), TTL PTTL EXPIRETIME
 * PEXPIRETIME, PERSIST.
 *
 * Expiry times are absolute Unix milliseconds. The arithmetic is checked in
 * int64 like Redis (so its overflow errors match), then stored as a JS number:
 * times beyond 2^53 ms (year 287396) lose precision, a documented deviation.
 */
import { Err, fail, sanitize } from '../../errors.js';
import type { Client } from '../../net/client.js';
import { INT64_MAX, parseInt64 } from '../../types/int64.js';
import type { CommandDef } from '../table.js';

const enum ExpireFlag {
  NX = 1,
  XX = 2,
  GT = 4,
  LT = 8,
}

const INT64_MIN_DIV_1000 = -9223372036854775n;
const INT64_MAX_DIV_1000 = 9223372036854775n;

/** Parses EXPIRE's trailing NX/XX/GT/LT options with Redis's conflict errors. */
function parseExpireFlags(argv: string[]): number {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const o = argv[i].toUpperCase();
    if (o === 'NX') flags |= ExpireFlag.NX;
    else if (o === 'XX') flags |= ExpireFlag.XX;
    else if (o === 'GT') flags |= ExpireFlag.GT;
    else if (o === 'LT') flags |= ExpireFlag.LT;
    else fail(sanitize(`ERR Unsupported option ${argv[i]}`));
  }
  if (flags & ExpireFlag.NX && flags & (ExpireFlag.XX | ExpireFlag.GT | ExpireFlag.LT)) {
    fail('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags & ExpireFlag.GT && flags & ExpireFlag.LT) fail('ERR GT and LT options at the same time are not compatible');
  return flags;
}

/**
 * The absolute expiry (ms) the arguments ask for, with Redis's overflow
 * checks: seconds*1000 and base+when must stay within int64.
 */
function expireTime(argv: string[], baseMs: number, seconds: boolean): bigint {
  const cmd = argv[0].toLowerCase();
  const n = parseInt64(argv[2]);
  if (n === null) fail(Err.notInteger);
  let when = BigInt(n);
  if (seconds) {
    if (when > INT64_MAX_DIV_1000 || when < INT64_MIN_DIV_1000) fail(Err.invalidExpire(cmd));
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(baseMs)) fail(Err.invalidExpire(cmd));
  return when + BigInt(baseMs);
}

/** True when the NX/XX/GT/LT conditions refuse the new time. */
function refusedByFlags(flags: number, current: number, when: bigint): boolean {
  if (flags & ExpireFlag.NX && current !== -1) return true;
  if (flags & ExpireFlag.XX && current === -1) return true;
  // Why: no TTL counts as an infinite one, so GT never wins over it and LT always does.
  if (flags & ExpireFlag.GT && (current === -1 || when <= BigInt(current))) return true;
  if (flags & ExpireFlag.LT && current !== -1 && when >= BigInt(current)) return true;
  return false;
}

function expireGeneric(c: Client, argv: string[], relative: boolean, seconds: boolean): void {
  const flags = parseExpireFlags(argv);
  const now = c.server.now();
  const when = expireTime(argv, relative ? now : 0, seconds);
  const key = argv[1];
  const db = c.db;
  if (db.peek(key) === undefined) {
    c.integer(0);
    return;
  }
  if (flags !== 0 && refusedByFlags(flags, db.getExpire(key), when)) {
    c.integer(0);
    return;
  }
  // While an AOF loads, a past time is stored, not applied (Redis's checkAlreadyExpired).
  if (when <= BigInt(now) && !c.server.loading) {
    // A time in the past deletes the key, propagated as an explicit DEL.
    db.delete(key);
    c.server.keyChanged(db, key, 'g', 'del');
    c.server.propagate(db.id, ['DEL', key]);
  } else {
    db.setExpire(key, Number(when));
    c.server.keyChanged(db, key, 'g', 'expire');
    c.server.propagate(db.id, ['PEXPIREAT', key, String(when), ...argv.slice(3)]);
  }
  c.integer(1);
}

// EXPIRE key seconds [NX | XX | GT | LT]
function expire(c: Client, argv: string[]): void {
  expireGeneric(c, argv, true, true);
}

// PEXPIRE key milliseconds [NX | XX | GT | LT]
function pexpire(c: Client, argv: string[]): void {
  expireGeneric(c, argv, true, false);
}

// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
function expireat(c: Client, argv: string[]): void {
  expireGeneric(c, argv, false, true);
}

// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
function pexpireat(c: Client, argv: string[]): void {
  expireGeneric(c, argv, false, false);
}

/** TTL family: -2 missing, -1 no TTL, else remaining (or absolute) time. */
function ttlGeneric(c: Client, key: string, ms: boolean, absolute: boolean): void {
  // Not an access (LOOKUP_NOTOUCH), but a keyspace hit or miss.
  if (c.db.getNoTouch(key) === undefined) {
    c.integer(-2);
    return;
  }
  const when = c.db.getExpire(key);
  if (when === -1) {
    c.integer(-1);
    return;
  }
  const t = Math.max(0, absolute ? when : when - c.server.now());
  // Why: seconds are rounded to nearest ((ms + 500) / 1000 in C integer math).
  const out = ms ? t : Math.floor((t + 500) / 1000);
  if (Number.isSafeInteger(out)) c.integer(out);
  else {
    // Beyond 2^53 the stored time is approximate; stay a valid int64 (so the
    // common "PEXPIREAT k 9223372036854775807" reads back exactly).
    const big = BigInt(out);
    c.integer(big > INT64_MAX ? INT64_MAX : big);
  }
}

// TTL key
function ttl(c: Client, argv: string[]): void {
  ttlGeneric(c, argv[1], false, false);
}

// PTTL key
function pttl(c: Client, argv: string[]): void {
  ttlGeneric(c, argv[1], true, false);
}

// EXPIRETIME key
function expiretime(c: Client, argv: string[]): void {
  ttlGeneric(c, argv[1], false, true);
}

// PEXPIRETIME key
function pexpiretime(c: Client, argv: string[]): void {
  ttlGeneric(c, argv[1], true, true);
}

// PERSIST key
function persist(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  if (db.peek(key) === undefined || !db.persist(key)) {
    c.integer(0);
    return;
  }
  c.server.keyChanged(db, key, 'g', 'persist');
  c.server.propagate(db.id, argv);
  c.integer(1);
}

export const expireCommands: CommandDef[] = [
  { name: 'expire', handler: expire },
  { name: 'pexpire', handler: pexpire },
  { name: 'expireat', handler: expireat },
  { name: 'pexpireat', handler: pexpireat },
  { name: 'ttl', handler: ttl },
  { name: 'pttl', handler: pttl },
  { name: 'expiretime', handler: expiretime },
  { name: 'pexpiretime', handler: pexpiretime },
  { name: 'persist', handler: persist },
];
