/**
 * Hashes, in Redis 7.0's two encodings:
 *
 * - listpack: one flat array `[field0, value0, field1, value1, ...]` in
 *   insertion order, used while the hash has at most hash-max-listpack-entries
 *   fields and no field or value longer than hash-max-listpack-value bytes.
 *   Lookups are linear on that bounded size, as in Redis; no per-field objects.
 * - hashtable: a {@link Dict} field → value (O(1) lookups, more than 2^24
 *   fields, HSCAN's reverse-binary cursor).
 *
 * Conversion is one-way (listpack → hashtable), as in Redis 7.0. Nothing here
 * knows about RESP or clients.
 */
import { Dict } from '../keyspace/dict.js';
import type { ObjectValue } from './value.js';

/** The hash-max-listpack-* limits in force when a hash is written. */
export interface HashLimits {
  entries: number;
  value: number;
}

/** Visitor for field/value pairs. */
export type HashVisit = (field: string, value: string) => void;

export class HashValue implements ObjectValue {
  readonly type = 'hash' as const;
  /** The listpack encoding, or null once converted. */
  private lp: string[] | null = [];
  private ht: Dict<string> | null = null;

  encoding(): string {
    return this.lp !== null ? 'listpack' : 'hashtable';
  }

  get size(): number {
    return this.lp !== null ? this.lp.length >> 1 : this.ht!.size;
  }

  private indexOf(field: string): number {
    const lp = this.lp!;
    for (let i = 0; i < lp.length; i += 2) if (lp[i] === field) return i;
    return -1;
  }

  /** The value of a field, undefined if absent. */
  get(field: string): string | undefined {
    if (this.lp === null) return this.ht!.get(field);
    const i = this.indexOf(field);
    return i < 0 ? undefined : this.lp[i + 1];
  }

  /** Whether the field exists. */
  has(field: string): boolean {
    return this.lp === null ? this.ht!.has(field) : this.indexOf(field) >= 0;
  }

  /**
   * Converts a listpack to a hashtable when any of `args[from..]` is longer
   * than the value limit (Redis's hashTypeTryConversion, run over a write's
   * fields and values before anything is inserted).
   */
  prepareFor(args: readonly string[], from: number, lim: HashLimits): void {
    if (this.lp === null) return;
    for (let i = from; i < args.length; i++) {
      if (args[i].length > lim.value) {
        this.toHashtable();
        return;
      }
    }
  }

  /**
   * Sets a field; true when it is new. A listpack converts first when the
   * field or value is too long (the HINCRBY* path, which skips prepareFor),
   * and after the insert when it holds more than `lim.entries` fields.
   */
  set(field: string, value: string, lim: HashLimits): boolean {
    if (this.lp !== null && (field.length > lim.value || value.length > lim.value)) this.toHashtable();
    const lp = this.lp;
    if (lp === null) return this.ht!.set(field, value);
    const i = this.indexOf(field);
    if (i >= 0) {
      lp[i + 1] = value;
      return false;
    }
    lp.push(field, value);
    if (lp.length >> 1 > lim.entries) this.toHashtable();
    return true;
  }

  /** Removes a field; false if absent. */
  delete(field: string): boolean {
    if (this.lp === null) return this.ht!.delete(field);
    const i = this.indexOf(field);
    if (i < 0) return false;
    this.lp.splice(i, 2);
    return true;
  }

  /** Visits every pair in encoding order (listpack: insertion order). No mutation during the visit. */
  forEach(visit: HashVisit): void {
    const lp = this.lp;
    if (lp !== null) {
      for (let i = 0; i < lp.length; i += 2) visit(lp[i], lp[i + 1]);
    } else {
      for (const [f, v] of this.ht!.entries()) visit(f, v);
    }
  }

  /** The i-th field of a listpack (0 <= i < size); undefined for a hashtable. */
  listpackField(i: number): string | undefined {
    return this.lp === null ? undefined : this.lp[2 * i];
  }

  /** A random field of a non-empty hash (uniform for a listpack, roughly uniform otherwise). */
  randomField(): string {
    const lp = this.lp;
    if (lp !== null) return lp[2 * ((Math.random() * (lp.length >> 1)) | 0)];
    return this.ht!.randomKey()!;
  }

  /**
   * One HSCAN step over a hashtable encoding (see Dict.scan); returns the next
   * cursor. A listpack has no cursor: it is visited whole and 0 returned.
   */
  scan(cursor: number, count: number, visit: HashVisit): number {
    if (this.ht === null) {
      this.forEach(visit);
      return 0;
    }
    return this.ht.scan(cursor, count, visit);
  }

  /** A deep copy with the same encoding. */
  clone(): HashValue {
    const h = new HashValue();
    if (this.lp !== null) {
      h.lp = this.lp.slice();
    } else {
      h.lp = null;
      h.ht = new Dict();
      for (const [f, v] of this.ht!.entries()) h.ht.set(f, v);
    }
    return h;
  }

  private toHashtable(): void {
    const lp = this.lp!;
    const d = new Dict<string>();
    for (let i = 0; i < lp.length; i += 2) d.set(lp[i], lp[i + 1]);
    this.ht = d;
    this.lp = null;
  }
}
