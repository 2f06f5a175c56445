/**
 * LZF decompression (the inverse of types/lzf.ts): a control byte below 32
 * starts a run of ctrl+1 literal bytes; otherwise its top 3 bits are the
 * match length - 2 (7 means an extra length byte follows), its low 5 bits
 * and the next byte the back-reference offset - 1.
 */
import { RdbFormatError } from './listpack.js';

/** Decompresses `input` into exactly `outLen` bytes; throws RdbFormatError on corrupt data. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer {
  const out = Buffer.allocUnsafe(outLen);
  let ip = 0;
  let op = 0;
  const n = input.length;
  while (ip < n) {
    let ctrl = input[ip++];
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > n) throw new RdbFormatError('lzf literal overflow');
      out.set(input.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= n) throw new RdbFormatError('lzf truncated');
        len += input[ip++];
      }
      if (ip >= n) throw new RdbFormatError('lzf truncated');
      ref -= input[ip++];
      len += 2;
      if (op + len > outLen || ref < 0) throw new RdbFormatError('lzf reference overflow');
      for (let k = 0; k < len; k++) out[op++] = out[ref++];
    }
  }
  if (op !== outLen) throw new RdbFormatError('lzf length mismatch');
  return out;
}
