/**
 * A string-keyed dictionary that can hold far more than the 2^24 entries a
 * single JS Map allows, with a Redis-style SCAN cursor.
 *
 * Layout, chosen for few cache misses per lookup (at 100K+ keys the cost of a
 * lookup is its dependent memory loads, not its instructions):
 * - Entries live in a slab: chunks of plain arrays holding four slots per
 *   entry (key, value, 32-bit hash, next entry in the bucket's chain), so one
 *   cache line brings an entry's hash, its chain link and both pointers.
 *   Entry 0 is a sentinel: index 0 means "none" in every link.
 * - Buckets are an Int32Array of entry indexes (chain heads), chosen by the
 *   low bits of a 32-bit FNV-1a hash of the key's latin1 characters. The table
 *   doubles when it holds as many entries as buckets (Redis's load factor 1),
 *   and is rehashed incrementally from the old table into the new one a few
 *   buckets per write (Redis's `rehashidx`), by relinking entries with their
 *   stored hash: no string is hashed twice, nothing is copied, no allocation
 *   but the new bucket array.
 *
 * A dictionary created with `tracked` (the databases' key dictionaries) also
 * keeps a 32-bit access field per entry (Redis's 24 LRU/LFU bits, see
 * access-clock.ts) in Uint32Array chunks parallel to the slab: 4 bytes per
 * key, off the entry's cache line so plain lookups do not pay for it. Only
 * the `*Access*` / `getTouch` / `setStamped` methods read or write it.
 *
 * SCAN uses Redis's reverse-binary cursor: the cursor's bits are incremented
 * from the most significant end, so after a table doubles the buckets still to
 * be visited are exactly the expansions of the ones not yet visited. Every key
 * present for the whole scan is therefore returned at least once, whatever
 * growth happens between calls.
 */

/** Buckets moved from the old table per write while a doubling is in progress. */
const REHASH_PER_WRITE = 2;
/** Entries per slab chunk (a power of two): chunk arrays stay small enough to grow without long copies. */
const CHUNK_BITS = 14;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** Slots per entry in a chunk: key, value, hash, next. */
const KEY = 0;
const VAL = 1;
const HASH = 2;
const NEXT = 3;
const INITIAL_BUCKETS = 4;
/** First size of an access-field chunk (grown by doubling up to the slab chunk's entries). */
const ACCESS_MIN = 16;

/** FNV-1a over the character codes of a latin1 string. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

/** Reverses the 32 bits of v (SCAN cursor order; the AOF rewrite uses it to tell visited keys). */
export function reverseBits32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}

/** Increments the cursor's bits under `mask` starting from the high end. */
function reverseIncrement(cursor: number, mask: number): number {
  let v = (cursor | ~mask) >>> 0;
  v = reverseBits32(v);
  v = (v + 1) >>> 0;
  return reverseBits32(v);
}

/** expand() never pre-sizes beyond this many buckets (a bogus RESIZEDB must not allocate gigabytes). */
const MAX_EXPAND = 1 << 27;

// Why `any[]`: a chunk mixes keys (strings), values (V) and small integers;
// one generic array keeps an entry's four slots on one cache line.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Chunk = any[];

export class Dict<V> {
  private chunks: Chunk[] = [[undefined, undefined, 0, 0]];
  /** Entries ever allocated (the slab's high-water mark), the sentinel included. */
  private used = 1;
  /** Head of the free-entry list (0 = empty). */
  private free = 0;
  private count = 0;
  /** The current bucket table (the new one while rehashing). */
  private table = new Int32Array(INITIAL_BUCKETS);
  private mask = INITIAL_BUCKETS - 1;
  /** While doubling: the previous table; its buckets below `rehashIdx` are already moved. */
  private old: Int32Array | null = null;
  private rehashIdx = 0;
  /** Access fields by entry index (chunk, then offset), or null when untracked; chunks grow by doubling. */
  private access: Uint32Array[] | null;

  constructor(tracked = false) {
    this.access = tracked ? [new Uint32Array(ACCESS_MIN)] : null;
  }

  get size(): number {
    return this.count;
  }

