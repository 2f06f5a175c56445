/**
 * Client-side caching (CLIENT TRACKING), modelled on Redis 7.0's tracking:
 *
 * - Default mode: the keys a tracking client reads (read-only commands) are
 *   remembered in one table keyed by key name — across databases, as in
 *   Redis — mapping to the ids of the clients that read them. When a key is
 *   written, expired or evicted, each of those clients gets one invalidation
 *   message and the key leaves the table (it is tracked again on next read).
 * - BCAST mode: nothing is remembered per client; every changed key that
 *   matches one of the client's prefixes is collected during the event-loop
 *   turn and sent once per prefix, sorted, at the end of the turn (Redis's
 *   beforeSleep).
 * - Messages go to the client itself as RESP3 pushes (`>2 invalidate [keys]`),
 *   or to a REDIRECT client: a RESP3 push, or for a RESP2 client in pub/sub
 *   mode a message on `__redis__:invalidate` (sent whether or not that
 *   client subscribed to the channel, as Redis does).
 *
 * State lives per Server (a WeakMap) and is created on the first CLIENT
 * TRACKING ON; until then the dispatcher's hooks cost one counter check.
 */
import type { Command } from '../commands/table.js';
import { CmdFlag } from '../commands/table.js';
import type { Database } from '../keyspace/db.js';
import type { Client } from '../net/client.js';
import type { Server } from '../server.js';

/**
 * The dispatcher's cheap "is tracking in use" check, over every Server of the
 * process: tracking clients, plus servers whose key table is not empty
 * (a flush must still empty it).
 */
export const trackingUse = { clients: 0 };

/** One client's tracking mode (present only while tracking is on). */
export interface ClientTracking {
  /** Client id receiving the messages, 0 for the client itself. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES/NO given for the next command (or transaction). */
  caching: boolean;
  /** The redirect client was found gone when a message was due. */
  brokenRedir: boolean;
  /** BCAST prefixes of this client. */
  prefixes: Set<string>;
}

/** Keys changed this turn under one BCAST prefix, and the clients listening to it. */
interface PrefixState {
  /** Changed key -> the client that changed it last (null: expiry, eviction). */
  keys: Map<string, Client | null>;
  clients: Set<Client>;
}

/** A CLIENT TRACKING ON request after validation. */
export interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: string[];
}

const CHANNEL_MESSAGE = '*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n';
const PUSH_INVALIDATE = '>2\r\n$10\r\ninvalidate\r\n';

/** The tracking state of one Server. */
export class Tracking {
  /** Key name -> ids of the clients that read it since its last invalidation. */
  readonly table = new Map<string, Set<number>>();
  /** Sum of the id-set sizes of `table` (INFO tracking_total_items). */
  items = 0;
  readonly prefixes = new Map<string, PrefixState>();
  readonly clients = new Map<Client, ClientTracking>();
  /** The client whose command is being processed (null between commands). */
  current: Client | null = null;
  /** False while `current` passes the pre-command table limit, true once its command runs. */
  executing = false;
  /** Invalidations the executing client caused to itself: sent after its reply (null = flush). */
  private pending: Array<string | null> = [];
  private pendingFor: Client | null = null;
  /** Clients whose output got messages outside their own command: flushed at the end of the turn. */
  private readonly dirty = new Set<Client>();
  private scheduled = false;
  /** Consecutive commands that found the table still over its limit (Redis's effort scaling). */
  private overLimitRuns = 0;
  /** This table's share of trackingUse: 1 while it holds keys. */
  private tableLive = 0;
  /** tracking-table-max-keys (0: no limit). */
  private maxKeys = 0;

  /** Keeps trackingUse in step with whether the table holds keys. */
  private syncLive(): void {
    const live = this.table.size === 0 ? 0 : 1;
    trackingUse.clients += live - this.tableLive;
    this.tableLive = live;
  }

  constructor(private readonly server: Server) {
    server.config.watch('tracking-table-max-keys', (v) => (this.maxKeys = Number(v)));
    server.keyListeners.push((db, key, _cls, event) => this.keyChanged(db, key, event));
    const gone = server.onClientGone;
    server.onClientGone = (c) => {
      gone?.(c);
      this.disable(c);
    };
    const reset = server.onClientReset;
    server.onClientReset = (c) => {
      reset?.(c);
      this.disable(c);
    };
  }

