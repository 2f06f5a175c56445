/**
 * Serializing values in RDB version 10 (Redis 7.0) form: the object type
 * byte and the object body, as used both by dump.rdb and by DUMP payloads.
 *
 * Small encodings are written as the blob Redis would hold in memory
 * (listpack, intset) so Redis 7.0 loads them without conversion and, for
 * values whose Redis layout is deterministic, DUMP gives the same bytes.
 */
import { parseInt64 } from '../../types/int64.js';
import type { HashValue } from '../../types/hash.js';
import type { ListValue } from '../../types/list.js';
import type { SetValue } from '../../types/set.js';
import type { ZSet } from '../../types/zset.js';
import type { Value } from '../../types/value.js';
import { formatDouble } from '../../protocol/number-format.js';
import { encodeIntset, encodeListpack, listpackEntrySize } from './listpack.js';
import { ByteWriter } from './writer.js';

/** RDB object type bytes (those Redis 7.0 writes, and the older ones it still reads). */
export const enum RdbType {
  STRING = 0,
  LIST = 1,
  SET = 2,
  ZSET = 3,
  HASH = 4,
  ZSET_2 = 5,
  MODULE_PRE_GA = 6,
  MODULE_2 = 7,
  HASH_ZIPMAP = 9,
  LIST_ZIPLIST = 10,
  SET_INTSET = 11,
  ZSET_ZIPLIST = 12,
  HASH_ZIPLIST = 13,
  LIST_QUICKLIST = 14,
  STREAM_LISTPACKS = 15,
  HASH_LISTPACK = 16,
  ZSET_LISTPACK = 17,
  LIST_QUICKLIST_2 = 18,
  STREAM_LISTPACKS_2 = 19,
}

/** Quicklist 2 node containers. */
const QL_PLAIN = 1;
const QL_PACKED = 2;

/** Settings that shape the bytes (from the server's config). */
export interface EncodeOptions {
  /** rdbcompression: LZF for strings (and blobs) longer than 20 bytes. */
  compress: boolean;
  /** list-max-listpack-size: how Redis would have split a list into nodes. */
  listFill: number;
}

/** Defaults of a fresh Redis 7.0. */
export const DEFAULT_ENCODE: EncodeOptions = { compress: true, listFill: -2 };

/** The object type byte Redis 7.0 writes for `v`. */
export function rdbTypeOf(v: Value): RdbType {
  if (typeof v === 'string') return RdbType.STRING;
  switch (v.type) {
    case 'list':
      return RdbType.LIST_QUICKLIST_2;
    case 'hash':
      return v.encoding() === 'listpack' ? RdbType.HASH_LISTPACK : RdbType.HASH;
    case 'set':
      return v.encoding() === 'intset' ? RdbType.SET_INTSET : RdbType.SET;
    case 'zset':
      return v.encoding() === 'listpack' ? RdbType.ZSET_LISTPACK : RdbType.ZSET_2;
    default:
      throw new Error(`cannot serialize a ${v.type} value`);
  }
}

/** Writes the object body of `v` (after its type byte). */
export function writeObject(w: ByteWriter, v: Value, o: EncodeOptions): void {
  if (typeof v === 'string') {
    w.str(v, o.compress);
    return;
  }
  switch (v.type) {
    case 'list':
      writeList(w, v as ListValue, o);
      return;
    case 'hash':
      writeHash(w, v as HashValue, o);
      return;
    case 'set':
      writeSet(w, v as SetValue, o);
      return;
    case 'zset':
      writeZset(w, v as ZSet, o);
      return;
    default:
      throw new Error(`cannot serialize a ${v.type} value`);
  }
}

/** Redis's optimization_level: node byte limits for fill -1..-5. */
const FILL_BYTES = [4096, 8192, 16384, 32768, 65536];
/** Nodes never grow past this unless fill asks for a count (SIZE_SAFETY_LIMIT). */
const SAFETY_BYTES = 8192;
/** Elements this long get a node of their own (packed_threshold, 1 GB). */
const PLAIN_THRESHOLD = 1 << 30;

