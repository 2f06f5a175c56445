/**
 * String commands.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import type { Value } from '../types/value.js';
import { intArg, isWord } from './args.js';
import type { CommandDef } from './table.js';

/** The string at key, undefined if missing; WRONGTYPE for other types. */
export function getString(c: Client, key: string): string | undefined {
  const v: Value | undefined = c.db.get(key);
  if (v === undefined || typeof v === 'string') return v;
  fail(Err.wrongType);
}

// GET key
function get(c: Client, argv: string[]): void {
  const v = getString(c, argv[1]);
  if (v === undefined) c.nil();
  else c.bulk(v);
}

const enum SetFlag {
  NX = 1,
  XX = 2,
  GET = 4,
  KEEPTTL = 8,
}

/** Parsed SET options: flags and an absolute expiry (ms) or -1. */
interface SetOptions {
  flags: number;
  expireAt: number;
}

/**
 * Parses SET's options (also used by GETEX-like callers): NX XX GET EX PX
 * EXAT PXAT KEEPTTL, with Redis's conflict rules and expiry validation.
 */
function parseSetOptions(c: Client, argv: string[], from: number): SetOptions {
  let flags = 0;
  let expireAt = -1;
  let unit = '';
  for (let i = from; i < argv.length; i++) {
    const a = argv[i].toUpperCase();
    const hasNext = i + 1 < argv.length;
    if (a === 'NX' && !(flags & SetFlag.XX)) flags |= SetFlag.NX;
    else if (a === 'XX' && !(flags & SetFlag.NX)) flags |= SetFlag.XX;
    else if (a === 'GET') flags |= SetFlag.GET;
    else if (a === 'KEEPTTL' && unit === '') flags |= SetFlag.KEEPTTL;
    else if ((a === 'EX' || a === 'PX' || a === 'EXAT' || a === 'PXAT') && unit === '' && !(flags & SetFlag.KEEPTTL) && hasNext) {
      unit = a;
      const n = intArg(argv[++i]);
      if (n <= 0) fail(Err.invalidExpire('set'));
      const ms = a === 'EX' || a === 'EXAT' ? n * 1000 : n;
      if (!Number.isSafeInteger(ms)) fail(Err.invalidExpire('set'));
      expireAt = a === 'EX' || a === 'PX' ? c.server.now() + ms : ms;
      if (!Number.isSafeInteger(expireAt)) fail(Err.invalidExpire('set'));
    } else fail(Err.syntax);
  }
  return { flags, expireAt };
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
function set(c: Client, argv: string[]): void {
  const key = argv[1];
  const value = argv[2];
  const db = c.db;
  if (argv.length === 3) {
    db.set(key, value);
    c.server.propagate(db.id, argv);
    c.server.keyChanged(db, key, '$', 'set');
    c.ok();
    return;
  }
  const { flags, expireAt } = parseSetOptions(c, argv, 3);
  const old: Value | undefined = flags & SetFlag.GET ? getString(c, key) : db.peek(key);
  if ((flags & SetFlag.NX && old !== undefined) || (flags & SetFlag.XX && old === undefined)) {
    if (flags & SetFlag.GET) {
      if (old === undefined) c.nil();
      else c.bulk(old as string);
    } else c.nil();
    return;
  }
  db.set(key, value, (flags & SetFlag.KEEPTTL) !== 0);
  c.server.keyChanged(db, key, '$', 'set');
  if (expireAt >= 0) {
    db.setExpire(key, expireAt);
    c.server.keyChanged(db, key, 'g', 'expire');
    // Relative expiries are propagated as absolute ones so replays agree.
    c.server.propagate(db.id, ['SET', key, value, 'PXAT', String(expireAt)]);
  } else {
    c.server.propagate(db.id, flags & SetFlag.KEEPTTL ? ['SET', key, value, 'KEEPTTL'] : ['SET', key, value]);
  }
  if (flags & SetFlag.GET) {
    if (old === undefined) c.nil();
    else c.bulk(old as string);
  } else c.ok();
}

export { isWord };

export const stringCommands: CommandDef[] = [
  { name: 'get', handler: get },
  { name: 'set', handler: set },
];