  /** CLIENT TRACKING ON with validated options (Redis's enableTracking). */
  enable(c: Client, o: TrackingOptions): void {
    let ct = this.clients.get(c);
    if (ct === undefined) {
      ct = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, caching: false, brokenRedir: false, prefixes: new Set() };
      this.clients.set(c, ct);
      trackingUse.clients++;
    }
    ct.redirect = o.redirect;
    ct.brokenRedir = false;
    ct.optin = o.optin;
    ct.optout = o.optout;
    ct.noloop = o.noloop;
    ct.bcast = o.bcast;
    if (o.bcast) {
      // Without PREFIX, the empty prefix matches every key.
      if (o.prefixes.length === 0) this.addPrefix(c, ct, '');
      for (const p of o.prefixes) this.addPrefix(c, ct, p);
    }
    updateFlags(c, ct);
  }

  private addPrefix(c: Client, ct: ClientTracking, prefix: string): void {
    let ps = this.prefixes.get(prefix);
    if (ps === undefined) this.prefixes.set(prefix, (ps = { keys: new Map(), clients: new Set() }));
    ps.clients.add(c);
    ct.prefixes.add(prefix);
  }

  /** CLIENT TRACKING OFF, RESET, disconnect. Keys it read stay in the table until invalidated (as in Redis). */
  disable(c: Client): void {
    const ct = this.clients.get(c);
    if (ct === undefined) return;
    for (const p of ct.prefixes) {
      const ps = this.prefixes.get(p);
      if (ps === undefined) continue;
      ps.clients.delete(c);
      if (ps.clients.size === 0) this.prefixes.delete(p);
    }
    this.clients.delete(c);
    trackingUse.clients--;
    updateFlags(c, undefined);
  }

  /** A key was written, expired or evicted. */
  private keyChanged(_db: Database, key: string, event: string): void {
    // Redis signals expirations and evictions with no client: a BCAST NOLOOP
    // client is not spared them (the per-key NOLOOP check below is against the
    // executing client, whatever the cause, as in Redis).
    const cause = event === 'expired' || event === 'evicted' ? null : this.current;
    this.invalidateKey(key, cause, true);
  }

  /**
   * Sends the invalidation of `key` to the clients that read it (Redis's
   * trackingInvalidateKey). `cause` is who changed it, for BCAST NOLOOP.
   */
  invalidateKey(key: string, cause: Client | null, bcast: boolean): void {
    if (bcast && this.prefixes.size !== 0) this.rememberForBroadcast(key, cause);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    for (const id of ids) {
      const target = this.server.clients.get(id);
      if (target === undefined) continue;
      const ct = this.clients.get(target);
      // A client that switched to BCAST gets nothing for keys read before.
      if (ct === undefined || ct.bcast) continue;
      if (target === this.current) {
        if (ct.noloop) continue;
        // The executing client's own invalidations follow its reply.
        if (this.executing) {
          this.addPending(target, key);
          continue;
        }
      }
      this.send(target, ct, keyArray(key));
    }
    this.items -= ids.size;
    this.table.delete(key);
    if (this.table.size === 0) this.syncLive();
  }

  private addPending(c: Client, key: string | null): void {
    if (this.pendingFor !== c) this.flushPending();
    this.pendingFor = c;
    this.pending.push(key);
  }

  /** Writes the invalidations the last executing client caused to itself. */
  flushPending(): void {
    const c = this.pendingFor;
    if (c === null) return;
    const keys = this.pending;
    this.pending = [];
    this.pendingFor = null;
    for (const k of keys) {
      const ct = this.clients.get(c);
      if (ct === undefined) continue;
      this.send(c, ct, k === null ? nullFor(c) : keyArray(k));
    }
  }

  private rememberForBroadcast(key: string, cause: Client | null): void {
    let matched = false;
    for (const [prefix, ps] of this.prefixes) {
      if (prefix.length > key.length || !key.startsWith(prefix)) continue;
      ps.keys.set(key, cause);
      matched = true;
    }
    if (matched) this.schedule();
  }

  /**
   * End of turn (Redis's beforeSleep): for each prefix, in prefix order, the
   * keys changed under it, sorted, go to each of its clients in one message;
   * a NOLOOP client does not get the keys it changed itself.
   */
  private broadcast(): void {
    const names = [...this.prefixes.keys()].sort(compareBytes);
    for (const name of names) {
      const ps = this.prefixes.get(name)!;
      if (ps.keys.size === 0) continue;
      const keys = [...ps.keys.keys()].sort(compareBytes);
      const changedBy = ps.keys;
      ps.keys = new Map();
      const all = keysArray(keys);
      for (const c of ps.clients) {
        const ct = this.clients.get(c);
        if (ct === undefined) continue;
        if (!ct.noloop) {
          this.send(c, ct, all);
          continue;
        }
        const own = keys.filter((k) => changedBy.get(k) !== c);
        if (own.length !== 0) this.send(c, ct, keysArray(own));
      }
    }
  }

  /**
   * Delivers one message whose value part is `body` (raw RESP) for tracked
   * client `c` (Redis's sendTrackingMessage).
   */
  private send(c: Client, ct: ClientTracking, body: string): void {
    let dest = c;
    if (ct.redirect !== 0) {
      const redir = this.server.clients.get(ct.redirect);
      if (redir === undefined || redir.closed) {
        if (!ct.brokenRedir) {
          ct.brokenRedir = true;
          updateFlags(c, ct);
        }
        // Only a RESP3 client can be told, in band, that its redirect is gone.
        if (c.resp === 3) this.write(c, '>2\r\n$21\r\ntracking-redir-broken\r\n:' + ct.redirect + '\r\n');
        return;
      }
      dest = redir;
      if (dest.resp === 3) this.write(dest, PUSH_INVALIDATE + body);
      else if (dest.subscriptions > 0) this.write(dest, CHANNEL_MESSAGE + body);
      return;
    }
    // A RESP2 client without redirect cannot receive pushes: nothing is sent.
    if (dest.resp === 3) this.write(dest, PUSH_INVALIDATE + body);
  }

  private write(dest: Client, frame: string): void {
    dest.out += frame;
    this.dirty.add(dest);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.server.afterWritesThisTurn(this.endOfTurn);
  }

  private readonly endOfTurn = (): void => {
    this.scheduled = false;
    this.broadcast();
    const dirty = [...this.dirty];
    this.dirty.clear();
    for (const c of dirty) if (!c.closed) c.flush();
  };

  /**
   * FLUSHDB / FLUSHALL: every tracking client (BCAST included, NOLOOP not
   * honoured) gets an invalidation with a null value — encoded per the
   * tracked client's protocol, even when redirected — and the table empties.
   */
  flushed(executing: Client): void {
    for (const [c, ct] of this.clients) {
      if (c === executing) this.addPending(c, null);
      else this.send(c, ct, nullFor(c));
    }
    this.table.clear();
    this.items = 0;
    this.syncLive();
  }

  /** Remembers the keys `c` read with `cmd` (Redis's trackingRememberKeys). */
  rememberKeys(c: Client, ct: ClientTracking, cmd: Command, argv: string[]): void {
    if ((ct.optin && !ct.caching) || (ct.optout && ct.caching)) return;
    if (cmd.has(CmdFlag.PubSub)) return;
    let idx: number[];
    try {
      idx = cmd.keyIndexes(argv);
    } catch {
      return;
    }
    for (const i of idx) {
      const key = argv[i];
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, (ids = new Set()));
      if (ids.has(c.id)) continue;
      ids.add(c.id);
      this.items++;
    }
    if (this.tableLive === 0) this.syncLive();
  }

  /**
   * Keeps the table within tracking-table-max-keys before a command runs
   * (Redis's trackingLimitUsedSlots): evicting a key invalidates it. The
   * effort grows with each command that still finds the table over the limit.
   */
  limitTable(): void {
    const max = this.maxKeys;
    if (max === 0 || this.table.size <= max) {
      this.overLimitRuns = 0;
      return;
    }
    let effort = 100 * (this.overLimitRuns + 1);
    // Redis walks to random keys; we take the oldest entries, which is O(1) per key.
    for (const key of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidateKey(key, null, false);
      if (this.table.size <= max) {
        this.overLimitRuns = 0;
        return;
      }
    }
    this.overLimitRuns++;
  }
}

