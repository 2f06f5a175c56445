/**
 * HyperLogLog values in Redis's own byte format, so that GET of an HLL key
 * returns the same bytes Redis would and RESTORE/replication data is
 * interchangeable. No RESP here; commands are in src/commands/hyperloglog.ts.
 *
 * Format (a plain string value):
 *   header, 16 bytes: "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes,
 *     8 bytes of cached cardinality, little-endian; the top bit of the last
 *     byte set means "cache invalid".
 *   dense body: 16384 registers of 6 bits, packed least-significant bit first
 *     (register i starts at bit 6*i), 12288 bytes.
 *   sparse body: opcodes run-length encoding the registers:
 *     00xxxxxx          ZERO: xxxxxx+1 registers (1..64) are 0
 *     01xxxxxx yyyyyyyy XZERO: the 14-bit value+1 registers (1..16384) are 0
 *     1vvvvvxx          VAL: xx+1 registers (1..4) hold vvvvv+1 (1..32)
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19); the low 14 bits
 * pick the register, the run of zero bits above them (plus one) is the value.
 */

export const HLL_REGISTERS = 16384;
const P = 14;
const HDR = 16;
const DENSE_BYTES = (HLL_REGISTERS * 6) / 8;
/** Length of a dense HLL string. */
export const HLL_DENSE_SIZE = HDR + DENSE_BYTES;
const SPARSE_VAL_MAX = 32;
const SPARSE_VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
const ENC_DENSE = 0;
const ENC_SPARSE = 1;

// ---- MurmurHash64A on 32-bit halves -------------------------------------

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** Low 64 bits of (hi:lo) * (M_HI:M_LO), written to OUT. */
function mulM(hi: number, lo: number): void {
  // lo * M_LO as a full 64-bit product, from 16-bit pieces (each exact in a double).
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const b0 = M_LO & 0xffff;
  const b1 = M_LO >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (mid % 65536) * 65536;
  const carry = Math.floor(low / 4294967296);
  const high = a1 * b1 + Math.floor(mid / 65536) + carry;
  OUT_LO = low >>> 0;
  OUT_HI = (high + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
}

let OUT_HI = 0;
let OUT_LO = 0;

/** (hi:lo) ^= (hi:lo) >>> 47, written to OUT. */
function xorShift47(hi: number, lo: number): void {
  OUT_LO = (lo ^ (hi >>> 15)) >>> 0;
  OUT_HI = hi >>> 0;
}

/**
 * MurmurHash64A of the latin1 bytes of s (little-endian block reads, as
 * Redis uses it); returns [high 32 bits, low 32 bits].
 */
export function murmurHash64A(s: string, seed: number): [number, number] {
  const len = s.length;
  // h = seed ^ (len * m)
  mulM(Math.floor(len / 4294967296), len >>> 0);
  let hi = OUT_HI; // the seed fits in 32 bits: the high half is unchanged
  let lo = (OUT_LO ^ seed) >>> 0;
  const blocks = len - (len % 8);
  for (let i = 0; i < blocks; i += 8) {
    const klo = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
    const khi = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24)) >>> 0;
    mulM(khi, klo);
    xorShift47(OUT_HI, OUT_LO);
    mulM(OUT_HI, OUT_LO);
    hi = (hi ^ OUT_HI) >>> 0;
    lo = (lo ^ OUT_LO) >>> 0;
    mulM(hi, lo);
    hi = OUT_HI;
    lo = OUT_LO;
  }
  const rest = len - blocks;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const byte = s.charCodeAt(blocks + j);
      if (j >= 4) hi = (hi ^ (byte << (8 * (j - 4)))) >>> 0;
      else lo = (lo ^ (byte << (8 * j))) >>> 0;
    }
    mulM(hi, lo);
    hi = OUT_HI;
    lo = OUT_LO;
  }
  xorShift47(hi, lo);
  mulM(OUT_HI, OUT_LO);
  xorShift47(OUT_HI, OUT_LO);
  return [OUT_HI, OUT_LO];
}

/** Register index and value (1..51) of an element. */
export function hashElement(ele: string): { index: number; count: number } {
  const [hi, lo] = murmurHash64A(ele, 0xadc83b19);
  const index = lo & (HLL_REGISTERS - 1);
  const above = lo >>> P; // hash bits 14..31
  let zeros: number;
  if (above !== 0) zeros = 31 - Math.clz32(above & -above);
  else if (hi !== 0) zeros = 18 + 31 - Math.clz32(hi & -hi);
  else zeros = 64 - P; // a sentinel bit above the 50 usable ones ends the run
  return { index, count: zeros + 1 };
}

// ---- the mutable form -------------------------------------------------------

