/**
 * Values stored in the keyspace. A string value is a latin1 JS string (one
 * character per byte): the most compact thing V8 can hold, with no wrapper.
 * Every other type is an object tagged with its Redis type name; each family
 * implements it in its own file under src/types/.
 */

/** Aggregate types (lists, hashes, sets, sorted sets, streams). */
export interface ObjectValue {
  readonly type: 'list' | 'set' | 'zset' | 'hash' | 'stream';
  /** What OBJECT ENCODING reports: listpack, quicklist, intset, hashtable, skiplist, stream. */
  encoding(): string;
  /** A deep copy (COPY, and snapshots later). */
  clone(): ObjectValue;
}

export type Value = string | ObjectValue;

export type TypeName = 'string' | ObjectValue['type'];

export function typeOf(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}
