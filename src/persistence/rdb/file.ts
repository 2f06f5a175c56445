/**
 * Whole RDB files (version 10): "REDIS0010", aux fields, then per database
 * SELECTDB, RESIZEDB and the key/value records, then EOF and the CRC-64 of
 * everything before it (zero when rdbchecksum is off).
 *
 * Writing goes through {@link RdbFileWriter}, which streams to a file
 * descriptor in chunks (the snapshot job feeds it slice by slice, and its
 * chunks are written by libuv's pool so a slow disk never blocks the event
 * loop). Loading reads a whole buffer into the server's databases.
 */
import fs from 'node:fs';
import type { AccessClock } from '../../keyspace/access-clock.js';
import type { Database } from '../../keyspace/db.js';
import type { Dict } from '../../keyspace/dict.js';
import type { Value } from '../../types/value.js';
import { REDIS_VERSION } from '../../version.js';
import { Crc64 } from './crc64.js';
import { ByteReader, readObject, type DecodeLimits } from './decode.js';
import { RDB_VERSION } from './dump.js';
import { rdbTypeOf, writeObject, type EncodeOptions } from './encode.js';
import { RdbFormatError } from './listpack.js';
import { ByteWriter } from './writer.js';

/** RDB opcodes (bytes where a type byte could stand). */
export const enum Op {
  FUNCTION2 = 0xf5,
  FUNCTION_PRE_GA = 0xf6,
  MODULE_AUX = 0xf7,
  IDLE = 0xf8,
  FREQ = 0xf9,
  AUX = 0xfa,
  RESIZEDB = 0xfb,
  EXPIRETIME_MS = 0xfc,
  EXPIRETIME = 0xfd,
  SELECTDB = 0xfe,
  EOF = 0xff,
}

/** Bytes buffered before a write to the file. */
const FLUSH_AT = 1 << 20;
/** A background writer's chunk buffers: this size (a record up to FLUSH_AT fits without growing), a few kept for reuse. */
const CHUNK_BUFFER = 2 * FLUSH_AT;
const SPARE_BUFFERS = 4;

export interface RdbWriteOptions extends EncodeOptions {
  /** rdbchecksum: when false the trailer is 8 zero bytes. */
  checksum: boolean;
  /** Written as the aof-base aux field (an AOF base with an RDB preamble). */
  aofBase?: boolean;
  /** The server's access clock: keys get IDLE (*-lru policy) or FREQ (*-lfu) records. */
  access?: AccessClock;
  /**
   * A snapshot job stepped to completion without yielding to the event loop
   * (the AOF base written at start-up) writes each chunk at once instead of
   * through the pool, whose writes could not complete before it returns.
   */
  syncWrites?: boolean;
}

/**
 * Streams an RDB file to a descriptor, keeping the running checksum.
 * `background`: each chunk is written with a positional fs.write in libuv's
 * pool (the main thread only serializes); a write error is thrown by the
 * next flush and rejects drain().
 */
export class RdbFileWriter {
  readonly w = new ByteWriter(1 << 16);
  private readonly crc = new Crc64();
  /** Bytes handed to the file so far. */
  written = 0;
  keys = 0;
  /** Background mode: bytes queued and not yet written, the first write error, buffers to reuse. */
  backlog = 0;
  private error: Error | null = null;
  private readonly spare: Buffer[] = [];
  private readonly pending: Array<{ b: Buffer; pos: number; whole: Buffer | null }> = [];
  private idle: Array<() => void> = [];
  private closeWhenIdle = false;

  constructor(
    private readonly fd: number,
    readonly opts: RdbWriteOptions,
    private readonly background = false,
  ) {}

  /** The magic and the aux fields Redis 7.0 writes (without replication info). */
  header(usedMem: number, nowSec: number): void {
    const w = this.w;
    w.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
    this.aux('redis-ver', REDIS_VERSION);
    this.aux('redis-bits', '64');
    this.aux('ctime', String(nowSec));
    this.aux('used-mem', String(usedMem));
    this.aux('aof-base', this.opts.aofBase === true ? '1' : '0');
  }

  aux(key: string, value: string): void {
    this.w.byte(Op.AUX);
    this.w.str(key, this.opts.compress);
    this.w.str(value, this.opts.compress);
  }

  /** SELECTDB and RESIZEDB for a database about to be written. */
  selectDb(id: number, size: number, expires: number): void {
    const w = this.w;
    w.byte(Op.SELECTDB);
    w.len(id);
    w.byte(Op.RESIZEDB);
    w.len(size);
    w.len(expires);
  }