  /** The head slot holding the chain for hash `h` (table, or old table if that bucket is not moved yet). */
  private chainHead(h: number): number {
    const old = this.old;
    if (old !== null) {
      const oi = h & (old.length - 1);
      if (oi >= this.rehashIdx) return old[oi];
    }
    return this.table[h & this.mask];
  }

  /** Index of the entry holding `key`, or 0. */
  private find(key: string, h: number): number {
    const chunks = this.chunks;
    let e = this.chainHead(h);
    while (e !== 0) {
      const c = chunks[e >>> CHUNK_BITS];
      const o = (e & CHUNK_MASK) << 2;
      if (c[o + HASH] === h && c[o + KEY] === key) return e;
      e = c[o + NEXT];
    }
    return 0;
  }

  get(key: string): V | undefined {
    const e = this.find(key, hashKey(key) | 0);
    if (e === 0) return undefined;
    return this.chunks[e >>> CHUNK_BITS][((e & CHUNK_MASK) << 2) + VAL];
  }

  /**
   * get() that also stamps the entry's access field with `stamp` (a lookup
   * by a command in LRU mode). Tracked dictionaries only.
   */
  getTouch(key: string, stamp: number): V | undefined {
    const e = this.find(key, hashKey(key) | 0);
    if (e === 0) return undefined;
    this.access![e >>> CHUNK_BITS][e & CHUNK_MASK] = stamp;
    return this.chunks[e >>> CHUNK_BITS][((e & CHUNK_MASK) << 2) + VAL];
  }

  /** The entry index holding `key` (0 when absent), for valueAt / accessAt / setAccessAt. */
  entryOf(key: string): number {
    return this.find(key, hashKey(key) | 0);
  }

  /** The value of a live entry index from entryOf(). */
  valueAt(e: number): V {
    return this.chunks[e >>> CHUNK_BITS][((e & CHUNK_MASK) << 2) + VAL];
  }

  /** The access field of a live entry index (tracked dictionaries only). */
  accessAt(e: number): number {
    return this.access![e >>> CHUNK_BITS][e & CHUNK_MASK];
  }

  setAccessAt(e: number, field: number): void {
    this.access![e >>> CHUNK_BITS][e & CHUNK_MASK] = field;
  }

  /** The access field of `key`, or -1 when it is absent or the dictionary is untracked. */
  accessOf(key: string): number {
    if (this.access === null) return -1;
    const e = this.find(key, hashKey(key) | 0);
    return e === 0 ? -1 : this.access[e >>> CHUNK_BITS][e & CHUNK_MASK];
  }

  /** Sets the access field of `key`; false when it is absent or the dictionary is untracked. */
  setAccess(key: string, field: number): boolean {
    if (this.access === null) return false;
    const e = this.find(key, hashKey(key) | 0);
    if (e === 0) return false;
    this.access[e >>> CHUNK_BITS][e & CHUNK_MASK] = field;
    return true;
  }

  has(key: string): boolean {
    return this.find(key, hashKey(key) | 0) !== 0;
  }

  /** Inserts or replaces. Returns true when the key is new. A tracked dictionary gives a new key the access field 0. */
  set(key: string, value: V): boolean {
    return this.setStamped(key, value, 0, -1);
  }

  /**
   * Inserts or replaces, and sets the access field (tracked dictionaries):
   * `fresh` for a new key, `overwrite` for a replaced one (-1 keeps its
   * field). Returns true when the key is new.
   */
  setStamped(key: string, value: V, fresh: number, overwrite: number): boolean {
    const h = hashKey(key) | 0;
    const found = this.find(key, h);
    if (found !== 0) {
      this.chunks[found >>> CHUNK_BITS][((found & CHUNK_MASK) << 2) + VAL] = value;
      if (overwrite >= 0 && this.access !== null) this.access[found >>> CHUNK_BITS][found & CHUNK_MASK] = overwrite;
      return false;
    }
    let head: Int32Array;
    let bi: number;
    const old = this.old;
    if (old !== null && (h & (old.length - 1)) >= this.rehashIdx) {
      head = old;
      bi = h & (old.length - 1);
    } else {
      head = this.table;
      bi = h & this.mask;
    }
    const e = this.allocate(key, value, h, head[bi]);
    head[bi] = e;
    if (this.access !== null) this.stampNew(e, fresh);
    this.count++;
    if (this.old !== null) this.rehashSome(REHASH_PER_WRITE);
    else if (this.count > this.table.length) this.startDoubling();
    return true;
  }

