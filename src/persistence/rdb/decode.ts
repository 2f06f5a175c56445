/**
 * Reading RDB objects (any version Redis 7.0 accepts: 1..10) into respite
 * values. Values are rebuilt with the encoding Redis 7.0 would pick when
 * loading them under the current *-max-* limits.
 */
import { parseDouble } from '../../commands/args.js';
import { HashValue, type HashLimits } from '../../types/hash.js';
import { ListValue } from '../../types/list.js';
import { SetValue } from '../../types/set.js';
import { ZSet, type ZLimits } from '../../types/zset.js';
import type { Value } from '../../types/value.js';
import { RdbType } from './encode.js';
import { decodeIntset, decodeListpack, decodeZiplist, decodeZipmap, RdbFormatError } from './listpack.js';
import { lzfDecompress } from './lzf-decompress.js';

/** The limits that choose encodings on load. */
export interface DecodeLimits {
  hash: HashLimits;
  zset: ZLimits;
  intsetMax: number;
}

/** Redis 7.0's defaults. */
export const DEFAULT_LIMITS: DecodeLimits = { hash: { entries: 512, value: 64 }, zset: { entries: 128, value: 64 }, intsetMax: 512 };

/** Node's Buffer method behind toString('latin1'), without its argument handling (a hot path when loading). */
interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}

function bad(what: string): never {
  throw new RdbFormatError(what);
}

/** A cursor over an RDB byte buffer. Every read checks bounds. */
export class ByteReader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly end = buf.length,
  ) {}

  need(n: number): void {
    if (this.pos + n > this.end) bad('unexpected end of data');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  take(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** An RDB length; `special` is set when the byte announced an encoded string instead. */
  len(): number {
    const l = this.lenOrEnc();
    if (l.special) bad('unexpected string encoding');
    return l.value;
  }

  lenOrEnc(): { value: number; special: boolean } {
    const b = this.byte();
    const kind = b >> 6;
    if (kind === 0) return { value: b & 0x3f, special: false };
    if (kind === 1) return { value: ((b & 0x3f) << 8) | this.byte(), special: false };
    if (kind === 3) return { value: b & 0x3f, special: true };
    if (b === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return { value: v, special: false };
    }
    if (b === 0x81) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) bad('length too large');
      return { value: Number(v), special: false };
    }
    return bad('bad length encoding');
  }

  /** An RDB string (raw, int-encoded or LZF) as latin1. */
  str(): string {
    const b = this.buf[this.pos];
    // Fast path for the common short raw string: no intermediate Buffer view.
    if (b !== undefined && b < 0x40 && this.pos + 1 + b <= this.end) {
      this.pos += 1 + b;
      return (this.buf as Latin1Buffer).latin1Slice(this.pos - b, this.pos);
    }
    return this.strBuf().toString('latin1');
  }

  /** An RDB string's bytes. */
  strBuf(): Buffer {
    const l = this.lenOrEnc();
    if (!l.special) return this.take(l.value);
    switch (l.value) {
      case 0:
        return Buffer.from(String(this.take(1).readInt8(0)), 'latin1');
      case 1:
        return Buffer.from(String(this.take(2).readInt16LE(0)), 'latin1');
      case 2:
        return Buffer.from(String(this.take(4).readInt32LE(0)), 'latin1');
      case 3: {
        const clen = this.len();
        const rawLen = this.len();
        return lzfDecompress(this.take(clen), rawLen);
      }
      default:
        return bad('unknown string encoding');
    }
  }

  f64le(): number {
    return this.take(8).readDoubleLE(0);
  }

  /** The old ZSET type's score: a length byte (253 nan, 254 inf, 255 -inf) and ASCII text. */
  textDouble(): number {
    const l = this.byte();
    if (l === 253) return NaN;
    if (l === 254) return Infinity;
    if (l === 255) return -Infinity;
    const d = Number(this.take(l).toString('latin1'));
    if (Number.isNaN(d)) bad('bad double');
    return d;
  }
}

function listFrom(items: string[]): ListValue {
  if (items.length === 0) bad('empty list');
  return ListValue.fromArray(items);
}

/** A hash from field/value pairs, converted as Redis does on load. */
function hashFrom(pairs: string[], lim: DecodeLimits, fromListpack: boolean): HashValue {
  if (pairs.length === 0 || pairs.length % 2 !== 0) bad('bad hash');
  const h = new HashValue();
  const n = pairs.length / 2;
  // A listpack blob is kept as is unless it has too many entries (Redis 7.0 checks only the count).
  const l: HashLimits = fromListpack ? (n > lim.hash.entries ? { entries: 0, value: 0 } : { entries: Infinity, value: Infinity }) : n > lim.hash.entries ? { entries: 0, value: 0 } : lim.hash;
  for (let i = 0; i < pairs.length; i += 2) if (!h.set(pairs[i], pairs[i + 1], l)) bad('duplicate hash field');
  return h;
}