  /** One key record: optional absolute expiry, optional LRU idle time or LFU counter (from `access`, the key's field), type, key, value. */
  key(key: string, v: Value, expireMs: number, access = -1): void {
    const w = this.w;
    if (expireMs !== -1) {
      w.byte(Op.EXPIRETIME_MS);
      w.i64le(expireMs);
    }
    const clock = this.opts.access;
    if (access >= 0 && clock !== undefined) {
      if (clock.rdbMode === 'lru') {
        w.byte(Op.IDLE);
        w.len(clock.idleSeconds(access));
      } else if (clock.rdbMode === 'lfu') {
        w.byte(Op.FREQ);
        w.byte(clock.frequency(access));
      }
    }
    w.byte(rdbTypeOf(v));
    w.str(key, this.opts.compress);
    writeObject(w, v, this.opts);
    this.keys++;
    if (w.pos >= FLUSH_AT) this.flush();
  }

  /** The key's access field when this file records them (an LRU/LFU policy), else -1 (no lookup). */
  accessOf(dict: Dict<Value>, key: string): number {
    const clock = this.opts.access;
    return clock === undefined || clock.rdbMode === null ? -1 : dict.accessOf(key);
  }

  /** Hands the buffered bytes to the file (and the checksum). */
  flush(): void {
    if (this.error !== null) throw this.error;
    const b = this.w.result();
    if (b.length === 0) return;
    if (this.opts.checksum) this.crc.update(b);
    if (this.background) {
      // The chunk's buffer goes to the pool; serializing continues in a spare one.
      const whole = this.w.buf;
      this.w.buf = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BUFFER);
      this.w.reset();
      // A buffer grown for one huge value is not kept.
      this.queue(b, this.written, whole.length === CHUNK_BUFFER ? whole : null);
      this.written += b.length;
      return;
    }
    let off = 0;
    while (off < b.length) off += fs.writeSync(this.fd, b, off, b.length - off);
    this.written += b.length;
    this.w.reset();
  }

  /** Writes `b` at `pos` in the pool (again for the rest after a short write); `whole` is recycled after. */
  private queue(b: Buffer, pos: number, whole: Buffer | null): void {
    this.backlog += b.length;
    this.pending.push({ b, pos, whole });
    if (this.pending.length === 1) this.writeNext();
  }

  /**
   * One write in the pool at a time: more would only keep more threads busy
   * (competing with V8's GC helpers on a small machine), not the disk faster.
   */
  private writeNext(): void {
    const { b, pos, whole } = this.pending[0];
    fs.write(this.fd, b, 0, b.length, pos, (err, n) => {
      if (err === null && n < b.length) {
        this.backlog -= n;
        this.pending[0] = { b: b.subarray(n), pos: pos + n, whole };
        return this.writeNext();
      }
      this.backlog -= b.length;
      this.pending.shift();
      if (err !== null && this.error === null) this.error = err;
      if (whole !== null && this.spare.length < SPARE_BUFFERS) this.spare.push(whole);
      if (this.pending.length > 0) this.writeNext();
      else this.becameIdle();
    });
  }

  private becameIdle(): void {
    if (this.closeWhenIdle) {
      this.closeWhenIdle = false;
      fs.close(this.fd, () => undefined);
    }
    const waiting = this.idle;
    this.idle = [];
    for (const f of waiting) f();
  }

  /** EOF and the checksum trailer; flushes everything (background: queued, see drain()). */
  finish(): void {
    this.w.byte(Op.EOF);
    this.flush();
    const trailer = this.opts.checksum ? this.crc.bytes() : Buffer.alloc(8);
    if (this.background) this.queue(trailer, this.written, null);
    else fs.writeSync(this.fd, trailer);
    this.written += 8;
  }

  /** Resolves once every queued write is done; rejects with the first write error. */
  drain(): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = () => (this.error !== null ? reject(this.error) : resolve());
      if (this.backlog === 0) settle();
      else this.idle.push(settle);
    });
  }

  /** Closes the descriptor once no write is pending (a write still in the pool must not hit a reused fd). */
  close(): void {
    if (this.backlog === 0) fs.closeSync(this.fd);
    else this.closeWhenIdle = true;
  }
}

/** Writes every database synchronously (SAVE, shutdown): header, all keys, trailer. */
export function writeAllDbs(out: RdbFileWriter, dbs: readonly Database[], usedMem: number, nowSec: number): void {
  out.header(usedMem, nowSec);
  for (const db of dbs) {
    if (db.dict.size === 0) continue;
    out.selectDb(db.id, db.dict.size, db.expires.size);
    for (const [key, v] of db.dict.entries()) out.key(key, v, db.expires.get(key) ?? -1, out.accessOf(db.dict, key));
  }
  out.finish();
}