const states = new WeakMap<Server, Tracking>();

/** The tracking state of `server`, or undefined if no client ever enabled tracking there. */
export function trackingOf(server: Server): Tracking | undefined {
  return states.get(server);
}

/** The tracking state of `server`, created on first use. */
export function trackingFor(server: Server): Tracking {
  let t = states.get(server);
  if (t === undefined) states.set(server, (t = new Tracking(server)));
  return t;
}

/** The tracking mode of `c`, or undefined when tracking is off for it. */
export function clientTracking(c: Client): ClientTracking | undefined {
  return states.get(c.server)?.clients.get(c);
}

/** The redir= field of CLIENT LIST: the redirect id while tracking, else -1. */
export function trackingRedirOf(c: Client): number {
  return clientTracking(c)?.redirect ?? -1;
}

/** Tracking figures for INFO. */
export function trackingInfo(server: Server): { clients: number; keys: number; items: number; prefixes: number } {
  const t = states.get(server);
  if (t === undefined) return { clients: 0, keys: 0, items: 0, prefixes: 0 };
  return { clients: t.clients.size, keys: t.table.size, items: t.items, prefixes: t.prefixes.size };
}

/**
 * Dispatcher hook before a command executes (only while some client
 * tracks): records the executing client, keeps the table within its limit.
 * Returns the previously executing client, for trackingAfterCall.
 */