/** An HLL opened for reading or modification. */
export interface Hll {
  header: Uint8Array;
  /** Sparse opcodes (body bytes), or null when dense. */
  sparse: number[] | null;
  /** Dense register bytes (plus one slack byte), or null when sparse. */
  dense: Uint8Array | null;
}

/** Why a string is not an HLL: Redis checks the magic, the encoding byte and the dense size. */
export function isHllString(s: string): boolean {
  if (s.length < HDR || !s.startsWith('HYLL')) return false;
  const enc = s.charCodeAt(4);
  if (enc > ENC_SPARSE) return false;
  return enc !== ENC_DENSE || s.length === HLL_DENSE_SIZE;
}

/** A fresh empty HLL: sparse, one XZERO covering all registers, cache valid (0). */
export function emptyHll(): Hll {
  const header = new Uint8Array(HDR);
  header.set([0x48, 0x59, 0x4c, 0x4c, ENC_SPARSE]);
  const n = HLL_REGISTERS - 1;
  return { header, sparse: [0x40 | (n >> 8), n & 0xff], dense: null };
}

/** Opens an HLL string (which must pass isHllString). */
export function openHll(s: string): Hll {
  const header = new Uint8Array(HDR);
  for (let i = 0; i < HDR; i++) header[i] = s.charCodeAt(i);
  if (header[4] === ENC_SPARSE) {
    const sparse = new Array<number>(s.length - HDR);
    for (let i = HDR; i < s.length; i++) sparse[i - HDR] = s.charCodeAt(i);
    return { header, sparse, dense: null };
  }
  const dense = new Uint8Array(DENSE_BYTES + 1);
  dense.set(Buffer.from(s.slice(HDR), 'latin1'));
  return { header, sparse: null, dense };
}

/** The string form of an HLL. */
export function hllToString(h: Hll): string {
  const head = Buffer.from(h.header).toString('latin1');
  if (h.dense !== null) return head + Buffer.from(h.dense.buffer, h.dense.byteOffset, DENSE_BYTES).toString('latin1');
  return head + Buffer.from(h.sparse!).toString('latin1');
}

/** Whether the HLL is sparse. */
export function isSparse(h: Hll): boolean {
  return h.dense === null;
}

/** Marks the cached cardinality as stale. */
export function invalidateCache(h: Hll): void {
  h.header[15] |= 0x80;
}

/** The cached cardinality of an HLL string, or null if the cache is stale. */
export function cachedCardinality(s: string): bigint | null {
  if (s.charCodeAt(15) & 0x80) return null;
  let v = 0n;
  for (let i = 15; i >= 8; i--) v = (v << 8n) | BigInt(s.charCodeAt(i));
  return v;
}

/** `s` with its header caching cardinality `card` (valid). */
export function withCachedCardinality(s: string, card: number): string {
  let bytes = '';
  let v = BigInt(card);
  for (let i = 0; i < 8; i++) {
    bytes += String.fromCharCode(Number(v & 0xffn));
    v >>= 8n;
  }
  return s.slice(0, 8) + bytes + s.slice(HDR);
}

// ---- dense registers --------------------------------------------------------

/** Register i of a dense body. */
export function denseGet(d: Uint8Array, i: number): number {
  const bit = i * 6;
  const b = bit >> 3;
  const fb = bit & 7;
  return ((d[b] >> fb) | (d[b + 1] << (8 - fb))) & 63;
}

function denseWrite(d: Uint8Array, i: number, v: number): void {
  const bit = i * 6;
  const b = bit >> 3;
  const fb = bit & 7;
  d[b] = (d[b] & ~(63 << fb)) | (v << fb);
  d[b + 1] = (d[b + 1] & ~(63 >> (8 - fb))) | (v >> (8 - fb));
}

/**
 * Whether adding `ele` would raise a register of the dense HLL string `s`,
 * read without copying it (PFADD's common no-change case stays cheap).
 */
export function denseStringWouldChange(s: string, ele: string): boolean {
  const { index, count } = hashElement(ele);
  const bit = index * 6;
  const b = HDR + (bit >> 3);
  const fb = bit & 7;
  const next = b + 1 < s.length ? s.charCodeAt(b + 1) : 0;
  return (((s.charCodeAt(b) >> fb) | (next << (8 - fb))) & 63) < count;
}

/** Whether an HLL string is dense. */
export function isDenseString(s: string): boolean {
  return s.charCodeAt(4) === ENC_DENSE;
}

/** Raises register i to v if higher; true if it changed. */
export function denseSet(d: Uint8Array, i: number, v: number): boolean {
  if (denseGet(d, i) >= v) return false;
  denseWrite(d, i, v);
  return true;
}

// ---- sparse opcodes ---------------------------------------------------------

