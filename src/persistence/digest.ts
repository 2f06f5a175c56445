/**
 * The dataset digest of DEBUG DIGEST and DEBUG DIGEST-VALUE, computed exactly
 * as Redis 7.0 does so two servers' datasets compare with one command.
 *
 * Everything is built from SHA1 with two combinators over a 20-byte digest:
 * - xor (order-independent): digest ^= SHA1(data). Used for the members of
 *   sets, the entries of hashes and sorted sets, and the keys of a database.
 * - mix (order-dependent): digest = SHA1(digest ^ SHA1(data)). Used for the
 *   elements of lists and for the parts of one entry (key, type, value).
 *
 * Per key: mix(key), mix(type as a 4-byte big-endian number), the value by
 * type, then xor("!!expire!!") when the key has a TTL (its time is not part
 * of the digest). Per database with keys: mix(index as 4 bytes) into the
 * result, then xor of every key's digest. An empty dataset is all zeros.
 */
import crypto from 'node:crypto';
import type { Database } from '../keyspace/db.js';
import { formatDouble } from '../protocol/number-format.js';
import type { HashValue } from '../types/hash.js';
import type { ListValue } from '../types/list.js';
import type { SetValue } from '../types/set.js';
import { typeOf, type ObjectValue, type TypeName, type Value } from '../types/value.js';
import type { ZSet } from '../types/zset.js';

/** Bytes in a digest (one SHA1). */
export const DIGEST_LEN = 20;

/** SHA1 of `data`: the one-shot crypto.hash where Node has it (>= 20.12), else a Hash object. */
const sha1: (data: Uint8Array) => Buffer =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha1', data, 'buffer')
    : (data) => crypto.createHash('sha1').update(data).digest();

function xorInto(digest: Buffer, hash: Uint8Array): void {
  for (let i = 0; i < DIGEST_LEN; i++) digest[i] ^= hash[i];
}

/** digest ^= SHA1(data): the order of the calls does not matter. */
export function xorDigest(digest: Buffer, data: Uint8Array): void {
  xorInto(digest, sha1(data));
}

/** digest = SHA1(digest ^ SHA1(data)): the order of the calls matters. */
export function mixDigest(digest: Buffer, data: Uint8Array): void {
  xorInto(digest, sha1(data));
  sha1(digest).copy(digest);
}

/** A latin1 string's bytes (one character per byte, as respite stores them). */
function bytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Redis's object type numbers (OBJ_STRING ... OBJ_STREAM). */
const TYPE_CODE: Record<TypeName, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 };

/** SHA1 of each type number as 4 big-endian bytes, computed once: every key mixes one in. */
const TYPE_SHA1 = Object.fromEntries(Object.entries(TYPE_CODE).map(([t, code]) => [t, sha1(u32be(code))])) as Record<TypeName, Buffer>;

/** SHA1 of the marker xored in for a key with a TTL. */
const EXPIRE_SHA1 = sha1(Buffer.from('!!expire!!', 'latin1'));

/** The digest of one (field, value) pair: mixed in order, then xored into the aggregate. */
function pairDigest(scratch: Buffer, a: string, b: string): Buffer {
  scratch.fill(0);
  mixDigest(scratch, bytes(a));
  mixDigest(scratch, bytes(b));
  return scratch;
}

/**
 * Mixes value `v` into `digest` as Redis's xorObjectDigest does: its type,
 * its contents (list elements in order; set members, hash fields and sorted
 * set entries as an order-free xor), then the TTL marker when `expires`.
 * Scores are printed with "%.17g", as Redis 7.0 does.
 */
export function mixValueDigest(digest: Buffer, v: Value, expires: boolean): void {
  // mixDigest of the type number, with its SHA1 precomputed.
  xorInto(digest, TYPE_SHA1[typeOf(v)]);
  sha1(digest).copy(digest);
  if (typeof v === 'string') mixDigest(digest, bytes(v));
  else mixAggregate(digest, v);
  if (expires) xorInto(digest, EXPIRE_SHA1);
}

function mixAggregate(digest: Buffer, v: ObjectValue): void {
  switch (v.type) {
    case 'list':
      (v as ListValue).scan(0, false, (e) => void mixDigest(digest, bytes(e)));
      return;
    case 'set':
      for (const m of v as SetValue) xorDigest(digest, bytes(m));
      return;
    case 'zset': {
      const pair = Buffer.alloc(DIGEST_LEN);
      (v as ZSet).forEach((m, score) => xorDigest(digest, pairDigest(pair, m, formatDouble(score))));
      return;
    }
    case 'hash': {
      const pair = Buffer.alloc(DIGEST_LEN);
      (v as HashValue).forEach((f, val) => xorDigest(digest, pairDigest(pair, f, val)));
      return;
    }
    default:
      throw new Error(`cannot digest a ${v.type} value`);
  }
}

/**
 * DEBUG DIGEST-VALUE for one key of `db`: the value's digest, or all zeros
 * when the key is missing. Like Redis it reads the dictionary directly, so a
 * logically expired key that is still stored is digested too.
 */
export function keyValueDigest(db: Database, key: string): Buffer {
  const digest = Buffer.alloc(DIGEST_LEN);
  const v = db.dict.get(key);
  if (v !== undefined) mixValueDigest(digest, v, db.expires.has(key));
  return digest;
}

/**
 * DEBUG DIGEST: the digest of every key of every database in `dbs` (indexed
 * by their ids), all zeros for an empty dataset. Keys still stored but
 * logically expired are included, as in Redis.
 */
export function datasetDigest(dbs: readonly Database[]): Buffer {
  const result = Buffer.alloc(DIGEST_LEN);
  const entry = Buffer.alloc(DIGEST_LEN);
  for (const db of dbs) {
    if (db.size === 0) continue;
    // The database index is mixed in, so the same keys in another database differ.
    mixDigest(result, u32be(db.id));
    const expires = db.expires;
    for (const [key, v] of db.dict.entries()) {
      entry.fill(0);
      mixDigest(entry, bytes(key));
      mixValueDigest(entry, v, expires.size !== 0 && expires.has(key));
      xorDigest(result, entry);
    }
  }
  return result;
}