  /** Takes an entry from the free list or the end of the slab. */
  private allocate(key: string, value: V, h: number, next: number): number {
    let e = this.free;
    if (e !== 0) {
      const c = this.chunks[e >>> CHUNK_BITS];
      const o = (e & CHUNK_MASK) << 2;
      this.free = c[o + NEXT];
      c[o + KEY] = key;
      c[o + VAL] = value;
      c[o + HASH] = h;
      c[o + NEXT] = next;
      return e;
    }
    e = this.used++;
    const ci = e >>> CHUNK_BITS;
    if (ci === this.chunks.length) this.chunks.push([]);
    // Entries are allocated in order, so this appends at offset (e & CHUNK_MASK) * 4.
    this.chunks[ci].push(key, value, h, next);
    return e;
  }

  /** Writes a new entry's access field, growing its access chunk first if needed. */
  private stampNew(e: number, field: number): void {
    const access = this.access!;
    const ci = e >>> CHUNK_BITS;
    const off = e & CHUNK_MASK;
    let a = access[ci];
    if (a === undefined || off >= a.length) {
      let len = a === undefined ? ACCESS_MIN : a.length;
      while (len <= off) len *= 2;
      const grown = new Uint32Array(Math.min(len, CHUNK_MASK + 1));
      if (a !== undefined) grown.set(a);
      access[ci] = a = grown;
    }
    a[off] = field;
  }

  delete(key: string): boolean {
    const h = hashKey(key) | 0;
    const old = this.old;
    let head: Int32Array;
    let bi: number;
    if (old !== null && (h & (old.length - 1)) >= this.rehashIdx) {
      head = old;
      bi = h & (old.length - 1);
    } else {
      head = this.table;
      bi = h & this.mask;
    }
    const chunks = this.chunks;
    let prev = 0;
    let e = head[bi];
    while (e !== 0) {
      const c = chunks[e >>> CHUNK_BITS];
      const o = (e & CHUNK_MASK) << 2;
      const next = c[o + NEXT];
      if (c[o + HASH] === h && c[o + KEY] === key) {
        if (prev === 0) head[bi] = next;
        else chunks[prev >>> CHUNK_BITS][((prev & CHUNK_MASK) << 2) + NEXT] = next;
        c[o + KEY] = undefined;
        c[o + VAL] = undefined;
        c[o + NEXT] = this.free;
        this.free = e;
        this.count--;
        return true;
      }
      prev = e;
      e = next;
    }
    return false;
  }

  /**
   * Sizes an empty dictionary's bucket table for `n` entries at once, as
   * Redis's dictExpand does on an RDB's RESIZEDB, so a load does not rehash
   * its way up through every doubling.
   */
  expand(n: number): void {
    if (this.count !== 0 || this.old !== null) return;
    let size = this.table.length;
    while (size < n && size < MAX_EXPAND) size *= 2;
    if (size === this.table.length) return;
    this.table = new Int32Array(size);
    this.mask = size - 1;
  }

  clear(): void {
    this.chunks = [[undefined, undefined, 0, 0]];
    this.used = 1;
    this.free = 0;
    this.count = 0;
    this.table = new Int32Array(INITIAL_BUCKETS);
    this.mask = INITIAL_BUCKETS - 1;
    this.old = null;
    this.rehashIdx = 0;
    if (this.access !== null) this.access = [new Uint32Array(ACCESS_MIN)];
  }

  private startDoubling(): void {
    this.old = this.table;
    this.table = new Int32Array(this.old.length * 2);
    this.mask = this.table.length - 1;
    this.rehashIdx = 0;
    this.rehashSome(REHASH_PER_WRITE);
  }

