/**
 * LZF compression, bit-compatible with the liblzf build Redis uses for RDB
 * strings (HLOG 16, VERY_FAST): same hash, same match rules, so the output
 * (and its length, which DEBUG OBJECT reports) is identical to Redis's.
 *
 * Format: a literal run is a byte L (0..31) followed by L+1 literal bytes; a
 * back reference is (len-2) in the top 3 bits and the high 5 bits of the
 * offset-1, an extra length byte when len-2 >= 7, then the low offset byte.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** The hash-table slot of the 3 bytes whose value (b0<<16|b1<<8|b2) is `h`. */
function slotOf(h: number): number {
  return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
}

/**
 * Index of the first mismatch after the 3 known-equal bytes, capped at
 * `maxlen`. Like liblzf's unrolled loop, when more than 16 bytes remain the
 * first 16 are compared without the cap, so a match running to the input's
 * end may be 1-2 bytes longer than the cap.
 */
function matchEnd(input: Uint8Array, ref: number, ip: number, maxlen: number): number {
  let len = 2;
  if (maxlen > 16) {
    for (let k = 0; k < 16; k++) {
      len++;
      if (input[ref + len] !== input[ip + len]) return len;
    }
  }
  do len++;
  while (len < maxlen && input[ref + len] === input[ip + len]);
  return len;
}

/**
 * Compresses `input` into at most `maxOut` bytes; returns null when the
 * result would not fit (Redis then stores the string uncompressed).
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Uint8Array | null {
  const n = input.length;
  if (n < 1) return null;
  const out = new Uint8Array(maxOut + 8);
  const htab = new Int32Array(HSIZE).fill(-1);
  let ip = 0;
  let op = 1; // byte 0 will hold the first literal run's length
  let lit = 0;
  let hval = (input[0] << 8) | input[1];
  const setSlot = (at: number) => {
    hval = ((hval << 8) | input[at + 2]) & 0xffffff;
    htab[slotOf(hval)] = at;
  };
  while (ip < n - 2) {
    hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
    const slot = slotOf(hval);
    const ref = htab[slot];
    htab[slot] = ip;
    const off = ip - ref - 1;
    // A match needs a previous position (never offset 0 of the input) within reach.
    if (ref > 0 && off < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
      let len = 2;
      const maxlen = Math.min(n - ip - len, MAX_REF);
      if (op - (lit === 0 ? 1 : 0) + 3 + 1 >= maxOut) return null;
      out[op - lit - 1] = lit - 1;
      if (lit === 0) op--;
      len = matchEnd(input, ref, ip, maxlen);
      len -= 2;
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++;
      ip += len + 1;
      if (ip >= n - 2) break;
      // Re-hash the two positions before the new one, as VERY_FAST does.
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      setSlot(ip);
      ip++;
      setSlot(ip);
      ip++;
    } else {
      if (op >= maxOut) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > maxOut) return null;
  while (ip < n) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.subarray(0, op);
}
