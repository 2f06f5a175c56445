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
import { hashKey, reverseBits32, type Dict } from '../../keyspace/dict.js';
import type { Value } from '../../types/value.js';
import { Op, RdbFileWriter, type RdbWriteOptions } from './file.js';

/** Keys visited per scan call inside a slice. */
const SCAN_COUNT = 64;

interface DbSnapshot {
  readonly id: number;
  readonly dict: Dict<Value>;
  readonly expires: Dict<number>;
  readonly size: number;
  readonly expiresSize: number;
  cursor: number;
  done: boolean;
  /** RESIZEDB was written for this database. */
  announced: boolean;
  /** Keys handled ahead of the scan (written, or absent at T0). */
  readonly ahead: Set<string>;
}

export class SnapshotJob {
  private readonly snaps = new Map<Dict<Value>, DbSnapshot>();
  private readonly order: DbSnapshot[] = [];
  private next = 0;
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
    this.out = new RdbFileWriter(this.fd, opts);
    this.out.header(usedMem, Math.floor(Date.now() / 1000));
    for (const db of dbs) {
      const s: DbSnapshot = {
        id: db.id,
        dict: db.dict,
        expires: db.expires,
        size: db.dict.size,
        expiresSize: db.expires.size,
        cursor: 0,
        done: db.dict.size === 0,
        announced: false,
        ahead: new Set(),
      };
      this.snaps.set(db.dict, s);
      this.order.push(s);
    }
  }

  /** Keys in the captured databases at T0. */
  get keysTotal(): number {
    let n = 0;
    for (const s of this.order) n += s.size;
    return n;
  }

  get keysWritten(): number {
    return this.out.keys;
  }

  /** True once every captured dictionary has been scanned. */
  get scanned(): boolean {
    return this.next >= this.order.length;
  }

  /** A command may write `key` in `db`: if the scan has not reached it, it is written now. */
  beforeWrite(db: Database, key: string): void {
    const s = this.snaps.get(db.dict);
    if (s === undefined || s.done || s.ahead.has(key)) return;
    if (s.cursor !== 0 && reverseBits32(hashKey(key)) < reverseBits32(s.cursor)) return;
    s.ahead.add(key);
    const v = s.dict.get(key);
    if (v !== undefined) {
      this.emit(s, key, v);
      this.keysAhead++;
    }
  }

  private emit(s: DbSnapshot, key: string, v: Value): void {
    if (this.selected !== s.id) {
      // Why: a key written ahead may come from another database than the one
      // being scanned; SELECTDB may appear any number of times in an RDB file.
      if (!s.announced) {
        this.out.selectDb(s.id, s.size, s.expiresSize);
        s.announced = true;
      } else {
        this.out.w.byte(Op.SELECTDB);
        this.out.w.len(s.id);
      }
      this.selected = s.id;
    }
    this.out.key(key, v, s.expires.get(key) ?? -1);
  }

  /** Scans for about `budgetMs`; returns true when done. Throws on I/O errors. */
  step(budgetMs: number): boolean {
    const until = performance.now() + budgetMs;
    while (this.next < this.order.length) {
      const s = this.order[this.next];
      if (s.done) {
        this.next++;
        continue;
      }
      s.cursor = s.dict.scan(s.cursor, SCAN_COUNT, (key, v) => {
        if (!s.ahead.has(key)) this.emit(s, key, v);
      });
      if (s.cursor === 0) {
        s.done = true;
        s.ahead.clear();
        this.next++;
      }
      if (performance.now() >= until) break;
    }
    if (this.scanned) this.out.flush();
    return this.scanned;
  }

  /** Writes the trailer, fsyncs off the main thread and closes; resolves with the file size. */
  finish(): Promise<number> {
    this.out.finish();
    const fd = this.fd;
    this.fd = -1;
    const size = this.out.written;
    return new Promise((resolve, reject) => {
      fs.fsync(fd, (err) => {
        fs.close(fd, () => (err ? reject(err) : resolve(size)));
      });
    });
  }

  /** Stops and removes the temp file. */
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
