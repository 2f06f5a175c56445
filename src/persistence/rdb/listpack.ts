/**
 * The compact blobs stored inside RDB strings: listpacks (Redis 7 small
 * hashes, sorted sets and quicklist nodes), intsets, and for loading only the
 * older ziplists and zipmaps. Entries are exchanged as latin1 strings.
 */
import { parseInt64 } from '../../types/int64.js';
import { ByteWriter } from './writer.js';

/** Thrown for a malformed blob (RESTORE answers "Bad data format"). */
export class RdbFormatError extends Error {}

function bad(what: string): never {
  throw new RdbFormatError(what);
}

/** Bytes of the backlen field for an entry of `l` bytes (encoding + data). */
function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Writes the backlen of `l`: big-endian 7-bit groups, all but the first with the top bit set. */
function writeBacklen(w: ByteWriter, l: number): void {
  const n = backlenSize(l);
  for (let k = n - 1; k >= 0; k--) {
    const group = Math.floor(l / 2 ** (7 * k)) & 127;
    w.byte(k === n - 1 ? group : group | 128);
  }
}

/** Appends one listpack entry; integers use the smallest integer encoding, as lpInsert picks. */
function lpEntry(w: ByteWriter, s: string): void {
  const start = w.pos;
  const v = parseInt64(s);
  if (v !== null) {
    const n = typeof v === 'bigint' ? v : BigInt(v);
    if (n >= 0n && n <= 127n) w.byte(Number(n));
    else if (n >= -4096n && n <= 4095n) {
      const u = Number(n < 0n ? n + 8192n : n);
      w.byte(0xc0 | (u >> 8));
      w.byte(u & 0xff);
    } else if (n >= -32768n && n <= 32767n) {
      w.byte(0xf1);
      w.ensure(2);
      w.buf.writeInt16LE(Number(n), w.pos);
      w.pos += 2;
    } else if (n >= -8388608n && n <= 8388607n) {
      w.byte(0xf2);
      w.ensure(3);
      w.buf.writeIntLE(Number(n), w.pos, 3);
      w.pos += 3;
    } else if (n >= -2147483648n && n <= 2147483647n) {
      w.byte(0xf3);
      w.ensure(4);
      w.buf.writeInt32LE(Number(n), w.pos);
      w.pos += 4;
    } else {
      w.byte(0xf4);
      w.i64le(n);
    }
  } else {
    const len = s.length;
    if (len < 64) w.byte(0x80 | len);
    else if (len < 4096) {
      w.byte(0xe0 | (len >> 8));
      w.byte(len & 0xff);
    } else {
      w.byte(0xf0);
      w.u32le(len);
    }
    w.latin1(s);
  }
  writeBacklen(w, w.pos - start);
}

/** A listpack blob holding `entries` in order. */
export function encodeListpack(entries: readonly string[]): Buffer {
  const w = new ByteWriter(16 + entries.length * 4);
  w.u32le(0);
  w.u16le(entries.length < 65535 ? entries.length : 65535);
  for (const e of entries) lpEntry(w, e);
  w.byte(0xff);
  w.buf.writeUInt32LE(w.pos, 0);
  return Buffer.from(w.result());
}

/** Bytes a listpack entry for `s` would take (quicklist node sizing). */
export function listpackEntrySize(s: string): number {
  const v = parseInt64(s);
  let l: number;
  if (v !== null) {
    const n = typeof v === 'bigint' ? v : BigInt(v);
    if (n >= 0n && n <= 127n) l = 1;
    else if (n >= -4096n && n <= 4095n) l = 2;
    else if (n >= -32768n && n <= 32767n) l = 3;
    else if (n >= -8388608n && n <= 8388607n) l = 4;
    else if (n >= -2147483648n && n <= 2147483647n) l = 5;
    else l = 9;
  } else l = s.length + (s.length < 64 ? 1 : s.length < 4096 ? 2 : 5);
  return l + backlenSize(l);
}

/** The entries of a listpack blob, validated against its header. */
export function decodeListpack(b: Buffer): string[] {
  if (b.length < 7 || b.readUInt32LE(0) !== b.length || b[b.length - 1] !== 0xff) bad('listpack header');
  const declared = b.readUInt16LE(4);
  const out: string[] = [];
  let p = 6;
  const end = b.length - 1;
  while (p < end) {
    const start = p;
    const e = b[p];
    let s: string;
    if (e < 0x80) {
      s = String(e);
      p += 1;
    } else if ((e & 0xc0) === 0x80) {
      const len = e & 0x3f;
      s = b.toString('latin1', p + 1, p + 1 + len);
      p += 1 + len;
    } else if ((e & 0xe0) === 0xc0) {
      let u = ((e & 0x1f) << 8) | b[p + 1];
      if (u >= 4096) u -= 8192;
      s = String(u);
      p += 2;
    } else if ((e & 0xf0) === 0xe0) {
      const len = ((e & 0x0f) << 8) | b[p + 1];
      s = b.toString('latin1', p + 2, p + 2 + len);
      p += 2 + len;
    } else if (e === 0xf0) {
      const len = b.readUInt32LE(p + 1);
      s = b.toString('latin1', p + 5, p + 5 + len);
      p += 5 + len;
    } else if (e === 0xf1) {
      s = String(b.readInt16LE(p + 1));
      p += 3;
    } else if (e === 0xf2) {
      s = String(b.readIntLE(p + 1, 3));
      p += 4;
    } else if (e === 0xf3) {
      s = String(b.readInt32LE(p + 1));
      p += 5;
    } else if (e === 0xf4) {
      s = normInt(b.readBigInt64LE(p + 1));
      p += 9;
    } else bad('listpack entry encoding');
    if (p > end) bad('listpack entry overflow');
    p += backlenSize(p - start);
    if (p > end) bad('listpack backlen overflow');
    out.push(s);
  }
  if (declared !== 65535 && declared !== out.length) bad('listpack count');
  return out;
}

