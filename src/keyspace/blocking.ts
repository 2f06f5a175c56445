/**
 * Blocked clients (BLPOP, BLMOVE, BZPOPMIN, ...), served first-blocked,
 * first-served per key.
 *
 * A blocking command that finds nothing to do calls `block()`: the client
 * stops processing its input and waits in a FIFO queue for each of its keys.
 * A command that adds data to a key calls `signalReady(db, key)`. Ready keys
 * are handled only after the command that signalled them (or the whole
 * EXEC) has completed, by re-running each waiting client's command in
 * order: if the handler can serve now it replies and the client is released;
 * if it calls `block()` again the client keeps its place and its deadline.
 */
import type { Client } from '../net/client.js';
import type { Command } from '../commands/table.js';
import { INT64_MAX } from '../types/int64.js';
import { parseLongDouble, roundLongDouble } from '../types/long-double.js';
import { fail } from '../errors.js';
import type { Database } from './db.js';

export interface BlockState {
  cmd: Command;
  argv: string[];
  db: Database;
  keys: string[];
  /** Reply written when the timeout fires (nil array for BLPOP, nil for BLMOVE...). */
  onTimeout: (c: Client) => void;
  timer: NodeJS.Timeout | undefined;
}

export class BlockingManager {
  /** "<db>\0<key>" → clients waiting on it, in arrival order. */
  private readonly waiting = new Map<string, Client[]>();
  private ready = new Map<string, { db: Database; key: string }>();
  /** Set while a blocked client's command is re-run. */
  private retrying: Client | null = null;
  /**
   * The key being served while a blocked client's command is re-run, else
   * null. Redis 7.0 serves a woken client from the key that became ready
   * (not from its first non-empty key), so handlers look at this first.
   */
  servingKey: string | null = null;
  /** True inside handleReady(): a re-run command's own call() must not recurse. */
  private handling = false;
  private reblocked = false;
  /** Re-runs a command for a blocked client (the dispatcher's call()). */
  constructor(private readonly rerun: (c: Client, cmd: Command, argv: string[]) => void) {}

  /** Number of clients currently blocked (INFO blocked_clients). */
  blockedCount = 0;
  /** Keys with at least one blocked client (INFO blocked_keys... and SIGNAL fast path). */
  get keyCount(): number {
    return this.waiting.size;
  }

  /**
   * Blocks `c` on `keys` until one is served or `timeoutMs` (relative, 0 =
   * forever) passes. Must be called by the handler of `cmd` with nothing
   * replied yet. Called again during a retry, it keeps the client waiting as before.
   */
  block(c: Client, cmd: Command, argv: string[], keys: string[], timeoutMs: number, onTimeout: (c: Client) => void): void {
    if (this.retrying === c) {
      this.reblocked = true;
      return;
    }
    keys = [...new Set(keys)];
    const state: BlockState = { cmd, argv, db: c.db, keys, onTimeout, timer: undefined };
    for (const key of keys) {
      const id = slot(c.db, key);
      let q = this.waiting.get(id);
      if (q === undefined) this.waiting.set(id, (q = []));
      q.push(c);
    }
    if (timeoutMs > 0) this.arm(c, state, Date.now() + timeoutMs);
    c.blocked = state;
    this.blockedCount++;
  }

  /** True if some client waits on this key (cheap check for writers). */
  hasWaiters(db: Database, key: string): boolean {
    return this.waiting.size !== 0 && this.waiting.has(slot(db, key));
  }

  /** Marks a key as having new data; waiting clients are retried after the current command. */
  signalReady(db: Database, key: string): void {
    if (this.waiting.size === 0) return;
    const id = slot(db, key);
    if (this.waiting.has(id) && !this.ready.has(id)) this.ready.set(id, { db, key });
  }

  /** Marks every key of `db` some client waits on and that now exists as ready (SWAPDB). */
  signalDatabase(db: Database): void {
    for (const [id, q] of this.waiting) {
      const st = q[0]?.blocked;
      if (st === null || st === undefined || st.db !== db) continue;
      const key = id.slice(id.indexOf('\0') + 1);
      if (db.exists(key)) this.signalReady(db, key);
    }
  }

  /**
   * Serves clients waiting on keys signalled ready; loops while serving makes
   * more keys ready. Keys made ready while serving (BLMOVE pushing into a
   * watched key) are handled after the current batch, as Redis does.
   */
  handleReady(): void {
    if (this.handling || this.ready.size === 0) return;
    this.handling = true;
    try {
      while (this.ready.size !== 0) {
        const batch = this.ready;
        this.ready = new Map();
        for (const [id, { db, key }] of batch) this.serveKey(id, db, key);
      }
    } finally {
      this.handling = false;
    }
  }

