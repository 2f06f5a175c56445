/**
 * RDB persistence for one server: SAVE, BGSAVE (incremental, see
 * snapshot.ts), the `save` points checked by a timer, loading dump.rdb at
 * start-up, and the INFO persistence RDB fields.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../../server.js';
import type { Database } from '../../keyspace/db.js';
import { loadRdb, RdbFileWriter, RdbLoadError, writeAllDbs, type RdbLoadResult, type RdbWriteOptions } from './file.js';
import { decodeLimits, encodeOptions } from './options.js';
import { forEachWrittenKey } from '../point-in-time-scan.js';
import { SnapshotJob } from './snapshot.js';

/** Milliseconds of work per BGSAVE slice on an idle server (less while clients are served: Server.scheduleSlice). */
const SLICE_MS = 5;
/** After a failed BGSAVE, save points wait this long before retrying (CONFIG_BGSAVE_RETRY_DELAY). */
const RETRY_DELAY_MS = 5000;
/** The MISCONF text while stop-writes-on-bgsave-error holds writes back. */
export const RDB_MISCONF =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** Per-server RDB state. */
export class RdbState {
  job: SnapshotJob | null = null;
  lastBgsaveOk = true;
  lastBgsaveTimeSec = -1;
  lastBgsaveTry = 0;
  saves = 0;
  scheduled = false;
  keysLoaded = 0;
  keysExpiredOnLoad = 0;
  /** server.dirty when the running BGSAVE started. */
  dirtyAtStart = 0;
  timer: NodeJS.Timeout | undefined;
  constructor(readonly server: Server) {}
}

const states = new WeakMap<Server, RdbState>();

/** The RDB state of `s` (created on first use). */
export function rdbState(s: Server): RdbState {
  let st = states.get(s);
  if (st === undefined) {
    st = new RdbState(s);
    states.set(s, st);
  }
  return st;
}

/** The RDB writing settings in force now (rdbcompression, rdbchecksum, list packing). */
export function writeOptions(s: Server): RdbWriteOptions {
  return { ...encodeOptions(s), checksum: s.config.bool('rdbchecksum'), access: s.accessClock };
}

/** Absolute path of dump.rdb (dir + dbfilename). */
export function rdbPath(s: Server): string {
  return path.resolve(s.config.get('dir') || '.', s.config.get('dbfilename'));
}

/** The used-mem aux field's figure (the JS heap in use). */
export function usedMemory(): number {
  return process.memoryUsage().heapUsed;
}

/** The parsed `save` directive: [seconds, changes] pairs (empty: no save points). */
export function savePoints(s: Server): Array<[number, number]> {
  const words = s.config.get('save').trim().split(/\s+/).filter(Boolean);
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < words.length; i += 2) out.push([Number(words[i]), Number(words[i + 1])]);
  return out;
}

/** A successful save: the dataset on disk matches memory. */
function saved(st: RdbState, dirtyAtStart: number): void {
  const s = st.server;
  s.dirty -= dirtyAtStart;
  s.lastSave = Math.floor(Date.now() / 1000);
  st.lastBgsaveOk = true;
  updateMisconf(s);
}

/**
 * Keeps the dispatcher's MISCONF gate in step with Redis's rule: writes are
 * refused while the last BGSAVE failed, stop-writes-on-bgsave-error is yes
 * and save points are configured (checked again when either setting changes).
 */
export function updateMisconf(s: Server): void {
  const deny = !rdbState(s).lastBgsaveOk && s.config.bool('stop-writes-on-bgsave-error') && savePoints(s).length > 0;
  if (deny && s.persistenceError === null) s.persistenceError = RDB_MISCONF;
  else if (!deny && s.persistenceError === RDB_MISCONF) s.persistenceError = null;
}

/**
 * Saves every database synchronously to dump.rdb (through a temp file and a
 * rename). Returns false (and logs) on failure. SAVE, SHUTDOWN, SIGTERM.
 */
