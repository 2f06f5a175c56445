/**
 * The append-only file: Redis 7.0's multi-part layout in
 * `<dir>/<appenddirname>/` (a base file, incr files, a manifest), written
 * from the effects `server.propagate()` emits.
 *
 * Writing. Effects are encoded into a buffer (with SELECT when the database
 * changes and `#TS:` annotations when aof-timestamp-enabled is yes) and the
 * buffer is written with one write per event-loop turn (setImmediate runs
 * after the poll phase has executed every socket's input). `everysec` starts
 * an fdatasync in libuv's pool at most once a second, never blocking the
 * loop. `always` commits in groups: it waits up to GROUP_COMMIT_TURNS more
 * turns while commands keep arriving, then writes and fdatasyncs on the main
 * thread, as Redis does in beforeSleep (the pool is used only while an old
 * file retired by a rewrite still needs its fsync, or when a test's I/O has no
 * synchronous form).
 *
 * The `always` guarantee: a reply produced while the AOF holds data not yet
 * fsynced is held (the `holdReplies` barrier in Client.flush) until the fsync
 * covering everything appended at that moment completes; then the held
 * clients are flushed.
 *
 * Rewrites (BGREWRITEAOF, automatic, or turning AOF on) run as a RewriteJob
 * in time slices; see rewrite-job.ts for the point-in-time argument.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '../../net/client.js';
import type { Database } from '../../keyspace/db.js';
import type { Server } from '../../server.js';
import { encodeCommand, encodeSelect, encodeTimestamp } from './encode.js';
import { AofLoadError, errText, loadManifestFiles } from './loader.js';
import {
  baseFileName,
  cloneManifest,
  emptyManifest,
  formatManifest,
  incrFileName,
  manifestName,
  ManifestError,
  parseManifest,
  tempIncrName,
  tempManifestName,
  type Manifest,
} from './manifest.js';
import { forEachWrittenKey } from '../point-in-time-scan.js';
import { baseFormat, RewriteJob } from './rewrite-job.js';

export type AofState = 'off' | 'on' | 'wait-rewrite';

/** The file operations the writer uses; tests replace them to simulate a failing disk. */
export interface AofIo {
  writeSync(fd: number, buf: Buffer, off: number, len: number): number;
  fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void;
  /** The synchronous form, used under `always` (as Redis fsyncs in beforeSleep); absent: always async. */
  fdatasyncSync?(fd: number): void;
}

/**
 * Under `always`, how many extra event-loop turns a group commit waits for
 * more commands before its write and fsync, as long as each turn brought
 * some. Each is one non-blocking poll; clients released by the last fsync
 * send their next command while the first of them are being executed, and
 * waiting for them made groups ~20% larger and `always` throughput ~10%
 * higher in A/B runs (2 cores, redis-benchmark -c 50).
 */
const GROUP_COMMIT_TURNS = 3;

