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
 * Here every node is a variable-size record in one ArrayBuffer (an arena),
 * seen as Int32Array and Float64Array, and a node's id is its offset there:
 *
 *   `[score f64][level][member index][prev][pad][next0][span0][next1][span1]...`
 *
 * So, as in Redis's zskiplistNode, a node's score and all its forward
 * pointers sit together: a search step costs one memory access, and none of
 * it is visible to the garbage collector. Freed records are recycled through
 * one free list per level. Members live in one JS array, indexed by the
 * record's member index (only ties and equality checks read them).
 *
 * Offset 0 is the head (and, as a pointer, "none": nothing points forward to
 * the head).
 */

const MAX_LEVEL = 32;
/** Chance a node reaches the next level (Redis's ZSKIPLIST_P). */
const P = 0.25;
// Int32 offsets inside a record (slots 0-1 are the f64 score).
const LEVEL = 2;
const MIDX = 3;
const PREV = 4;
/** Level i's forward pointer is at FWD + 2i, its span right after. */
const FWD = 6;

/** Int32 slots of a record with `level` levels (even, so scores stay 8-byte aligned). */
function recordSize(level: number): number {
  return FWD + 2 * level;
}

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
  // One random number gives 13 two-bit draws; a draw of 0 (chance P = 1/4) goes up a level.
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
  /** The arena; i32[x + k] are node x's int fields, f64[x >> 1] its score. */
  private i32: Int32Array;
  private f64: Float64Array;
  /** Arena slots handed out once. */
  private top = 0;
  /** Arena slots in live records (the rest of `top` waits in free lists). */
  private used = 0;
  /** Free records per level, linked through their FWD slot (-1 = none). */
  private readonly freeRec = new Int32Array(MAX_LEVEL + 1).fill(-1);
  private members: string[] = [];
  /** Member indexes free for reuse. */
  private freeMidx: number[] = [];
  /** Id of the last node, or NIL. */
  tail = NIL;
  length = 0;
  private level = 1;

  /** An empty list with room for about `capacity` nodes before the arena grows. */
  constructor(capacity = 16) {
    const slots = recordSize(MAX_LEVEL) + Math.ceil(capacity * 8.7);
    const buf = new ArrayBuffer(slots * 4 + (slots & 1) * 4);
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
    // The head: every level, all pointing nowhere.
    this.allocRecord(MAX_LEVEL);
  }

  /** The head's id (rank 0); its level-0 successor is the first node. */
  get head(): number {
    return NIL;
  }

  /** The node's score. */
  scoreOf(x: number): number {
    return this.f64[x >> 1];
  }

  /** The node's member. */
  memberOf(x: number): string {
    return this.members[this.i32[x + MIDX]];
  }

  /** The next node in order, or NIL at the end (from the head: the first node). */
  next(x: number): number {
    return this.i32[x + FWD];
  }

  /** The previous node in order, or NIL at the start. */
  prev(x: number): number {
    return this.i32[x + PREV];
  }

  /** Number of levels the node is on. */
  levelOf(x: number): number {
    return this.i32[x + LEVEL];
  }

  /** The node's forward pointer at level `i`. */
  nextAt(x: number, i: number): number {
    return this.i32[x + FWD + 2 * i];
  }

  /** A zeroed record of `level` levels; returns its offset. */
  private allocRecord(level: number): number {
    const size = recordSize(level);
    let x = this.freeRec[level];
    if (x >= 0) this.freeRec[level] = this.i32[x + FWD];
    else {
      x = this.top;
      if (x + size > this.i32.length) this.grow(x + size);
      this.top = x + size;
    }
    this.i32.fill(0, x, x + size);
    this.i32[x + LEVEL] = level;
    this.used += size;
    return x;
  }

  private grow(min: number): void {
    // 1.5x rather than 2x: at 10M nodes the arena is ~350 MB, so less slack and a smaller copy peak.
    let slots = Math.max(min, Math.ceil(this.i32.length * 1.5));
    slots += slots & 1;
    const buf = new ArrayBuffer(slots * 4);
    const i32 = new Int32Array(buf);
    i32.set(this.i32);
    this.i32 = i32;
    this.f64 = new Float64Array(buf);
  }

  /** A fresh node holding (score, member) on `level` levels, links unset. */
  private allocNode(score: number, member: string, level: number): number {
    const x = this.allocRecord(level);
    this.f64[x >> 1] = score;
    let m = this.freeMidx.pop();
    if (m === undefined) {
      m = this.members.length;
      this.members.push(member);
    } else this.members[m] = member;
    this.i32[x + MIDX] = m;
    return x;
  }

  private freeNode(x: number): void {
    const I = this.i32;
    const m = I[x + MIDX];
    this.members[m] = '';
    this.freeMidx.push(m);
    const level = I[x + LEVEL];
    I[x + FWD] = this.freeRec[level];
    this.freeRec[level] = x;
    this.used -= recordSize(level);
  }

  /**
   * True when most of a large arena is free records (after mass deletes):
   * time to {@link compacted}, as the arena never shrinks by itself.
   */
  sparse(): boolean {
    return this.top > 1 << 16 && this.used * 4 < this.top;
  }

  /** A copy laid out afresh in list order (new node ids), sized to its contents. */
  compacted(): SkipList {
    const ids = new Int32Array(this.length);
    for (let x = this.next(NIL), k = 0; x !== NIL; x = this.next(x)) ids[k++] = x;
    return SkipList.fromSorted(this.length, (k) => this.scoreOf(ids[k]), (k) => this.memberOf(ids[k]));
  }

  private spanAt(x: number, i: number): number {
    return this.i32[x + FWD + 2 * i + 1];
  }

  private setSpan(x: number, i: number, span: number): void {
    this.i32[x + FWD + 2 * i + 1] = span;
  }

  private setLink(x: number, i: number, next: number, span: number): void {
    const at = x + FWD + 2 * i;
    this.i32[at] = next;
    this.i32[at + 1] = span;
  }

  /** Inserts a (score, member) known not to be present. Returns its node id. */
  insert(score: number, member: string): number {
    const level = randomLevel();
    const x = this.allocNode(score, member, level);
    this.link(x, level);
    return x;
  }

  /** Links the allocated node `x` (its score and member set) on its levels. */
  private link(x: number, level: number): void {
    const update = UPDATE;
    const rank = RANK;
    const I = this.i32;
    const F = this.f64;
    const M = this.members;
    const score = F[x >> 1];
    const member = M[I[x + MIDX]];
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = FWD + 2 * i;
      let r = i === this.level - 1 ? 0 : rank[i + 1];
      let n = I[p + at];
      while (n !== NIL && (F[n >> 1] < score || (F[n >> 1] === score && M[I[n + MIDX]] < member))) {
        r += I[p + at + 1];
        p = n;
        n = I[p + at];
      }
      rank[i] = r;
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
    I[x + PREV] = update[0];
    const nx = I[x + FWD];
    if (nx !== NIL) I[nx + PREV] = x;
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
    const nx = I[x + FWD];
    if (nx !== NIL) I[nx + PREV] = I[x + PREV];
    else this.tail = I[x + PREV];
    while (this.level > 1 && this.nextAt(NIL, this.level - 1) === NIL) this.level--;
    this.length--;
  }

  /** Predecessors at each level of the first node not before (score, member); valid until the next call. */
  private findUpdate(score: number, member: string): Int32Array {
    const update = UPDATE;
    const I = this.i32;
    const F = this.f64;
    const M = this.members;
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = FWD + 2 * i;
      let n = I[p + at];
      while (n !== NIL && (F[n >> 1] < score || (F[n >> 1] === score && M[I[n + MIDX]] < member))) {
        p = n;
        n = I[p + at];
      }
      update[i] = p;
    }
    return update;
  }

  /** True if node x (not NIL) holds (score, member). */
  private holds(x: number, score: number, member: string): boolean {
    return x !== NIL && this.f64[x >> 1] === score && this.members[this.i32[x + MIDX]] === member;
  }

  /** The node holding (score, member), or NIL. */
  find(score: number, member: string): number {
    const x = this.i32[this.findUpdate(score, member)[0] + FWD];
    return this.holds(x, score, member) ? x : NIL;
  }

  /** Deletes (score, member). Returns false if absent. */
  delete(score: number, member: string): boolean {
    const update = this.findUpdate(score, member);
    const x = this.i32[update[0] + FWD];
    if (!this.holds(x, score, member)) return false;
    this.unlink(x, update);
    this.freeNode(x);
    return true;
  }

  /**
   * Changes the score of node `x`. The node keeps its id: in place when its
   * position does not change (Redis's zslUpdateScore shortcut), else moved.
   */
  updateScore(x: number, score: number): void {
    const I = this.i32;
    const F = this.f64;
    const M = this.members;
    const member = M[I[x + MIDX]];
    const p = I[x + PREV];
    const n = I[x + FWD];
    if ((p === NIL || before(F[p >> 1], M[I[p + MIDX]], score, member)) && (n === NIL || before(score, member, F[n >> 1], M[I[n + MIDX]]))) {
      F[x >> 1] = score;
      return;
    }
    this.unlink(x, this.findUpdate(F[x >> 1], member));
    F[x >> 1] = score;
    this.link(x, I[x + LEVEL]);
  }

  /** 1-based rank of (score, member), or 0 if absent. */
  rank(score: number, member: string): number {
    const I = this.i32;
    const F = this.f64;
    const M = this.members;
    let r = 0;
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = FWD + 2 * i;
      let n = I[p + at];
      while (n !== NIL && (F[n >> 1] < score || (F[n >> 1] === score && M[I[n + MIDX]] <= member))) {
        r += I[p + at + 1];
        p = n;
        n = I[p + at];
      }
      if (p !== NIL && F[p >> 1] === score && M[I[p + MIDX]] === member) return r;
    }
    return 0;
  }

  /** Descends to the last node whose rank is at most `rank`, filling UPDATE; returns that rank. */
  private descendToRank(rank: number): number {
    const I = this.i32;
    let traversed = 0;
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = FWD + 2 * i;
      for (let n = I[p + at]; n !== NIL && traversed + I[p + at + 1] <= rank; n = I[p + at]) {
        traversed += I[p + at + 1];
        p = n;
      }
      UPDATE[i] = p;
    }
    return traversed;
  }

  /** The node at 1-based `rank`, or NIL. */
  byRank(rank: number): number {
    if (rank < 1 || rank > this.length) return NIL;
    this.descendToRank(rank);
    return UPDATE[0];
  }

  /**
   * Number of nodes before the first one satisfying `inRange` (a monotone
   * predicate on (score, member): false then true along the list) — its
   * 0-based rank.
   */
  countBefore(inRange: (score: number, member: string) => boolean): number {
    const I = this.i32;
    let r = 0;
    let p = NIL;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = FWD + 2 * i;
      let n = I[p + at];
      while (n !== NIL && !inRange(this.f64[n >> 1], this.members[I[n + MIDX]])) {
        r += I[p + at + 1];
        p = n;
        n = I[p + at];
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
    this.descendToRank(start);
    const update = UPDATE;
    let x = this.i32[update[0] + FWD];
    for (let k = start; k < end && x !== NIL; k++) {
      const n = this.i32[x + FWD];
      this.unlink(x, update);
      removed(this.memberOf(x), this.f64[x >> 1]);
      this.freeNode(x);
      x = n;
    }
  }

  /**
   * Builds a list from `count` entries already in strictly ascending
   * (score, member) order, in O(count): each node is appended after the last
   * node of every level it reaches, and records are laid out in list order
   * (a walk reads the arena front to back). `score(i)` / `member(i)` give
   * entry i.
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
      sl.i32[x + PREV] = prev;
      prev = x;
    }
    // Pointers to the end span the nodes left after their node.
    for (let i = 0; i < MAX_LEVEL; i++) sl.setLink(last[i], i, NIL, count - lastRank[i]);
    sl.tail = prev;
    sl.length = count;
    return sl;
  }

  /** A deep copy with identical layout and node ids. */
  clone(): SkipList {
    const c = new SkipList(0);
    c.i32 = this.i32.slice();
    c.f64 = new Float64Array(c.i32.buffer);
    c.top = this.top;
    c.used = this.used;
    c.freeRec.set(this.freeRec);
    c.members = this.members.slice();
    c.freeMidx = this.freeMidx.slice();
    c.tail = this.tail;
    c.length = this.length;
    c.level = this.level;
    return c;
  }
}
