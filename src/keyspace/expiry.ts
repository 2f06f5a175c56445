/**
 * The active expiry cycle, modelled on Redis's activeExpireCycle (slow
 * cycle, run from serverCron at `hz`): visit up to 16 databases per call,
 * resuming where the previous call stopped; in each, walk the expiry
 * dictionary with a persistent SCAN cursor, 20 keys per step, deleting the
 * keys whose time has passed; keep sampling a database while more than 10%
 * of a step was stale; stop the whole cycle when the time budget is spent.
 *
 * Expirations go through Database.expireIfNeeded, so they are counted
 * (expired_keys), propagated as DEL and notified ("expired") like lazy ones.
 */
import type { Database } from './db.js';
import type { Dict } from './dict.js';
import type { Server } from '../server.js';

/** Where the cycle resumes: the next database to visit (server-owned state). */
export interface ExpireCursor {
  db: number;
  /** Unused since per-database cursors; kept for the server's initializer. */
  cursor: number;
}

/** Keys sampled per step (Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
const KEYS_PER_STEP = 20;
/** Keep going in a database while more than this share of a step was stale (percent). */
const ACCEPTABLE_STALE = 10;
/** Databases visited per cycle (Redis's CRON_DBS_PER_CALL). */
const DBS_PER_CALL = 16;

/**
 * Each database's SCAN position in its expiry dictionary. Keyed by the Dict
 * itself, so FLUSHDB (a new Dict) or SWAPDB (Dicts change hands) restart or
 * carry the position naturally, and no state leaks into Database.
 */
const cursors = new WeakMap<Dict<number>, number>();

/**
 * Runs one cycle within `budgetMs` of wall time. Returns the number of keys
 * it expired. Counts expired_time_cap_reached_count when the budget ran out
 * and keeps expired_stale_perc (a percentage) as Redis's running average.
 */
export function activeExpireCycle(server: Server, pos: ExpireCursor, budgetMs: number): number {
  const start = performance.now();
  const dbs = server.dbs;
  const visits = Math.min(dbs.length, DBS_PER_CALL);
  let total = 0;
  let sampledAll = 0;
  let expiredAll = 0;
  for (let i = 0; i < visits; i++) {
    if (pos.db >= dbs.length) pos.db = 0;
    const db = dbs[pos.db];
    pos.db = (pos.db + 1) % dbs.length;
    const r = expireSomeKeys(server, db, start, budgetMs);
    total += r.expired;
    sampledAll += r.sampled;
    expiredAll += r.expired;
    if (r.timedOut) {
      server.stats.expiredTimeCapReached++;
      break;
    }
  }
  // Why: Redis smooths the stale share of what a cycle sampled (5% new, 95% old).
  // Kept as a percentage (0..100), the unit INFO's expired_stale_perc prints.
  const perc = sampledAll > 0 ? (expiredAll * 100) / sampledAll : 0;
  server.stats.expiredStalePerc = perc * 0.05 + server.stats.expiredStalePerc * 0.95;
  return total;
}

interface DbResult {
  sampled: number;
  expired: number;
  timedOut: boolean;
}

/** Samples one database in steps until a step is mostly fresh, the table was covered, or time is up. */
function expireSomeKeys(server: Server, db: Database, start: number, budgetMs: number): DbResult {
  const res: DbResult = { sampled: 0, expired: 0, timedOut: false };
  const expires = db.expires;
  if (expires.size === 0) return res;
  const now = server.now();
  const due: string[] = [];
  let cursor = cursors.get(expires) ?? 0;
  for (;;) {
    let sampled = 0;
    due.length = 0;
    cursor = expires.scan(cursor, KEYS_PER_STEP, (key, when) => {
      sampled++;
      if (when <= now) due.push(key);
    });
    // expireIfNeeded re-reads the time and the key, so a key rewritten since is spared.
    let expired = 0;
    for (const k of due) if (db.expireIfNeeded(k)) expired++;
    res.sampled += sampled;
    res.expired += expired;
    if (performance.now() - start > budgetMs) {
      res.timedOut = true;
      break;
    }
    if (cursor === 0 || sampled === 0 || (expired * 100) / sampled <= ACCEPTABLE_STALE) break;
  }
  // The scan may have started a doubling of the current Dict object only; a
  // cleared database has a new Dict and starts from 0.
  if (db.expires === expires) cursors.set(expires, cursor);
  return res;
}
