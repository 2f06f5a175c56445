/**
 * MIGRATE: moves keys to another instance with DUMP payloads and RESTORE.
 *
 * Redis runs MIGRATE synchronously: the whole server waits (each socket
 * operation bounded by the timeout), so no client sees or changes the keys
 * mid-transfer and it works inside MULTI/EXEC. Node cannot do blocking socket
 * I/O on the main thread, so each server owns one worker thread
 * (migrate-worker.ts) that holds the target connections and their 10 s cache;
 * the handler posts the request and blocks in Atomics.wait until the worker
 * flags the answer, then takes it with receiveMessageOnPort. Same guarantees
 * as Redis, no native add-on. A MIGRATE to this very process (or to another
 * server in it) cannot be answered while we block: like Redis, it times out
 * with IOERR.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { Err, fail, sanitize } from '../errors.js';
import type { Client } from '../net/client.js';
import { dumpPayload } from '../persistence/rdb/dump.js';
import { encodeOptions } from '../persistence/rdb/options.js';
import type { Server } from '../server.js';
import type { Value } from '../types/value.js';
import { int64Arg, isWord } from './args.js';
import { Flag, FLAG_COUNT, type MigrateOutcome, type MigrateRequest } from './migrate-protocol.js';
import type { CommandDef } from './table.js';

/** Beyond the per-operation timeout, how long the main thread waits for a worker that shows no progress. */
const STALL_SLACK_MS = 1000;
/** How long the main thread waits for a new worker to start. */
const STARTUP_MS = 10000;
/** Node timers hold at most 2^31-1 ms. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** One server's worker and the channel its answers come back on. */
class MigrateLink {
  private readonly worker: Worker;
  private readonly replies: MessagePort;
  private readonly flags = new Int32Array(new SharedArrayBuffer(FLAG_COUNT * 4));
  private nextId = 1;
  dead = false;

  constructor(server: Server) {
    const { port1, port2 } = new MessageChannel();
    this.replies = port1;
    this.worker = new Worker(new URL('./migrate-worker.js', import.meta.url), {
      workerData: { flags: this.flags.buffer, reply: port2 },
      transferList: [port2],
    });
    // Why: an idle MIGRATE worker or cached connection must never keep the process alive.
    this.worker.unref();
    this.replies.unref();
    this.worker.on('error', (e) => {
      server.log('warning', `MIGRATE worker failed: ${e.message}`);
      this.dead = true;
    });
    this.worker.on('exit', () => (this.dead = true));
  }

  /** Connections the worker holds in its cache. */
  get cached(): number {
    return this.dead ? 0 : Atomics.load(this.flags, Flag.Cached);
  }

  /** Runs one request, blocking this thread; null when the worker did not answer (then it is stopped). */
  run(req: Omit<MigrateRequest, 'id'>): MigrateOutcome | null {
    const f = this.flags;
    if (Atomics.load(f, Flag.Ready) === 0) Atomics.wait(f, Flag.Ready, 0, STARTUP_MS);
    if (this.dead || Atomics.load(f, Flag.Ready) === 0) return this.abandon();
    const id = this.nextId++;
    this.worker.postMessage({ ...req, id }, [req.body.buffer as ArrayBuffer]);
    let progress = Atomics.load(f, Flag.Progress);
    for (;;) {
      const done = Atomics.load(f, Flag.Done);
      if (done === id) break;
      Atomics.wait(f, Flag.Done, done, req.timeout + STALL_SLACK_MS);
      if (Atomics.load(f, Flag.Done) === id) break;
      const now = Atomics.load(f, Flag.Progress);
      // Every connect, write and reply line ends within the timeout: no progress at all means a stuck worker.
      if (now === progress || this.dead) return this.abandon();
      progress = now;
    }
    for (;;) {
      const m = receiveMessageOnPort(this.replies);
      if (m === undefined) return this.abandon();
      const outcome = m.message as MigrateOutcome;
      if (outcome.id === id) return outcome;
    }
  }

  private abandon(): null {
    this.close();
    return null;
  }

  close(): void {
    this.dead = true;
    void this.worker.terminate();
    this.replies.close();
  }
}

const links = new WeakMap<Server, MigrateLink>();

function linkFor(server: Server): MigrateLink {
  let link = links.get(server);
  if (link === undefined || link.dead) {
    link = new MigrateLink(server);
    links.set(server, link);
  }
  return link;
}

/** Stops the server's MIGRATE worker and closes its cached connections (server close). */
export function migrateClose(server: Server): void {
  links.get(server)?.close();
  links.delete(server);
}

/** INFO migrate_cached_sockets. */
export function migrateCachedSockets(server: Server): number {
  return links.get(server)?.cached ?? 0;
}

interface MigrateArgs {
  copy: boolean;
  replace: boolean;
  username: string | null;
  password: string | null;
  keys: string[];
  timeout: number;
  dbid: string;
}

