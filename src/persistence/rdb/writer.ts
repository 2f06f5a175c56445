/**
 * A growable byte buffer with RDB's primitive encodings: lengths (6/14/32/64
 * bits), strings (integer-encoded, LZF-compressed or raw), little-endian
 * numbers. Strings are latin1 JS strings (one char per byte).
 */
import { lzfCompress } from '../../types/lzf.js';
import { parseInt64 } from '../../types/int64.js';

/** Special string encodings: the two top bits of a length byte are 11. */
export const ENC_INT8 = 0;
export const ENC_INT16 = 1;
export const ENC_INT32 = 2;
export const ENC_LZF = 3;

export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = Buffer.allocUnsafe(size);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  byte(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Raw latin1 characters, no length prefix. */
  latin1(s: string): void {
    this.ensure(s.length);
    this.pos += this.buf.write(s, this.pos, s.length, 'latin1');
  }

  u16le(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  u32le(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  i64le(v: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt(v), this.pos);
    this.pos += 8;
  }

  f64le(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** RDB length: 00xxxxxx, 01xxxxxx xxxxxxxx, 0x80 + u32 BE, 0x81 + u64 BE. */
  len(n: number): void {
    this.ensure(9);
    const b = this.buf;
    if (n < 64) b[this.pos++] = n;
    else if (n < 16384) {
      b[this.pos++] = 0x40 | (n >> 8);
      b[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.pos++] = 0x80;
      b.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      b[this.pos++] = 0x81;
      b.writeBigUInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    }
  }

  /**
   * An RDB string as Redis writes it: up to 11 chars that are an int64's
   * canonical text and fit 32 bits become an int (1, 2 or 4 bytes); with
   * `compress`, more than 20 bytes are LZF-compressed when that saves at
   * least 4 bytes; otherwise length + bytes.
   */
  str(s: string, compress: boolean): void {
    const n = s.length;
    if (n <= 11 && n > 0 && this.tryInt(s)) return;
    if (compress && n > 20 && this.tryLzf(s)) return;
    this.len(n);
    this.latin1(s);
  }

  /** A string known not to be an integer (or where int encoding is not wanted). */
  rawStr(s: string, compress: boolean): void {
    if (compress && s.length > 20 && this.tryLzf(s)) return;
    this.len(s.length);
    this.latin1(s);
  }

  /** A byte blob as an RDB string (listpacks, intsets), compressed like str(). */
  blob(b: Buffer, compress: boolean): void {
    if (compress && b.length > 20) {
      const z = lzfCompress(b, b.length - 4);
      if (z !== null) {
        this.lzfHeader(z.length, b.length);
        this.bytes(z);
        return;
      }
    }
    this.len(b.length);
    this.bytes(b);
  }

  private tryInt(s: string): boolean {
    const v = parseInt64(s);
    if (v === null || typeof v === 'bigint') return false;
    this.ensure(5);
    const b = this.buf;
    if (v >= -128 && v <= 127) {
      b[this.pos++] = 0xc0 | ENC_INT8;
      b.writeInt8(v, this.pos);
      this.pos += 1;
    } else if (v >= -32768 && v <= 32767) {
      b[this.pos++] = 0xc0 | ENC_INT16;
      b.writeInt16LE(v, this.pos);
      this.pos += 2;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[this.pos++] = 0xc0 | ENC_INT32;
      b.writeInt32LE(v, this.pos);
      this.pos += 4;
    } else return false;
    return true;
  }

  private tryLzf(s: string): boolean {
    const raw = Buffer.from(s, 'latin1');
    const z = lzfCompress(raw, raw.length - 4);
    if (z === null) return false;
    this.lzfHeader(z.length, raw.length);
    this.bytes(z);
    return true;
  }

  private lzfHeader(clen: number, rawLen: number): void {
    this.byte(0xc0 | ENC_LZF);
    this.len(clen);
    this.len(rawLen);
  }

  /** The bytes written so far (a view, not a copy). */
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Forgets the content, keeping the allocation. */
  reset(): void {
    this.pos = 0;
  }
}
