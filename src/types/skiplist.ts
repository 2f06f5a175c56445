/**
 * A skiplist ordered by (score, member), with spans so ranks are O(log N):
 * the structure behind Redis's "skiplist" sorted-set encoding. Members are
 * latin1 strings, so JS string comparison is byte order (Redis's sdscmp).
 *
 * Each node keeps one forward pointer and one span per level; the span is
 * the number of rank steps the pointer jumps. Ranks are 1-based here (the
 * head is rank 0), as in Redis.
 *
 * Layout (why it is not one JS object per node): with millions of nodes,
 * per-node objects (node, level array, boxed score) mean millions of heap
 * objects for the garbage collector to mark and a pointer chase per field.
 * Here a node is an integer id into a struct of arrays:
 *
 * - a 32-byte record per node in one ArrayBuffer, seen as Float64Array and
 *   Int32Array: `[score f64][next0][prev][next1][span1][upBase][level]`.
 *   Levels 0 and 1 (15 nodes in 16 have no more) live in the record, so a
 *   search touches one cache line per node on the lowest levels;
 * - levels 2 and up in a pool of `[next, span]` pairs, one block per node
 *   (blocks are recycled per size through free lists);
 * - the members in one JS array indexed by id.
 *
 * Id 0 is the head (and, as a pointer, "none": nothing points forward to
 * the head). The span at level 0 is 1 to a node and 0 to the end, so it is
 * not stored.
 */

const MAX_LEVEL = 32;
/** Chance a node reaches the next level (Redis's ZSKIPLIST_P). */
const P = 0.25;
/** Int32 slots per node record (32 bytes). */
const REC = 8;
// Int32 offsets inside a record (slot 0-1 is the f64 score).
const NEXT0 = 2;
const PREV = 3;
const NEXT1 = 4;
const SPAN1 = 5;
const UP = 6;
const LEVEL = 7;

/** Node id meaning "no node" (the head's id: nothing links forward to it). */
export const NIL = 0;

/** Inclusive/exclusive score bounds ("(" prefix = exclusive). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** A lex bound: '-' below everything, '+' above everything, else a member and exclusivity. */
export type LexBound = { kind: '-' } | { kind: '+' } | { kind: 'str'; value: string; ex: boolean };

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

