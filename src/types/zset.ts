/**
 * Sorted sets, in Redis 7.0's two encodings:
 *
 * - listpack: one flat array `[member0, score0, member1, score1, ...]` kept
 *   sorted by (score, member). Used while the set is small
 *   (zset-max-listpack-entries / zset-max-listpack-value); O(n) updates on a
 *   bounded n, no per-element objects.
 * - skiplist: a {@link SkipList} (order and O(log N) ranks) plus a member →
 *   node id {@link Dict} (O(1) lookups, more than 2^24 members, and ZSCAN's
 *   reverse-binary cursor). The dict holds the id, not the score: ids are
 *   small integers V8 stores unboxed, and a score change leaves the dict as is.
 *
 * Conversion is one-way (listpack → skiplist) when a set grows, as in Redis;
 * only freshly built results (ZUNIONSTORE & co) pick the small encoding again.
 * Ranks here are 0-based. Nothing here knows about RESP or clients.
 */
import { Dict } from '../keyspace/dict.js';
import type { ObjectValue } from './value.js';
import {
  type LexRange,
  NIL,
  type ScoreRange,
  SkipList,
  before,
  lexGteMin,
  lexLteMax,
  lexRangeEmpty,
  scoreGteMin,
  scoreLteMax,
  scoreRangeEmpty,
} from './skiplist.js';

/** The zset-max-listpack-* limits in force when a set is written. */
export interface ZLimits {
  entries: number;
  value: number;
}

/** Visitor for members in order. */
export type ZVisit = (member: string, score: number) => void;

export class ZSet implements ObjectValue {
  readonly type = 'zset' as const;
  /** The listpack encoding, or null once converted. */
  private lp: Array<string | number> | null = [];
  private sl: SkipList | null = null;
  /** Member → node id in `sl`. */
  private dict: Dict<number> | null = null;

  encoding(): string {
    return this.lp !== null ? 'listpack' : 'skiplist';
  }

  get size(): number {
    return this.lp !== null ? this.lp.length >> 1 : this.sl!.length;
  }

  /** Builds a set from distinct (member, score) pairs, choosing the encoding as Redis does for fresh results. */
  static build(pairs: Array<[string, number]>, lim: ZLimits): ZSet {
    return ZSet.make(pairs, lim, false)!;
  }

  /**
   * Like {@link build} for pairs from outside (RDB, RESTORE) that may repeat
   * a member: null if one does. The check rides on indexing the members, so a
   * big set needs no separate Set of them.
   */
  static buildDistinct(pairs: Array<[string, number]>, lim: ZLimits): ZSet | null {
    return ZSet.make(pairs, lim, true);
  }

  private static make(pairs: Array<[string, number]>, lim: ZLimits, check: boolean): ZSet | null {
    const z = new ZSet();
    let maxLen = 0;
    for (const [m] of pairs) if (m.length > maxLen) maxLen = m.length;
    if (pairs.length <= lim.entries && maxLen <= lim.value) {
      if (check && new Set(pairs.map(([m]) => m)).size !== pairs.length) return null;
      pairs.sort((a, b) => (before(a[1], a[0], b[1], b[0]) ? -1 : 1));
      const lp = z.lp!;
      for (const [m, s] of pairs) lp.push(m, s === 0 ? 0 : s);
    } else if (!z.buildSkiplist(pairs) && check) return null;
    return z;
  }

  /**
   * Switches an empty listpack set to a skiplist holding `pairs`, built in
   * O(N) once they are sorted. Returns false if a member repeats (the set is
   * then unusable).
   */
  private buildSkiplist(pairs: Array<[string, number]>): boolean {
    const n = pairs.length;
    let asc = true;
    let desc = true;
    for (let i = 1; i < n && (asc || desc); i++) {
      const a = pairs[i - 1];
      const b = pairs[i];
      if (!before(a[1], a[0], b[1], b[0])) asc = false;
      if (!before(b[1], b[0], a[1], a[0])) desc = false;
    }
    // Why: an RDB holds a skiplist from the highest score down, so loads arrive descending.
    if (!asc && desc) pairs.reverse();
    else if (!asc) pairs.sort((a, b) => (before(a[1], a[0], b[1], b[0]) ? -1 : 1));
    return this.adopt(SkipList.fromSorted(n, (i) => pairs[i][1], (i) => pairs[i][0]));
  }

  /** Takes `sl` as this set's skiplist encoding and indexes its members; false if a member repeats. */
  private adopt(sl: SkipList): boolean {
    const dict = new Dict<number>();
    let distinct = true;
    for (let x = sl.next(sl.head); x !== NIL; x = sl.next(x)) if (!dict.set(sl.memberOf(x), x)) distinct = false;
    this.lp = null;
    this.sl = sl;
    this.dict = dict;
    return distinct;
  }

  /** The member's score, or undefined. */
  score(member: string): number | undefined {
    const lp = this.lp;
    if (lp === null) {
      const x = this.dict!.get(member);
      return x === undefined ? undefined : this.sl!.scoreOf(x);
    }
    for (let i = 0; i < lp.length; i += 2) if (lp[i] === member) return lp[i + 1] as number;
    return undefined;
  }

