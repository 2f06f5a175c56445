/**
 * A skiplist ordered by (score, member), with spans so ranks are O(log N):
 * the structure behind Redis's "skiplist" sorted-set encoding. Members are
 * latin1 strings, so JS string comparison is byte order (Redis's sdscmp).
 *
 * Each node keeps one forward pointer and one span per level; the span is
 * the number of rank steps the pointer jumps. Ranks are 1-based here (the
 * head is rank 0), as in Redis.
 */

const MAX_LEVEL = 32;
const P = 0.25;

/**
 * A skiplist node. Level 0 lives in the node itself (three nodes in four
 * have only that level, so they are one object with no arrays); higher
 * levels are one interleaved array `[next1, span1, next2, span2, ...]`.
 * Use {@link nextAt} / {@link levelOf} rather than the fields directly.
 */
export interface SkipNode {
  member: string;
  score: number;
  prev: SkipNode | null;
  next0: SkipNode | null;
  span0: number;
  up: Array<SkipNode | null | number> | null;
}

/** The node's forward pointer at level `i`. */
export function nextAt(x: SkipNode, i: number): SkipNode | null {
  return i === 0 ? x.next0 : (x.up![2 * i - 2] as SkipNode | null);
}

function spanAt(x: SkipNode, i: number): number {
  return i === 0 ? x.span0 : (x.up![2 * i - 1] as number);
}

function setNext(x: SkipNode, i: number, n: SkipNode | null): void {
  if (i === 0) x.next0 = n;
  else x.up![2 * i - 2] = n;
}

function setSpan(x: SkipNode, i: number, span: number): void {
  if (i === 0) x.span0 = span;
  else x.up![2 * i - 1] = span;
}

/** Number of levels the node is on. */
export function levelOf(x: SkipNode): number {
  return x.up === null ? 1 : 1 + (x.up.length >> 1);
}

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

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

function makeNode(level: number, score: number, member: string): SkipNode {
  let up: Array<SkipNode | null | number> | null = null;
  if (level > 1) {
    up = new Array<SkipNode | null | number>(2 * (level - 1));
    for (let i = 0; i < up.length; i += 2) {
      up[i] = null;
      up[i + 1] = 0;
    }
  }
  return { member, score, prev: null, next0: null, span0: 0, up };
}

// Scratch arrays for the search path, shared by every list: the server is
// single-threaded and no operation re-enters another, so reusing them saves
// two 32-slot allocations per insert/delete (GC pressure on big sets).
const UPDATE: SkipNode[] = new Array<SkipNode>(MAX_LEVEL).fill(makeNode(1, 0, ''));
const RANK: number[] = new Array<number>(MAX_LEVEL).fill(0);

export class SkipList {
  readonly head: SkipNode = makeNode(MAX_LEVEL, 0, '');
  tail: SkipNode | null = null;
  length = 0;
  private level = 1;

  /** Inserts a (score, member) known not to be present. Returns the node. */
  insert(score: number, member: string): SkipNode {
    const update = UPDATE;
    const rank = RANK;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      let n = nextAt(x, i);
      while (n !== null && before(n.score, n.member, score, member)) {
        rank[i] += spanAt(x, i);
        x = n;
        n = nextAt(x, i);
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        setSpan(this.head, i, this.length);
      }
      this.level = level;
    }
    const node = makeNode(level, score, member);
    for (let i = 0; i < level; i++) {
      const u = update[i];
      setNext(node, i, nextAt(u, i));
      setNext(u, i, node);
      setSpan(node, i, spanAt(u, i) - (rank[0] - rank[i]));
      setSpan(u, i, rank[0] - rank[i] + 1);
    }
    for (let i = level; i < this.level; i++) setSpan(update[i], i, spanAt(update[i], i) + 1);
    node.prev = update[0] === this.head ? null : update[0];
    if (node.next0 !== null) node.next0.prev = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  private unlink(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      if (nextAt(u, i) === x) {
        setSpan(u, i, spanAt(u, i) + spanAt(x, i) - 1);
        setNext(u, i, nextAt(x, i));
      } else {
        setSpan(u, i, spanAt(u, i) - 1);
      }
    }
    if (x.next0 !== null) x.next0.prev = x.prev;
    else this.tail = x.prev;
    while (this.level > 1 && nextAt(this.head, this.level - 1) === null) this.level--;
    this.length--;
  }

  /** Predecessors at each level of the first node not before (score, member); valid until the next call. */
  private findUpdate(score: number, member: string): SkipNode[] {
    const update = UPDATE;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = nextAt(x, i);
      while (n !== null && before(n.score, n.member, score, member)) {
        x = n;
        n = nextAt(x, i);
      }
      update[i] = x;
    }
    return update;
  }

  /** Deletes (score, member). Returns false if absent. */
  delete(score: number, member: string): boolean {
    const update = this.findUpdate(score, member);
    const x = update[0].next0;
    if (x === null || x.score !== score || x.member !== member) return false;
    this.unlink(x, update);
    return true;
  }

  /** Changes a present member's score (in place when its position does not change). */
  updateScore(cur: number, member: string, score: number): void {
    const update = this.findUpdate(cur, member);
    const x = update[0].next0!;
    const p = x.prev;
    const n = x.next0;
    if ((p === null || before(p.score, p.member, score, member)) && (n === null || before(score, member, n.score, n.member))) {
      x.score = score;
      return;
    }
    this.unlink(x, update);
    this.insert(score, member);
  }

  /** 1-based rank of (score, member), or 0 if absent. */
  rank(score: number, member: string): number {
    let r = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = nextAt(x, i);
      while (n !== null && (before(n.score, n.member, score, member) || (n.score === score && n.member === member))) {
        r += spanAt(x, i);
        x = n;
        n = nextAt(x, i);
      }
      if (x !== this.head && x.member === member && x.score === score) return r;
    }
    return 0;
  }

  /** The node at 1-based `rank`, or null. */
  byRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.length) return null;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = nextAt(x, i); n !== null && traversed + spanAt(x, i) <= rank; n = nextAt(x, i)) {
        traversed += spanAt(x, i);
        x = n;
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /**
   * Number of nodes before the first one satisfying `inRange` (a monotone
   * predicate: false then true along the list) — its 0-based rank.
   */
  countBefore(inRange: (n: SkipNode) => boolean): number {
    let r = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = nextAt(x, i);
      while (n !== null && !inRange(n)) {
        r += spanAt(x, i);
        x = n;
        n = nextAt(x, i);
      }
    }
    return r;
  }

  /** 0-based rank of the first node with score >= range min, count of nodes with score <= max. */
  scoreSpan(r: ScoreRange): [number, number] {
    if (scoreRangeEmpty(r)) return [0, 0];
    const first = this.countBefore((n) => scoreGteMin(n.score, r));
    const end = this.countBefore((n) => !scoreLteMax(n.score, r));
    return [first, Math.max(first, end)];
  }

  /**
   * Deletes the nodes at 0-based ranks [start, end), calling `removed` for
   * each. O(M log N): each node is unlinked on its own.
   */
  deleteRankRange(start: number, end: number, removed: (n: SkipNode) => void): void {
    if (start >= end) return;
    let x = this.byRank(start + 1);
    for (let k = start; k < end && x !== null; k++) {
      const n: SkipNode | null = x.next0;
      this.delete(x.score, x.member);
      removed(x);
      x = n;
    }
  }
}
