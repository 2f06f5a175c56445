/**
 * MIGRATE's network side, run in a worker thread (see migrate.ts for why).
 *
 * The worker owns the connections to target instances, cached per
 * "host:port" for 10 s of idleness like Redis's migrate_cached_sockets. For
 * each request it sends AUTH/AUTH2 (if asked), SELECT (only when the cached
 * connection last used another db) and the RESTORE commands the main thread
 * built, pipelined, then reads one reply line per command with Redis's
 * per-operation timeout. It retries once on a fresh connection when nothing
 * was acknowledged and the failure was not a timeout (a cached socket the
 * target closed meanwhile), as Redis does. The outcome goes back on the
 * reply port, then the shared flags wake the blocked main thread.
 */
import net from 'node:net';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { Flag, type MigrateOutcome, type MigrateRequest } from './migrate-protocol.js';

/** Idle cached connections are closed after this many seconds (Redis's MIGRATE_SOCKET_CACHE_TTL). */
const CACHE_TTL_SEC = 10;
/** At most this many cached connections; one random victim makes room (MIGRATE_SOCKET_CACHE_ITEMS). */
const CACHE_ITEMS = 64;
/** Redis reads each reply line into a 1024-byte buffer: longer lines are cut (the rest is read next). */
const LINE_MAX = 1023;
/** Redis writes the pipelined commands 64 KB at a time, each write with its own timeout. */
const WRITE_CHUNK = 64 * 1024;

/** Why an exchange stopped: a timeout never retries, anything else may (Redis's errno != ETIMEDOUT). */
class IoFailure {
  constructor(readonly timedOut: boolean) {}
}

/** One connection to a target, with its unread input. */
class Link {
  private input: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  /** Set once the socket failed or closed; the failure is seen at the next read or write. */
  broken = false;
  /** The db the target connection has selected ("-1": unknown, send SELECT). */
  lastDbid = '-1';
  lastUse = Date.now();

  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.input = this.input.length === 0 ? d : Buffer.concat([this.input, d]);
      progress();
      this.wake();
    });
    socket.on('error', () => this.fail());
    socket.on('close', () => this.fail());
  }

  private fail(): void {
    this.broken = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    if (w !== null) w();
  }

  /** Resolves on new input or failure, or false after `ms` without either. */
  private wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiter = null;
        resolve(false);
      }, ms);
      this.waiter = () => {
        clearTimeout(t);
        resolve(true);
      };
    });
  }

  /** Writes `data` in 64 KB chunks, each of which must reach the kernel within `timeout` ms (Redis's connSyncWrite). */
  async write(data: Uint8Array, timeout: number): Promise<void> {
    for (let pos = 0; pos < data.length; pos += WRITE_CHUNK) {
      if (this.broken) throw new IoFailure(false);
      const chunk = data.subarray(pos, Math.min(data.length, pos + WRITE_CHUNK));
      const r = await new Promise<'ok' | 'error' | 'timeout'>((resolve) => {
        const t = setTimeout(() => resolve('timeout'), timeout);
        this.socket.write(chunk, (e) => {
          clearTimeout(t);
          resolve(e === undefined || e === null ? 'ok' : 'error');
        });
      });
      if (r === 'timeout') throw new IoFailure(true);
      if (r === 'error' || this.broken) throw new IoFailure(false);
      progress();
    }
  }

  /**
   * One reply line without its CR LF, as Redis's syncReadLine returns it:
   * at most 1023 bytes, and an empty read (a bare LF) counts as a failure.
   */
  async readLine(timeout: number): Promise<string> {
    for (;;) {
      const nl = this.input.indexOf(10);
      if (nl >= 0 && nl <= LINE_MAX) {
        let line = this.input.toString('latin1', 0, nl);
        this.input = this.input.subarray(nl + 1);
        if (line.length === 0) throw new IoFailure(false);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        return line;
      }
      if (this.input.length >= LINE_MAX) {
        const line = this.input.toString('latin1', 0, LINE_MAX);
        this.input = this.input.subarray(LINE_MAX);
        return line;
      }
      if (this.broken) throw new IoFailure(false);
      if (!(await this.wait(timeout))) throw new IoFailure(true);
    }
  }

  close(): void {
    this.broken = true;
    this.socket.destroy();
  }
}

const { flags: sharedFlags, reply } = workerData as { flags: SharedArrayBuffer; reply: MessagePort };
const flags = new Int32Array(sharedFlags);
const cache = new Map<string, Link>();

function progress(): void {
  Atomics.add(flags, Flag.Progress, 1);
}

function cacheChanged(): void {
  Atomics.store(flags, Flag.Cached, cache.size);
}

/** C's atoi, then the 16-bit port getaddrinfo keeps; null when the port cannot even be resolved. */
function targetPort(s: string): number | null {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  const n = m === null ? 0 : Number(BigInt.asIntN(32, BigInt(m[1])));
  return n < 0 ? null : n & 0xffff;
}

/**
 * Opens a connection, or null when Redis would say "error or timeout
 * connecting": the name does not resolve or the connect does not finish in
 * time. A refused connection still counts as connected (Redis only waits
 * for the socket to become writable); its failure surfaces at the write.
 */
