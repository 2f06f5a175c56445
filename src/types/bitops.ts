/**
 * Bit-level operations on string values (latin1 JS strings, one char per
 * byte). Bit 0 is the most significant bit of byte 0, as in Redis. No RESP
 * here: the commands live in src/commands/bitmaps.ts.
 */

/** Set bits per byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

/** The bit at `offset` (0 or 1); bits past the end read as 0. */
export function getBit(s: string, offset: number): number {
  const byte = Math.floor(offset / 8);
  if (byte >= s.length) return 0;
  return (s.charCodeAt(byte) >> (7 - (offset % 8))) & 1;
}

/** `s` zero-padded to at least `len` bytes. */
export function growZero(s: string, len: number): string {
  return s.length >= len ? s : s + '\0'.repeat(len - s.length);
}

/**
 * `s` with the bit at `offset` set to `on` (the string grows with zero bytes
 * when the offset is past its end).
 */
export function setBit(s: string, offset: number, on: number): string {
  const byte = Math.floor(offset / 8);
  const g = growZero(s, byte + 1);
  const mask = 1 << (7 - (offset % 8));
  const old = g.charCodeAt(byte);
  const nv = on ? old | mask : old & ~mask;
  if (nv === old) return g;
  return g.slice(0, byte) + String.fromCharCode(nv) + g.slice(byte + 1);
}

/** Anything bytes can be read from: a latin1 string or a ByteRope. */
export interface ByteSource {
  readonly length: number;
  charCodeAt(i: number): number;
}

/** Number of set bits in bytes [from, to] (inclusive) of s. */
export function popcount(s: ByteSource, from: number, to: number): number {
  let n = 0;
  for (let i = from; i <= to; i++) n += POPCOUNT[s.charCodeAt(i)];
  return n;
}

/**
 * A resolved BITCOUNT/BITPOS range: first and last byte plus, in BIT mode,
 * the bits of the edge bytes that lie outside the range (masks of the bits
 * to ignore). `empty` when the range selects nothing.
 */
export interface ByteRange {
  empty: boolean;
  start: number;
  end: number;
  firstIgnore: number;
  lastIgnore: number;
}

/**
 * Applies Redis's index rules to [start, end] over a string of `len` bytes
 * (in bits when isBit): negatives count from the end, then both are clamped
 * to the value. Returns the byte range and the edge masks.
 */
export function resolveRange(len: number, start: bigint, end: bigint, isBit: boolean): ByteRange {
  const total = BigInt(isBit ? len * 8 : len);
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  if (start > end) return { empty: true, start: 0, end: -1, firstIgnore: 0, lastIgnore: 0 };
  let s = Number(start);
  let e = Number(end);
  let firstIgnore = 0;
  let lastIgnore = 0;
  if (isBit) {
    firstIgnore = (0xff << (8 - (s & 7))) & 0xff;
    lastIgnore = (1 << (7 - (e & 7))) - 1;
    s >>= 3;
    e >>= 3;
  }
  return { empty: false, start: s, end: e, firstIgnore, lastIgnore };
}

/** Set bits inside a resolved range. */
export function countRange(s: ByteSource, r: ByteRange): number {
  if (r.empty) return 0;
  let n = popcount(s, r.start, r.end);
  n -= POPCOUNT[s.charCodeAt(r.start) & r.firstIgnore];
  n -= POPCOUNT[s.charCodeAt(r.end) & r.lastIgnore];
  return n;
}

/**
 * The absolute position of the first bit equal to `bit` inside a resolved
 * range, or -1 when there is none. Bits outside the range never match.
 */
export function findBit(s: ByteSource, bit: number, r: ByteRange): number {
  if (r.empty) return -1;
  for (let i = r.start; i <= r.end; i++) {
    let b = s.charCodeAt(i);
    if (bit === 0) b = ~b & 0xff;
    if (i === r.start) b &= ~r.firstIgnore;
    if (i === r.end) b &= ~r.lastIgnore;
    if (b !== 0) return i * 8 + Math.clz32(b) - 24;
  }
  return -1;
}

export type BitOp = 'and' | 'or' | 'xor' | 'not';

/**
 * BITOP's result: missing sources (undefined) and the short ends of shorter
 * strings count as zero bytes; the result is as long as the longest source.
 */