const isZeroOp = (op: number): boolean => (op & 0xc0) === 0;
const isXzeroOp = (op: number): boolean => (op & 0xc0) === 0x40;
const valOp = (v: number, len: number): number => 0x80 | ((v - 1) << 2) | (len - 1);
const valValue = (op: number): number => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number): number => (op & 3) + 1;

/** Registers covered by the opcode at p. */
function opSpan(b: readonly number[], p: number): number {
  const op = b[p];
  if (isZeroOp(op)) return (op & 0x3f) + 1;
  if (isXzeroOp(op)) return (((op & 0x3f) << 8) | (b[p + 1] ?? 0)) + 1;
  return valLen(op);
}

const opLength = (op: number): number => (isXzeroOp(op) ? 2 : 1);

/** Appends the opcode(s) for a run of `len` zero registers (ZERO up to 64, else XZERO). */
function pushZeros(seq: number[], len: number): void {
  if (len > ZERO_MAX_LEN) seq.push(0x40 | ((len - 1) >> 8), (len - 1) & 0xff);
  else seq.push(len - 1);
}

/**
 * Visits every run of the sparse body in order: fn(first register, length,
 * value). Returns false if the runs do not cover exactly 16384 registers
 * (a run overflowing the end stops the walk, as Redis does).
 */
function forEachRun(b: readonly number[], fn: (first: number, len: number, value: number) => void): boolean {
  let idx = 0;
  for (let p = 0; p < b.length; p += opLength(b[p])) {
    const len = opSpan(b, p);
    if (idx + len > HLL_REGISTERS) return false;
    fn(idx, len, isZeroOp(b[p]) || isXzeroOp(b[p]) ? 0 : valValue(b[p]));
    idx += len;
  }
  return idx === HLL_REGISTERS;
}

/** Converts a sparse HLL to dense in place (header kept); false if corrupted. */
export function toDense(h: Hll): boolean {
  if (h.sparse === null) return true;
  const d = new Uint8Array(DENSE_BYTES + 1);
  const ok = forEachRun(h.sparse, (first, len, v) => {
    if (v !== 0) for (let i = 0; i < len; i++) denseWrite(d, first + i, v);
  });
  if (!ok) return false;
  h.header[4] = ENC_DENSE;
  h.sparse = null;
  h.dense = d;
  return true;
}

/** Sparse-to-dense promotion followed by the register update that needed it. */
function promote(h: Hll, index: number, count: number): number {
  if (!toDense(h)) return -1;
  denseSet(h.dense!, index, count);
  return 1;
}

/**
 * Raises register `index` to `count` in a sparse HLL, promoting it to dense
 * when the value does not fit a VAL opcode or the string would grow past
 * maxBytes (hll-sparse-max-bytes). Returns 1 if changed, 0 if not, -1 when
 * the sparse data is corrupted. The opcode sequence written is the one Redis
 * writes (split the run into at most three opcodes, then merge neighbouring
 * equal VAL runs), so the bytes match.
 */
export function sparseSet(h: Hll, index: number, count: number, maxBytes: number): number {
  if (count > SPARSE_VAL_MAX) return promote(h, index, count);
  const b = h.sparse!;
  let p = 0;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < b.length) {
    span = opSpan(b, p);
    if (index <= first + span - 1) break;
    prev = p;
    p += opLength(b[p]);
    first += span;
  }
  if (span === 0 || p >= b.length) return -1;
  const op = b[p];
  const isVal = !isZeroOp(op) && !isXzeroOp(op);
  if (isVal && valValue(op) >= count) return 0;
  if ((isVal || isZeroOp(op)) && span === 1) {
    b[p] = valOp(count, 1);
    return mergeVals(h, b, prev);
  }
  const seq: number[] = [];
  const last = first + span - 1;
  if (isVal) {
    const cur = valValue(op);
    if (index !== first) seq.push(valOp(cur, index - first));
    seq.push(valOp(count, 1));
    if (index !== last) seq.push(valOp(cur, last - index));
  } else {
    if (index !== first) pushZeros(seq, index - first);
    seq.push(valOp(count, 1));
    if (index !== last) pushZeros(seq, last - index);
  }
  const oldLen = opLength(op);
  const delta = seq.length - oldLen;
  if (delta > 0 && HDR + b.length + delta > maxBytes) return promote(h, index, count);
  const newLength = b.length + delta;
  b.splice(p, oldLen, ...seq);
  // Why: a corrupted body can end with half an XZERO; Redis still grows the
  // string by (new - old opcode length), so the last byte written is lost.
  b.length = newLength;
  return mergeVals(h, b, prev);
}