function setFrom(members: string[], lim: DecodeLimits, intsetBlob: boolean): SetValue {
  if (members.length === 0) bad('empty set');
  const tooMany = members.length > lim.intsetMax;
  // Why: Redis starts a set read element by element as an intset only when the count fits; an intset blob stays one unless it is too big.
  const s = tooMany ? SetValue.forMember('\0') : SetValue.empty();
  const max = intsetBlob && !tooMany ? Infinity : lim.intsetMax;
  for (const m of members) if (!s.add(m, max)) bad('duplicate set member');
  return s;
}

function zsetFrom(pairs: Array<[string, number]>, lim: DecodeLimits, fromListpack: boolean): ZSet {
  if (pairs.length === 0) bad('empty zset');
  for (const [, s] of pairs) if (Number.isNaN(s)) bad('nan score');
  const l: ZLimits = fromListpack ? (pairs.length > lim.zset.entries ? { entries: 0, value: 0 } : { entries: Infinity, value: Infinity }) : lim.zset;
  // The build finds a repeated member while indexing them (a separate Set of 10M members cost a third of the load).
  return ZSet.buildDistinct(pairs, l) ?? bad('duplicate zset member');
}

function scoresOf(flat: string[]): Array<[string, number]> {
  if (flat.length % 2 !== 0) bad('bad zset blob');
  const out: Array<[string, number]> = [];
  for (let i = 0; i < flat.length; i += 2) {
    const d = parseDouble(flat[i + 1]);
    if (d === null) bad('bad zset score');
    out.push([flat[i], d]);
  }
  return out;
}

/** Reads the body of an object of type `type`. Throws RdbFormatError for anything malformed or unsupported. */
export function readObject(r: ByteReader, type: number, lim: DecodeLimits = DEFAULT_LIMITS): Value {
  switch (type) {
    case RdbType.STRING:
      return r.str();
    case RdbType.LIST: {
      const n = r.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.str());
      return listFrom(items);
    }
    case RdbType.LIST_ZIPLIST:
      return listFrom(decodeZiplist(r.strBuf()));
    case RdbType.LIST_QUICKLIST:
    case RdbType.LIST_QUICKLIST_2: {
      const n = r.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        const container = type === RdbType.LIST_QUICKLIST_2 ? r.len() : 2;
        const blob = r.strBuf();
        if (container === 1) items.push(blob.toString('latin1'));
        else if (container === 2) {
          const els = type === RdbType.LIST_QUICKLIST_2 ? decodeListpack(blob) : decodeZiplist(blob);
          // Why: Redis skips empty nodes left by old versions instead of failing.
          for (const e of els) items.push(e);
        } else bad('bad quicklist container');
      }
      return listFrom(items);
    }
    case RdbType.SET: {
      const n = r.len();
      const members: string[] = [];
      for (let i = 0; i < n; i++) members.push(r.str());
      return setFrom(members, lim, false);
    }
    case RdbType.SET_INTSET:
      return setFrom(decodeIntset(r.strBuf()), lim, true);
    case RdbType.ZSET:
    case RdbType.ZSET_2: {
      const n = r.len();
      const pairs: Array<[string, number]> = [];
      for (let i = 0; i < n; i++) {
        const m = r.str();
        pairs.push([m, type === RdbType.ZSET_2 ? r.f64le() : r.textDouble()]);
      }
      return zsetFrom(pairs, lim, false);
    }
    case RdbType.ZSET_ZIPLIST:
      return zsetFrom(scoresOf(decodeZiplist(r.strBuf())), lim, true);
    case RdbType.ZSET_LISTPACK:
      return zsetFrom(scoresOf(decodeListpack(r.strBuf())), lim, true);
    case RdbType.HASH: {
      const n = r.len();
      const pairs: string[] = [];
      for (let i = 0; i < n; i++) pairs.push(r.str(), r.str());
      return hashFrom(pairs, lim, false);
    }
    case RdbType.HASH_ZIPMAP:
      return hashFrom(decodeZipmap(r.strBuf()), lim, false);
    case RdbType.HASH_ZIPLIST:
      return hashFrom(decodeZiplist(r.strBuf()), lim, true);
    case RdbType.HASH_LISTPACK:
      return hashFrom(decodeListpack(r.strBuf()), lim, true);
    default:
      return bad(`unsupported object type ${type}`);
  }
}