export function saveSync(s: Server): boolean {
  const st = rdbState(s);
  const final = rdbPath(s);
  const temp = path.join(path.dirname(final), `temp-${process.pid}.rdb`);
  let fd = -1;
  try {
    fd = fs.openSync(temp, 'w', 0o644);
  } catch (e) {
    s.log('warning', `Failed opening the temp RDB file temp-${process.pid}.rdb (in server root dir ${process.cwd()}) for saving: ${(e as Error).message}`);
    return false;
  }
  try {
    writeAllDbs(new RdbFileWriter(fd, writeOptions(s)), s.dbs, usedMemory(), Math.floor(Date.now() / 1000));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    renameReplacing(temp, final);
  } catch (e) {
    s.log('warning', `Write error saving DB on disk: ${(e as Error).message}`);
    if (fd !== -1) fs.closeSync(fd);
    try {
      fs.unlinkSync(temp);
    } catch {
      /* gone */
    }
    return false;
  }
  s.log('notice', 'DB saved on disk');
  saved(st, s.dirty);
  return true;
}

/** Starts a BGSAVE (a file that cannot be opened is a failed save, reported in the status, as with Redis's child). */
export function startBgsave(s: Server): boolean {
  const st = rdbState(s);
  st.lastBgsaveTry = Date.now();
  // Why: rdb_saves counts SAVE and BGSAVE starts, not the saves of FLUSHALL, DEBUG RELOAD or shutdown.
  st.saves++;
  const temp = path.join(path.dirname(rdbPath(s)), `temp-${process.pid}.rdb`);
  let job: SnapshotJob;
  try {
    job = new SnapshotJob(s.dbs, temp, writeOptions(s), usedMemory());
  } catch (e) {
    // Why: in Redis the forked child opens the file, so BGSAVE itself has
    // already answered "started"; the failure only shows in the status.
    s.log('warning', `Failed opening the temp RDB file temp-${process.pid}.rdb for saving: ${(e as Error).message}`);
    s.log('warning', 'Background saving error');
    bgsaveFailed(st);
    return true;
  }
  st.job = job;
  st.dirtyAtStart = s.dirty;
  const saveFirst = (db: Database, key: string): void => job.beforeWrite(db, key);
  s.snapshotBeforeWrite = (c, cmd, argv) => forEachWrittenKey(c, cmd, argv, saveFirst);
  s.log('notice', 'Background saving started');
  s.scheduleSlice((budget) => bgsaveStep(st, job, budget), SLICE_MS);
  return true;
}

function bgsaveStep(st: RdbState, job: SnapshotJob, budgetMs: number): void {
  if (st.job !== job) return;
  let done: boolean;
  try {
    done = job.step(budgetMs);
  } catch (e) {
    st.server.log('warning', `Background saving error: ${(e as Error).message}`);
    endJob(st);
    job.abort();
    bgsaveFailed(st);
    return;
  }
  if (!done) {
    st.server.scheduleSlice((budget) => bgsaveStep(st, job, budget), SLICE_MS);
    return;
  }
  // Writes after this point are no longer the snapshot's business.
  st.server.snapshotBeforeWrite = null;
  job.finish().then(
    () => {
      if (st.job !== job) return;
      try {
        renameReplacing(job.tempPath, rdbPath(st.server));
      } catch (e) {
        st.server.log('warning', `Background saving error: ${(e as Error).message}`);
        endJob(st);
        job.abort();
        bgsaveFailed(st);
        return;
      }
      endJob(st);
      st.lastBgsaveTimeSec = Math.floor((Date.now() - job.startedAt) / 1000);
      saved(st, st.dirtyAtStart);
      st.server.log('notice', 'Background saving terminated with success');
    },
    (e) => {
      if (st.job !== job) return;
      st.server.log('warning', `Background saving error: ${(e as Error).message}`);
      endJob(st);
      job.abort();
      bgsaveFailed(st);
    },
  );
}

/**
 * Renames `from` over `to` without freeing the replaced file's blocks on the
 * main thread: replacing a large dump.rdb frees its blocks inside rename()
 * (~45 ms for 200 MB on this machine's ext4, the longest stall of a BGSAVE
 * under load). Holding the old file open moves that work to its close, which
 * runs in libuv's pool (Redis closes replaced AOF files on a background thread
 * for the same reason).
 */