export class AofManager {
  state: AofState = 'off';
  manifest: Manifest = emptyManifest();
  io: AofIo = {
    writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, l),
    fdatasync: (fd, cb) => fs.fdatasync(fd, cb),
    fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
  };
  private fd = -1;
  private retired: number[] = [];
  private buf = '';
  private selectedDb = -1;
  private lastTs = 0;
  private flushScheduled = false;
  /** Group commit under `always`: extra turns waited so far, and the buffer size when the last one began. */
  private groupTurns = 0;
  private groupSeq = -1;
  /** Characters appended / written / known durable since start (one byte each). */
  private appendedSeq = 0;
  private writtenSeq = 0;
  private durableSeq = 0;
  private syncing = false;
  private syncAgain = false;
  private lastFsync = Date.now();
  /** Clients whose output is held (each once; its `aofHeldUntil` is the sequence it waits for). */
  private held: Client[] = [];
  private releasing: Client | null = null;
  private cron: NodeJS.Timeout | undefined;
  private started = false;
  private fsyncPolicy = 'everysec';
  private timestamps = false;
  /** Sizes for INFO and automatic rewrites. */
  currentSize = 0;
  private incrSize = 0;
  rewriteBaseSize = 0;
  /** Last write/fsync error text (MISCONF), or null. */
  writeError: string | null = null;
  private fsyncError: string | null = null;
  private lastErrorLog = 0;
  job: RewriteJob | null = null;
  rewriteScheduled = false;
  lastRewriteTimeSec = -1;
  lastRewriteOk = true;
  rewrites = 0;
  consecutiveFailures = 0;
  /** A rewrite slice's length on an idle server, in ms (less while clients are served: Server.scheduleSlice). */
  sliceMs = 2;
  /** Set by the CLI: exit the process where Redis exits (write/fsync errors under `always`). */
  exitOnFatal = false;

  constructor(private readonly server: Server) {
    server.propagationSinks.push((dbId, argv) => this.feed(dbId, argv));
    server.config.watch('appendfsync', (v) => {
      this.fsyncPolicy = v;
      if (v !== 'always') this.releaseHeld(true);
    });
    server.config.watch('aof-timestamp-enabled', (v) => (this.timestamps = v === 'yes'));
    server.config.watch('appendonly', (v) => {
      if (!this.started) return;
      if (v === 'yes' && this.state === 'off') this.enable();
      else if (v === 'no' && this.state !== 'off') this.disable();
    });
  }

  private get dirPath(): string {
    return path.resolve(this.server.config.get('dir'), this.server.config.get('appenddirname'));
  }

  private get fileName(): string {
    return this.server.config.get('appendfilename');
  }

  // ---------------------------------------------------------------- start-up

  /**
   * Start-up: reads the manifest, replays the files when appendonly is yes,
   * then opens the incr file for appending (creating the directory, an
   * empty-dataset base and the manifest if needed). Throws AofLoadError.
   */
  startup(): void {
    if (this.started) return;
    this.loadOnStart();
    this.openIfEnabledOnStart();
  }

  /**
   * First half of start-up: reads the manifest and, when appendonly is yes,
   * replays the files. Returns true when the AOF held data (Redis then skips
   * the RDB file; with false, an RDB loader may run before the second half).
   */
  loadOnStart(): boolean {
    this.started = true;
    const on = this.server.config.bool('appendonly');
    this.manifest = this.readManifest(on);
    if (!on) return false;
    this.upgradeOldStyle();
    if (this.manifest.base === null && this.manifest.incrs.length === 0) return false;
    const start = performance.now();
    const out = loadManifestFiles(this.server, this.dirPath, this.manifest);
    this.currentSize = out.totalSize;
    this.rewriteBaseSize = out.baseSize;
    if (out.totalSize > 0) this.server.log('notice', `DB loaded from append only file: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
    return out.totalSize > 0;
  }

  /** Second half: opens the incr file (writing a base of the loaded dataset when there is none). */
  openIfEnabledOnStart(): void {
    if (!this.server.config.bool('appendonly') || this.state !== 'off') return;
    this.openOnStart();
    this.deleteHistory();
    this.state = 'on';
    this.startCron();
  }

  private readManifest(fatal: boolean): Manifest {
    const p = path.join(this.dirPath, manifestName(this.fileName));
    let text: string;
    try {
      text = fs.readFileSync(p, 'latin1');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return emptyManifest();
      if (!fatal) return emptyManifest();
      throw new AofLoadError([`Fatal error: can't open the AOF manifest file ${p} for reading: ${errText(e)}`]);
    }
    try {
      return parseManifest(text);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      if (!fatal) {
        this.server.log('warning', `Ignoring the AOF manifest ${p}: ${e.message}`);
        return emptyManifest();
      }
      const lines = ['*** FATAL AOF MANIFEST FILE ERROR ***'];
      if (e.line !== null) lines.push(`Reading the manifest file, at line ${e.lineNumber}`, `>>> '${e.line}'`);
      lines.push(e.message);
      throw new AofLoadError(lines);
    }
  }

  /** A Redis < 7 single-file AOF in `dir` is moved into the directory as the base, as Redis 7 does. */
  private upgradeOldStyle(): void {
    const old = path.resolve(this.server.config.get('dir'), this.fileName);
    if (!fs.existsSync(old) || this.manifest.base !== null || this.manifest.incrs.length > 0) return;
    fs.mkdirSync(this.dirPath, { recursive: true });
    const m = emptyManifest();
    m.base = { name: this.fileName, seq: 1, type: 'b' };
    m.baseSeq = 1;
    this.persistManifest(m);
    fs.renameSync(old, path.join(this.dirPath, this.fileName));
    this.manifest = m;
    this.server.log('notice', `Successfully migrated an old-style AOF file (${this.fileName}) into the AOF directory (${this.server.config.get('appenddirname')}).`);
  }

  private openOnStart(): void {
    try {
      fs.mkdirSync(this.dirPath, { recursive: true });
    } catch (e) {
      throw new AofLoadError([`Can't open or create append-only dir ${this.server.config.get('appenddirname')}: ${errText(e)}`]);
    }
    const m = this.manifest;
    const hadIncr = m.incrs.length > 0;
    if (m.base === null && !hadIncr) {
      // Why: Redis 7.0 writes a base file of the dataset on a start with no AOF yet.
      let format = baseFormat(this.server);
      // Stepped to the end right here: its chunks must be written before the manifest names the file.
      if (format.kind === 'rdb') format = { ...format, rdb: { ...format.rdb, syncWrites: true } };
      const name = baseFileName(this.fileName, ++m.baseSeq, format.kind === 'rdb');
      const job = new RewriteJob(this.server.dbs, path.join(this.dirPath, name), format);
      while (!job.step(1000));
      void job.finish().catch(() => undefined);
      m.base = { name, seq: m.baseSeq, type: 'b' };
      this.currentSize = this.rewriteBaseSize = job.size;
      this.server.log('notice', `Creating AOF base file ${name} on server start`);
    }
    if (!hadIncr) m.incrs.push({ name: incrFileName(this.fileName, ++m.incrSeq), seq: m.incrSeq, type: 'i' });
    const incr = m.incrs[m.incrs.length - 1].name;
    try {
      this.fd = fs.openSync(path.join(this.dirPath, incr), 'a', 0o644);
    } catch (e) {
      throw new AofLoadError([`Can't open the append-only file ${incr}: ${errText(e)}`]);
    }
    this.persistManifest(m);
    this.incrSize = fs.fstatSync(this.fd).size;
    this.server.log('notice', `${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${incr} on server start`);
  }

  /** Writes the manifest atomically: temp file, fsync, rename, fsync of the directory. Throws on failure. */
  private persistManifest(m: Manifest): void {
    const tmp = path.join(this.dirPath, tempManifestName(this.fileName));
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      fs.writeSync(fd, formatManifest(m), null, 'latin1');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dirPath, manifestName(this.fileName)));
    try {
      const dfd = fs.openSync(this.dirPath, 'r');
      fs.fsyncSync(dfd);
      fs.closeSync(dfd);
    } catch {
      /* some file systems refuse fsync on directories */
    }
  }

  private deleteHistory(): void {
    const m = this.manifest;
    if (m.history.length === 0 || this.server.config.bool('aof-disable-auto-gc')) return;
    // The manifest goes first: its fsyncs waited ~6 ms behind the pool's unlink of a
    // 200 MB base under load, ~3 ms before it (one rewrite each). A crash in between leaves unlisted files,
    // as Redis's background unlink can.
    const history = m.history;
    m.history = [];
    this.persistManifest(m);
    for (const h of history) {
      this.server.log('notice', `Removing the history file ${h.name} in the background`);
      fs.unlink(path.join(this.dirPath, h.name), () => undefined);
    }
  }

  // ----------------------------------------------------------------- writing

  /** The propagation sink: encodes one effect into the turn's buffer. */
  private feed(dbId: number, argv: string[]): void {
    if (this.state === 'off' || this.server.loading) return;
    let text = '';
    if (this.timestamps) {
      const now = Math.floor(this.server.now() / 1000);
      if (now > this.lastTs) {
        this.lastTs = now;
        text += encodeTimestamp(now);
      }
    }
    if (dbId !== -1 && dbId !== this.selectedDb) {
      text += encodeSelect(dbId);
      this.selectedDb = dbId;
    }
    text += encodeCommand(argv);
    this.buf += text;
    this.appendedSeq += text.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushTurn());
    }
  }

  /** Once per event-loop turn: one write of the buffer, then the fsync the policy asks for. */
  private flushTurn(): void {
    this.flushScheduled = false;
    if (this.state === 'off') return;
    if (this.fsyncPolicy === 'always' && this.groupTurns < GROUP_COMMIT_TURNS && this.appendedSeq !== this.groupSeq) {
      this.groupTurns++;
      this.groupSeq = this.appendedSeq;
      this.flushScheduled = true;
      setImmediate(() => this.flushTurn());
      return;
    }
    this.groupTurns = 0;
    this.groupSeq = -1;
    // always, while a pool fsync runs: writes wait for it (a write to a file being fsynced can
    // block: up to 1.4 ms measured here, usually a few µs); its completion writes and fsyncs
    // them as one group.
    if (this.fsyncPolicy === 'always' && this.syncing) {
      this.syncAgain = true;
      return;
    }
    if (!this.writeBuffer()) {
      // Like Redis, a failed write under everysec/no does not stop the replies (writes are refused next).
      if (this.fsyncPolicy !== 'always') this.releaseHeld(true);
      return;
    }
    if (this.fsyncPolicy === 'always') {
      if (!this.syncing && this.retired.length === 0 && this.io.fdatasyncSync !== undefined) this.syncInline();
      else this.requestSync();
    } else {
      this.releaseHeld(false);
      if (this.fsyncPolicy === 'everysec' && Date.now() - this.lastFsync >= 1000) this.requestSync();
    }
  }

  /** Writes the whole buffer; returns false (and enters the MISCONF state) on failure. */
  private writeBuffer(): boolean {
    if (this.buf.length === 0 || this.fd < 0) return this.writeError === null;
    const data = Buffer.from(this.buf, 'latin1');
    let off = 0;
    try {
      while (off < data.length) off += this.io.writeSync(this.fd, data, off, data.length - off);
    } catch (e) {
      if (off > 0) {
        // A short write: remove it so the file ends on a command boundary, as Redis tries to.
        try {
          fs.ftruncateSync(this.fd, this.incrSize);
          off = 0;
        } catch {
          this.accountWritten(off);
          this.buf = this.buf.slice(off);
        }
      }
      this.onWriteError(e);
      return false;
    }
    this.accountWritten(data.length);
    this.buf = '';
    if (this.writeError !== null) {
      this.server.log('notice', 'AOF write error looks solved, Redis can write again.');
      this.writeError = null;
      this.updateGate();
    }
    return true;
  }

  private accountWritten(n: number): void {
    this.writtenSeq += n;
    this.incrSize += n;
    this.currentSize += n;
  }

  private onWriteError(e: unknown): void {
    const text = errText(e);
    const now = Date.now();
    // Like Redis, at most one log line per 30 s while the error lasts.
    if (now - this.lastErrorLog > 30000) {
      this.lastErrorLog = now;
      this.server.log('warning', `Error writing to the AOF file: ${text}`);
    }
    if (this.fsyncPolicy === 'always') this.fatal("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
    this.writeError = text;
    this.updateGate();
  }

  /**
   * Where Redis exits (a write or fsync error under `always`, whose replies
   * must never go out). The CLI exits too; an embedded server keeps the
   * replies held and refuses writes until the disk recovers.
   */
  private fatal(msg: string): void {
    this.server.log('warning', msg);
    if (this.exitOnFatal) process.exit(1);
  }

  /** Keeps the dispatcher's MISCONF gate text in sync. */
  private updateGate(): void {
    const err = this.state === 'off' ? null : (this.writeError ?? this.fsyncError);
    this.server.persistenceError = err === null ? null : `MISCONF Errors writing to the AOF file: ${err}`;
  }

  /** Starts an fdatasync of the current (and any retired) file in libuv's pool; later requests coalesce. */
  private requestSync(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    const target = this.writtenSeq;
    if (target === this.durableSeq && this.retired.length === 0) return this.releaseHeld(false);
    const fds = [...this.retired, this.fd].filter((fd) => fd >= 0);
    const closeAfter = this.retired;
    this.retired = [];
    this.syncing = true;
    let pending = fds.length;
    let failure: NodeJS.ErrnoException | null = null;
    const done = (err: NodeJS.ErrnoException | null) => {
      if (err !== null) failure = err;
      if (--pending > 0) return;
      for (const fd of closeAfter) fs.close(fd, () => undefined);
      this.syncing = false;
      this.lastFsync = Date.now();
      this.onSynced(target, failure);
    };
    if (fds.length === 0) {
      pending = 1;
      return done(null);
    }
    for (const fd of fds) this.io.fdatasync(fd, done);
  }

  /**
   * `always`: fsync on the main thread, as Redis's beforeSleep does. Measured
   * on 2 cores, the thread pool lost ~25% of the throughput: its round trip
   * adds ~0.1 ms per fsync, and the loop, free while the disk works, spins
   * through many small turns that take CPU from the fsync and the clients.
   */
  private syncInline(): void {
    const target = this.writtenSeq;
    let err: NodeJS.ErrnoException | null = null;
    try {
      this.io.fdatasyncSync!(this.fd);
    } catch (e) {
      err = e as NodeJS.ErrnoException;
    }
    this.lastFsync = Date.now();
    this.onSynced(target, err);
  }

  private onSynced(target: number, err: NodeJS.ErrnoException | null): void {
    if (err !== null) {
      if (this.fsyncPolicy === 'always') this.fatal(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${errText(err)}. Exiting...`);
      this.fsyncError = errText(err);
      this.updateGate();
    } else {
      this.durableSeq = Math.max(this.durableSeq, target);
      if (this.fsyncError !== null) {
        this.fsyncError = null;
        this.updateGate();
      }
      this.releaseHeld(false);
    }
    if (this.syncAgain) {
      this.syncAgain = false;
      if (this.fsyncPolicy === 'always' && !this.writeBuffer()) return;
      this.requestSync();
    }
  }

  /**
   * The reply barrier (Client.flush). As in Redis, where beforeSleep writes
   * the AOF before any reply, replies produced while effects sit in the
   * buffer wait for the turn's write (so a process crash never loses an
   * acknowledged write); under `always` they wait for the fsync too.
   * Returns true when the client's output is held.
   */
  holdReplies(c: Client): boolean {
    if (this.state === 'off' || c === this.releasing) return false;
    const always = this.fsyncPolicy === 'always';
    // While the disk fails, everysec/no replies go out (writes are refused by the MISCONF gate).
    if (!always && this.writeError !== null) return false;
    if ((always ? this.durableSeq : this.writtenSeq) >= this.appendedSeq) return false;
    if (c.aofHeldUntil < 0) this.held.push(c);
    c.aofHeldUntil = this.appendedSeq;
    return true;
  }

  private releaseHeld(all: boolean): void {
    if (this.held.length === 0) return;
    const reached = this.fsyncPolicy === 'always' ? this.durableSeq : this.writtenSeq;
    const list = this.held;
    this.held = [];
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (!all && reached < c.aofHeldUntil) {
        this.held.push(c);
        continue;
      }
      c.aofHeldUntil = -1;
      this.releasing = c;
      try {
        c.flush();
      } catch (e) {
        // Keep the rest held rather than lose track of them.
        for (let j = i + 1; j < list.length; j++) this.held.push(list[j]);
        throw e;
      } finally {
        this.releasing = null;
      }
    }
  }

  // ------------------------------------------------------------------- cron

  private startCron(): void {
    if (this.cron !== undefined) return;
    let tick = 0;
    this.cron = setInterval(() => {
      tick++;
      if (this.state === 'off') return;
      // everysec: data written but not yet synced for a second gets its fsync even with no new writes.
      if (this.fsyncPolicy !== 'no' && this.durableSeq < this.writtenSeq && Date.now() - this.lastFsync >= 1000) this.requestSync();
      if (tick % 10 === 0 && this.writeError !== null) this.writeBuffer();
      if (this.state === 'on' && this.job === null) this.maybeAutoRewrite();
    }, 100);
    this.cron.unref();
  }

  private maybeAutoRewrite(): void {
    if (this.rewriteScheduled) {
      this.rewriteScheduled = false;
      this.startRewrite();
      return;
    }
    const perc = this.server.config.int('auto-aof-rewrite-percentage');
    if (perc <= 0 || this.currentSize <= this.server.config.int('auto-aof-rewrite-min-size')) return;
    const base = this.rewriteBaseSize > 0 ? this.rewriteBaseSize : 1;
    const growth = Math.floor((this.currentSize * 100) / base) - 100;
    if (growth < perc) return;
    this.server.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
    this.startRewrite();
  }

  // -------------------------------------------------------- on/off at runtime

  /** CONFIG SET appendonly yes: a rewrite produces the first base; writes accumulate meanwhile. */
  private enable(): void {
    try {
      fs.mkdirSync(this.dirPath, { recursive: true });
    } catch (e) {
      this.server.log('warning', `Can't open or create append-only dir ${this.server.config.get('appenddirname')}: ${errText(e)}`);
      return;
    }
    this.state = 'wait-rewrite';
    const err = this.startRewrite();
    if (err !== null) {
      this.state = 'off';
      this.server.log('warning', "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
      return;
    }
    this.writeError = this.fsyncError = null;
    this.updateGate();
    this.startCron();
  }

  /** CONFIG SET appendonly no: flush, fsync, close; a running rewrite is dropped. */
  private disable(): void {
    this.writeBuffer();
    this.abortRewrite();
    this.closeFiles();
    this.state = 'off';
    this.buf = '';
    this.selectedDb = -1;
    this.writeError = this.fsyncError = null;
    this.updateGate();
    this.releaseHeld(true);
  }

  private closeFiles(): void {
    for (const fd of [...this.retired, this.fd]) {
      if (fd < 0) continue;
      try {
        fs.fdatasyncSync(fd);
      } catch (e) {
        this.server.log('warning', `Fail to fsync the AOF file: ${errText(e)}`);
      }
      fs.closeSync(fd);
    }
    this.retired = [];
    this.fd = -1;
    this.durableSeq = this.writtenSeq;
  }

  /** Server close / SHUTDOWN: the buffer is written and fsynced, the files closed. */
  shutdown(): void {
    if (this.cron !== undefined) clearInterval(this.cron);
    this.cron = undefined;
    if (this.state === 'off') return;
    this.writeBuffer();
    this.abortRewrite();
    this.closeFiles();
    this.releaseHeld(true);
    this.state = 'off';
  }

  // ---------------------------------------------------------------- rewrite

  /** Starts a rewrite; returns an error text or null. */
  startRewrite(): string | null {
    if (this.job !== null) return 'ERR Background append only file rewriting already in progress';
    this.writeBuffer();
    // With AOF off, BGREWRITEAOF still writes a base and a manifest (no incr file), as Redis does.
    if (this.state !== 'off' && !this.switchIncr()) return 'ERR Background append only file rewriting failed';
    const temp = path.resolve(this.server.config.get('dir'), `temp-rewriteaof-bg-${process.pid}.aof`);
    try {
      fs.mkdirSync(this.dirPath, { recursive: true });
      this.job = new RewriteJob(this.server.dbs, temp, baseFormat(this.server));
    } catch (e) {
      this.server.log('warning', `Can't open the temporary AOF base file ${temp}: ${errText(e)}`);
      this.rewriteFailed();
      return 'ERR Background append only file rewriting failed';
    }
    const job = this.job;
    const saveFirst = (db: Database, key: string): void => job.beforeWrite(db, key);
    this.server.beforeWrite = (c, cmd, argv) => forEachWrittenKey(c, cmd, argv, saveFirst);
    this.server.log('notice', 'Background append only file rewriting started');
    this.server.scheduleSlice((budget) => this.rewriteStep(job, budget), this.sliceMs);
    return null;
  }

  /** Opens the incr file the writes after the rewrite's start go to (a temp one while turning AOF on). */
  private switchIncr(): boolean {
    let newFd: number;
    let next: Manifest | null = null;
    let name: string;
    if (this.state === 'wait-rewrite') name = tempIncrName(this.fileName);
    else {
      next = cloneManifest(this.manifest);
      name = incrFileName(this.fileName, ++next.incrSeq);
      next.incrs.push({ name, seq: next.incrSeq, type: 'i' });
    }
    try {
      fs.mkdirSync(this.dirPath, { recursive: true });
      newFd = fs.openSync(path.join(this.dirPath, name), 'w', 0o644);
    } catch (e) {
      this.server.log('warning', `Can't open the append-only file ${name}: ${errText(e)}`);
      return false;
    }
    try {
      if (next !== null) this.persistManifest(next);
    } catch (e) {
      this.server.log('warning', `Can't persist the AOF manifest: ${errText(e)}`);
      fs.closeSync(newFd);
      return false;
    }
    if (next !== null) this.manifest = next;
    this.server.log('notice', `Creating AOF incr file ${name} on background rewrite`);
    if (this.fd >= 0) this.retired.push(this.fd);
    this.fd = newFd;
    this.incrSize = 0;
    // Force SELECT (and a timestamp) at the head of the new incr file.
    this.selectedDb = -1;
    this.lastTs = 0;
    if (this.retired.length > 0) this.requestSync();
    return true;
  }

  private rewriteStep(job: RewriteJob, budgetMs: number): void {
    if (this.job !== job) return;
    let done: boolean;
    try {
      done = job.step(budgetMs);
    } catch (e) {
      this.server.log('warning', `Background AOF rewrite failed: ${(e as Error).message}`);
      this.abortRewrite();
      this.rewriteFailed();
      return;
    }
    if (!done) {
      this.server.scheduleSlice((budget) => this.rewriteStep(job, budget), this.sliceMs);
      return;
    }
    this.server.beforeWrite = null;
    job.finish().then(
      () => this.rewriteDone(job),
      (e) => {
        if (this.job !== job) return;
        this.server.log('warning', `Background AOF rewrite failed: ${errText(e)}`);
        this.abortRewrite();
        this.rewriteFailed();
      },
    );
  }

  /** Installs the new base and incr in a new manifest; the old files become history and are removed. */
  private rewriteDone(job: RewriteJob): void {
    if (this.job !== job) return;
    this.server.log('notice', 'Background AOF rewrite terminated with success');
    const next = cloneManifest(this.manifest);
    const baseName = baseFileName(this.fileName, ++next.baseSeq, job.rdb);
    try {
      fs.renameSync(job.tempPath, path.join(this.dirPath, baseName));
      this.server.log('notice', `Successfully renamed the temporary AOF base file ${path.basename(job.tempPath)} into ${baseName}`);
      if (next.base !== null) next.history.unshift({ ...next.base, type: 'h' });
      next.base = { name: baseName, seq: next.baseSeq, type: 'b' };
      if (this.state === 'wait-rewrite') {
        for (const i of next.incrs) next.history.push({ ...i, type: 'h' });
        const incr = incrFileName(this.fileName, ++next.incrSeq);
        fs.renameSync(path.join(this.dirPath, tempIncrName(this.fileName)), path.join(this.dirPath, incr));
        next.incrs = [{ name: incr, seq: next.incrSeq, type: 'i' }];
      } else if (this.state === 'off') {
        for (const i of next.incrs) next.history.push({ ...i, type: 'h' });
        next.incrs = [];
      } else {
        const cur = next.incrs.pop()!;
        for (const i of next.incrs) next.history.push({ ...i, type: 'h' });
        next.incrs = [cur];
      }
      this.persistManifest(next);
    } catch (e) {
      this.server.log('warning', `Background AOF rewrite failed: ${errText(e)}`);
      this.abortRewrite();
      this.rewriteFailed();
      return;
    }
    this.manifest = next;
    this.job = null;
    if (this.state === 'wait-rewrite') this.state = 'on';
    this.currentSize = job.size + this.incrSize;
    this.rewriteBaseSize = this.currentSize;
    this.lastRewriteTimeSec = Math.floor((Date.now() - job.startedAt) / 1000);
    this.lastRewriteOk = true;
    this.rewrites++;
    this.consecutiveFailures = 0;
    this.deleteHistory();
    this.server.log('notice', 'Background AOF rewrite finished successfully');
  }

  private abortRewrite(): void {
    if (this.job === null) return;
    this.job.abort();
    this.job = null;
    this.server.beforeWrite = null;
  }

  private rewriteFailed(): void {
    this.lastRewriteOk = false;
    this.consecutiveFailures++;
    // Turning AOF on failed: it stays waiting and is retried from the cron.
    if (this.state === 'wait-rewrite') this.rewriteScheduled = true;
  }

  // ------------------------------------------------------------------- INFO

  /** Seconds the running rewrite has taken so far, or -1. */
  currentRewriteSec(): number {
    return this.job === null ? -1 : Math.floor((Date.now() - this.job.startedAt) / 1000);
  }

  get bufferLength(): number {
    return this.buf.length;
  }

  get fsyncInProgress(): boolean {
    return this.syncing;
  }
}