/** True if (s1, m1) sorts before (s2, m2). */
export function before(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/** True if `score` is at or above the range's low end. */
export function scoreGteMin(score: number, r: ScoreRange): boolean {
  return r.minex ? score > r.min : score >= r.min;
}

/** True if `score` is at or below the range's high end. */
export function scoreLteMax(score: number, r: ScoreRange): boolean {
  return r.maxex ? score < r.max : score <= r.max;
}

/** True if the score range can contain nothing (min above max, or equal with an exclusive end). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

/** True if `m` is at or above the lex range's low end. */
export function lexGteMin(m: string, b: LexBound): boolean {
  if (b.kind === '-') return true;
  if (b.kind === '+') return false;
  return b.ex ? m > b.value : m >= b.value;
}

/** True if `m` is at or below the lex range's high end. */
export function lexLteMax(m: string, b: LexBound): boolean {
  if (b.kind === '+') return true;
  if (b.kind === '-') return false;
  return b.ex ? m < b.value : m <= b.value;
}

/** True if the lex range can contain nothing. */
export function lexRangeEmpty(r: LexRange): boolean {
  const { min, max } = r;
  // Why: Redis compares '+'/'-' specially: "-" as max or "+" as min is always empty.
  if (min.kind === '+' || max.kind === '-') return true;
  if (min.kind === '-' || max.kind === '+') return false;
  return min.value > max.value || (min.value === max.value && (min.ex || max.ex));
}

/** Redis's zslRandomLevel: level k with probability P^(k-1)(1-P), capped. */
function randomLevel(): number {
  // One random number gives 26 two-bit draws; a draw of 0 (chance 1/4) goes up a level.
  let bits = (Math.random() * 0x4000000) | 0;
  let level = 1;
  while ((bits & 3) === 0 && level < MAX_LEVEL) {
    level++;
    bits >>>= 2;
    if (level % 13 === 0) bits = (Math.random() * 0x4000000) | 0;
  }
  return level;
}

// Scratch arrays for the search path, shared by every list: the server is
// single-threaded and no operation re-enters another.
const UPDATE = new Int32Array(MAX_LEVEL);
const RANK = new Float64Array(MAX_LEVEL);

export class SkipList {
  /** Node records; f64[4x] is the score, i32[8x + k] the int fields. */
  private f64: Float64Array;
  private i32: Int32Array;
  private members: string[] = [''];
  /** Levels >= 2: pairs [next, span]; a node's block starts at its UP slot. */
  private up: Int32Array;
  /** Records in use or freed (ids below this were handed out once). */
  private top = 1;
  /** Pool slots handed out once. */
  private upTop = 0;
  /** Free node ids, linked through NEXT0. */
  private freeNode = NIL;
  /** Free pool blocks per level count, linked through the block's first slot (-1 = none). */
  private readonly freeUp = new Int32Array(MAX_LEVEL + 1).fill(-1);
  /** Id of the last node, or NIL. */
  tail = NIL;
  length = 0;
  private level = 1;

  constructor(capacity = 16) {
    const cap = Math.max(2, capacity + 1);
    const buf = new ArrayBuffer(cap * REC * 4);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.up = new Int32Array(Math.max(64, cap));
    // The head: every level, all pointing nowhere.
    this.i32[LEVEL] = MAX_LEVEL;
    this.i32[UP] = this.allocUp(MAX_LEVEL);
  }

  /** The head's id (rank 0); its level-0 successor is the first node. */
  get head(): number {
    return NIL;
  }

  /** The node's score. */
  scoreOf(x: number): number {
    return this.f64[x * 4];
  }

  /** The node's member. */
  memberOf(x: number): string {
    return this.members[x];
  }

  /** The next node in order, or NIL at the end (from the head: the first node). */
  next(x: number): number {
    return this.i32[x * REC + NEXT0];
  }

  /** The previous node in order, or NIL at the start. */
  prev(x: number): number {
    return this.i32[x * REC + PREV];
  }

  /** Number of levels the node is on. */
  levelOf(x: number): number {
    return this.i32[x * REC + LEVEL];
  }

  /** The node's forward pointer at level `i`. */
  nextAt(x: number, i: number): number {
    const I = this.i32;
    if (i === 0) return I[x * REC + NEXT0];
    if (i === 1) return I[x * REC + NEXT1];
    return this.up[I[x * REC + UP] + 2 * i - 4];
  }

  private spanAt(x: number, i: number): number {
    const I = this.i32;
    if (i === 0) return I[x * REC + NEXT0] === NIL ? 0 : 1;
    if (i === 1) return I[x * REC + SPAN1];
    return this.up[I[x * REC + UP] + 2 * i - 3];
  }

  private setLink(x: number, i: number, next: number, span: number): void {
    const I = this.i32;
    if (i === 0) I[x * REC + NEXT0] = next;
    else if (i === 1) {
      I[x * REC + NEXT1] = next;
      I[x * REC + SPAN1] = span;
    } else {
      const at = I[x * REC + UP] + 2 * i - 4;
      this.up[at] = next;
      this.up[at + 1] = span;
    }
  }

  private setSpan(x: number, i: number, span: number): void {
    if (i === 0) return;
    if (i === 1) this.i32[x * REC + SPAN1] = span;
    else this.up[this.i32[x * REC + UP] + 2 * i - 3] = span;
  }

  /** A pool block for a node of `level` levels (levels >= 2 only), or -1 if it needs none. */
  private allocUp(level: number): number {
    if (level <= 2) return -1;
    const k = level - 2;
    const free = this.freeUp[k];
    if (free >= 0) {
      this.freeUp[k] = this.up[free];
      return free;
    }
    const need = this.upTop + 2 * k;
    if (need > this.up.length) {
      const grown = new Int32Array(Math.max(need, this.up.length * 2));
      grown.set(this.up);
      this.up = grown;
    }
    const at = this.upTop;
    this.upTop = need;
    return at;
  }

  private freeUpBlock(at: number, level: number): void {
    if (at < 0) return;
    const k = level - 2;
    this.up[at] = this.freeUp[k];
    this.freeUp[k] = at;
  }

  /** A fresh node id holding (score, member) on `level` levels, links unset. */
  private allocNode(score: number, member: string, level: number): number {
    let x = this.freeNode;
    if (x !== NIL) this.freeNode = this.i32[x * REC + NEXT0];
    else {
      x = this.top++;
      if (x * REC >= this.i32.length) this.growRecords(x + 1);
    }
    const I = this.i32;
    const b = x * REC;
    this.f64[x * 4] = score;
    I[b + NEXT0] = NIL;
    I[b + PREV] = NIL;
    I[b + NEXT1] = NIL;
    I[b + SPAN1] = 0;
    I[b + LEVEL] = level;
    I[b + UP] = this.allocUp(level);
    if (x === this.members.length) this.members.push(member);
    else this.members[x] = member;
    return x;
  }

  private freeNodeId(x: number): void {
    const I = this.i32;
    this.freeUpBlock(I[x * REC + UP], I[x * REC + LEVEL]);
    this.members[x] = '';
    I[x * REC + NEXT0] = this.freeNode;
    this.freeNode = x;
  }

  private growRecords(min: number): void {
    const cap = Math.max(min, Math.ceil((this.i32.length / REC) * 2));
    const buf = new ArrayBuffer(cap * REC * 4);
    new Int32Array(buf).set(this.i32);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
  }

  /** Inserts a (score, member) known not to be present. Returns its node id. */
  insert(score: number, member: string): number {
    const level = randomLevel();
    const x = this.allocNode(score, member, level);
    this.link(x, level);
    return x;
  }

  /** Links the allocated node `x` (its score and member set) on `level` levels. */
  private link(x: number, level: number): void {
    const update = UPDATE;
    const rank = RANK;
    const F = this.f64;
    const M = this.members;
    const score = F[x * 4];
    const member = M[x];
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      let n = this.nextAt(p, i);
      while (n !== NIL && (F[n * 4] < score || (F[n * 4] === score && M[n] < member))) {
        rank[i] += this.spanAt(p, i);
        p = n;
        n = this.nextAt(p, i);
      }
      update[i] = p;
    }
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = NIL;
        this.setSpan(NIL, i, this.length);
      }
      this.level = level;
    }
    for (let i = 0; i < level; i++) {
      const u = update[i];
      const d = rank[0] - rank[i];
      this.setLink(x, i, this.nextAt(u, i), this.spanAt(u, i) - d);
      this.setLink(u, i, x, d + 1);
    }
    for (let i = level; i < this.level; i++) this.setSpan(update[i], i, this.spanAt(update[i], i) + 1);
    const I = this.i32;
    I[x * REC + PREV] = update[0];
    const nx = I[x * REC + NEXT0];
    if (nx !== NIL) I[nx * REC + PREV] = x;
    else this.tail = x;
    this.length++;
  }

  /** Unlinks `x` given its predecessors at every level (it stays allocated). */
  private unlink(x: number, update: Int32Array): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      if (this.nextAt(u, i) === x) this.setLink(u, i, this.nextAt(x, i), this.spanAt(u, i) + this.spanAt(x, i) - 1);
      else this.setSpan(u, i, this.spanAt(u, i) - 1);
    }
    const I = this.i32;
    const nx = I[x * REC + NEXT0];
    if (nx !== NIL) I[nx * REC + PREV] = I[x * REC + PREV];
    else this.tail = I[x * REC + PREV];
    while (this.level > 1 && this.nextAt(NIL, this.level - 1) === NIL) this.level--;
    this.length--;
  }

  /** Predecessors at each level of the first node not before (score, member); valid until the next call. */
  private findUpdate(score: number, member: string): Int32Array {
    const update = UPDATE;
    const F = this.f64;
    const M = this.members;
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = this.nextAt(p, i);
      while (n !== NIL && (F[n * 4] < score || (F[n * 4] === score && M[n] < member))) {
        p = n;
        n = this.nextAt(p, i);
      }
      update[i] = p;
    }
    return update;
  }

  /** The node holding (score, member), or NIL. */
  find(score: number, member: string): number {
    const update = this.findUpdate(score, member);
    const x = this.i32[update[0] * REC + NEXT0];
    return x !== NIL && this.f64[x * 4] === score && this.members[x] === member ? x : NIL;
  }

  /** Deletes (score, member). Returns false if absent. */
  delete(score: number, member: string): boolean {
    const update = this.findUpdate(score, member);
    const x = this.i32[update[0] * REC + NEXT0];
    if (x === NIL || this.f64[x * 4] !== score || this.members[x] !== member) return false;
    this.unlink(x, update);
    this.freeNodeId(x);
    return true;
  }

  /**
   * Changes the score of node `x`. The node
   * keeps its id: in place when its position does not change, else moved.
   */
  updateScore(x: number, score: number): void {
    const I = this.i32;
    const F = this.f64;
    const M = this.members;
    const member = M[x];
    const p = I[x * REC + PREV];
    const n = I[x * REC + NEXT0];
    if ((p === NIL || before(F[p * 4], M[p], score, member)) && (n === NIL || before(score, member, F[n * 4], M[n]))) {
      F[x * 4] = score;
      return;
    }
    this.unlink(x, this.findUpdate(F[x * 4], member));
    F[x * 4] = score;
    this.link(x, I[x * REC + LEVEL]);
  }

  /** 1-based rank of (score, member), or 0 if absent. */
  rank(score: number, member: string): number {
    const F = this.f64;
    const M = this.members;
    let r = 0;
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = this.nextAt(p, i);
      while (n !== NIL && (F[n * 4] < score || (F[n * 4] === score && M[n] <= member))) {
        r += this.spanAt(p, i);
        p = n;
        n = this.nextAt(p, i);
      }
      if (p !== NIL && F[p * 4] === score && M[p] === member) return r;
    }
    return 0;
  }

  /** The node at 1-based `rank`, or NIL. */
  byRank(rank: number): number {
    if (rank < 1 || rank > this.length) return NIL;
    let traversed = 0;
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = this.nextAt(p, i); n !== NIL && traversed + this.spanAt(p, i) <= rank; n = this.nextAt(p, i)) {
        traversed += this.spanAt(p, i);
        p = n;
      }
      if (traversed === rank) return p;
    }
    return NIL;
  }

  /**
   * Number of nodes before the first one satisfying `inRange` (a monotone
   * predicate on (score, member): false then true along the list) — its
   * 0-based rank.
   */
  countBefore(inRange: (score: number, member: string) => boolean): number {
    let r = 0;
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = this.nextAt(p, i);
      while (n !== NIL && !inRange(this.f64[n * 4], this.members[n])) {
        r += this.spanAt(p, i);
        p = n;
        n = this.nextAt(p, i);
      }
    }
    return r;
  }

  /** 0-based rank of the first node with score >= range min, count of nodes with score <= max. */
  scoreSpan(r: ScoreRange): [number, number] {
    if (scoreRangeEmpty(r)) return [0, 0];
    const first = this.countBefore((s) => scoreGteMin(s, r));
    const end = this.countBefore((s) => !scoreLteMax(s, r));
    return [first, Math.max(first, end)];
  }

  /**
   * Deletes the nodes at 0-based ranks [start, end), calling `removed` for
   * each, in order. One descent, then each node is unlinked from the same
   * predecessors (Redis's zslDeleteRangeByRank): O(log N + M).
   */
  deleteRankRange(start: number, end: number, removed: (member: string, score: number) => void): void {
    if (start >= end || start >= this.length) return;
    const update = UPDATE;
    let traversed = 0;
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = this.nextAt(p, i); n !== NIL && traversed + this.spanAt(p, i) <= start; n = this.nextAt(p, i)) {
        traversed += this.spanAt(p, i);
        p = n;
      }
      update[i] = p;
    }
    let x = this.i32[p * REC + NEXT0];
    for (let k = start; k < end && x !== NIL; k++) {
      const n = this.i32[x * REC + NEXT0];
      this.unlink(x, update);
      removed(this.members[x], this.f64[x * 4]);
      this.freeNodeId(x);
      x = n;
    }
  }

  /**
   * Builds a list from `count` entries already in strictly ascending
   * (score, member) order, in O(count): each node is appended after the last
   * node of every level it reaches. `score(i)` / `member(i)` give entry i.
   */
  static fromSorted(count: number, score: (i: number) => number, member: (i: number) => string): SkipList {
    const sl = new SkipList(count);
    const last = new Int32Array(MAX_LEVEL); // last node per level (the head at first)
    const lastRank = new Float64Array(MAX_LEVEL);
    let prev = NIL;
    for (let k = 0; k < count; k++) {
      const level = randomLevel();
      const x = sl.allocNode(score(k), member(k), level);
      const r = k + 1;
      for (let i = 0; i < level; i++) {
        sl.setLink(last[i], i, x, r - lastRank[i]);
        last[i] = x;
        lastRank[i] = r;
      }
      if (level > sl.level) sl.level = level;
      sl.i32[x * REC + PREV] = prev;
      prev = x;
    }
    // Pointers to the end span the nodes left after their node.
    for (let i = 1; i < MAX_LEVEL; i++) sl.setLink(last[i], i, NIL, count - lastRank[i]);
    sl.tail = prev;
    sl.length = count;
    return sl;
  }

  /** A deep copy with identical layout and node ids. */
  clone(): SkipList {
    const c = new SkipList(0);
    c.f64 = this.f64.slice();
    c.i32 = new Int32Array(c.f64.buffer);
    c.members = this.members.slice();
    c.up = this.up.slice();
    c.top = this.top;
    c.upTop = this.upTop;
    c.freeNode = this.freeNode;
    c.freeUp.set(this.freeUp);
    c.tail = this.tail;
    c.length = this.length;
    c.level = this.level;
    return c;
  }
}