function renameReplacing(from: string, to: string): void {
  let old = -1;
  try {
    old = fs.openSync(to, 'r');
  } catch {
    /* nothing to replace */
  }
  try {
    fs.renameSync(from, to);
  } finally {
    if (old !== -1) fs.close(old, () => undefined);
  }
}

function endJob(st: RdbState): void {
  st.job = null;
  st.server.snapshotBeforeWrite = null;
}

function bgsaveFailed(st: RdbState): void {
  st.lastBgsaveOk = false;
  updateMisconf(st.server);
}

/** Stops a running BGSAVE (FLUSHALL does in Redis; also shutdown). */
export function killBgsave(s: Server): void {
  const st = rdbState(s);
  const job = st.job;
  if (job === null) return;
  endJob(st);
  job.abort();
}

/** Periodic check (like serverCron): scheduled BGSAVE and save points. */
export function rdbCron(s: Server): void {
  const st = rdbState(s);
  if (st.job !== null || s.aof.job !== null) return;
  if (st.scheduled) {
    st.scheduled = false;
    startBgsave(s);
    return;
  }
  const now = Date.now();
  for (const [secs, changes] of savePoints(s)) {
    if (s.dirty >= changes && now - s.lastSave * 1000 > secs * 1000 && (st.lastBgsaveOk || now - st.lastBgsaveTry > RETRY_DELAY_MS)) {
      s.log('notice', `${changes} changes in ${secs} seconds. Saving...`);
      startBgsave(s);
      return;
    }
  }
}

/**
 * Start-up: loads dump.rdb when the AOF is off (a missing file is an empty
 * dataset) and starts the save-point timer. Throws RdbLoadError.
 */
export function rdbStartup(s: Server): void {
  const st = rdbState(s);
  if (!s.config.bool('appendonly')) loadDumpFile(s);
  s.config.watch('stop-writes-on-bgsave-error', () => updateMisconf(s));
  s.config.watch('save', () => updateMisconf(s));
  st.timer = setInterval(() => rdbCron(s), 100);
  st.timer.unref();
}

/** Stops the timer and any BGSAVE in progress (server close). */
export function rdbClose(s: Server): void {
  const st = rdbState(s);
  if (st.timer !== undefined) clearInterval(st.timer);
  st.timer = undefined;
  killBgsave(s);
}

