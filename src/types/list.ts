/**
 * The list type: a deque of latin1 strings with O(1) push and pop at both
 * ends, whatever its length.
 *
 * Two layouts, like Redis's listpack/quicklist pair:
 * - small lists are one flat JS array (one object besides the list itself);
 * - past FLAT_MAX elements the list becomes a "quicklist": a ring buffer of
 *   nodes, each a flat array of at most NODE_MAX elements. Pushing or popping
 *   at an end touches one node (at most NODE_MAX moves) and the ring (O(1)
 *   amortized), so a list of 10M elements costs ~80k small arrays, not 10M
 *   wrapper objects, and never an O(n) shift/unshift of one huge array.
 * Index access walks node lengths from the nearer end: O(n / NODE_MAX), the
 * same order as Redis's O(n) LINDEX.
 *
 * Redis 7.0 reports every list as "quicklist" (its listpack list encoding
 * arrived in 7.2), so `encoding()` does too whatever the layout.
 */
import type { ObjectValue } from './value.js';

/** Elements per quicklist node. */
export const NODE_MAX = 128;
/** Largest list kept as one flat array. */
export const FLAT_MAX = 128;

/** The node ring of every flat list (never written: setNodes() replaces it). */
const NO_NODES: string[][] = [];

export class ListValue implements ObjectValue {
  readonly type = 'list' as const;
  /** Flat layout (null once converted to nodes). */
  private flat: string[] | null = [];
  /** Ring buffer of nodes (quicklist layout), capacity a power of two; shared empty while flat. */
  private nodes: string[][] = NO_NODES;
  private head = 0;
  private count = 0;
  private len = 0;

  /**
   * A list holding `items` (head first), taking ownership of the array: an
   * exact-size array is the most compact start (push() would leave slack).
   */
  static fromArray(items: string[]): ListValue {
    const l = new ListValue();
    l.flat = items;
    l.len = items.length;
    if (items.length > FLAT_MAX) l.toNodes();
    return l;
  }

  /** Redis 7.0 lists are always quicklists (see file comment). */
  encoding(): string {
    return 'quicklist';
  }

  /** A deep copy with the same layout (COPY). */
  clone(): ListValue {
    const copy = new ListValue();
    copy.len = this.len;
    if (this.flat !== null) copy.flat = this.flat.slice();
    else {
      copy.flat = null;
      const list: string[][] = [];
      for (let k = 0; k < this.count; k++) list.push(this.node(k).slice());
      copy.setNodes(list);
    }
    return copy;
  }

  get length(): number {
    return this.len;
  }

  /** True while the list is one flat array (the compact layout). */
  get isFlat(): boolean {
    return this.flat !== null;
  }

  /** Adds `v` before the first element. */
  pushHead(v: string): void {
    this.len++;
    const f = this.flat;
    if (f !== null) {
      f.unshift(v);
      if (f.length > FLAT_MAX) this.toNodes();
      return;
    }
    const first = this.count === 0 ? undefined : this.node(0);
    if (first === undefined || first.length >= NODE_MAX) this.ringUnshift([v]);
    else first.unshift(v);
  }

  /** Adds `v` after the last element. */
  pushTail(v: string): void {
    this.len++;
    const f = this.flat;
    if (f !== null) {
      f.push(v);
      if (f.length > FLAT_MAX) this.toNodes();
      return;
    }
    const last = this.count === 0 ? undefined : this.node(this.count - 1);
    if (last === undefined || last.length >= NODE_MAX) this.ringPush([v]);
    else last.push(v);
  }

  /** Removes and returns the first element (undefined if empty). */
  popHead(): string | undefined {
    if (this.len === 0) return undefined;
    this.len--;
    const f = this.flat;
    if (f !== null) return f.shift();
    const first = this.node(0);
    const v = first.shift();
    if (first.length === 0) this.ringShift();
    return v;
  }

  /** Removes and returns the last element (undefined if empty). */
  popTail(): string | undefined {
    if (this.len === 0) return undefined;
    this.len--;
    const f = this.flat;
    if (f !== null) return f.pop();
    const last = this.node(this.count - 1);
    const v = last.pop();
    if (last.length === 0) this.ringPop();
    return v;
  }

