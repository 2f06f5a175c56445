/**
 * The server: configuration, databases, the command table, connected clients,
 * statistics, the periodic cron (active expiry, idle timeouts, rehashing) and
 * the single point where effects are propagated (AOF and replicas later).
 * Several Server instances in one process share nothing.
 */
import net from 'node:net';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ALL_COMMANDS } from './commands/index.js';
import { call } from './commands/dispatch.js';
import { migrateClose } from './commands/migrate.js';
import { CommandTable, type CommandStats } from './commands/table.js';
import { Config, type ConfigValues } from './config/config.js';
import { reprArg } from './config/file.js';
import { appendLogSink } from './config/logfile.js';
import { BlockingManager } from './keyspace/blocking.js';
import { Database, type KeyspaceHost } from './keyspace/db.js';
import { activeExpireCycle, type ExpireCursor } from './keyspace/expiry.js';
import { KeyspaceNotifier } from './keyspace/notify.js';
import { WatchTable } from './keyspace/watch.js';
import { HeapCompactor } from './heap-compaction.js';
import { Logger, type LogLevel } from './log.js';
import { Client } from './net/client.js';
import { ClientPause } from './net/client-pause.js';
import { PubSub } from './pubsub/pubsub.js';
import { AofManager } from './persistence/aof/aof.js';
import { rdbClose, rdbStartup } from './persistence/rdb/manager.js';
import type { Command } from './commands/table.js';
import { createStats, type Stats } from './stats.js';
import { AccessClock } from './keyspace/access-clock.js';
import { readIntoSharedBuffer } from './net/socket-io.js';

/**
 * While clients are being served, a background save's slice lasts this share
 * of the time they had since the previous slice: the save gets about a third
 * of the main thread. With the old floor of 1 ms per slice it took over half
 * under load. Measured with 5M keys under redis-benchmark SET -c 50
 * (bench:persistence): ops/s during BGSAVE/BGREWRITEAOF went from 22-24k to
 * 30-34k (idle 40-58k). The p99 during the save stayed at 6.2-6.6 ms; GC
 * scavenges of 3-8 ms set it, with or without a save.
 */
const SLICE_SHARE = 0.5;
/** A slice's floor while clients are active (a few µs of scheduling per slice). */
const SLICE_MIN_MS = 0.1;
/**
 * No command for this long and the server counts as idle. (Not "none since
 * the last slice": under load the turn after a slice often has no input yet.)
 */
const SLICE_IDLE_MS = 10;

export { RESPITE_VERSION, REDIS_VERSION } from './version.js';

export interface ServerOptions {
  /** Directive overrides, as on the command line (`{ port: 0, appendonly: 'no' }`). */
  config?: ConfigValues;
  /** Source of Unix time in ms; tests inject a controllable clock. */
  clock?: () => number;
  /** Log sink; null silences the server. Defaults to stdout. */
  log?: ((line: string) => void) | null;
}

/** Receives every effect written to the dataset (AOF, replicas). dbId -1: no database context (the MULTI/EXEC wrapping an EXEC's effects). */
export type PropagationSink = (dbId: number, argv: string[]) => void;