/** What a load found besides the keys. */
export interface RdbLoadResult {
  version: number;
  aux: Map<string, string>;
  keysLoaded: number;
  expiredSkipped: number;
  /** Offset just after the trailer (an AOF's RDB preamble continues there). */
  end: number;
}

export interface RdbLoadOptions {
  limits: DecodeLimits;
  /** Verify the trailer (rdbchecksum); a zero trailer is never checked. */
  checksum: boolean;
  /** Unix ms now: keys already expired are skipped (as a master does). null keeps them. */
  now: number | null;
}

/** Thrown for a file Redis would refuse (the message is its log text where it has one). */
export class RdbLoadError extends Error {}

/**
 * Loads an RDB image into `dbs` (which should be empty). Keys that already
 * expired are dropped when `now` is given. Throws RdbLoadError.
 */
export function loadRdb(buf: Buffer, dbs: readonly Database[], o: RdbLoadOptions): RdbLoadResult {
  if (buf.length < 9 || buf.toString('latin1', 0, 5) !== 'REDIS') throw new RdbLoadError('Wrong signature trying to load DB from file');
  const version = Number(buf.toString('latin1', 5, 9));
  if (!Number.isInteger(version) || version < 1 || version > RDB_VERSION) throw new RdbLoadError(`Can't handle RDB format version ${buf.toString('latin1', 5, 9)}`);
  const r = new ByteReader(buf);
  r.pos = 9;
  const res: RdbLoadResult = { version, aux: new Map(), keysLoaded: 0, expiredSkipped: 0, end: 0 };
  try {
    readRecords(r, dbs, o, res);
  } catch (e) {
    if (e instanceof RdbFormatError) throw new RdbLoadError(`Short read or OOM loading DB. Unrecoverable error, aborting now. (${e.message} at offset ${r.pos})`);
    throw e;
  }
  if (version >= 5) {
    const trailer = r.take(8);
    const zero = trailer.every((b) => b === 0);
    if (o.checksum && !zero) {
      const crc = new Crc64();
      crc.update(buf, 0, r.pos - 8);
      if (!crc.bytes().equals(trailer)) throw new RdbLoadError('Wrong RDB checksum. Aborting now.');
    }
  }
  res.end = r.pos;
  return res;
}

function readRecords(r: ByteReader, dbs: readonly Database[], o: RdbLoadOptions, res: RdbLoadResult): void {
  let db = dbs[0];
  let expire = -1;
  // RDB_OPCODE_IDLE / RDB_OPCODE_FREQ of the next key (objectSetLRUOrLFU applies the one the policy uses).
  let idle: bigint | null = null;
  let freq: number | null = null;
  for (;;) {
    const t = r.byte();
    switch (t) {
      case Op.EOF:
        return;
      case Op.SELECTDB: {
        const id = r.len();
        if (id >= dbs.length) throw new RdbLoadError(`FATAL: Data file was created with a Redis server configured to handle more than ${dbs.length} databases. Exiting`);
        db = dbs[id];
        continue;
      }
      case Op.RESIZEDB: {
        // Like Redis's dictExpand: the tables are sized once instead of doubling their way up
        // (never for more keys than the rest of the file could hold, at 4+ bytes each).
        const room = (r.end - r.pos) / 4;
        db.dict.expand(Math.min(r.len(), room));
        db.expires.expand(Math.min(r.len(), room));
        continue;
      }
      case Op.EXPIRETIME_MS:
        expire = Number(r.take(8).readBigInt64LE(0));
        continue;
      case Op.EXPIRETIME:
        expire = r.take(4).readInt32LE(0) * 1000;
        continue;
      case Op.IDLE:
        idle = BigInt(r.len());
        continue;
      case Op.FREQ:
        freq = r.byte();
        continue;
      case Op.AUX: {
        const k = r.str();
        res.aux.set(k, r.str());
        continue;
      }
      case Op.FUNCTION2:
        // Why: respite has no Functions yet; the library code is read and dropped.
        r.strBuf();
        continue;
      case Op.MODULE_AUX:
      case Op.FUNCTION_PRE_GA:
        throw new RdbLoadError(`Unsupported RDB opcode ${t} (modules / pre-GA functions)`);
      default: {
        const key = r.str();
        const v = readObject(r, t, o.limits);
        if (o.now !== null && expire !== -1 && expire < o.now) res.expiredSkipped++;
        else {
          db.set(key, v);
          if (expire !== -1) db.setExpire(key, expire);
          if (idle !== null || freq !== null) {
            const field = db.clock.restored(idle, freq);
            if (field >= 0) db.setAccess(key, field);
          }
          res.keysLoaded++;
        }
        expire = -1;
        idle = null;
        freq = null;
      }
    }
  }
}