  /** Converts to the skiplist encoding. */
  toSkiplist(): void {
    const lp = this.lp;
    if (lp === null) return;
    this.adopt(SkipList.fromSorted(lp.length >> 1, (i) => lp[2 * i + 1] as number, (i) => lp[2 * i] as string));
  }

  /** Adds a member known to be absent, converting first if the listpack would exceed `lim`. */
  insert(member: string, score: number, lim: ZLimits): void {
    let lp = this.lp;
    if (lp !== null && ((lp.length >> 1) + 1 > lim.entries || member.length > lim.value)) {
      this.toSkiplist();
      lp = null;
    }
    if (lp === null) {
      this.dict!.set(member, this.sl!.insert(score, member));
      return;
    }
    // Why: a listpack stores "-0" as the integer 0, so Redis reads it back as 0.
    if (score === 0) score = 0;
    let i = 0;
    while (i < lp.length && before(lp[i + 1] as number, lp[i] as string, score, member)) i += 2;
    lp.splice(i, 0, member, score);
  }

  /** Changes a present member's score. */
  update(member: string, cur: number, score: number): void {
    if (this.lp === null) {
      this.sl!.updateScore(this.dict!.get(member)!, score);
      return;
    }
    this.removeListpack(member);
    this.insert(member, score, { entries: Infinity, value: Infinity });
  }

  private removeListpack(member: string): boolean {
    const lp = this.lp!;
    for (let i = 0; i < lp.length; i += 2) {
      if (lp[i] === member) {
        lp.splice(i, 2);
        return true;
      }
    }
    return false;
  }

  /** Removes a member. Returns false if absent. */
  remove(member: string): boolean {
    if (this.lp !== null) return this.removeListpack(member);
    const x = this.dict!.get(member);
    if (x === undefined) return false;
    this.sl!.delete(this.sl!.scoreOf(x), member);
    this.dict!.delete(member);
    this.compactIfSparse();
    return true;
  }

  /** After mass deletes, re-lays the skiplist out (new node ids, so the dict is rebuilt too): O(N), amortized over the deletes. */
  private compactIfSparse(): void {
    if (this.sl!.sparse()) this.adopt(this.sl!.compacted());
  }

  /** 0-based rank (from the top when `rev`), or null if absent. */
  rank(member: string, rev: boolean): number | null {
    let r: number;
    if (this.lp !== null) {
      const lp = this.lp;
      r = -1;
      for (let i = 0; i < lp.length; i += 2) {
        if (lp[i] === member) {
          r = i >> 1;
          break;
        }
      }
      if (r < 0) return null;
    } else {
      const x = this.dict!.get(member);
      if (x === undefined) return null;
      r = this.sl!.rank(this.sl!.scoreOf(x), member) - 1;
    }
    return rev ? this.size - 1 - r : r;
  }

  /**
   * Visits `count` members starting at forward 0-based rank `from`, walking
   * up (or down when `rev`). O(log N + count).
   */
  walk(from: number, count: number, rev: boolean, visit: ZVisit): void {
    const lp = this.lp;
    if (lp !== null) {
      for (let k = 0, i = from * 2; k < count; k++, i += rev ? -2 : 2) visit(lp[i] as string, lp[i + 1] as number);
      return;
    }
    const sl = this.sl!;
    let x = sl.byRank(from + 1);
    for (let k = 0; k < count && x !== NIL; k++) {
      visit(sl.memberOf(x), sl.scoreOf(x));
      x = rev ? sl.prev(x) : sl.next(x);
    }
  }

  /** Like walk(), with no count: stops when `visit` returns false or the set ends. */
  walkUntil(from: number, rev: boolean, visit: (member: string, score: number) => boolean): void {
    const lp = this.lp;
    if (lp !== null) {
      for (let i = from * 2; i >= 0 && i < lp.length; i += rev ? -2 : 2) if (!visit(lp[i] as string, lp[i + 1] as number)) return;
      return;
    }
    const sl = this.sl!;
    for (let x = sl.byRank(from + 1); x !== NIL; x = rev ? sl.prev(x) : sl.next(x)) if (!visit(sl.memberOf(x), sl.scoreOf(x))) return;
  }

  /** Visits every member in order. */
  forEach(visit: ZVisit): void {
    this.walk(0, this.size, false, visit);
  }

  /** Forward ranks [first, end) of the members whose scores are in `r`. */
  scoreSpan(r: ScoreRange): [number, number] {
    if (this.lp === null) return this.sl!.scoreSpan(r);
    if (scoreRangeEmpty(r)) return [0, 0];
    const lp = this.lp;
    let first = 0;
    while (first < lp.length && !scoreGteMin(lp[first + 1] as number, r)) first += 2;
    let end = first;
    while (end < lp.length && scoreLteMax(lp[end + 1] as number, r)) end += 2;
    return [first >> 1, end >> 1];
  }

  /*
   * Lex ranges assume all scores are equal (Redis documents other cases as
   * undefined). Where they are not, these follow Redis's own algorithms so
   * replies still match: a whole-range precheck on the first and last
   * members, a linear scan on a listpack, a skiplist descent otherwise, then
   * a member-by-member walk that stops at the first one out of range.
   */