/**
 * After an update, merges adjacent VAL opcodes of equal value (when the
 * joint run fits one opcode), looking at up to 5 opcodes from the one
 * before the change; invalidates the cache.
 */
function mergeVals(h: Hll, b: number[], prev: number): number {
  let p = prev >= 0 ? prev : 0;
  let budget = 5;
  while (p < b.length && budget-- > 0) {
    const op = b[p];
    if (isXzeroOp(op)) {
      p += 2;
      continue;
    }
    if (isZeroOp(op)) {
      p++;
      continue;
    }
    if (p + 1 < b.length && !isZeroOp(b[p + 1]) && !isXzeroOp(b[p + 1])) {
      const next = b[p + 1];
      const len = valLen(op) + valLen(next);
      if (valValue(op) === valValue(next) && len <= SPARSE_VAL_MAX_LEN) {
        b[p + 1] = valOp(valValue(op), len);
        b.splice(p, 1);
        continue; // try to merge the joint run with its right neighbour too
      }
    }
    p++;
  }
  invalidateCache(h);
  return 1;
}

/** Adds an element: 1 if a register changed, 0 if not, -1 if the HLL is corrupted. */
export function hllAdd(h: Hll, ele: string, sparseMaxBytes: number): number {
  const { index, count } = hashElement(ele);
  if (h.dense !== null) return denseSet(h.dense, index, count) ? 1 : 0;
  return sparseSet(h, index, count, sparseMaxBytes);
}

/** Raises each register of `max` (16384 bytes) to the HLL's; false if corrupted. */
export function mergeInto(max: Uint8Array, h: Hll): boolean {
  if (h.dense !== null) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(h.dense, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  return forEachRun(h.sparse!, (first, len, v) => {
    for (let i = first; i < first + len; i++) if (v > max[i]) max[i] = v;
  });
}

// ---- the estimator ------------------------------------------------------------

/** Histogram of register values (64 slots), or null if the HLL is corrupted. */
export function histogram(h: Hll): number[] | null {
  const histo = new Array<number>(64).fill(0);
  if (h.dense !== null) {
    for (let i = 0; i < HLL_REGISTERS; i++) histo[denseGet(h.dense, i)]++;
    return histo;
  }
  const ok = forEachRun(h.sparse!, (_first, len, v) => {
    histo[v] += len;
  });
  return ok ? histo : null;
}

/** Histogram of a merged register array (one byte per register). */
export function rawHistogram(regs: Uint8Array): number[] {
  const histo = new Array<number>(64).fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[regs[i] & 63]++;
  return histo;
}

/** Ertl's sigma(x) = x + sum_k x^(2^k) 2^(k-1), summed until it stops changing. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let before: number;
  do {
    x *= x;
    before = z;
    z += x * y;
    y += y;
  } while (before !== z);
  return z;
}

/** Ertl's tau(x), summed until it stops changing. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let before: number;
  do {
    x = Math.sqrt(x);
    before = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (before !== z);
  return z / 3;
}

/**
 * The cardinality estimate from a register histogram: Ertl's improved raw
 * estimator (no bias tables), as Redis 5+ computes it, rounded to nearest.
 */
export function estimate(histo: readonly number[]): number {
  const m = HLL_REGISTERS;
  const q = 64 - P;
  let z = m * tau((m - histo[q + 1]) / m);
  for (let j = q; j >= 1; j--) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  const alphaInf = 0.721347520444481703680; // 1 / (2 ln 2)
  return Math.round((alphaInf * m * m) / z);
}

// ---- self test (PFSELFTEST) -----------------------------------------------------

/**
 * Checks the representation's invariants: every dense register keeps the
 * value written without disturbing its neighbours, and the sparse and dense
 * forms of the same elements hold the same registers and estimate. Returns
 * null on success, else a description of the first failure.
 */
export function selfTest(): string | null {
  const d = new Uint8Array(DENSE_BYTES + 1);
  const expect = new Uint8Array(HLL_REGISTERS);
  let seed = 12345;
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      expect[i] = (seed >>> 16) & 63;
      denseWrite(d, i, expect[i]);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) if (denseGet(d, i) !== expect[i]) return `Register error at ${i}`;
  }
  const sparse = emptyHll();
  const dense = emptyHll();
  toDense(dense);
  for (let i = 0; i < 5000; i++) {
    hllAdd(sparse, `selftest:${i}`, Number.MAX_SAFE_INTEGER);
    hllAdd(dense, `selftest:${i}`, 0);
    if (i % 500 !== 499) continue;
    const a = histogram(sparse);
    const b = histogram(dense);
    if (a === null || b === null || a.some((v, j) => v !== b[j])) return `Sparse and dense registers differ after ${i + 1} elements`;
  }
  return null;
}