/** The options after the timeout, then timeout and db, with Redis's checks in its order. */
function parseMigrate(argv: string[]): MigrateArgs {
  const a: MigrateArgs = { copy: false, replace: false, username: null, password: null, keys: [argv[3]], timeout: 0, dbid: '' };
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (isWord(argv[j], 'COPY')) a.copy = true;
    else if (isWord(argv[j], 'REPLACE')) a.replace = true;
    else if (isWord(argv[j], 'AUTH') && more >= 1) a.password = argv[++j];
    else if (isWord(argv[j], 'AUTH2') && more >= 2) {
      a.username = argv[++j];
      a.password = argv[++j];
    } else if (isWord(argv[j], 'KEYS')) {
      if (argv[3].length !== 0) fail('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
      a.keys = argv.slice(j + 1);
      break;
    } else fail(Err.syntax);
  }
  const timeout = Number(int64Arg(argv[5]));
  a.dbid = String(int64Arg(argv[4]));
  // Why: Redis reads a zero or negative timeout as one second.
  a.timeout = timeout <= 0 ? 1000 : Math.min(timeout, MAX_TIMEOUT_MS);
  return a;
}

/** RESP for `RESTORE key ttl payload [REPLACE]` per key still alive (TTL relative, at least 1 ms). */
function restoreCommands(c: Client, keys: string[], values: Value[], replace: boolean): { body: Buffer; sent: string[] } {
  const db = c.db;
  const now = c.server.now();
  const opts = encodeOptions(c.server);
  const sent: string[] = [];
  const parts: string[] = [];
  for (let j = 0; j < keys.length; j++) {
    const at = db.getExpire(keys[j]);
    let ttl = 0;
    if (at !== -1) {
      ttl = at - now;
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    const payload = dumpPayload(values[j], opts);
    const k = keys[j];
    const t = String(ttl);
    parts.push(`*${replace ? 5 : 4}\r\n$7\r\nRESTORE\r\n$${k.length}\r\n${k}\r\n$${t.length}\r\n${t}\r\n$${payload.length}\r\n${payload}\r\n`);
    if (replace) parts.push('$7\r\nREPLACE\r\n');
    sent.push(k);
  }
  const text = parts.join('');
  // Why: its own ArrayBuffer, so it can be transferred to the worker (a small Buffer.from shares Node's pool).
  const body = Buffer.allocUnsafeSlow(text.length);
  body.write(text, 'latin1');
  return { body, sent };
}

/** Redis quotes the target's error with %s: the text stops at a NUL byte. */
function targetError(line: string): string {
  const z = line.indexOf('\0');
  return sanitize(`ERR Target instance replied with error: ${z < 0 ? line.slice(1) : line.slice(1, z)}`);
}

/**
 * Lets a running AOF rewrite or BGSAVE copy `keys` before MIGRATE deletes
 * them. Why: the dispatch gate found the keys from the key specs, which
 * cannot name all of `KEYS a KEYS b` (Redis uses a getkeys procedure there).
 */
function beforeDelete(c: Client, keys: string[]): void {
  const s = c.server;
  if (s.beforeWrite === null && s.snapshotBeforeWrite === null) return;
  const del = s.commands.get('del')!;
  const argv = ['DEL', ...keys];
  s.beforeWrite?.(c, del, argv);
  s.snapshotBeforeWrite?.(c, del, argv);
}

// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2 username password] [KEYS key ...]
function migrate(c: Client, argv: string[]): void {
  const a = parseMigrate(argv);
  const db = c.db;
  const keys: string[] = [];
  const values: Value[] = [];
  for (const k of a.keys) {
    const v = db.get(k);
    if (v === undefined) continue;
    keys.push(k);
    values.push(v);
  }
  // Why: nothing to move is not an error (the keys often just expired).
  if (keys.length === 0) {
    c.simple('NOKEY');
    return;
  }
  const { body, sent } = restoreCommands(c, keys, values, a.replace);
  const auth = a.password === null ? null : a.username === null ? [a.password] : [a.username, a.password];
  const out = linkFor(c.server).run({ host: argv[1], port: argv[2], timeout: a.timeout, auth, dbid: a.dbid, body, count: sent.length });
  if (out === null) fail('IOERR error or timeout reading to target instance');
  if (out.kind === 'connect-error') fail('IOERR error or timeout connecting to the client');
  if (out.kind === 'io-error') fail(`IOERR error or timeout ${out.writing ? 'writing' : 'reading'} to target instance`);
  const authFailed = out.auth !== null && out.auth[0] === '-';
  const selectFailed = out.select !== null && out.select[0] === '-';
  let error: string | null = null;
  const moved: string[] = [];
  if (!a.copy) beforeDelete(c, sent);
  for (let j = 0; j < out.restores.length; j++) {
    const line = out.restores[j];
    if (authFailed || selectFailed || line[0] === '-') {
      error ??= targetError(authFailed ? out.auth! : selectFailed ? out.select! : line);
    } else if (!a.copy) {
      // Acknowledged: the local key goes, and replicas/AOF see a DEL of exactly these keys.
      db.delete(sent[j]);
      c.server.keyChanged(db, sent[j], 'g', 'del');
      moved.push(sent[j]);
    }
  }
  if (moved.length > 0) c.server.propagate(db.id, ['DEL', ...moved], moved.length);
  if (error !== null) c.error(error);
  else if (out.socketError) c.error('IOERR error or timeout reading to target instance');
  else c.ok();
}

export const migrateCommands: CommandDef[] = [{ name: 'migrate', handler: migrate }];
