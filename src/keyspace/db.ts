/**
 * One logical database (SELECT n): the key dictionary and the expiry
 * dictionary (absolute Unix milliseconds). Keys are expired lazily here on
 * access; the active cycle lives in expiry.ts.
 */
import { AccessClock } from './access-clock.js';
import { Dict } from './dict.js';
import type { Value } from '../types/value.js';

/** What a database needs from the server around it. */
export interface KeyspaceHost {
  /** The current command's frozen time, in Unix milliseconds. */
  now(): number;
  /** Called after an expired key was removed: propagate, notify, count. */
  keyExpired(db: Database, key: string): void;
  readonly stats: { keyspaceHits: number; keyspaceMisses: number };
  /** True while an AOF is replayed at start-up: keys do not expire then (as in Redis). */
  readonly loading?: boolean;
  /**
   * `emptied` is about to lose its contents: flushed (replacedWith null) or
   * swapped with `replacedWith` (SWAPDB calls it once per side). WATCH uses it.
   */
  dbReplacing?(emptied: Database, replacedWith: Database | null): void;
  /** The LRU/LFU clock and policy keys are stamped with (a private one when absent). */
  readonly accessClock?: AccessClock;
}

/**
 * Lookups follow Redis's lookupKey: get() and peek() are accesses (they
 * stamp the key's LRU field or bump its LFU counter), the *NoTouch variants
 * are Redis's LOOKUP_NOTOUCH (OBJECT, TYPE, EXISTS, the TTL family, SCAN's
 * TYPE filter). Deviation: Redis also skips the stamp while a fork child is
 * saving (copy-on-write); respite has no fork, so it always stamps.
 */
export class Database {
  /** The key dictionary, tracking a per-key access field (see access-clock.ts). */
  dict = new Dict<Value>(true);
  expires = new Dict<number>();
  /**
   * Keys whose string value must report a non-default OBJECT ENCODING (set by
   * APPEND/SETRANGE/INCRBYFLOAT, see types/strings.ts); null until first used.
   * Any overwrite or removal of the key drops its entry.
   */
  encodingOverrides: Map<string, 'raw' | 'embstr'> | null = null;
  /** Called by set() when it adds a key that did not exist (the 'new' keyspace event); null when unused. */
  onNewKey: ((db: Database, key: string) => void) | null = null;
  /** Called by get() on a miss (the 'keymiss' keyspace event); null when unused. */
  onKeyMiss: ((db: Database, key: string) => void) | null = null;

  /** Shared by all databases of a server. */
  readonly clock: AccessClock;

  constructor(
    readonly id: number,
    private readonly host: KeyspaceHost,
  ) {
    this.clock = host.accessClock ?? new AccessClock();
  }

  get size(): number {
    return this.dict.size;
  }

  /** Reads a key for a read command: expires it if due, counts a hit or miss, records the access. */
  get(key: string): Value | undefined {
    return this.counted(key, this.peek(key));
  }

  /** get() without recording an access (LOOKUP_NOTOUCH: OBJECT, TYPE, EXISTS, TTL, SCAN TYPE). */
  getNoTouch(key: string): Value | undefined {
    return this.counted(key, this.peekNoTouch(key));
  }

  private counted(key: string, v: Value | undefined): Value | undefined {
    if (v === undefined) {
      this.host.stats.keyspaceMisses++;
      if (this.onKeyMiss !== null) this.onKeyMiss(this, key);
    } else this.host.stats.keyspaceHits++;
    return v;
  }

  /** Reads a key (expiring it if due) without touching the hit/miss counters; records the access. */
  peek(key: string): Value | undefined {
    const clock = this.clock;
    const v = clock.lfu ? this.lfuLookup(key) : this.dict.getTouch(key, clock.lru);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  /** peek() without recording an access. */
  peekNoTouch(key: string): Value | undefined {
    const v = this.dict.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  /** The LFU access: decay and maybe increment the key's counter (updateLFU). */
  private lfuLookup(key: string): Value | undefined {
    const dict = this.dict;
    const e = dict.entryOf(key);
    if (e === 0) return undefined;
    dict.setAccessAt(e, this.clock.lfuTouched(dict.accessAt(e)));
    return dict.valueAt(e);
  }

  /** Whether the key exists (expiring it if due); not an access. */
  exists(key: string): boolean {
    return this.peekNoTouch(key) !== undefined;
  }

  /** The key's raw 24-bit LRU/LFU field, or -1 when it is absent (no expiry check). */
  accessOf(key: string): number {
    return this.dict.accessOf(key);
  }

  /** Sets the key's raw LRU/LFU field (RENAME/MOVE carry it, RESTORE and RDB loading set it). */
  setAccess(key: string, field: number): void {
    this.dict.setAccess(key, field);
  }

  /** Removes the key if its expiry time has passed. Returns true if it did. */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > this.host.now() || this.host.loading === true) return false;
    this.dict.delete(key);
    this.expires.delete(key);
    if (this.encodingOverrides !== null) this.encodingOverrides.delete(key);
    this.host.keyExpired(this, key);
    return true;
  }

  /**
   * Stores a value, replacing any previous one; the TTL is dropped unless
   * keepTtl. A new key gets a fresh access field; a replaced one is stamped
   * now under LRU (the new object's creation) and keeps its counter under LFU
   * (dbOverwrite copies it).
   */
  set(key: string, value: Value, keepTtl = false): void {
    const clock = this.clock;
    const fresh = clock.fresh();
    if (this.dict.setStamped(key, value, fresh, clock.lfu ? -1 : fresh) && this.onNewKey !== null) this.onNewKey(this, key);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    if (this.encodingOverrides !== null) this.encodingOverrides.delete(key);
  }

  delete(key: string): boolean {
    if (!this.dict.delete(key)) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    if (this.encodingOverrides !== null) this.encodingOverrides.delete(key);
    return true;
  }

  /** Absolute expiry in ms, or -1 when the key has none. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  setExpire(key: string, whenMs: number): void {
    this.expires.set(key, whenMs);
  }

  /** Drops the TTL; returns true if there was one. */
  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  /** Empties the database and returns how many keys it held. */
  clear(): number {
    this.host.dbReplacing?.(this, null);
    const n = this.dict.size;
    this.dict = new Dict(true);
    this.expires = new Dict();
    this.encodingOverrides = null;
    return n;
  }

  /** Exchanges contents with another database (SWAPDB); ids stay put. */
  swapWith(other: Database): void {
    this.host.dbReplacing?.(this, other);
    this.host.dbReplacing?.(other, this);
    [this.dict, other.dict] = [other.dict, this.dict];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.encodingOverrides, other.encodingOverrides] = [other.encodingOverrides, this.encodingOverrides];
  }
}