/** Loads dump.rdb into the (empty) databases; a missing file is not an error. */
export function loadDumpFile(s: Server): boolean {
  const file = rdbPath(s);
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new RdbLoadError(`Fatal error loading the DB: ${(e as Error).message}. Exiting.`);
  }
  const start = performance.now();
  s.loading = true;
  try {
    const res = loadRdb(buf, s.dbs, { limits: decodeLimits(s), checksum: s.config.bool('rdbchecksum'), now: Date.now() });
    loaded(s, res);
    s.log('notice', `DB loaded from disk: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
  } finally {
    s.loading = false;
  }
  return true;
}

/** current_save_keys_processed / current_save_keys_total: progress of a running BGSAVE (0 and 0 otherwise). */
export function rdbSaveProgressFields(s: Server): Array<[string, number]> {
  const job = rdbState(s).job;
  return [
    ['current_save_keys_processed', job === null ? 0 : job.keysWritten],
    ['current_save_keys_total', job === null ? 0 : job.keysTotal],
  ];
}

/** INFO persistence's RDB fields, rdb_changes_since_last_save to rdb_last_load_keys_loaded. */
export function rdbInfoFields(s: Server): Array<[string, string | number]> {
  const st = rdbState(s);
  const job = st.job;
  return [
    ['rdb_changes_since_last_save', s.dirty],
    ['rdb_bgsave_in_progress', job === null ? 0 : 1],
    ['rdb_last_save_time', s.lastSave],
    ['rdb_last_bgsave_status', st.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', st.lastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', job === null ? -1 : Math.floor((Date.now() - job.startedAt) / 1000)],
    ['rdb_saves', st.saves],
    // No fork: no copy-on-write.
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', st.keysExpiredOnLoad],
    ['rdb_last_load_keys_loaded', st.keysLoaded],
  ];
}

/** How a shutdown treats the dataset: SHUTDOWN's SAVE/NOSAVE/FORCE, or the shutdown-on-sig* modes. */
export interface ShutdownSaveFlags {
  save: boolean;
  nosave: boolean;
  force: boolean;
}

/**
 * The RDB part of a shutdown (Redis's prepareForShutdown): a running BGSAVE
 * is abandoned, then with save points configured (or SAVE asked) the final
 * snapshot is written synchronously. Returns false when that save failed and
 * FORCE was not given: the server must keep running.
 */
export function shutdownSave(s: Server, f: ShutdownSaveFlags): boolean {
  if (rdbState(s).job !== null) {
    s.log('warning', 'There is a child saving an .rdb. Killing it!');
    killBgsave(s);
  }
  if (f.nosave || (!f.save && savePoints(s).length === 0)) return true;
  s.log('notice', 'Saving the final RDB snapshot before exiting.');
  if (saveSync(s)) return true;
  if (f.force) {
    s.log('warning', 'Error trying to save the DB. Exit anyway.');
    return true;
  }
  s.log('warning', 'Error trying to save the DB, can\'t exit.');
  return false;
}

/** The flags a signal's shutdown-on-sigterm / shutdown-on-sigint mode stands for. */
export function signalShutdownFlags(s: Server, sig: 'SIGTERM' | 'SIGINT'): ShutdownSaveFlags {
  const mode = s.config.get(sig === 'SIGTERM' ? 'shutdown-on-sigterm' : 'shutdown-on-sigint');
  return { save: mode === 'save', nosave: mode === 'nosave', force: mode === 'force' };
}

/**
 * FLUSHALL's persistence side, as in Redis: a running BGSAVE is abandoned
 * (its snapshot is stale), and with save points an empty dump.rdb is saved.
 */
export function afterFlushall(s: Server): void {
  killBgsave(s);
  if (savePoints(s).length > 0) saveSync(s);
}

/**
 * For the AOF loader: loads an RDB-format AOF base (aof-use-rdb-preamble)
 * into the server and returns the offset just past its trailer, where
 * appended commands may follow. Keys are kept even if their TTL passed, as
 * Redis does for a preamble (the AOF tail decides). Throws RdbLoadError.
 */
export function loadAofPreamble(s: Server, buf: Buffer): number {
  const res = loadRdb(buf, s.dbs, { limits: decodeLimits(s), checksum: s.config.bool('rdbchecksum'), now: null });
  loaded(s, res);
  return res.end;
}

/** Records a finished load and logs what Redis logs about the file (from its aux fields) and the key counts. */
function loaded(s: Server, res: RdbLoadResult): void {
  const st = rdbState(s);
  st.keysLoaded = res.keysLoaded;
  st.keysExpiredOnLoad = res.expiredSkipped;
  const aux = res.aux;
  const ver = aux.get('redis-ver');
  if (ver !== undefined) s.log('notice', `Loading RDB produced by version ${ver}`);
  const ctime = Number(aux.get('ctime'));
  if (aux.has('ctime') && Number.isFinite(ctime)) s.log('notice', `RDB age ${Math.max(0, Math.floor(Date.now() / 1000) - ctime)} seconds`);
  const mem = Number(aux.get('used-mem'));
  if (aux.has('used-mem') && Number.isFinite(mem)) s.log('notice', `RDB memory usage when created ${(mem / (1024 * 1024)).toFixed(2)} Mb`);
  if (Number.parseInt(aux.get('aof-base') ?? '0', 10) !== 0) s.log('notice', 'RDB is base AOF');
  s.log('notice', `Done loading RDB, keys loaded: ${res.keysLoaded}, keys expired: ${res.expiredSkipped}.`);
}