export function bitop(op: BitOp, srcs: ReadonlyArray<string | undefined>): string {
  let maxLen = 0;
  for (const s of srcs) if (s !== undefined && s.length > maxLen) maxLen = s.length;
  if (maxLen === 0) return '';
  const out = Buffer.alloc(maxLen);
  const first = srcs[0];
  if (first !== undefined) out.write(first, 'latin1');
  if (op === 'not') {
    for (let i = 0; i < maxLen; i++) out[i] = ~out[i] & 0xff;
  } else {
    for (let k = 1; k < srcs.length; k++) combine(out, srcs[k] ?? '', op);
  }
  return out.toString('latin1', 0, maxLen);
}

function combine(out: Buffer, s: string, op: BitOp): void {
  const n = s.length;
  if (op === 'and') {
    for (let i = 0; i < out.length; i++) out[i] &= i < n ? s.charCodeAt(i) : 0;
  } else if (op === 'or') {
    for (let i = 0; i < n; i++) out[i] |= s.charCodeAt(i);
  } else {
    for (let i = 0; i < n; i++) out[i] ^= s.charCodeAt(i);
  }
}

/** Reads `bits` (1..64) bits at bit `offset` of buf as an unsigned value (bits past the end read as 0). */
export function getUnsigned(buf: Uint8Array, offset: number, bits: number): bigint {
  let v = 0n;
  for (let j = 0; j < bits; j++) {
    const pos = offset + j;
    const byte = Math.floor(pos / 8);
    const bit = byte < buf.length ? (buf[byte] >> (7 - (pos % 8))) & 1 : 0;
    v = (v << 1n) | BigInt(bit);
  }
  return v;
}

/** Like getUnsigned, sign-extended from `bits`. */
export function getSigned(buf: Uint8Array, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsigned(buf, offset, bits));
}

/** Writes the low `bits` bits of value at bit `offset` of buf (which must be long enough). */
export function setBits(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const v = BigInt.asUintN(bits, value);
  for (let j = 0; j < bits; j++) {
    const on = (v >> BigInt(bits - 1 - j)) & 1n;
    const pos = offset + j;
    const byte = Math.floor(pos / 8);
    const mask = 1 << (7 - (pos % 8));
    if (on) buf[byte] |= mask;
    else buf[byte] &= ~mask;
  }
}

export const enum Overflow {
  WRAP,
  SAT,
  FAIL,
}

/** Result of a checked bitfield addition: the value to store, or null when FAIL refuses it. */
export type FieldResult = bigint | null;

const I64 = (x: bigint): bigint => BigInt.asIntN(64, x);

/**
 * value + incr for a signed field of `bits` bits under the overflow policy.
 * Why the int64 wrapping: Redis computes its bounds (max - value) in 64-bit
 * arithmetic, so a SET of a value far below the range of a 63-bit field is
 * seen as an overflow upwards (SAT then stores the maximum). Reproduced.
 */
export function addSigned(value: bigint, incr: bigint, bits: number, ow: Overflow): FieldResult {
  const max = bits === 64 ? (1n << 63n) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncr = I64(max - value);
  const minIncr = I64(min - value);
  let dir = 0;
  if (value > max || (bits !== 64 && incr > maxIncr) || (value >= 0n && incr > 0n && incr > maxIncr)) dir = 1;
  else if (value < min || (bits !== 64 && incr < minIncr) || (value < 0n && incr < 0n && incr < minIncr)) dir = -1;
  if (dir === 0) return value + incr;
  if (ow === Overflow.FAIL) return null;
  if (ow === Overflow.SAT) return dir > 0 ? max : min;
  return BigInt.asIntN(bits, value + incr);
}

/**
 * value + incr for an unsigned field of `bits` bits (value is the field's
 * unsigned content, or a SET argument reinterpreted as uint64 like Redis does).
 */
export function addUnsigned(value: bigint, incr: bigint, bits: number, ow: Overflow): FieldResult {
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncr = I64(max - value);
  const minIncr = I64(-value);
  let dir = 0;
  if (value > max || (incr > 0n && incr > maxIncr)) dir = 1;
  else if (incr < 0n && incr < minIncr) dir = -1;
  if (dir === 0) return value + incr;
  if (ow === Overflow.FAIL) return null;
  if (ow === Overflow.SAT) return dir > 0 ? max : 0n;
  return BigInt.asUintN(bits, value + incr);
}