  /** The element at `i` (0 <= i < length), else undefined. */
  get(i: number): string | undefined {
    if (i < 0 || i >= this.len) return undefined;
    if (this.flat !== null) return this.flat[i];
    const [k, j] = this.locate(i);
    return this.node(k)[j];
  }

  /** Replaces the element at `i`; false if `i` is out of range. */
  set(i: number, v: string): boolean {
    if (i < 0 || i >= this.len) return false;
    if (this.flat !== null) this.flat[i] = v;
    else {
      const [k, j] = this.locate(i);
      this.node(k)[j] = v;
    }
    return true;
  }

  /** Inserts `v` so that it ends up at index `i` (0 <= i <= length). */
  insert(i: number, v: string): void {
    if (i <= 0) return this.pushHead(v);
    if (i >= this.len) return this.pushTail(v);
    const f = this.flat;
    if (f !== null) {
      this.len++;
      f.splice(i, 0, v);
      if (f.length > FLAT_MAX) this.toNodes();
      return;
    }
    // Locate before counting the new element: locate() walks from len.
    const [k, j] = this.locate(i);
    this.len++;
    const node = this.node(k);
    node.splice(j, 0, v);
    if (node.length > NODE_MAX) {
      // Split the overfull node in two halves so nodes stay bounded.
      const half = node.length >> 1;
      this.ringInsert(k + 1, node.splice(half));
    }
  }

  /**
   * Calls `fn(v, i)` for elements from index `start` towards the tail (or,
   * with `reverse`, towards the head); stops when `fn` returns true.
   */
  scan(start: number, reverse: boolean, fn: (v: string, i: number) => boolean | void): void {
    if (start < 0 || start >= this.len) return;
    const f = this.flat;
    if (f !== null) {
      if (reverse) {
        for (let i = start; i >= 0; i--) if (fn(f[i], i) === true) return;
      } else {
        for (let i = start; i < f.length; i++) if (fn(f[i], i) === true) return;
      }
      return;
    }
    let [k, j] = this.locate(start);
    let i = start;
    if (reverse) {
      for (; k >= 0; k--) {
        const node = this.node(k);
        if (j < 0) j = node.length - 1;
        for (; j >= 0; j--, i--) if (fn(node[j], i) === true) return;
      }
    } else {
      for (; k < this.count; k++, j = 0) {
        const node = this.node(k);
        for (; j < node.length; j++, i++) if (fn(node[j], i) === true) return;
      }
    }
  }

  /** Elements from `start` to `end` inclusive (already clamped to the list). */
  range(start: number, end: number): string[] {
    if (start > end || start >= this.len || end < 0) return [];
    if (this.flat !== null) return this.flat.slice(start, end + 1);
    end = Math.min(end, this.len - 1);
    const n = end - start + 1;
    // Node by node into an array of the final size (LRANGE's hot path: no
    // per-element callback, no regrowth).
    const out: string[] = new Array(n);
    let [k, j] = this.locate(start);
    for (let i = 0; i < n; k++, j = 0) {
      const node = this.node(k);
      const stop = Math.min(node.length, j + n - i);
      while (j < stop) out[i++] = node[j++];
    }
    return out;
  }

  /** Every element, head to tail. */
  toArray(): string[] {
    return this.range(0, this.len - 1);
  }

  /**
   * Removes elements equal to `v`: the first `count` from the head if
   * count > 0, the last -count from the tail if count < 0, all if 0.
   * Returns how many were removed.
   */
  remove(v: string, count: number): number {
    const limit = count === 0 ? Infinity : Math.abs(count);
    const fromTail = count < 0;
    let removed = 0;
    const filter = (arr: string[]): string[] => {
      if (removed >= limit || !arr.includes(v)) return arr;
      const out: string[] = [];
      const n = arr.length;
      for (let x = 0; x < n; x++) {
        const e = arr[fromTail ? n - 1 - x : x];
        if (e === v && removed < limit) removed++;
        else out.push(e);
      }
      return fromTail ? out.reverse() : out;
    };
    if (this.flat !== null) this.flat = filter(this.flat);
    else {
      const kept: string[][] = [];
      for (let x = 0; x < this.count; x++) {
        const k = fromTail ? this.count - 1 - x : x;
        const node = filter(this.node(k));
        if (node.length !== 0) kept.push(node);
      }
      this.setNodes(fromTail ? kept.reverse() : kept);
    }
    this.len -= removed;
    return removed;
  }