function connect(host: string, portArg: string, timeout: number): Promise<Link | null> {
  const port = targetPort(portArg);
  if (port === null || host === '') return Promise.resolve(null);
  // Port 0 cannot be dialled from node; the kernel refuses it, so it fails like a refused connection.
  if (port === 0) {
    const dead = new Link(new net.Socket());
    dead.close();
    return Promise.resolve(dead);
  }
  return new Promise((resolve) => {
    let socket: net.Socket;
    try {
      socket = net.connect({ host, port, noDelay: true });
    } catch {
      resolve(null);
      return;
    }
    const link = new Link(socket);
    const t = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, timeout);
    const settle = (r: Link | null) => {
      clearTimeout(t);
      resolve(r);
    };
    socket.once('connect', () => {
      progress();
      settle(link);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => settle(e.syscall === 'getaddrinfo' ? null : link));
  });
}

/** The cached connection for host:port, or a new one (Redis's migrateGetSocket). */
async function getLink(host: string, port: string, timeout: number): Promise<Link | null> {
  const name = host + ':' + port;
  const cached = cache.get(name);
  if (cached !== undefined) {
    cached.lastUse = Date.now();
    return cached;
  }
  if (cache.size >= CACHE_ITEMS) {
    const names = [...cache.keys()];
    const victim = names[Math.floor(Math.random() * names.length)];
    cache.get(victim)!.close();
    cache.delete(victim);
    cacheChanged();
  }
  const link = await connect(host, port, timeout);
  if (link === null) return null;
  cache.set(name, link);
  cacheChanged();
  return link;
}

function closeLink(host: string, port: string): void {
  const name = host + ':' + port;
  const link = cache.get(name);
  if (link === undefined) return;
  link.close();
  cache.delete(name);
  cacheChanged();
}

/** RESP encoding of one command (latin1 arguments). */
function command(args: string[]): Buffer {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

/** A failed attempt's outcome, and whether Redis would retry it on a fresh connection. */
class AttemptFailure {
  constructor(
    readonly outcome: MigrateOutcome,
    readonly retry: boolean,
  ) {}
}

/** One try at the exchange; throws AttemptFailure when it failed before any RESTORE reply. */
async function attempt(req: MigrateRequest, mayRetry: boolean): Promise<MigrateOutcome> {
  const { id, host, port, timeout } = req;
  const link = await getLink(host, port, timeout);
  if (link === null) return { id, kind: 'connect-error' };
  const select = link.lastDbid !== req.dbid;
  const head: Buffer[] = [];
  if (req.auth !== null) head.push(command(['AUTH', ...req.auth]));
  if (select) head.push(command(['SELECT', req.dbid]));
  const fail = (e: unknown, writing: boolean): never => {
    if (!(e instanceof IoFailure)) throw e;
    closeLink(host, port);
    throw new AttemptFailure({ id, kind: 'io-error', writing }, mayRetry && !e.timedOut);
  };
  try {
    await link.write(Buffer.concat([...head, req.body]), timeout);
  } catch (e) {
    fail(e, true);
  }
  let auth: string | null = null;
  let selected: string | null = null;
  try {
    if (req.auth !== null) auth = await link.readLine(timeout);
    if (select) selected = await link.readLine(timeout);
  } catch (e) {
    fail(e, false);
  }
  const restores: string[] = [];
  let socketError = false;
  for (let j = 0; j < req.count; j++) {
    try {
      restores.push(await link.readLine(timeout));
    } catch (e) {
      // Nothing acknowledged yet and not a timeout: the whole exchange may be retried.
      if (j === 0) fail(e, false);
      socketError = true;
      closeLink(host, port);
      break;
    }
  }
  if (!socketError) {
    const failed = (auth !== null && auth[0] === '-') || (selected !== null && selected[0] === '-') || restores.some((l) => l[0] === '-');
    // Why: after an error the target's selected db is unknown, so the next MIGRATE sends SELECT.
    link.lastDbid = failed ? '-1' : req.dbid;
  }
  return { id, kind: 'replies', auth, select: selected, restores, socketError };
}

async function run(req: MigrateRequest): Promise<MigrateOutcome> {
  try {
    return await attempt(req, true);
  } catch (e) {
    if (!(e instanceof AttemptFailure)) throw e;
    if (!e.retry) return e.outcome;
  }
  try {
    return await attempt(req, false);
  } catch (e) {
    if (!(e instanceof AttemptFailure)) throw e;
    return e.outcome;
  }
}

function answer(outcome: MigrateOutcome): void {
  reply.postMessage(outcome);
  Atomics.store(flags, Flag.Done, outcome.id);
  Atomics.notify(flags, Flag.Done);
}

// Redis's migrateCloseTimedoutSockets, once a second.
setInterval(() => {
  const now = Math.floor(Date.now() / 1000);
  for (const [name, link] of cache) {
    if (now - Math.floor(link.lastUse / 1000) > CACHE_TTL_SEC) {
      link.close();
      cache.delete(name);
    }
  }
  cacheChanged();
}, 1000);

parentPort!.on('message', (req: MigrateRequest) => {
  run(req).then(answer, (e: unknown) => {
    // A bug, not a network failure: report it as one rather than leaving the main thread waiting.
    console.error('MIGRATE worker:', e);
    answer({ id: req.id, kind: 'io-error', writing: false });
  });
});
Atomics.store(flags, Flag.Ready, 1);
Atomics.notify(flags, Flag.Ready);