  /** The member at forward rank `i` (0-based, in range). */
  memberAt(i: number): string {
    if (this.lp !== null) return this.lp[2 * i] as string;
    return this.sl!.memberOf(this.sl!.byRank(i + 1));
  }

  /** Redis's zslIsInLexRange / zzlIsInLexRange: last member >= min and first <= max. */
  private lexOverlaps(r: LexRange): boolean {
    const n = this.size;
    if (lexRangeEmpty(r) || n === 0) return false;
    return lexGteMin(this.memberAt(n - 1), r.min) && lexLteMax(this.memberAt(0), r.max);
  }

  /** Forward rank of the first member in the lex range, or -1. */
  lexFirst(r: LexRange): number {
    if (!this.lexOverlaps(r)) return -1;
    let i: number;
    if (this.lp !== null) {
      const lp = this.lp;
      for (i = 0; i < lp.length >> 1 && !lexGteMin(lp[2 * i] as string, r.min); i++);
      if (i === lp.length >> 1) return -1;
    } else i = this.sl!.countBefore((_, m) => lexGteMin(m, r.min));
    return lexLteMax(this.memberAt(i), r.max) ? i : -1;
  }

  /** Forward rank of the last member in the lex range, or -1. */
  lexLast(r: LexRange): number {
    if (!this.lexOverlaps(r)) return -1;
    let i: number;
    if (this.lp !== null) {
      const lp = this.lp;
      for (i = (lp.length >> 1) - 1; i >= 0 && !lexLteMax(lp[2 * i] as string, r.max); i--);
      if (i < 0) return -1;
    } else i = this.sl!.countBefore((_, m) => !lexLteMax(m, r.max)) - 1;
    return lexGteMin(this.memberAt(i), r.min) ? i : -1;
  }

  /**
   * Visits members from forward rank `from`, up (or down when `rev`), while
   * they stay within the range's max (or min when `rev`), at most `limit`
   * of them (negative = no limit).
   */
  walkLex(from: number, rev: boolean, limit: number, r: LexRange, visit: ZVisit): void {
    let left = limit < 0 ? Infinity : limit;
    this.walkUntil(from, rev, (m, s) => {
      if (left <= 0 || !(rev ? lexGteMin(m, r.min) : lexLteMax(m, r.max))) return false;
      left--;
      visit(m, s);
      return true;
    });
  }

  /** ZLEXCOUNT as Redis computes it for this encoding. */
  lexCount(r: LexRange): number {
    const first = this.lexFirst(r);
    if (first < 0) return 0;
    if (this.lp !== null) {
      let n = 0;
      this.walkLex(first, false, -1, r, () => n++);
      return n;
    }
    const last = this.lexLast(r);
    return last < 0 ? this.size - first : last - first + 1;
  }

  /**
   * Forward ranks [start, end) ZREMRANGEBYLEX removes: from the first
   * member >= min (a listpack also prechecks the whole range, a skiplist
   * does not), while members stay <= max.
   */
  lexDeleteSpan(r: LexRange): [number, number] {
    let start: number;
    if (this.lp !== null) start = this.lexFirst(r);
    else start = lexRangeEmpty(r) ? -1 : this.sl!.countBefore((_, m) => lexGteMin(m, r.min));
    if (start < 0 || start >= this.size) return [0, 0];
    let n = 0;
    this.walkLex(start, false, -1, r, () => n++);
    return [start, start + n];
  }

  /** Removes the members at forward ranks [start, end); returns them (member, score, ...). */
  removeRanks(start: number, end: number): Array<string | number> {
    if (start >= end) return [];
    if (this.lp !== null) return this.lp.splice(start * 2, (end - start) * 2);
    const out: Array<string | number> = [];
    const dict = this.dict!;
    this.sl!.deleteRankRange(start, end, (m, s) => {
      dict.delete(m);
      out.push(m, s);
    });
    this.compactIfSparse();
    return out;
  }

  /**
   * One ZSCAN step. A listpack returns everything at once with cursor 0 (as
   * Redis does); a skiplist scans its dictionary.
   */
  scan(cursor: number, count: number, visit: ZVisit): number {
    if (this.lp !== null) {
      this.forEach(visit);
      return 0;
    }
    const sl = this.sl!;
    return this.dict!.scan(cursor, count, (m, x) => visit(m, sl.scoreOf(x)));
  }

  /** A deep copy with the same encoding (COPY keeps Redis's encoding). */
  clone(): ZSet {
    const z = new ZSet();
    if (this.lp !== null) {
      z.lp = this.lp.slice();
      return z;
    }
    // Same node ids in the copy, so the dictionary can be rebuilt from the list.
    z.adopt(this.sl!.clone());
    return z;
  }

  /** A uniformly random member with its score (the set must not be empty). */
  randomEntry(): [string, number] {
    const r = Math.floor(Math.random() * this.size);
    let out: [string, number] = ['', 0];
    this.walk(r, 1, false, (m, s) => (out = [m, s]));
    return out;
  }
}