function normInt(v: bigint): string {
  return v.toString();
}

/** The entries of a ziplist blob (RDB 7-9 small encodings). */
export function decodeZiplist(b: Buffer): string[] {
  if (b.length < 11 || b.readUInt32LE(0) !== b.length || b[b.length - 1] !== 0xff) bad('ziplist header');
  const out: string[] = [];
  let p = 10;
  const end = b.length - 1;
  while (p < end) {
    p += b[p] < 254 ? 1 : 5; // prevlen
    const e = b[p];
    const hi = e >> 6;
    let s: string;
    if (hi === 0) {
      const len = e & 0x3f;
      s = b.toString('latin1', p + 1, p + 1 + len);
      p += 1 + len;
    } else if (hi === 1) {
      const len = ((e & 0x3f) << 8) | b[p + 1];
      s = b.toString('latin1', p + 2, p + 2 + len);
      p += 2 + len;
    } else if (e === 0x80) {
      const len = b.readUInt32BE(p + 1);
      s = b.toString('latin1', p + 5, p + 5 + len);
      p += 5 + len;
    } else if (e === 0xc0) {
      s = String(b.readInt16LE(p + 1));
      p += 3;
    } else if (e === 0xd0) {
      s = String(b.readInt32LE(p + 1));
      p += 5;
    } else if (e === 0xe0) {
      s = normInt(b.readBigInt64LE(p + 1));
      p += 9;
    } else if (e === 0xf0) {
      s = String(b.readIntLE(p + 1, 3));
      p += 4;
    } else if (e === 0xfe) {
      s = String(b.readInt8(p + 1));
      p += 2;
    } else if (e >= 0xf1 && e <= 0xfd) {
      s = String((e & 0x0f) - 1);
      p += 1;
    } else bad('ziplist entry encoding');
    if (p > end) bad('ziplist entry overflow');
    out.push(s);
  }
  return out;
}

/** Field/value pairs of a zipmap blob (RDB before 2.6 hashes). */
export function decodeZipmap(b: Buffer): string[] {
  const out: string[] = [];
  let p = 1;
  const readLen = (): number => {
    const l = b[p];
    if (l < 254) {
      p += 1;
      return l;
    }
    if (l === 254) {
      const v = b.readUInt32LE(p + 1);
      p += 5;
      return v;
    }
    return -1;
  };
  for (;;) {
    if (p >= b.length) bad('zipmap overflow');
    const klen = readLen();
    if (klen < 0) break;
    out.push(b.toString('latin1', p, p + klen));
    p += klen;
    const vlen = readLen();
    if (vlen < 0) bad('zipmap value');
    const free = b[p++];
    out.push(b.toString('latin1', p, p + vlen));
    p += vlen + free;
  }
  return out;
}

/** An intset blob (encoding width 2/4/8, count, sorted little-endian members). */
export function encodeIntset(sorted: ReadonlyArray<number | bigint>): Buffer {
  let width = 2;
  for (const v of sorted) {
    const w = v >= -32768 && v <= 32767 ? 2 : v >= -2147483648 && v <= 2147483647 ? 4 : 8;
    if (w > width) width = w;
  }
  const b = Buffer.allocUnsafe(8 + width * sorted.length);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(sorted.length, 4);
  let p = 8;
  for (const v of sorted) {
    if (width === 2) b.writeInt16LE(Number(v), p);
    else if (width === 4) b.writeInt32LE(Number(v), p);
    else b.writeBigInt64LE(BigInt(v), p);
    p += width;
  }
  return b;
}

/** The members of an intset blob as decimal strings. */
export function decodeIntset(b: Buffer): string[] {
  if (b.length < 8) bad('intset header');
  const width = b.readUInt32LE(0);
  const n = b.readUInt32LE(4);
  if ((width !== 2 && width !== 4 && width !== 8) || b.length !== 8 + width * n) bad('intset size');
  const out: string[] = new Array(n);
  for (let i = 0, p = 8; i < n; i++, p += width) {
    out[i] = width === 2 ? String(b.readInt16LE(p)) : width === 4 ? String(b.readInt32LE(p)) : normInt(b.readBigInt64LE(p));
  }
  return out;
}
