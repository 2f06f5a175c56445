/**
 * The active expiry cycle, like Redis's activeExpireCycle: walk each
 * database's expiry dictionary with a persistent SCAN cursor, delete keys
 * whose time has passed, and stop when the time budget for this cycle is
 * spent, or early when a sample shows few stale keys.
 */
import type { Server } from '../server.js';

export interface ExpireCursor {
  db: number;
  cursor: number;
}

/** Keys sampled per step (Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
const KEYS_PER_STEP = 20;
/** Keep going in a database while more than this share of a sample was stale (percent). */
const ACCEPTABLE_STALE = 10;

/** Runs one cycle within `budgetMs` of wall time. */
export function activeExpireCycle(server: Server, pos: ExpireCursor, budgetMs: number): void {
  const start = performance.now();
  const now = server.now();
  const dbs = server.dbs;
  const expired: string[] = [];
  for (let visited = 0; visited < dbs.length; visited++) {
    const db = dbs[pos.db];
    if (db.expires.size > 0) {
      for (;;) {
        let sampled = 0;
        expired.length = 0;
        pos.cursor = db.expires.scan(pos.cursor, KEYS_PER_STEP, (key, when) => {
          sampled++;
          if (when <= now) expired.push(key);
        });
        for (const k of expired) db.expireIfNeeded(k);
        if (performance.now() - start > budgetMs) {
          server.stats.expiredTimeCapReached++;
          return;
        }
        if (pos.cursor === 0 || sampled === 0 || (expired.length * 100) / sampled <= ACCEPTABLE_STALE) break;
      }
    }
    if (pos.cursor === 0) pos.db = (pos.db + 1) % dbs.length;
    else return;
  }
}
