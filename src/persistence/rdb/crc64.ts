/**
 * CRC-64 as Redis computes it for RDB files and DUMP payloads: the "Jones"
 * polynomial (0xad93d23594c935a9), reflected input and output, initial value
 * 0, no final xor. Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca.
 *
 * The 64-bit register is kept as two 32-bit halves so the inner loop stays in
 * small integers (no BigInt per byte). Eight bytes are folded per step with
 * eight tables ("slicing-by-8", as Redis's crcspeed does): table k maps a
 * byte to its effect after k more zero bytes, so the eight lookups are
 * independent instead of a chain of eight dependent ones.
 */

/** The reflected polynomial, split into halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const EMPTY = new Uint32Array(0);

/** Table k (k = 0..7) at [k * 256 + byte]. */
const T_HI = new Uint32Array(8 * 256);
const T_LO = new Uint32Array(8 * 256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let k = 0; k < 8; k++) {
    const bit = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (bit) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  T_HI[i] = hi;
  T_LO[i] = lo;
}
for (let k = 1; k < 8; k++) {
  for (let i = 0; i < 256; i++) {
    const hi = T_HI[(k - 1) * 256 + i];
    const lo = T_LO[(k - 1) * 256 + i];
    const idx = lo & 0xff;
    T_LO[k * 256 + i] = (((lo >>> 8) | (hi << 24)) ^ T_LO[idx]) >>> 0;
    T_HI[k * 256 + i] = ((hi >>> 8) ^ T_HI[idx]) >>> 0;
  }
}

/** A running CRC-64 (feed bytes in any number of pieces). */
export class Crc64 {
  hi = 0;
  lo = 0;

  /** Folds `buf[from..to)` into the checksum. */
  update(buf: Uint8Array, from = 0, to = buf.length): void {
    let hi = this.hi;
    let lo = this.lo;
    let i = from;
    // Bytes one at a time up to a 4-byte boundary, then 8 at a time through a 32-bit view (little-endian hosts).
    for (; i < to && ((buf.byteOffset + i) & 3) !== 0; i++) {
      const idx = (lo ^ buf[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ T_LO[idx];
      hi = (hi >>> 8) ^ T_HI[idx];
    }
    const words = LITTLE_ENDIAN && to - i >= 8 ? new Uint32Array(buf.buffer, buf.byteOffset + i, (to - i) >>> 2) : EMPTY;
    for (let w = 0; w < words.length - 1; w += 2, i += 8) {
      const a = lo ^ words[w];
      const b = hi ^ words[w + 1];
      lo =
        T_LO[0x700 + (a & 0xff)] ^
        T_LO[0x600 + ((a >>> 8) & 0xff)] ^
        T_LO[0x500 + ((a >>> 16) & 0xff)] ^
        T_LO[0x400 + (a >>> 24)] ^
        T_LO[0x300 + (b & 0xff)] ^
        T_LO[0x200 + ((b >>> 8) & 0xff)] ^
        T_LO[0x100 + ((b >>> 16) & 0xff)] ^
        T_LO[b >>> 24];
      hi =
        T_HI[0x700 + (a & 0xff)] ^
        T_HI[0x600 + ((a >>> 8) & 0xff)] ^
        T_HI[0x500 + ((a >>> 16) & 0xff)] ^
        T_HI[0x400 + (a >>> 24)] ^
        T_HI[0x300 + (b & 0xff)] ^
        T_HI[0x200 + ((b >>> 8) & 0xff)] ^
        T_HI[0x100 + ((b >>> 16) & 0xff)] ^
        T_HI[b >>> 24];
    }
    for (; i < to; i++) {
      const idx = (lo ^ buf[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ T_LO[idx];
      hi = (hi >>> 8) ^ T_HI[idx];
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
  }

  /** The checksum as Redis stores it: 8 bytes, little-endian. */
  bytes(): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32LE(this.lo >>> 0, 0);
    b.writeUInt32LE(this.hi >>> 0, 4);
    return b;
  }

  /** The checksum as a bigint (tests, diagnostics). */
  value(): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
  }
}

/** CRC-64 of `buf[from..to)`. */
export function crc64(buf: Uint8Array, from = 0, to = buf.length): Crc64 {
  const c = new Crc64();
  c.update(buf, from, to);
  return c;
}
