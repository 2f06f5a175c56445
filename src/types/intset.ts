/**
 * A sorted set of int64 values in one typed array, like Redis's intset: the
 * element width is the smallest that holds every member (16, 32 bits, then
 * JS-safe doubles, then full 64-bit), upgraded for the whole array when a
 * wider value arrives and never downgraded. Lookups are binary searches;
 * inserts and removals shift the tail (O(n) on a bounded n, as in Redis).
 *
 * Members are exchanged as `number` (safe integers) or `bigint` (beyond
 * 2^53), the values parseInt64 produces. Relational operators compare the two
 * kinds exactly, so the search code does not care which one it holds.
 */

type IntArray = Int16Array | Int32Array | Float64Array | BigInt64Array;
export type Int64 = number | bigint;

const enum Width {
  I16 = 0,
  I32 = 1,
  SAFE = 2,
  I64 = 3,
}

function widthOf(v: Int64): Width {
  if (typeof v === 'bigint') return Width.I64;
  if (v >= -32768 && v <= 32767) return Width.I16;
  if (v >= -2147483648 && v <= 2147483647) return Width.I32;
  return Width.SAFE;
}

function alloc(width: Width, capacity: number): IntArray {
  switch (width) {
    case Width.I16:
      return new Int16Array(capacity);
    case Width.I32:
      return new Int32Array(capacity);
    case Width.SAFE:
      return new Float64Array(capacity);
    default:
      return new BigInt64Array(capacity);
  }
}

/** A bigint beyond 2^53 comes back from a BigInt64Array; smaller values are plain numbers. */
function norm(v: Int64): Int64 {
  if (typeof v === 'number') return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

export class IntSet {
  private arr: IntArray;
  private width: Width;
  private len = 0;

  constructor(capacity = 4) {
    this.width = Width.I16;
    this.arr = new Int16Array(capacity);
  }

  get size(): number {
    return this.len;
  }

  /** The i-th smallest member (0 <= i < size). */
  at(i: number): Int64 {
    return norm(this.arr[i]);
  }

  /** Index of v, or -(insertion point) - 1 when absent. */
  private search(v: Int64): number {
    const a = this.arr;
    let lo = 0;
    let hi = this.len - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = a[mid];
      if (x < v) lo = mid + 1;
      else if (x > v) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  has(v: Int64): boolean {
    return this.search(v) >= 0;
  }

  /** Adds v; false when already present. */
  add(v: Int64): boolean {
    const w = widthOf(v);
    // A value needing a wider element than every member is new by definition.
    if (w > this.width) this.upgrade(w, this.len + 1);
    const idx = this.search(v);
    if (idx >= 0) return false;
    const at = -idx - 1;
    if (this.len === this.arr.length) this.grow(this.len * 2 + 1);
    this.arr.copyWithin(at + 1, at, this.len);
    this.store(at, v);
    this.len++;
    return true;
  }

  /** Removes v; false when absent. */
  remove(v: Int64): boolean {
    const idx = this.search(v);
    if (idx < 0) return false;
    this.arr.copyWithin(idx, idx + 1, this.len);
    this.len--;
    if (this.len < this.arr.length >> 2 && this.arr.length > 16) this.grow(this.len * 2);
    return true;
  }

  /** Removes and returns the member at index i. */
  removeAt(i: number): Int64 {
    const v = this.at(i);
    this.arr.copyWithin(i, i + 1, this.len);
    this.len--;
    return v;
  }

  private store(i: number, v: Int64): void {
    if (this.width === Width.I64) (this.arr as BigInt64Array)[i] = BigInt(v);
    else (this.arr as Int16Array | Int32Array | Float64Array)[i] = Number(v);
  }

  private upgrade(w: Width, capacity: number): void {
    const next = alloc(w, Math.max(capacity, this.arr.length));
    const old = this.arr;
    this.width = w;
    this.arr = next;
    for (let i = 0; i < this.len; i++) this.store(i, norm(old[i]));
  }

  private grow(capacity: number): void {
    const next = alloc(this.width, Math.max(capacity, 4));
    next.set(this.arr.subarray(0, this.len) as never);
    this.arr = next;
  }

  /** A copy with the same members and width. */
  clone(): IntSet {
    const s = new IntSet(0);
    s.width = this.width;
    s.arr = this.arr.slice(0, Math.max(this.len, 1));
    s.len = this.len;
    return s;
  }

  /** Bytes per element, as Redis's intset encodings would use (2, 4 or 8). */
  get bytesPerElement(): number {
    return this.width === Width.I16 ? 2 : this.width === Width.I32 ? 4 : 8;
  }
}