export class Server implements KeyspaceHost {
  readonly config: Config;
  readonly dbs: Database[];
  readonly commands: CommandTable;
  readonly clients = new Map<number, Client>();
  readonly monitors = new Set<Client>();
  /** CLIENT PAUSE state and the clients it holds. */
  readonly pause = new ClientPause();
  readonly stats: Stats = createStats();
  /** The per-key LRU/LFU clock all databases stamp keys with (advanced by the cron). */
  readonly accessClock = new AccessClock();
  readonly logger = new Logger();
  readonly clock: () => number;
  readonly startedAt: number;
  readonly propagationSinks: PropagationSink[] = [];
  /** Cached hot configuration values (kept in sync by config watchers). */
  queryBufferLimit = 0;
  private password = '';
  private maxClients = 10000;
  private idleTimeoutSec = 0;
  private hz = 10;
  private activeDefrag = false;
  private nextClientId = 1;
  private cmdTime = 0;
  private listeners: net.Server[] = [];
  private cron: NodeJS.Timeout | undefined;
  private readonly expireCursor: ExpireCursor = { db: 0, cursor: 0 };
  /** Dirty counter: writes since the last save (rdb_changes_since_last_save). */
  dirty = 0;
  lastSave = Math.floor(Date.now() / 1000);
  activeExpireEnabled = true;
  /** Bound TCP port (resolved when port 0 was asked for). */
  port = 0;
  host = '127.0.0.1';
  shuttingDown = false;
  /** True while the AOF is replayed at start-up: nothing expires (Redis's server.loading). */
  loading = false;
  /** Non-null while persistence is failing: the MISCONF error write commands get (dispatch gate). */
  persistenceError: string | null = null;
  /** Non-null while an AOF rewrite runs: called before a command that may write executes. */
  beforeWrite: ((c: Client, cmd: Command, argv: string[]) => void) | null = null;
  /** Non-null while a BGSAVE runs (persistence/rdb/snapshot.ts): called before a command that may write executes. */
  snapshotBeforeWrite: ((c: Client, cmd: Command, argv: string[]) => void) | null = null;
  /** The append-only file (appendonly, BGREWRITEAOF). */
  readonly aof: AofManager;
  /** Called when a client asks the server to stop (SHUTDOWN); the embedder or CLI decides how. */
  onShutdown: (() => void) | null = null;

  constructor(opts: ServerOptions = {}) {
    this.clock = opts.clock ?? Date.now;
    this.customClock = opts.clock !== undefined;
    if (opts.log !== undefined) this.logger.sink = opts.log;
    this.config = new Config(opts.config ?? {});
    // logfile: log lines are appended to that file (unless the embedder passed its own sink).
    const logfile = this.config.get('logfile');
    if (logfile !== '' && opts.log === undefined) this.logger.sink = appendLogSink(logfile);
    this.startedAt = this.clock();
    const n = this.config.int('databases');
    this.dbs = Array.from({ length: n }, (_, i) => new Database(i, this));
    this.commands = new CommandTable(ALL_COMMANDS);
    this.pubsub = new PubSub(this);
    this.watches = new WatchTable(this);
    this.notifier = new KeyspaceNotifier(this);
    this.aof = new AofManager(this);
    this.config.watch('requirepass', (v) => (this.password = v));
    this.config.watch('maxclients', (v) => (this.maxClients = Number(v)));
    this.config.watch('timeout', (v) => (this.idleTimeoutSec = Number(v)));
    this.config.watch('client-query-buffer-limit', (v) => (this.queryBufferLimit = Number(v)));
    this.config.watch('proto-max-bulk-len', (v) => {
      for (const c of this.clients.values()) c.parser.maxBulkLen = Number(v);
    });
    this.config.watch('loglevel', (v) => (this.logger.level = v));
    // Like Redis, an unchanged value does not touch the sockets.
    let listenOn = '';
    const onListenChange = () => {
      const now = `${this.config.get('port')} ${this.config.get('bind')}`;
      if (now !== listenOn && listenOn !== '') void this.rebindTcp();
      listenOn = now;
    };
    this.config.watch('port', onListenChange);
    this.config.watch('bind', onListenChange);
    this.config.watch('hz', (v) => {
      this.hz = Number(v);
      this.scheduleCron(this.hz);
    });
    this.config.watch('activedefrag', (v) => (this.activeDefrag = v === 'yes'));
    this.accessClock.tick(this.clock());
    this.config.watch('maxmemory-policy', (v) => this.accessClock.setPolicy(v));
    this.config.watch('lfu-log-factor', (v) => (this.accessClock.logFactor = Number(v)));
    this.config.watch('lfu-decay-time', (v) => (this.accessClock.decayTime = Number(v)));
  }

  log(level: LogLevel, msg: string): void {
    this.logger.log(level, msg);
  }

  /** The frozen time of the command being executed (Unix ms). */
  now(): number {
    return this.cmdTime;
  }