export function trackingBeforeCall(c: Client, nested: boolean): Client | null {
  const t = states.get(c.server);
  if (t === undefined) return null;
  const prev = t.current;
  // A client served from inside another's command (blocked on a key): the other's reply is complete.
  if (!nested && prev !== c) t.flushPending();
  t.current = c;
  if (!nested) {
    // Before the command runs (Redis's processCommand): sent at once, NOLOOP still spares `c`.
    t.executing = false;
    t.limitTable();
  }
  t.executing = true;
  return prev;
}

/**
 * Dispatcher hook after a command executed: remembers the keys a tracking
 * client read, sends FLUSHDB/FLUSHALL's null invalidations, ends a
 * CLIENT CACHING scope, and writes the client's own invalidations after its
 * reply once the top-level command is done.
 */
export function trackingAfterCall(c: Client, cmd: Command, argv: string[], nested: boolean, prev: Client | null | undefined): void {
  const t = states.get(c.server);
  if (t === undefined) return;
  const ct = t.clients.get(c);
  if (ct !== undefined && !ct.bcast && cmd.has(CmdFlag.ReadOnly) && !READ_ONLY_SCRIPTS.has(cmd.fullName)) t.rememberKeys(c, ct, cmd, argv);
  const top = cmd.parent ?? cmd;
  if ((top.name === 'flushdb' || top.name === 'flushall') && validFlushArgs(argv)) t.flushed(c);
  // CLIENT CACHING covers the next command, or the whole transaction; any CLIENT subcommand keeps it.
  if (ct !== undefined && !nested && c.multi === null && top.name !== 'client') ct.caching = false;
  if (prev !== undefined) t.current = prev;
  else if (!nested) t.current = null;
  t.executing = t.current !== null;
  if (!nested) t.flushPending();
}

/**
 * Dispatcher hook for a request refused before execution (unknown command,
 * arity, auth...): outside MULTI it ends a CLIENT CACHING scope, as any
 * command but CLIENT does in Redis.
 */
export function trackingRejected(c: Client, cmd: Command | undefined): void {
  if (c.multi !== null) return;
  const ct = clientTracking(c);
  if (ct !== undefined && (cmd === undefined || (cmd.parent ?? cmd).name !== 'client')) ct.caching = false;
}

/** Read-only script commands: only the commands the script runs track keys. */
const READ_ONLY_SCRIPTS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

function validFlushArgs(argv: string[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length !== 2) return false;
  const m = argv[1].toLowerCase();
  return m === 'async' || m === 'sync';
}

/** CLIENT LIST flags: t tracking, R broken redirect, B broadcast. */
function updateFlags(c: Client, ct: ClientTracking | undefined): void {
  let f = c.flagsExtra.replace(/[tRB]/g, '');
  if (ct !== undefined) f += 't' + (ct.brokenRedir ? 'R' : '') + (ct.bcast ? 'B' : '');
  c.flagsExtra = f;
}

/** The null value of a flush invalidation, in the tracked client's protocol. */
function nullFor(c: Client): string {
  return c.resp === 3 ? '_\r\n' : '$-1\r\n';
}

function keyArray(key: string): string {
  return '*1\r\n$' + key.length + '\r\n' + key + '\r\n';
}

function keysArray(keys: readonly string[]): string {
  let s = '*' + keys.length + '\r\n';
  for (const k of keys) s += '$' + k.length + '\r\n' + k + '\r\n';
  return s;
}

/** Byte order of latin1 strings (one char per byte), as a radix tree iterates. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