  private serveKey(id: string, db: Database, key: string): void {
    const q = this.waiting.get(id);
    if (q === undefined) return;
    for (const c of [...q]) {
      if (!db.exists(key)) break;
      if (c.blocked === null || c.blocked.db !== db) continue;
      this.servingKey = key;
      try {
        this.retry(c);
      } finally {
        this.servingKey = null;
      }
    }
  }

  private retry(c: Client): void {
    const st = c.blocked!;
    this.retrying = c;
    this.reblocked = false;
    const savedDb = c.db;
    c.db = st.db;
    try {
      this.rerun(c, st.cmd, st.argv);
    } finally {
      this.retrying = null;
      c.db = savedDb;
      // Redis 7.0 counts a blocking command once, when first called: a
      // re-run adds no call to its commandstats nor to total_commands_processed.
      st.cmd.stats.calls--;
      c.server.stats.commandsProcessed--;
    }
    if (!this.reblocked) this.release(c);
  }

  /**
   * Starts the timeout timer for an absolute deadline. Why in steps: Node's
   * setTimeout fires after 1 ms for delays beyond 2^31-1 ms (~24.8 days).
   */
  private arm(c: Client, state: BlockState, deadline: number): void {
    const left = deadline - Date.now();
    if (left > MAX_TIMER_MS) {
      state.timer = setTimeout(() => {
        if (c.blocked === state) this.arm(c, state, deadline);
      }, MAX_TIMER_MS);
    } else state.timer = setTimeout(() => this.timeout(c), Math.max(left, 0));
    state.timer.unref?.();
  }

  private timeout(c: Client): void {
    const st = c.blocked;
    if (st === null) return;
    this.release(c);
    st.onTimeout(c);
  }

  /**
   * CLIENT UNBLOCK: ends the wait with the timeout reply, or with `error`.
   * Returns false if the client was not blocked.
   */
  unblock(c: Client, error?: string): boolean {
    const st = c.blocked;
    if (st === null) return false;
    this.release(c);
    if (error === undefined) st.onTimeout(c);
    else c.error(error);
    return true;
  }

  /** Forgets a client (disconnect, RESET) without replying. */
  drop(c: Client): void {
    if (c.blocked !== null) this.remove(c);
  }

  /** Releases a client: out of every queue, timer cleared, input processing resumes. */
  private release(c: Client): void {
    this.remove(c);
    // Resume the client's pipeline after the current command finishes.
    queueMicrotask(() => {
      c.flush();
      if (!c.closed) c.processInput();
    });
  }

  private remove(c: Client): void {
    const st = c.blocked!;
    if (st.timer !== undefined) clearTimeout(st.timer);
    for (const key of st.keys) {
      const id = slot(st.db, key);
      const q = this.waiting.get(id);
      if (q === undefined) continue;
      const i = q.indexOf(c);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) this.waiting.delete(id);
    }
    c.blocked = null;
    this.blockedCount--;
  }
}

/** Node's setTimeout limit (a signed 32-bit delay). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function slot(db: Database, key: string): string {
  return db.id + '\0' + key;
}

/**
 * Parses a blocking timeout in seconds into milliseconds (0 = forever) with
 * Redis 7.0's rules and errors. Redis reads a long double, multiplies it by
 * 1000, rounds up (ceill) and casts to a 64-bit integer, so:
 * - a positive value below 1 ms (even 1e-400) waits 1 ms, and -0.5 ms rounds
 *   to 0, which blocks forever;
 * - a value past 2^63-1 ms (inf included) casts to LLONG_MIN: "timeout is
 *   negative";
 * - huge valid values are accepted (the deadline wraps; Redis never fires it).
 * The long double arithmetic is emulated exactly for the edges near 2^63.
 */
export function parseBlockTimeout(s: string): number {
  const x = parseLongDouble(s);
  if (x === null) fail('ERR timeout is not a float or out of range');
  const p = x.inf ? x : roundLongDouble(x.neg, x.m * 1000n, x.e);
  if (p.inf) fail('ERR timeout is negative');
  let ms: bigint;
  if (p.e >= 0) ms = p.m << BigInt(p.e);
  else {
    const div = 1n << BigInt(-p.e);
    ms = p.m / div;
    // ceill: a positive fraction rounds up; a negative one truncates towards 0.
    if (!p.neg && ms * div !== p.m) ms += 1n;
  }
  if (p.neg) ms = -ms;
  if (ms < 0n || ms > INT64_MAX) fail('ERR timeout is negative');
  return Number(ms);
}