  /** Moves up to `n` old buckets (and skips up to 10n empty ones); returns true when the doubling is complete. */
  private rehashSome(n: number): boolean {
    const old = this.old;
    if (old === null) return true;
    const chunks = this.chunks;
    const table = this.table;
    const mask = this.mask;
    let empties = n * 10;
    while (n > 0 && this.rehashIdx < old.length) {
      const idx = this.rehashIdx++;
      let e = old[idx];
      if (e === 0) {
        if (--empties === 0) break;
        continue;
      }
      old[idx] = 0;
      while (e !== 0) {
        const c = chunks[e >>> CHUNK_BITS];
        const o = (e & CHUNK_MASK) << 2;
        const next = c[o + NEXT];
        const bi = c[o + HASH] & mask;
        c[o + NEXT] = table[bi];
        table[bi] = e;
        e = next;
      }
      n--;
    }
    if (this.rehashIdx < old.length) return false;
    this.old = null;
    this.rehashIdx = 0;
    return true;
  }

  /** Iterates every entry (no mutation allowed during iteration). */
  *entries(): IterableIterator<[string, V]> {
    for (const c of this.chunks) {
      for (let o = 0; o < c.length; o += 4) if (c[o + KEY] !== undefined) yield [c[o + KEY], c[o + VAL]];
    }
  }

  *keys(): IterableIterator<string> {
    for (const c of this.chunks) {
      for (let o = 0; o < c.length; o += 4) if (c[o + KEY] !== undefined) yield c[o + KEY];
    }
  }

  /**
   * Visits the buckets named by `cursor` and returns the next cursor (0 when
   * the scan is complete). `visit` is called for every entry of those buckets;
   * it may not mutate the dictionary. Empty buckets are skipped, at most
   * `maxEmpty` of them per call, so a sparse table cannot stall the server.
   */
  scan(cursor: number, minEntries: number, visit: (key: string, value: V) => void, maxEmpty = minEntries * 10): number {
    let seen = 0;
    let empty = 0;
    do {
      let visited = 0;
      const old = this.old;
      if (old === null) {
        visited = this.visitChain(this.table[cursor & this.mask], visit);
        cursor = reverseIncrement(cursor, this.mask);
      } else {
        // Mid-doubling: an old bucket and its two expansions in the new table
        // together hold exactly the keys that old bucket would hold.
        const oldMask = old.length - 1;
        const low = cursor & oldMask;
        visited =
          this.visitChain(old[low], visit) +
          this.visitChain(this.table[low], visit) +
          this.visitChain(this.table[low + old.length], visit);
        cursor = reverseIncrement(low, oldMask);
      }
      seen += visited;
      if (visited === 0) empty++;
    } while (cursor !== 0 && seen < minEntries && empty < maxEmpty);
    return cursor;
  }

  private visitChain(e: number, visit: (key: string, value: V) => void): number {
    let n = 0;
    while (e !== 0) {
      const c = this.chunks[e >>> CHUNK_BITS];
      const o = (e & CHUNK_MASK) << 2;
      visit(c[o + KEY], c[o + VAL]);
      e = c[o + NEXT];
      n++;
    }
    return n;
  }

  /** A uniformly chosen bucket's random entry; undefined when empty. */
  randomKey(): string | undefined {
    if (this.count === 0) return undefined;
    const old = this.old;
    const oldLen = old === null ? 0 : old.length;
    const n = this.table.length + oldLen;
    let e = 0;
    for (let tries = 0; e === 0; tries++) {
      const i = tries < 64 ? (Math.random() * n) | 0 : tries % n;
      e = i < oldLen ? old![i] : this.table[i - oldLen];
    }
    let len = 0;
    for (let x = e; x !== 0; x = this.chunks[x >>> CHUNK_BITS][((x & CHUNK_MASK) << 2) + NEXT]) len++;
    for (let skip = (Math.random() * len) | 0; skip > 0; skip--) e = this.chunks[e >>> CHUNK_BITS][((e & CHUNK_MASK) << 2) + NEXT];
    return this.chunks[e >>> CHUNK_BITS][((e & CHUNK_MASK) << 2) + KEY];
  }

  /** Does a little rehash work when idle; returns true if work remains. */
  rehashStep(buckets: number): boolean {
    return !this.rehashSome(buckets);
  }
}