/** Redis's flat over-estimate of an entry's listpack overhead (SIZE_ESTIMATE_OVERHEAD). */
const ENTRY_OVERHEAD = 8;

/**
 * Whether Redis 7.0 would append an element of `sz` bytes to a node of
 * `nodeBytes` bytes and `count` elements. Why the estimate: Redis checks
 * the limit with a fixed 8-byte overhead, not the entry's real size, and
 * we must split exactly where it does.
 */
function nodeAllows(nodeBytes: number, count: number, fill: number, sz: number): boolean {
  if (sz >= PLAIN_THRESHOLD) return false;
  const newSz = nodeBytes + sz + ENTRY_OVERHEAD;
  if (fill < 0) {
    const off = -fill - 1;
    if (off < FILL_BYTES.length && newSz <= FILL_BYTES[off]) return true;
  }
  if (newSz > SAFETY_BYTES) return false;
  return count < fill;
}

/**
 * Splits a list into quicklist nodes as a sequence of RPUSHes would on
 * Redis 7.0 (our in-memory nodes are sized differently).
 */
export function quicklistNodes(items: readonly string[], fill: number): string[][] {
  const nodes: string[][] = [];
  let cur: string[] | null = null;
  let bytes = 0;
  for (const e of items) {
    if (cur !== null && nodeAllows(bytes, cur.length, fill, e.length)) {
      cur.push(e);
      bytes += listpackEntrySize(e);
    } else {
      cur = [e];
      nodes.push(cur);
      bytes = e.length >= PLAIN_THRESHOLD ? -1 : 7 + listpackEntrySize(e);
    }
  }
  return nodes;
}

function writeList(w: ByteWriter, l: ListValue, o: EncodeOptions): void {
  const nodes = quicklistNodes(l.toArray(), o.listFill);
  w.len(nodes.length);
  for (const node of nodes) {
    if (node.length === 1 && node[0].length >= PLAIN_THRESHOLD) {
      w.len(QL_PLAIN);
      w.rawStr(node[0], o.compress);
    } else {
      w.len(QL_PACKED);
      w.blob(encodeListpack(node), o.compress);
    }
  }
}

function writeHash(w: ByteWriter, h: HashValue, o: EncodeOptions): void {
  if (h.encoding() === 'listpack') {
    const entries: string[] = [];
    h.forEach((f, v) => entries.push(f, v));
    w.blob(encodeListpack(entries), o.compress);
    return;
  }
  w.len(h.size);
  h.forEach((f, v) => {
    w.str(f, o.compress);
    w.str(v, o.compress);
  });
}

function writeSet(w: ByteWriter, s: SetValue, o: EncodeOptions): void {
  if (s.encoding() === 'intset') {
    const ints = s.members().map((m) => parseInt64(m) as number | bigint);
    w.blob(encodeIntset(ints), o.compress);
    return;
  }
  w.len(s.size);
  for (const m of s) w.str(m, o.compress);
}

/** 2^62: Redis 7.0's double2ll accepts integral doubles up to LLONG_MAX/2 in magnitude. */
const LL_HALF = 2 ** 62;

/**
 * A score as Redis 7.0's d2string prints it into a listpack: integral values
 * within ±2^62 as integer text (stored as listpack ints), others %.17g.
 */
export function scoreText(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && d >= -LL_HALF && d <= LL_HALF) return Number.isSafeInteger(d) ? String(d) : BigInt(d).toString();
  return formatDouble(d);
}

function writeZset(w: ByteWriter, z: ZSet, o: EncodeOptions): void {
  if (z.encoding() === 'listpack') {
    const entries: string[] = [];
    z.forEach((m, s) => entries.push(m, scoreText(s)));
    w.blob(encodeListpack(entries), o.compress);
    return;
  }
  // Redis writes a skiplist from the highest score down, so loading inserts at the head cheaply.
  w.len(z.size);
  z.walk(z.size - 1, z.size, true, (m, s) => {
    w.str(m, o.compress);
    w.f64le(s);
  });
}
