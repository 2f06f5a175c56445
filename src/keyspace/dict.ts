/**
 * A string-keyed dictionary that can hold far more than the 2^24 entries a
 * single JS Map allows, with a Redis-style SCAN cursor.
 *
 * Layout: a power-of-two array of buckets, each a small native Map. A key's
 * bucket is chosen by a 32-bit FNV-1a hash of its latin1 characters. When the
 * average bucket grows past {@link BUCKET_TARGET} entries the array doubles
 * and buckets are split one at a time (incremental rehash, like Redis's
 * `rehashidx`), so no single command pays for moving the whole keyspace.
 *
 * SCAN uses Redis's reverse-binary cursor: the cursor's bits are incremented
 * from the most significant end, so after a table doubles the buckets still to
 * be visited are exactly the expansions of the ones not yet visited. Every key
 * present for the whole scan is therefore returned at least once, whatever
 * growth happens between calls.
 */

/** Average entries per bucket before the table doubles. */
const BUCKET_TARGET = 64;
/** Buckets split per write while a doubling is in progress. */
const SPLITS_PER_WRITE = 1;

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

export class Dict<V> {
  private buckets: Array<Map<string, V> | undefined> = [undefined];
  private bits = 0;
  /** While doubling: old-table buckets below this index are already split; -1 otherwise. */
  private splitIdx = -1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  private bucketIndex(key: string): number {
    const h = hashKey(key);
    if (this.splitIdx < 0) return h & ((1 << this.bits) - 1);
    const oldIdx = h & ((1 << (this.bits - 1)) - 1);
    return oldIdx < this.splitIdx ? h & ((1 << this.bits) - 1) : oldIdx;
  }

  get(key: string): V | undefined {
    const b = this.buckets[this.bucketIndex(key)];
    return b === undefined ? undefined : b.get(key);
  }

  has(key: string): boolean {
    const b = this.buckets[this.bucketIndex(key)];
    return b !== undefined && b.has(key);
  }

  /** Inserts or replaces. Returns true when the key is new. */
  set(key: string, value: V): boolean {
    const idx = this.bucketIndex(key);
    let b = this.buckets[idx];
    if (b === undefined) {
      b = new Map();
      this.buckets[idx] = b;
    }
    const before = b.size;
    b.set(key, value);
    if (b.size === before) return false;
    this.count++;
    if (this.splitIdx >= 0) this.splitSome(SPLITS_PER_WRITE);
    else if (this.count > BUCKET_TARGET << this.bits) this.startDoubling();
    return true;
  }

  delete(key: string): boolean {
    const idx = this.bucketIndex(key);
    const b = this.buckets[idx];
    if (b === undefined || !b.delete(key)) return false;
    this.count--;
    if (b.size === 0) this.buckets[idx] = undefined;
    return true;
  }

  clear(): void {
    this.buckets = [undefined];
    this.bits = 0;
    this.splitIdx = -1;
    this.count = 0;
  }

  private startDoubling(): void {
    const oldSize = 1 << this.bits;
    this.bits++;
    for (let i = 0; i < oldSize; i++) this.buckets.push(undefined);
    this.splitIdx = 0;
    this.splitSome(SPLITS_PER_WRITE);
  }

  /** Splits up to `n` old buckets; returns true when the doubling is complete. */
  splitSome(n: number): boolean {
    if (this.splitIdx < 0) return true;
    const oldSize = 1 << (this.bits - 1);
    const newMask = (1 << this.bits) - 1;
    while (n-- > 0 && this.splitIdx < oldSize) {
      const idx = this.splitIdx++;
      const b = this.buckets[idx];
      if (b === undefined) continue;
      // Both halves go into fresh Maps: a Map never shrinks its table after
      // deletes, so keeping the old one would waste half its capacity.
      const keep = new Map<string, V>();
      const moved = new Map<string, V>();
      for (const [k, v] of b) {
        if ((hashKey(k) & newMask) === idx) keep.set(k, v);
        else moved.set(k, v);
      }
      this.buckets[idx] = keep.size === 0 ? undefined : keep;
      this.buckets[idx + oldSize] = moved.size === 0 ? undefined : moved;
    }
    if (this.splitIdx >= oldSize) this.splitIdx = -1;
    return this.splitIdx < 0;
  }

  /** Iterates every entry (no mutation allowed during iteration). */
  *entries(): IterableIterator<[string, V]> {
    for (const b of this.buckets) if (b !== undefined) yield* b;
  }

  *keys(): IterableIterator<string> {
    for (const b of this.buckets) if (b !== undefined) yield* b.keys();
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
      if (this.splitIdx < 0) {
        const mask = (1 << this.bits) - 1;
        visited = this.visitBucket(cursor & mask, visit);
        cursor = reverseIncrement(cursor, mask);
      } else {
        // Mid-doubling: an old bucket and its expansion in the new half together
        // hold exactly the keys that old bucket held before the split started.
        const oldMask = (1 << (this.bits - 1)) - 1;
        const low = cursor & oldMask;
        visited = this.visitBucket(low, visit) + this.visitBucket(low + oldMask + 1, visit);
        cursor = reverseIncrement(low, oldMask);
      }
      seen += visited;
      if (visited === 0) empty++;
    } while (cursor !== 0 && seen < minEntries && empty < maxEmpty);
    return cursor;
  }

  private visitBucket(idx: number, visit: (key: string, value: V) => void): number {
    const b = this.buckets[idx];
    if (b === undefined) return 0;
    for (const [k, v] of b) visit(k, v);
    return b.size;
  }

  /** A uniformly chosen bucket's random entry; undefined when empty. */
  randomKey(): string | undefined {
    if (this.count === 0) return undefined;
    const n = this.buckets.length;
    let idx = (Math.random() * n) | 0;
    for (let tries = 0; this.buckets[idx] === undefined; tries++) {
      idx = tries < 64 ? (Math.random() * n) | 0 : (idx + 1) % n;
    }
    const b = this.buckets[idx]!;
    let skip = (Math.random() * b.size) | 0;
    for (const k of b.keys()) if (skip-- === 0) return k;
    return undefined;
  }

  /** Does a little rehash work when idle; returns true if work remains. */
  rehashStep(buckets: number): boolean {
    return !this.splitSome(buckets);
  }
}
