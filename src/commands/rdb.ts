/**
 * DUMP and RESTORE (Redis's serialized-value format), SAVE, BGSAVE and
 * DEBUG RELOAD (called from debug.ts). The machinery is in persistence/rdb/.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import { dumpPayload, parseDumpPayload, verifyDumpPayload } from '../persistence/rdb/dump.js';
import { RdbFormatError } from '../persistence/rdb/listpack.js';
import { decodeLimits, encodeOptions } from '../persistence/rdb/options.js';
import { RdbLoadError } from '../persistence/rdb/file.js';
import { loadDumpFile, rdbState, saveSync, startBgsave } from '../persistence/rdb/manager.js';
import { int64Arg, isWord } from './args.js';
import type { CommandDef } from './table.js';

// DUMP key
function dump(c: Client, argv: string[]): void {
  const v = c.db.get(argv[1]);
  if (v === undefined) c.nil();
  else c.bulk(dumpPayload(v, encodeOptions(c.server)));
}

interface RestoreOptions {
  replace: boolean;
  absttl: boolean;
  /** IDLETIME seconds (applies under a non-LFU policy), or null. */
  idle: bigint | null;
  /** FREQ counter (applies under an LFU policy), or null. */
  freq: number | null;
}

/** RESTORE's options after the payload, with Redis's checks in its order. */
function restoreOptions(argv: string[]): RestoreOptions {
  const o: RestoreOptions = { replace: false, absttl: false, idle: null, freq: null };
  for (let j = 4; j < argv.length; j++) {
    const more = argv.length - j - 1;
    if (isWord(argv[j], 'REPLACE')) o.replace = true;
    else if (isWord(argv[j], 'ABSTTL')) o.absttl = true;
    // Why: IDLETIME and FREQ exclude each other; the second one is a syntax error.
    else if (isWord(argv[j], 'IDLETIME') && more >= 1 && o.freq === null) {
      const idle = int64Arg(argv[++j]);
      if (idle < 0) fail('ERR Invalid IDLETIME value, must be >= 0');
      o.idle = BigInt(idle);
    } else if (isWord(argv[j], 'FREQ') && more >= 1 && o.idle === null) {
      const f = int64Arg(argv[++j]);
      if (f < 0 || f > 255) fail('ERR Invalid FREQ value, must be >= 0 and <= 255');
      o.freq = Number(f);
    } else fail(Err.syntax);
  }
  return o;
}

// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
function restore(c: Client, argv: string[]): void {
  const o = restoreOptions(argv);
  const key = argv[1];
  const db = c.db;
  if (!o.replace && db.peek(key) !== undefined) fail('BUSYKEY Target key name already exists.');
  const ttl = int64Arg(argv[2]);
  if (ttl < 0) fail('ERR Invalid TTL value, must be >= 0');
  const payload = Buffer.from(argv[3], 'latin1');
  if (!verifyDumpPayload(payload)) fail('ERR DUMP payload version or checksum are wrong');
  let value;
  try {
    value = parseDumpPayload(payload, decodeLimits(c.server));
  } catch (e) {
    if (e instanceof RdbFormatError) fail('ERR Bad data format');
    throw e;
  }
  const server = c.server;
  const deleted = o.replace && db.delete(key);
  let when = Number(ttl);
  if (when !== 0 && !o.absttl) when += server.now();
  // Why: an absolute TTL already in the past creates nothing; a replaced key is just deleted.
  if (when !== 0 && when <= server.now() && !server.loading) {
    if (deleted) {
      server.keyChanged(db, key, 'g', 'del');
      server.propagate(db.id, ['DEL', key]);
    }
    c.ok();
    return;
  }
  db.set(key, value);
  const field = db.clock.restored(o.idle, o.freq);
  if (field >= 0) db.setAccess(key, field);
  const effect = argv.slice();
  if (when !== 0) {
    db.setExpire(key, when);
    // The TTL is propagated as an absolute time.
    if (!o.absttl) {
      effect[2] = String(when);
      effect.push('ABSTTL');
    }
  }
  server.blocking.signalReady(db, key);
  server.keyChanged(db, key, 'g', 'restore');
  server.propagate(db.id, effect);
  c.ok();
}

// SAVE
function saveCommand(c: Client): void {
  if (rdbState(c.server).job !== null) fail('ERR Background save already in progress');
  rdbState(c.server).saves++;
  if (saveSync(c.server)) c.ok();
  else c.error('ERR');
}

// BGSAVE [SCHEDULE]
function bgsaveCommand(c: Client, argv: string[]): void {
  let schedule = false;
  if (argv.length > 1) {
    if (argv.length === 2 && isWord(argv[1], 'SCHEDULE')) schedule = true;
    else fail(Err.syntax);
  }
  const s = c.server;
  const st = rdbState(s);
  if (st.job !== null) fail('ERR Background save already in progress');
  if (s.aof.job !== null || c.inExec) {
    // Why: inside MULTI/EXEC Redis never forks; it schedules the save instead.
    if (!schedule && !c.inExec) fail("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
    st.scheduled = true;
    c.simple('Background saving scheduled');
    return;
  }
  if (startBgsave(s)) c.simple('Background saving started');
  else c.error('ERR');
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]
export function debugReloadCommand(c: Client, argv: string[]): void {
  let flush = true;
  let save = true;
  for (const opt of argv.slice(2)) {
    if (isWord(opt, 'MERGE')) continue;
    else if (isWord(opt, 'NOFLUSH')) flush = false;
    else if (isWord(opt, 'NOSAVE')) save = false;
    else fail('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  const s = c.server;
  if (save && !saveSync(s)) fail('ERR');
  if (flush) for (const db of s.dbs) db.clear();
  try {
    if (!loadDumpFile(s)) fail('ERR Error trying to load the RDB dump');
  } catch (e) {
    if (!(e instanceof RdbLoadError)) throw e;
    s.log('warning', e.message);
    fail('ERR Error trying to load the RDB dump');
  }
  s.log('warning', 'DB reloaded by DEBUG RELOAD');
  c.ok();
}

export const rdbCommands: CommandDef[] = [
  { name: 'dump', handler: dump },
  { name: 'restore', handler: restore },
  { name: 'save', handler: saveCommand },
  { name: 'bgsave', handler: bgsaveCommand },
];
