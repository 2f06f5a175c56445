/**
 * Sets, in Redis 7.0's two encodings:
 *
 * - intset: a sorted typed array of int64 members ({@link IntSet}), used while
 *   every member is the canonical text of an int64 and there are at most
 *   set-max-intset-entries of them. Iteration is in numeric order, which is
 *   why SMEMBERS of a small integer set is sorted in Redis.
 * - hashtable: a {@link Dict} of members (O(1) lookups, more than 2^24
 *   members, SSCAN's reverse-binary cursor, random members).
 *
 * Conversion is one-way (intset → hashtable), as in Redis 7.0, which has no
 * listpack sets. Nothing here knows about RESP or clients.
 */
import { Dict } from '../keyspace/dict.js';
import { parseInt64 } from './int64.js';
import { IntSet } from './intset.js';
import type { ObjectValue } from './value.js';

/** Redis caps set-max-intset-entries at 2^30 because of intset internals. */
const INTSET_HARD_MAX = 2 ** 30;

export class SetValue implements ObjectValue {
  readonly type = 'set' as const;
  private ints: IntSet | null;
  private ht: Dict<true> | null;

  private constructor(ints: IntSet | null, ht: Dict<true> | null) {
    this.ints = ints;
    this.ht = ht;
  }

  /**
   * An empty set whose encoding suits its first member, like Redis's
   * setTypeCreate: intset for an int64's canonical text, hashtable otherwise.
   */
  static forMember(first: string): SetValue {
    return parseInt64(first) !== null ? new SetValue(new IntSet(), null) : new SetValue(null, new Dict());
  }

  /** An empty intset-encoded set (Redis starts every SINTER/SUNION/SDIFF result as one). */
  static empty(): SetValue {
    return new SetValue(new IntSet(), null);
  }

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  get size(): number {
    return this.ints !== null ? this.ints.size : this.ht!.size;
  }

  has(member: string): boolean {
    if (this.ints === null) return this.ht!.has(member);
    const n = parseInt64(member);
    return n !== null && this.ints.has(n);
  }

  /**
   * Adds a member; false if it was there. An intset converts to a hashtable
   * on a non-integer member or when it grows past `maxIntset` entries.
   */
  add(member: string, maxIntset: number): boolean {
    const ints = this.ints;
    if (ints !== null) {
      const n = parseInt64(member);
      if (n !== null) {
        if (!ints.add(n)) return false;
        if (ints.size > Math.min(maxIntset, INTSET_HARD_MAX)) this.toHashtable();
        return true;
      }
      this.toHashtable();
    }
    return this.ht!.set(member, true);
  }

  /** Removes a member; false if absent. */
  remove(member: string): boolean {
    if (this.ints === null) return this.ht!.delete(member);
    const n = parseInt64(member);
    return n !== null && this.ints.remove(n);
  }

  /** A uniformly random member of a non-empty intset; a roughly uniform one of a hashtable. */
  random(): string {
    if (this.ints !== null) return String(this.ints.at((Math.random() * this.ints.size) | 0));
    return this.ht!.randomKey()!;
  }

  /** Removes and returns a random member (the set must not be empty). */
  pop(): string {
    if (this.ints !== null) return String(this.ints.removeAt((Math.random() * this.ints.size) | 0));
    const m = this.ht!.randomKey()!;
    this.ht!.delete(m);
    return m;
  }

  /** Members in encoding order: ascending for an intset, bucket order for a hashtable. */
  *[Symbol.iterator](): IterableIterator<string> {
    const ints = this.ints;
    if (ints !== null) {
      for (let i = 0; i < ints.size; i++) yield String(ints.at(i));
    } else {
      yield* this.ht!.keys();
    }
  }

  /** Every member as an array, in encoding order. */
  members(): string[] {
    const out: string[] = [];
    const ints = this.ints;
    if (ints !== null) for (let i = 0; i < ints.size; i++) out.push(String(ints.at(i)));
    else for (const m of this.ht!.keys()) out.push(m);
    return out;
  }

  /**
   * One SSCAN step over a hashtable encoding (see Dict.scan); returns the
   * next cursor. An intset has no cursor: callers send all of it at once.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (this.ht === null) {
      for (const m of this) visit(m);
      return 0;
    }
    return this.ht.scan(cursor, count, visit);
  }

  /** A deep copy with the same encoding (COPY keeps Redis's encoding too). */
  clone(): SetValue {
    if (this.ints !== null) return new SetValue(this.ints.clone(), null);
    const d = new Dict<true>();
    for (const m of this.ht!.keys()) d.set(m, true);
    return new SetValue(null, d);
  }

  private toHashtable(): void {
    const ints = this.ints!;
    const d = new Dict<true>();
    for (let i = 0; i < ints.size; i++) d.set(String(ints.at(i)), true);
    this.ht = d;
    this.ints = null;
  }
}