// ---- chunked bitmaps -------------------------------------------------------------

/** Bytes per leaf of a ByteRope. */
const CHUNK = 16384;

let ZERO_CHUNK: string | null = null;
const zeroChunk = (): string => (ZERO_CHUNK ??= '\0'.repeat(CHUNK));

/**
 * A big string value kept as a balanced tree of V8 cons strings over
 * CHUNK-byte leaves, so that changing a few bytes costs one leaf copy plus
 * log(leaves) concatenations instead of a copy of the whole value (JS strings
 * are immutable; Redis edits its buffer in place). `value` is an ordinary JS
 * string with the full content, ready to be stored in the keyspace.
 */
export class ByteRope {
  private nodes: string[];
  private cap: number;
  private len: number;

  constructor(s: string) {
    this.len = s.length;
    this.cap = 1;
    while (this.cap * CHUNK < s.length) this.cap *= 2;
    this.nodes = new Array<string>(2 * this.cap).fill('');
    for (let i = 0; i * CHUNK < s.length; i++) this.nodes[this.cap + i] = s.slice(i * CHUNK, (i + 1) * CHUNK);
    for (let k = this.cap - 1; k >= 1; k--) this.nodes[k] = this.nodes[2 * k] + this.nodes[2 * k + 1];
  }

  /** The whole content. */
  get value(): string {
    return this.nodes[1];
  }

  get length(): number {
    return this.len;
  }

  /** Byte i, so that a rope can be read like a string (ByteSource). */
  charCodeAt(i: number): number {
    return this.byteAt(i);
  }

  /** Byte i (0 past the end). */
  byteAt(i: number): number {
    if (i >= this.len) return 0;
    return this.nodes[this.cap + Math.floor(i / CHUNK)].charCodeAt(i % CHUNK);
  }

  /** Zero-extends the content to at least n bytes. */
  grow(n: number): void {
    if (n <= this.len) return;
    if (n > this.cap * CHUNK) this.rebuild(n);
    const first = Math.floor(this.len / CHUNK);
    const last = Math.floor((n - 1) / CHUNK);
    const many = last - first > 8;
    for (let c = first; c <= last; c++) {
      const leaf = this.nodes[this.cap + c];
      const want = c === last ? n - c * CHUNK : CHUNK;
      if (leaf.length >= want) continue;
      // Whole zero leaves share one string.
      const grown = leaf.length === 0 && want === CHUNK ? zeroChunk() : leaf + '\0'.repeat(want - leaf.length);
      if (many) this.nodes[this.cap + c] = grown;
      else this.setLeaf(c, grown);
    }
    if (many) for (let k = this.cap - 1; k >= 1; k--) this.nodes[k] = this.nodes[2 * k] + this.nodes[2 * k + 1];
    this.len = n;
  }

  /** Writes byte value v at i (which must be below length). */
  setByte(i: number, v: number): void {
    const c = Math.floor(i / CHUNK);
    const j = i % CHUNK;
    const leaf = this.nodes[this.cap + c];
    if (leaf.charCodeAt(j) === v) return;
    this.setLeaf(c, leaf.slice(0, j) + String.fromCharCode(v) + leaf.slice(j + 1));
  }

  private setLeaf(c: number, s: string): void {
    let k = this.cap + c;
    this.nodes[k] = s;
    for (k >>= 1; k >= 1; k >>= 1) this.nodes[k] = this.nodes[2 * k] + this.nodes[2 * k + 1];
  }

  /** Doubles the capacity until n bytes fit (leaves are kept). */
  private rebuild(n: number): void {
    let cap = this.cap;
    while (cap * CHUNK < n) cap *= 2;
    const nodes = new Array<string>(2 * cap).fill('');
    for (let i = 0; i < this.cap; i++) nodes[cap + i] = this.nodes[this.cap + i];
    for (let k = cap - 1; k >= 1; k--) nodes[k] = nodes[2 * k] + nodes[2 * k + 1];
    this.nodes = nodes;
    this.cap = cap;
  }
}
