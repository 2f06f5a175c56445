/**
 * BGSAVE without fork(): the RDB file is produced on the main thread in small
 * time slices (Dict.scan cursors over each database) while clients keep
 * being served.
 *
 * Point-in-time guarantee: the file holds the dataset as it was when the job
 * started (T0).
 *  - The job keeps each database's key and expiry dictionaries as they were
 *    at T0 (the objects): FLUSHDB/FLUSHALL/SWAPDB install or exchange
 *    dictionaries, so the captured ones keep their T0 database number.
 *  - Before a command that may write runs, every key it names that the scan
 *    has not reached yet is serialized first, in its current (still T0)
 *    state, and remembered so the scan skips it. A key absent at T0 is
 *    remembered too, so a key created later never enters the file.
 *  - "Not reached yet" is exact: the reverse-binary cursor visits hashes in
 *    increasing bit-reversed order, so after a step returned cursor c the
 *    visited keys are those whose reversed hash is below reverse(c).
 * A value is serialized to bytes at once, so later in-place edits (LPUSH on
 * a list object) cannot leak into the file. Keys removed without a command
 * (active or lazy expiry) may be missing; they were due to expire anyway.
 */
import fs from 'node:fs';
import type { Database } from '../../keyspace/db.js';
import type { Value } from '../../types/value.js';
import { PointInTimeScan, type CapturedDb } from '../point-in-time-scan.js';
import { Op, RdbFileWriter, type RdbWriteOptions } from './file.js';

/** Bytes of serialized snapshot the write pool may lag behind before slices pause. */
const MAX_BACKLOG = 8 << 20;

export class SnapshotJob {
  private readonly scan: PointInTimeScan;
  /** Databases whose RESIZEDB has been written. */
  private readonly announced = new Set<number>();
  private selected = -1;
  private fd: number;
  private readonly out: RdbFileWriter;
  readonly startedAt = Date.now();
  /** Keys written ahead of the scan because a command was about to change them. */
  keysAhead = 0;

  constructor(
    dbs: readonly Database[],
    readonly tempPath: string,
    opts: RdbWriteOptions,
    usedMem: number,
  ) {
    this.fd = fs.openSync(tempPath, 'w', 0o644);
    this.out = new RdbFileWriter(this.fd, opts, opts.syncWrites !== true);
    this.out.header(usedMem, Math.floor(Date.now() / 1000));
    this.scan = new PointInTimeScan(dbs, (db, key, v, expireAt) => this.emit(db, key, v, expireAt));
  }

  /** Keys in the captured databases at T0. */
  get keysTotal(): number {
    let n = 0;
    for (const s of this.scan.databases) n += s.size;
    return n;
  }

  get keysWritten(): number {
    return this.out.keys;
  }

  /** Bytes handed to the file so far (the whole file once finish() has been called). */
  get size(): number {
    return this.out.written;
  }

  /** True once every captured dictionary has been scanned. */
  get scanned(): boolean {
    return this.scan.scanned;
  }

  /** A command may write `key` in `db`: if the scan has not reached it, it is written now. */
  beforeWrite(db: Database, key: string): void {
    if (this.scan.beforeWrite(db, key)) this.keysAhead++;
  }

  private emit(db: CapturedDb, key: string, v: Value, expireAt: number): void {
    if (this.selected !== db.id) {
      // Why: a key written ahead may come from another database than the one
      // being scanned; SELECTDB may appear any number of times in an RDB file.
      if (!this.announced.has(db.id)) {
        this.out.selectDb(db.id, db.size, db.expiresSize);
        this.announced.add(db.id);
      } else {
        this.out.w.byte(Op.SELECTDB);
        this.out.w.len(db.id);
      }
      this.selected = db.id;
    }
    this.out.key(key, v, expireAt, this.out.accessOf(db.dict, key));
  }

  /**
   * Scans for about `budgetMs`; returns true when done. Throws on I/O errors.
   * While the pool is more than MAX_BACKLOG behind, the slice waits (bounded memory).
   */
  step(budgetMs: number): boolean {
    if (this.out.backlog > MAX_BACKLOG) return false;
    if (this.scan.step(budgetMs)) this.out.flush();
    return this.scan.scanned;
  }

  /** Writes the trailer, waits for the queued writes, fsyncs off the main thread and closes; resolves with the file size. */
  finish(): Promise<number> {
    try {
      this.out.finish();
    } catch (e) {
      // An earlier background write failed: reported like any write error (the caller aborts).
      return Promise.reject(e as Error);
    }
    const fd = this.fd;
    this.fd = -1;
    const size = this.out.written;
    const closed = (err: Error | null) => new Promise<number>((resolve, reject) => fs.close(fd, () => (err ? reject(err) : resolve(size))));
    return this.out.drain().then(
      () => new Promise<number>((resolve, reject) => fs.fsync(fd, (err) => closed(err).then(resolve, reject))),
      (err: Error) => closed(err),
    );
  }

  /** Stops and removes the temp file. */
  abort(): void {
    if (this.fd !== -1) {
      try {
        this.out.close();
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
