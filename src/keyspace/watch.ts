/**
 * WATCH: optimistic locking for MULTI/EXEC. Each database id maps watched
 * keys to the clients watching them; any write signalled through
 * `Server.keyChanged`, a flush or a SWAPDB marks those clients dirty and
 * their next EXEC fails. Redis 7.0's expiry rules are kept:
 * - a key already logically expired when WATCHed is remembered as such, and
 *   its deletion (lazy/active expiry) is no change;
 * - a watched key that was alive and is logically expired at EXEC aborts it.
 */
import type { Client } from '../net/client.js';
import type { Database } from './db.js';

interface WatchedKey {
  db: Database;
  key: string;
  /** The key existed but was logically expired when WATCH ran. */
  expired: boolean;
}

interface ClientWatch {
  keys: WatchedKey[];
  /** CLIENT_DIRTY_CAS: a watched key changed; EXEC must fail. */
  dirty: boolean;
}

/** True if the key is in the dictionary but its TTL has passed (no deletion). */
function logicallyExpired(db: Database, key: string, now: number): boolean {
  if (!db.dict.has(key)) return false;
  const when = db.getExpire(key);
  return when !== -1 && when <= now;
}

export class WatchTable {
  /** Per database id: key -> watchers. */
  private readonly byDb: Array<Map<string, Set<ClientWatch>>>;
  private readonly perClient = new Map<Client, ClientWatch>();
  private listening = false;

  constructor(
    private readonly host: {
      dbs: Database[];
      now(): number;
      keyListeners: Array<(db: Database, key: string, cls: string, event: string) => void>;
    },
  ) {
    this.byDb = host.dbs.map(() => new Map());
  }

  /** Number of keys `c` watches (CLIENT LIST watch=, INFO watching_clients). */
  countOf(c: Client): number {
    return this.perClient.get(c)?.keys.length ?? 0;
  }

  /** Number of clients watching at least one key. */
  get watchingClients(): number {
    return this.perClient.size;
  }

  /** Total watched keys across databases. */
  get watchedKeys(): number {
    let n = 0;
    for (const m of this.byDb) n += m.size;
    return n;
  }

  /** WATCH key in `db` for `c`. A dirty client watches nothing more (its EXEC fails anyway). */
  watch(c: Client, db: Database, key: string): void {
    let cw = this.perClient.get(c);
    if (cw === undefined) {
      cw = { keys: [], dirty: false };
      this.perClient.set(c, cw);
    }
    if (cw.dirty) return;
    for (const wk of cw.keys) if (wk.db === db && wk.key === key) return;
    cw.keys.push({ db, key, expired: logicallyExpired(db, key, this.host.now()) });
    const m = this.byDb[db.id];
    let set = m.get(key);
    if (set === undefined) m.set(key, (set = new Set()));
    set.add(cw);
    if (!this.listening) {
      this.listening = true;
      this.host.keyListeners.push((d, k) => this.touch(d, k));
    }
  }

  /** Forgets every key `c` watches and whether one changed (UNWATCH, EXEC, DISCARD, RESET, disconnect). */
  unwatchAll(c: Client): void {
    const cw = this.perClient.get(c);
    if (cw === undefined) return;
    this.dropKeys(cw);
    this.perClient.delete(c);
  }

  private dropKeys(cw: ClientWatch): void {
    for (const wk of cw.keys) {
      const m = this.byDb[wk.db.id];
      const set = m.get(wk.key);
      if (set === undefined) continue;
      set.delete(cw);
      if (set.size === 0) m.delete(wk.key);
    }
    cw.keys = [];
  }

  private markDirty(cw: ClientWatch): void {
    cw.dirty = true;
    // Once dirty, nothing can undo it: stop tracking its keys early.
    this.dropKeys(cw);
  }

  /**
   * True if EXEC must fail: a watched key changed, or a key that was alive at
   * WATCH time is now logically expired (Redis 7.0 checks at EXEC).
   */
  execMustFail(c: Client): boolean {
    const cw = this.perClient.get(c);
    if (cw === undefined) return false;
    if (cw.dirty) return true;
    const now = this.host.now();
    for (const wk of cw.keys) if (!wk.expired && logicallyExpired(wk.db, wk.key, now)) return true;
    return false;
  }

  /** A key was written (or expired, or deleted): its watchers become dirty. */
  touch(db: Database, key: string): void {
    const m = this.byDb[db.id];
    if (m.size === 0) return;
    const set = m.get(key);
    if (set === undefined) return;
    for (const cw of [...set]) {
      const wk = cw.keys.find((w) => w.db.id === db.id && w.key === key);
      if (wk !== undefined && wk.expired && !db.dict.has(key)) {
        // It was already expired when watched and is now gone: logically no change.
        wk.expired = false;
        continue;
      }
      this.markDirty(cw);
    }
  }

  /**
   * `emptied` is about to be flushed, or to receive `replacedWith`'s contents
   * (SWAPDB, called once per side before the swap): watchers of keys that
   * existed in either become dirty, with Redis 7.0's expired-key exceptions.
   */
  dbReplaced(emptied: Database, replacedWith: Database | null): void {
    const m = this.byDb[emptied.id];
    if (m.size === 0) return;
    const now = this.host.now();
    for (const [key, set] of [...m]) {
      const inEmptied = emptied.dict.has(key);
      const inReplacement = replacedWith !== null && replacedWith.dict.has(key);
      if (!inEmptied && !inReplacement) continue;
      for (const cw of [...set]) {
        const wk = cw.keys.find((w) => w.db.id === emptied.id && w.key === key);
        if (wk === undefined) continue;
        if (wk.expired) {
          if (!inReplacement) {
            wk.expired = false;
            continue;
          }
          if (logicallyExpired(replacedWith!, key, now)) continue;
        } else if (!inEmptied && logicallyExpired(replacedWith!, key, now)) {
          // A missing key replaced by an already expired one: still missing.
          wk.expired = true;
          continue;
        }
        this.markDirty(cw);
      }
    }
  }
}