  /**
   * Samples the clock once; everything the next command does sees this time.
   * With the default clock, a `performance.now()` reading the caller already
   * took is reused (wall time = monotonic time + an offset resynced by the
   * cron), so a command costs one clock read, not two.
   */
  freezeTime(perfNow = performance.now()): void {
    this.cmdTime = this.customClock ? this.clock() : Math.floor(this.wallOffset + perfNow);
  }

  private readonly customClock: boolean;
  /** performance.now() of the last command started (idle detection). */
  private lastCommandAt = 0;
  readonly compactor = new HeapCompactor();
  /** Clients blocked on keys (BLPOP & co.). */
  readonly blocking = new BlockingManager((c, cmd, argv) => call(c, cmd, argv));
  private timedStats: CommandStats | null = null;
  private timedStart = 0;

  /**
   * Starts timing a command for INFO commandstats and returns the
   * `performance.now()` reading. A command's time runs until the next one
   * starts or `endTiming()` closes the batch: one clock read per command.
   */
  beginTiming(stats: CommandStats): number {
    const t = performance.now();
    this.lastCommandAt = t;
    if (this.timedStats !== null) this.timedStats.usec += (t - this.timedStart) * 1000;
    this.timedStats = stats;
    this.timedStart = t;
    return t;
  }

  /** Closes the timing of the last command executed (end of a read batch). */
  endTiming(): void {
    if (this.timedStats === null) return;
    this.timedStats.usec += (performance.now() - this.timedStart) * 1000;
    this.timedStats = null;
  }
  private wallOffset = Date.now() - performance.now();

  requiresAuth(): boolean {
    return this.password !== '';
  }

  checkPassword(pass: string): boolean {
    return this.password !== '' && pass === this.password;
  }

  /**
   * The one place effects leave the executor: fed to AOF/replicas and counted
   * in `dirty` as `changes` (Redis counts changes, not commands: MSET of 10
   * keys is 10, an expired key's DEL 0; rdb_changes_since_last_save and the
   * save points read this count).
   */
  propagate(dbId: number, argv: string[], changes = 1): void {
    this.dirty += changes;
    // Inside EXEC the effects are collected, then wrapped in MULTI/EXEC.
    if (this.propagationBuffer !== null) {
      this.propagationBuffer.push({ dbId, argv });
      return;
    }
    for (const sink of this.propagationSinks) sink(dbId, argv);
  }

