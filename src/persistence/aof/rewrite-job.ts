/**
 * An AOF rewrite without fork(): the new base file is produced on the main
 * thread in small time slices, iterating every database with Dict.scan
 * cursors, while clients keep being served and their writes go to the new
 * incr file opened when the rewrite started (time T0).
 *
 * The base is an RDB image with the aux field `aof-base 1` when
 * aof-use-rdb-preamble is yes (Redis's default; the same incremental writer
 * as BGSAVE, snapshot.ts), or the commands that rebuild each key when it is
 * no (rewrite-commands.ts). The setting is read when the rewrite starts.
 *
 * Point-in-time consistency. Replaying base + new incr must give the live
 * dataset. The new incr holds every effect since T0, so the base must hold
 * exactly the dataset as it was at T0 — it is not enough that a key "shows
 * up in some state": with a non-idempotent command (APPEND, INCR, RPUSH) a
 * key written to the base *after* being modified would have the change
 * applied twice on replay. So:
 *  - the job captures each database's key and expiry dictionaries at T0 (the
 *    objects, not copies). FLUSHDB/FLUSHALL swap in new dictionaries and
 *    SWAPDB swaps them between databases, so the captured objects keep their
 *    T0 identity: they are always written under their T0 database number;
 *  - before any command that may write runs (`beforeWrite`, called from the
 *    dispatcher), each key it names that the scan has not reached yet is
 *    written to the base first, in its current — still T0 — state, and
 *    remembered so the scan skips it later. A key that did not exist is
 *    remembered too, so a key created after T0 is never put in the base;
 *  - "not reached yet" is exact: Dict's reverse-binary cursor visits hashes
 *    in increasing bit-reversed order and the table only grows, so after a
 *    step returned cursor c the keys visited are exactly those whose
 *    reversed hash is below reverse(c).
 * Keys removed without a command (expiry, lazy or active) are not written
 * first: their removal is an idempotent DEL in the incr file, and while an
 * AOF is loaded nothing expires, so the replay reaches the same state.
 */
import fs from 'node:fs';
import type { Database } from '../../keyspace/db.js';
import type { Server } from '../../server.js';
import type { Value } from '../../types/value.js';
import { PointInTimeScan, type CapturedDb } from '../point-in-time-scan.js';
import type { RdbWriteOptions } from '../rdb/file.js';
import { usedMemory, writeOptions } from '../rdb/manager.js';
import { SnapshotJob } from '../rdb/snapshot.js';
import { encodeSelect, encodeTimestamp } from './encode.js';
import { rewriteKey } from './rewrite-commands.js';

/** Bytes of pending base text written out at once. */
const WRITE_CHUNK = 1 << 20;

/** What a new base holds: an RDB image (aof-use-rdb-preamble yes) or commands (no). */
export type BaseFormat =
  | { kind: 'rdb'; rdb: RdbWriteOptions; usedMem: number }
  | { kind: 'aof'; timestampSec: number | null };

/** The base format for a rewrite starting now, from aof-use-rdb-preamble (and aof-timestamp-enabled for AOF text). */
export function baseFormat(s: Server): BaseFormat {
  if (s.config.bool('aof-use-rdb-preamble')) return { kind: 'rdb', rdb: { ...writeOptions(s), aofBase: true }, usedMem: usedMemory() };
  // Why only here: Redis writes its #TS annotation at the head of an AOF-format base, never before an RDB image.
  return { kind: 'aof', timestampSec: s.config.bool('aof-timestamp-enabled') ? Math.floor(Date.now() / 1000) : null };
}

/** The part that writes one format: SnapshotJob for RDB, AofTextBase for commands. */
interface BaseWriter {
  readonly scanned: boolean;
  readonly size: number;
  readonly keysWritten: number;
  beforeWrite(db: Database, key: string): void;
  step(budgetMs: number): boolean;
  finish(): Promise<unknown>;
  abort(): void;
}

/** One rewrite: the temp base file being written in slices, in the format chosen at its start. */
export class RewriteJob {
  private readonly writer: BaseWriter;
  /** True when the base is an RDB image (its file is named `.base.rdb`). */
  readonly rdb: boolean;
  readonly startedAt = Date.now();

  constructor(
    dbs: readonly Database[],
    readonly tempPath: string,
    format: BaseFormat,
  ) {
    this.rdb = format.kind === 'rdb';
    this.writer = format.kind === 'rdb' ? new SnapshotJob(dbs, tempPath, format.rdb, format.usedMem) : new AofTextBase(dbs, tempPath, format.timestampSec);
  }

  /** Bytes written to the temp file so far (the whole base once finish() was called). */
  get size(): number {
    return this.writer.size;
  }

  get keysWritten(): number {
    return this.writer.keysWritten;
  }

  /** True once every captured dictionary has been scanned (the tail may still need writing). */
  get scanned(): boolean {
    return this.writer.scanned;
  }

  /**
   * Called before a command that may write `key` in `db` runs: if the scan
   * has not reached the key yet, its T0 state goes to the base now.
   */
  beforeWrite(db: Database, key: string): void {
    this.writer.beforeWrite(db, key);
  }

  /** Scans for about `budgetMs`; returns true when the scan is complete. Throws on I/O or type errors. */
  step(budgetMs: number): boolean {
    return this.writer.step(budgetMs);
  }

  /** Writes the tail synchronously, then makes the temp file durable (off the main thread) and closes it. */
  finish(): Promise<void> {
    return this.writer.finish().then(() => undefined);
  }

  /** Stops the job and removes its temp file. */
  abort(): void {
    this.writer.abort();
  }
}

/** An AOF-format base: SELECT, then the commands that rebuild each key. */
class AofTextBase implements BaseWriter {
  private readonly scan: PointInTimeScan;
  private out = '';
  private selected = -1;
  private fd: number;
  size = 0;
  keysWritten = 0;

  constructor(
    dbs: readonly Database[],
    readonly tempPath: string,
    timestampSec: number | null,
  ) {
    this.fd = fs.openSync(tempPath, 'w', 0o644);
    this.scan = new PointInTimeScan(dbs, (db, key, v, expireAt) => this.emit(db, key, v, expireAt));
    if (timestampSec !== null) this.out += encodeTimestamp(timestampSec);
  }

  get scanned(): boolean {
    return this.scan.scanned;
  }

  beforeWrite(db: Database, key: string): void {
    this.scan.beforeWrite(db, key);
  }

  private emit(db: CapturedDb, key: string, v: Value, expireAt: number): void {
    if (this.selected !== db.id) {
      this.out += encodeSelect(db.id);
      this.selected = db.id;
    }
    this.out += rewriteKey(key, v, expireAt);
    this.keysWritten++;
    if (this.out.length >= WRITE_CHUNK) this.writeOut();
  }

  step(budgetMs: number): boolean {
    if (this.scan.step(budgetMs)) this.writeOut();
    return this.scan.scanned;
  }

  private writeOut(): void {
    if (this.out.length === 0) return;
    const b = Buffer.from(this.out, 'latin1');
    this.out = '';
    let off = 0;
    while (off < b.length) off += fs.writeSync(this.fd, b, off, b.length - off);
    this.size += b.length;
  }

  finish(): Promise<void> {
    this.writeOut();
    const fd = this.fd;
    this.fd = -1;
    return new Promise((resolve, reject) => {
      fs.fsync(fd, (err) => {
        fs.close(fd, () => (err ? reject(err) : resolve()));
      });
    });
  }

  abort(): void {
    if (this.fd !== -1) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = -1;
    }
    try {
      fs.unlinkSync(this.tempPath);
    } catch {
      /* gone */
    }
  }
}