  /** Removes the first `n` elements (O(n / NODE_MAX) beyond the edge nodes). */
  dropHead(n: number): void {
    n = Math.min(n, this.len);
    if (n <= 0) return;
    this.len -= n;
    if (this.flat !== null) {
      this.flat.splice(0, n);
      return;
    }
    while (n > 0) {
      const first = this.node(0);
      if (first.length <= n) {
        n -= first.length;
        this.ringShift();
      } else {
        first.splice(0, n);
        n = 0;
      }
    }
  }

  /** Removes the last `n` elements. */
  dropTail(n: number): void {
    n = Math.min(n, this.len);
    if (n <= 0) return;
    this.len -= n;
    if (this.flat !== null) {
      this.flat.length -= n;
      return;
    }
    while (n > 0) {
      const last = this.node(this.count - 1);
      if (last.length <= n) {
        n -= last.length;
        this.ringPop();
      } else {
        last.length -= n;
        n = 0;
      }
    }
  }

  // ---- quicklist internals -------------------------------------------------

  private node(k: number): string[] {
    return this.nodes[(this.head + k) & (this.nodes.length - 1)];
  }

  /** Node number and offset of element `i`, walking from the nearer end. */
  private locate(i: number): [number, number] {
    if (i < this.len / 2) {
      for (let k = 0; ; k++) {
        const n = this.node(k).length;
        if (i < n) return [k, i];
        i -= n;
      }
    }
    let back = this.len - 1 - i;
    for (let k = this.count - 1; ; k--) {
      const n = this.node(k).length;
      if (back < n) return [k, n - 1 - back];
      back -= n;
    }
  }

  private toNodes(): void {
    const f = this.flat!;
    this.flat = null;
    const nodes: string[][] = [];
    for (let i = 0; i < f.length; i += NODE_MAX) nodes.push(f.slice(i, i + NODE_MAX));
    this.setNodes(nodes);
  }

  /** Replaces the ring's content with `list` (in order). */
  private setNodes(list: string[][], minCap = 4): void {
    let cap = minCap;
    while (cap < list.length) cap *= 2;
    const buf = new Array<string[]>(cap);
    for (let k = 0; k < list.length; k++) buf[k] = list[k];
    this.nodes = buf;
    this.head = 0;
    this.count = list.length;
  }

  /** Doubles the ring when full, unrolling it to start at slot 0. */
  private grow(): void {
    if (this.count < this.nodes.length) return;
    const list: string[][] = [];
    for (let k = 0; k < this.count; k++) list.push(this.node(k));
    this.setNodes(list, this.nodes.length * 2);
  }

  private ringPush(node: string[]): void {
    this.grow();
    this.nodes[(this.head + this.count) & (this.nodes.length - 1)] = node;
    this.count++;
  }

  private ringUnshift(node: string[]): void {
    this.grow();
    this.head = (this.head - 1) & (this.nodes.length - 1);
    this.nodes[this.head] = node;
    this.count++;
  }

  private ringShift(): void {
    const mask = this.nodes.length - 1;
    (this.nodes as Array<string[] | undefined>)[this.head] = undefined;
    this.head = (this.head + 1) & mask;
    this.count--;
  }

  private ringPop(): void {
    const mask = this.nodes.length - 1;
    this.count--;
    (this.nodes as Array<string[] | undefined>)[(this.head + this.count) & mask] = undefined;
  }

  /** Inserts a node at ring position `k` (O(nodes): used by LINSERT only). */
  private ringInsert(k: number, node: string[]): void {
    this.grow();
    const mask = this.nodes.length - 1;
    for (let x = this.count; x > k; x--) this.nodes[(this.head + x) & mask] = this.nodes[(this.head + x - 1) & mask];
    this.nodes[(this.head + k) & mask] = node;
    this.count++;
  }
}