  keyExpired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    // An expired key's deletion is not a change Redis counts.
    this.propagate(db.id, ['DEL', key], 0);
    this.keyChanged(db, key, 'x', 'expired');
  }

  /**
   * The write rhythm's last step after a mutation: signal the key as modified
   * (WATCH, client tracking) and raise the keyspace event `event` of class
   * `cls` (Redis's notify-keyspace-events letters: g $ l s h z x e t m d n).
   * Subsystems subscribe through `keyListeners`; with none this costs one check.
   */
  keyChanged(db: Database, key: string, cls: string, event: string): void {
    if (this.keyListeners.length === 0) return;
    for (const fn of this.keyListeners) fn(db, key, cls, event);
  }

  readonly keyListeners: Array<(db: Database, key: string, cls: string, event: string) => void> = [];
  /** Pub/Sub channels, patterns and shard channels. */
  readonly pubsub: PubSub;
  /** WATCHed keys (MULTI/EXEC optimistic locking). */
  readonly watches: WatchTable;
  /** Publishes keyspace events per notify-keyspace-events. */
  readonly notifier: KeyspaceNotifier;
  /** Non-null while EXEC runs: propagate() collects effects here instead of feeding the sinks. */
  propagationBuffer: Array<{ dbId: number; argv: string[] }> | null = null;

  /** A database is about to be flushed or swapped: watched keys in it are touched. */
  dbReplacing(emptied: Database, replacedWith: Database | null): void {
    this.watches.dbReplaced(emptied, replacedWith);
  }

  /** Counts an error reply for INFO stats/errorstats. */
  countError(msg: string): void {
    this.stats.errorReplies++;
    const sp = msg.indexOf(' ');
    const code = sp < 0 ? msg : msg.slice(0, sp);
    this.stats.errorCodes.set(code, (this.stats.errorCodes.get(code) ?? 0) + 1);
  }

  feedMonitors(c: Client, argv: string[]): void {
    const t = this.clock();
    const where = c.socket === null ? 'lua' : c.addr;
    let line = `${Math.floor(t / 1000)}.${String((t % 1000) * 1000).padStart(6, '0')} [${c.db.id} ${where}]`;
    const hidden = redactedArgs(argv);
    for (let i = 0; i < argv.length; i++) line += ' ' + (hidden.has(i) ? '"(redacted)"' : reprArg(argv[i]));
    for (const m of this.monitors) {
      m.simple(line);
      m.flush();
    }
  }

  /** Accepts a socket as a client, or refuses it as Redis does. */
  acceptSocket(socket: net.Socket): void {
    socket.setNoDelay(true);
    const keepalive = this.config.int('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    if (this.clients.size >= this.maxClients) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    if (this.protectedModeRefuses(socket)) {
      this.stats.rejectedConnections++;
      socket.end(
        '-DENIED respite is running in protected mode: no password is set and it is bound to all interfaces, ' +
          'so only loopback connections are accepted. Set requirepass, bind to a specific address, or disable protected-mode.\r\n',
      );
      return;
    }
    const c = new Client(this.nextClientId++, this, socket);
    c.parser.maxBulkLen = this.config.int('proto-max-bulk-len');
    this.clients.set(c.id, c);
    this.stats.connectionsReceived++;
    if (!readIntoSharedBuffer(socket, (chunk) => c.onBorrowedData(chunk))) socket.on('data', (chunk: Buffer) => c.onData(chunk));
    socket.on('error', () => c.close());
    socket.on('close', () => {
      c.closed = true;
      this.unlinkClient(c);
    });
  }

  /** Clients whose replies go out at the end of this event-loop turn (Redis's clients_pending_write). */
  private pendingWrites: Client[] = [];
  private spareWrites: Client[] = [];
  /** Work queued for the end of this turn, run after the clients' replies are written. */
  private afterWrites: Array<() => void> = [];
  private turnScheduled = false;

  /**
   * Queues `c`'s replies for the end of the turn: like Redis's beforeSleep,
   * setImmediate runs once the poll phase has executed every socket's input,
   * so each client gets one write per turn and the peers see their replies
   * in one burst (waking a sleeping reader is the costly part of a small
   * write on loopback; see the README's benchmark notes).
   */
  queueWrite(c: Client): void {
    if (c.writeQueued) return;
    c.writeQueued = true;
    this.pendingWrites.push(c);
    this.scheduleTurnEnd();
  }

  /**
   * Runs `fn` at the end of this turn, once the pending replies are written
   * (pub/sub fan-out: publishers get their replies, and can send more, before
   * the turn's messages go out to the subscribers; the tracking BCAST
   * invalidations of the turn).
   */
  afterWritesThisTurn(fn: () => void): void {
    this.afterWrites.push(fn);
    this.scheduleTurnEnd();
  }

  /**
   * Runs a background save's next slice in the next event-loop turn, once
   * that turn's replies are written (or at once if it has none), and hands it
   * its time budget. A plain setImmediate queued now would run ahead of the
   * next turn's end-of-turn writes, so every reply of that turn would wait
   * for the slice.
   *
   * The budget (see SLICE_SHARE): `maxMs` when no command ran for
   * SLICE_IDLE_MS (an idle server gives the save all it can), else
   * SLICE_SHARE of the time since this was called, at least SLICE_MIN_MS.
   * Under a redis-benchmark load the save then takes about a third of the
   * thread instead of over half.
   */
  scheduleSlice(fn: (budgetMs: number) => void, maxMs: number): void {
    const since = performance.now();
    const run = (): void => {
      const now = performance.now();
      if (now - this.lastCommandAt > SLICE_IDLE_MS) return fn(maxMs);
      fn(Math.min(maxMs, Math.max(SLICE_MIN_MS, (now - since) * SLICE_SHARE)));
    };
    setImmediate(() => {
      if (this.turnScheduled) this.afterWrites.push(run);
      else run();
    });
  }

  private scheduleTurnEnd(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(this.endTurn);
  }

  private readonly endTurn = (): void => {
    this.turnScheduled = false;
    // Two lists used in turn: a turn allocates no new one (less young garbage per request).
    const list = this.pendingWrites;
    this.pendingWrites = this.spareWrites;
    try {
      for (let i = 0; i < list.length; i++) {
        const c = list[i];
        c.writeQueued = false;
        c.flush();
      }
    } finally {
      list.length = 0;
      this.spareWrites = list;
    }
    if (this.afterWrites.length === 0) return;
    const after = this.afterWrites;
    this.afterWrites = [];
    for (const fn of after) fn();
  };

  private protectedModeRefuses(socket: net.Socket): boolean {
    if (this.config.get('protected-mode') !== 'yes' || this.password !== '') return false;
    const a = socket.remoteAddress ?? '';
    if (a === '' || a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1' || a.startsWith('127.') || a.startsWith('::ffff:127.')) return false;
    const binds = this.config.get('bind').trim();
    return binds === '' || binds.split(/\s+/).some((b) => b === '*' || b === '-*' || b === '::*' || b === '-::*' || b === '0.0.0.0');
  }

  /** Removes a closed client from every registry. */
  unlinkClient(c: Client): void {
    if (!this.clients.delete(c.id)) return;
    this.monitors.delete(c);
    this.blocking.drop(c);
    this.pubsub.dropClient(c);
    this.watches.unwatchAll(c);
    this.onClientGone?.(c);
  }

  /** RESET: the connection returns to the state of a new one. */
  resetClient(c: Client): void {
    c.multi = null;
    c.multiDirty = false;
    this.monitors.delete(c);
    this.pubsub.dropClient(c);
    this.watches.unwatchAll(c);
    this.onClientReset?.(c);
    c.db = this.dbs[0];
    c.resp = 2;
    c.name = '';
    c.replyOff = c.replySkip = c.replySkipNext = false;
    c.noEvict = false;
    c.user = 'default';
    c.setAuthenticated(!this.requiresAuth());
  }

  /** Hook for subsystems (pub/sub, WATCH, tracking) to clear a client's state on RESET. */
  onClientReset: ((c: Client) => void) | undefined;

  /** Hook for subsystems (pub/sub, blocking, tracking) to forget a client. */
  onClientGone: ((c: Client) => void) | undefined;

  /** Starts listening on every configured address and the unix socket. */
  async listen(): Promise<void> {
    // The AOF is replayed before any client can connect (throws AofLoadError).
    this.aof.startup();
    // dump.rdb is loaded when the AOF is off (throws RdbLoadError); the save-point timer starts.
    rdbStartup(this);
    await this.openTcp();
    this.tcpOpened = true;
    const sock = this.config.get('unixsocket');
    if (sock !== '') await this.listenUnix(sock);
    this.scheduleCron(this.config.int('hz'));
  }

  /** listen() has run: later port/bind changes re-open the TCP listeners. */
  private tcpOpened = false;

  /** Opens a TCP listener per bind address on the configured port. */
  private async openTcp(): Promise<void> {
    const port = this.config.int('port');
    const binds = this.config.get('bind').trim().split(/\s+/).filter(Boolean);
    if (port === 0 && binds.length === 0) return;
    let boundPort = port;
    let first = true;
    for (const raw of binds) {
      const optional = raw.startsWith('-');
      let host = optional ? raw.slice(1) : raw;
      if (host === '*') host = '0.0.0.0';
      if (host === '::*') host = '::';
      try {
        const srv = await this.listenTcp(host, boundPort);
        boundPort = (srv.address() as net.AddressInfo).port;
        if (first) {
          this.port = boundPort;
          this.host = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
          first = false;
        }
      } catch (e) {
        if (optional) continue;
        throw new Error(`Could not create server TCP listening socket ${host}:${port}: ${(e as Error).message}`);
      }
    }
  }

  /**
   * CONFIG SET port / bind: Redis re-opens its listening sockets at once.
   * The old TCP listeners stop accepting (connected clients stay), then the
   * new ones open; a failure is logged and leaves the server without them.
   */
  async rebindTcp(): Promise<void> {
    if (!this.tcpOpened) return;
    const isTcp = (l: net.Server) => typeof l.address() !== 'string';
    const old = this.listeners.filter(isTcp);
    this.listeners = this.listeners.filter((l) => !isTcp(l));
    for (const l of old) l.close();
    try {
      await this.openTcp();
    } catch (e) {
      this.log('warning', (e as Error).message);
    }
  }

  private listenTcp(host: string, port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const srv = net.createServer({ noDelay: true }, (s) => this.acceptSocket(s));
      srv.once('error', reject);
      srv.listen({ host, port, ipv6Only: host.includes(':') }, () => {
        srv.removeListener('error', reject);
        srv.on('error', (e) => this.log('warning', `listener error: ${e.message}`));
        this.listeners.push(srv);
        resolve(srv);
      });
    });
  }

  private async listenUnix(path: string): Promise<void> {
    try {
      fs.unlinkSync(path);
    } catch {
      /* not there */
    }
    await new Promise<void>((resolve, reject) => {
      const srv = net.createServer((s) => this.acceptSocket(s));
      srv.once('error', reject);
      srv.listen(path, () => {
        const perm = this.config.get('unixsocketperm');
        if (perm !== '0') fs.chmodSync(path, parseInt(perm, 8));
        this.listeners.push(srv);
        resolve();
      });
    });
  }

  private scheduleCron(hz: number): void {
    if (this.cron === undefined && this.listeners.length === 0) return;
    if (this.cron !== undefined) clearInterval(this.cron);
    this.cron = setInterval(() => this.serverCron(), Math.max(1, Math.floor(1000 / hz)));
    this.cron.unref();
  }

  /** Periodic work, like Redis's serverCron: active expiry, idle clients, incremental rehash. */
  serverCron(): void {
    this.wallOffset = Date.now() - performance.now();
    this.accessClock.tick(this.customClock ? this.clock() : Date.now());
    this.freezeTime();
    if (this.activeExpireEnabled && !this.pause.active) activeExpireCycle(this, this.expireCursor, 1000 / this.hz / 4);
    if (this.idleTimeoutSec > 0) {
      const limit = Date.now() - this.idleTimeoutSec * 1000;
      for (const c of this.clients.values()) {
        if (c.lastInteraction < limit && c.multi === null && c.subscriptions === 0 && !this.monitors.has(c)) c.close();
      }
    }
    for (const db of this.dbs) {
      db.dict.rehashStep(16);
      db.expires.rehashStep(16);
    }
    if (this.activeDefrag) this.compactor.maybeCompact(this.lastCommandAt);
  }

  /** Stops listening and disconnects everyone. */
  async close(): Promise<void> {
    if (this.cron !== undefined) clearInterval(this.cron);
    this.cron = undefined;
    for (const c of [...this.clients.values()]) {
      c.close();
      c.socket?.destroy();
    }
    await Promise.all(this.listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
    this.listeners = [];
    this.aof.shutdown();
    rdbClose(this);
    migrateClose(this);
  }
}

/**
 * Indexes of the arguments MONITOR must not show: passwords of AUTH, HELLO
 * AUTH and MIGRATE AUTH/AUTH2 (Redis replaces them with "(redacted)").
 */
export function redactedArgs(argv: readonly string[]): Set<number> {
  const out = new Set<number>();
  const name = argv[0].toLowerCase();
  if (name === 'auth') for (let i = 1; i < argv.length; i++) out.add(i);
  else if (name === 'hello' || name === 'migrate') {
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i].toLowerCase();
      const n = a === 'auth' ? (name === 'hello' ? 2 : 1) : a === 'auth2' && name === 'migrate' ? 2 : 0;
      for (let j = 1; j <= n && i + j < argv.length; j++) out.add(i + j);
      i += n;
    }
  }
  return out;
}
