/**
 * Bitmap commands on string values: SETBIT GETBIT BITCOUNT BITPOS BITOP
 * BITFIELD BITFIELD_RO. The bit arithmetic is in src/types/bitops.ts.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import {
  ByteRope,
  Overflow,
  addSigned,
  addUnsigned,
  bitop as computeBitop,
  countRange,
  findBit,
  getBit,
  getSigned,
  getUnsigned,
  resolveRange,
  setBit,
  setBits,
  type BitOp,
  type ByteSource,
  type ByteRange,
} from '../types/bitops.js';
import { parseInt64 } from '../types/int64.js';
import { noteEncoding } from '../types/strings.js';
import { int64Arg, intArg, isWord } from './args.js';
import { getString } from './strings.js';
import type { CommandDef } from './table.js';

const OFFSET_ERR = 'ERR bit offset is not an integer or out of range';
const BIT_ERR = 'ERR bit is not an integer or out of range';
const TYPE_ERR = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** Node's longest string: a bitmap cannot grow past it (Redis would allow up to proto-max-bulk-len). */
const MAX_JS_STRING = 2 ** 29 - 24;

/** An argument as C's string functions see it: up to the first NUL byte. */
function cstr(a: string): string {
  const nul = a.indexOf('\0');
  return nul < 0 ? a : a.slice(0, nul);
}

/** strcasecmp(arg, lower) === 0 (stops at a NUL in the argument). */
function cword(a: string, lower: string): boolean {
  return cstr(a).toLowerCase() === lower;
}

/**
 * A bit offset argument: a non-negative int64 whose byte index stays below
 * proto-max-bulk-len. With `hashBits` > 0, "#n" means n * hashBits (BITFIELD).
 * Why the int64 wrap: Redis multiplies in 64-bit arithmetic, so a huge "#n"
 * wraps before the range check.
 */
function bitOffsetArg(c: Client, arg: string, hashBits = 0): number {
  let p = cstr(arg);
  const hash = hashBits > 0 && p.startsWith('#');
  if (hash) p = p.slice(1);
  const n = parseInt64(p);
  if (n === null) fail(OFFSET_ERR);
  let off = BigInt(n);
  if (hash) off = BigInt.asIntN(64, off * BigInt(hashBits));
  if (off < 0n || off >> 3n >= BigInt(c.server.config.int('proto-max-bulk-len'))) fail(OFFSET_ERR);
  return Number(off);
}

/** The string at key for a bit write (no hit/miss stats), undefined if missing; WRONGTYPE otherwise. */
function peekString(c: Client, key: string): string | undefined {
  const v = c.db.peek(key);
  if (v === undefined || typeof v === 'string') return v;
  fail(Err.wrongType);
}

/** Fails when a bitmap would need more bytes than a JS string holds. */
function checkLength(bytes: number): void {
  if (bytes > MAX_JS_STRING) fail(Err.stringTooLong);
}

/** Stores a bit command's result in place (TTL kept): Redis edits a private "raw" copy. */
function storeRaw(c: Client, key: string, v: string): void {
  c.db.set(key, v, true);
  noteEncoding(c.db, key, v, 'raw');
}

/** Byte access shared by a plain buffer and a ByteRope. */
interface Bytes {
  readonly length: number;
  byteAt(i: number): number;
  setByte(i: number, v: number): void;
}

/** Bytes over a Uint8Array (small values are edited as one buffer). */
class BufferBytes implements Bytes {
  constructor(readonly buf: Buffer) {}
  get length(): number {
    return this.buf.length;
  }
  byteAt(i: number): number {
    return i < this.buf.length ? this.buf[i] : 0;
  }
  setByte(i: number, v: number): void {
    this.buf[i] = v;
  }
}

/** Values at least this long are edited through a ByteRope. */
const ROPE_MIN = 65536;
/** Total bytes of the ropes kept between commands (least recently used dropped first). */
const ROPE_BUDGET = 256 * 1024 * 1024;
const ropes = new Map<string, ByteRope>();
let ropeBytes = 0;

/** Per-Database tags, so servers sharing this process never share ropes. */
const dbTags = new WeakMap<object, number>();
let nextDbTag = 0;

function ropeId(c: Client, key: string): string {
  let tag = dbTags.get(c.db);
  if (tag === undefined) dbTags.set(c.db, (tag = nextDbTag++));
  return `${tag}:${key}`;
}

/**
 * The rope of a big value, valid only while the keyspace still holds the
 * very string the rope produced (any other write to the key makes a new
 * string, so the rope is rebuilt from it). Why ropes at all: a JS string
 * cannot be edited in place, and copying a 100 MB bitmap for each SETBIT
 * would make an O(1) Redis command O(n).
 */
function cachedRope(c: Client, key: string, current: string): ByteRope | undefined {
  const id = ropeId(c, key);
  const rope = ropes.get(id);
  if (rope === undefined) return undefined;
  if (rope.value === current) return rope;
  dropRope(id, rope);
  return undefined;
}

/** The rope for a write to key (created from `current` if needed) and marked recently used. */
function ropeFor(c: Client, key: string, current: string): ByteRope {
  const id = ropeId(c, key);
  let rope = cachedRope(c, key, current);
  if (rope !== undefined) ropes.delete(id);
  else {
    rope = new ByteRope(current);
    ropeBytes += current.length;
  }
  ropes.set(id, rope);
  return rope;
}

function dropRope(id: string, rope: ByteRope): void {
  ropes.delete(id);
  ropeBytes -= rope.length;
}

/** After a rope grew: accounts its size and evicts the least recently used ropes over budget. */
function trimRopes(grownBy: number): void {
  ropeBytes += grownBy;
  for (const [id, rope] of ropes) {
    if (ropeBytes <= ROPE_BUDGET || ropes.size === 1) break;
    dropRope(id, rope);
  }
}

/** The bytes a bit write edits: a rope for big values, else a buffer copy. */
function writableBytes(c: Client, key: string, old: string, len: number): Bytes {
  if (len >= ROPE_MIN) {
    const rope = ropeFor(c, key, old);
    const before = rope.length;
    rope.grow(len);
    trimRopes(rope.length - before);
    return rope;
  }
  const buf = Buffer.alloc(len);
  buf.write(old, 'latin1');
  return new BufferBytes(buf);
}

/** The string value after an edit through writableBytes. */
function bytesValue(b: Bytes): string {
  return b instanceof ByteRope ? b.value : (b as BufferBytes).buf.toString('latin1');
}

// SETBIT key offset value
function setbit(c: Client, argv: string[]): void {
  const key = argv[1];
  const offset = bitOffsetArg(c, argv[2]);
  const on = intArg(argv[3], BIT_ERR);
  if (on !== 0 && on !== 1) fail(BIT_ERR);
  const old = peekString(c, key);
  const byte = Math.floor(offset / 8);
  checkLength(byte + 1);
  const rope = old === undefined ? undefined : cachedRope(c, key, old);
  const prev = old === undefined ? 0 : rope !== undefined ? (rope.byteAt(byte) >> (7 - (offset % 8))) & 1 : getBit(old, offset);
  // Why: Redis signals a change only if the key was created, grew, or the bit flipped.
  const dirty = old === undefined || old.length <= byte || prev !== on;
  if (dirty) {
    storeRaw(c, key, setBitValue(c, key, old ?? '', offset, on));
    c.server.keyChanged(c.db, key, '$', 'setbit');
    c.server.propagate(c.db.id, argv);
  } else noteEncoding(c.db, key, old, 'raw'); // unshared for writing all the same
  c.integer(prev);
}

/** The value with one bit set or cleared (through a rope for big values). */
function setBitValue(c: Client, key: string, old: string, offset: number, on: number): string {
  const byte = Math.floor(offset / 8);
  const len = Math.max(old.length, byte + 1);
  if (len < ROPE_MIN) return setBit(old, offset, on);
  const b = writableBytes(c, key, old, len);
  const mask = 1 << (7 - (offset % 8));
  const cur = b.byteAt(byte);
  b.setByte(byte, on ? cur | mask : cur & ~mask);
  return bytesValue(b);
}

// GETBIT key offset
function getbit(c: Client, argv: string[]): void {
  const key = argv[1];
  const offset = bitOffsetArg(c, argv[2]);
  const v = getString(c, key);
  if (v === undefined) return c.integer(0);
  // A rope answers without flattening the big string.
  const rope = v.length >= ROPE_MIN ? cachedRope(c, key, v) : undefined;
  if (rope !== undefined) c.integer((rope.byteAt(Math.floor(offset / 8)) >> (7 - (offset % 8))) & 1);
  else c.integer(getBit(v, offset));
}

/** BYTE | BIT unit argument (strcasecmp rules). */
function unitArg(a: string): boolean {
  if (cword(a, 'bit')) return true;
  if (cword(a, 'byte')) return false;
  fail(Err.syntax);
}

/**
 * Where a BITCOUNT/BITPOS range is read from: a big value's rope when the
 * range is a small part of it (reading the string itself would first copy
 * the whole rope into one flat string), else the string.
 */
function rangeSource(c: Client, key: string, v: string, r: ByteRange): ByteSource {
  if (v.length < ROPE_MIN || r.empty || (r.end - r.start + 1) * 4 > v.length) return v;
  return cachedRope(c, key, v) ?? v;
}

// BITCOUNT key [start end [BYTE | BIT]]
function bitcount(c: Client, argv: string[]): void {
  // The key is looked up first: a missing key answers 0 whatever the arguments.
  const v = getString(c, argv[1]);
  if (v === undefined) return c.integer(0);
  if (argv.length === 2) return c.integer(countRange(v, resolveRange(v.length, 0n, -1n, false)));
  if (argv.length > 5 || argv.length === 3) fail(Err.syntax);
  const start = BigInt(int64Arg(argv[2]));
  const end = BigInt(int64Arg(argv[3]));
  // Why: both negative with start > end is empty before clamping (clamping
  // could make it [0, 0]); Redis 7.0 answers 0 even before reading BYTE|BIT.
  if (start < 0n && end < 0n && start > end) return c.integer(0);
  const isBit = argv.length === 5 ? unitArg(argv[4]) : false;
  const range = resolveRange(v.length, start, end, isBit);
  c.integer(countRange(rangeSource(c, argv[1], v, range), range));
}

// BITPOS key bit [start [end [BYTE | BIT]]]
function bitpos(c: Client, argv: string[]): void {
  const bit = intArg(argv[2]);
  if (bit !== 0 && bit !== 1) fail('ERR The bit argument must be 1 or 0.');
  const v = getString(c, argv[1]);
  // A missing key is an endless run of zeros.
  if (v === undefined) return c.integer(bit ? -1 : 0);
  if (argv.length > 6) fail(Err.syntax);
  let range: ByteRange;
  let endGiven = false;
  if (argv.length === 3) range = resolveRange(v.length, 0n, -1n, false);
  else {
    const start = BigInt(int64Arg(argv[3]));
    const isBit = argv.length === 6 ? unitArg(argv[5]) : false;
    let end: bigint;
    if (argv.length >= 5) {
      end = BigInt(int64Arg(argv[4]));
      endGiven = true;
    } else end = isBit ? BigInt(v.length) * 8n + 7n : BigInt(v.length) - 1n;
    range = resolveRange(v.length, start, end, isBit);
  }
  const pos = findBit(rangeSource(c, argv[1], v, range), bit, range);
  if (pos >= 0 || bit === 1 || range.empty) return c.integer(pos);
  // Why: looking for a 0 without an explicit end, the string counts as
  // zero-padded on the right, so the answer is the first bit past the range.
  c.integer(endGiven ? -1 : (range.end + 1) * 8);
}

const BITOPS: Record<string, BitOp> = { AND: 'and', OR: 'or', XOR: 'xor', NOT: 'not' };

// BITOP AND | OR | XOR | NOT destkey key [key ...]
function bitopCommand(c: Client, argv: string[]): void {
  const name = argv[1].toUpperCase();
  const op = Object.hasOwn(BITOPS, name) && isWord(argv[1], name) ? BITOPS[name] : undefined;
  if (op === undefined) fail(Err.syntax);
  if (op === 'not' && argv.length !== 4) fail('ERR BITOP NOT must be called with a single source key.');
  const srcs: Array<string | undefined> = [];
  for (let i = 3; i < argv.length; i++) srcs.push(getString(c, argv[i]));
  const result = computeBitop(op, srcs);
  const db = c.db;
  const dest = argv[2];
  if (result.length > 0) {
    db.set(dest, result);
    noteEncoding(db, dest, result, 'raw');
    c.server.keyChanged(db, dest, '$', 'set');
    c.server.propagate(db.id, argv);
  } else if (db.delete(dest)) {
    // An empty result deletes the destination.
    c.server.keyChanged(db, dest, 'g', 'del');
    c.server.propagate(db.id, argv);
  }
  c.integer(result.length);
}

const enum FieldOp {
  GET,
  SET,
  INCRBY,
}

/** One parsed BITFIELD operation. */
interface FieldCommand {
  op: FieldOp;
  signed: boolean;
  bits: number;
  offset: number;
  arg: bigint;
  ow: Overflow;
}

/** i1..i64 or u1..u63 (the prefix letter is case-sensitive in Redis). */
function fieldTypeArg(a: string): { signed: boolean; bits: number } {
  const signed = a.startsWith('i');
  if (!signed && !a.startsWith('u')) fail(TYPE_ERR);
  const n = parseInt64(cstr(a.slice(1)));
  if (n === null || n < 1 || n > (signed ? 64 : 63)) fail(TYPE_ERR);
  return { signed, bits: Number(n) };
}

/** Parses all BITFIELD operations (errors before anything is touched). */
function parseFieldOps(c: Client, argv: string[]): FieldCommand[] {
  const ops: FieldCommand[] = [];
  let ow = Overflow.WRAP;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = argv[j];
    let op: FieldOp;
    if (cword(sub, 'get') && rem >= 2) op = FieldOp.GET;
    else if (cword(sub, 'set') && rem >= 3) op = FieldOp.SET;
    else if (cword(sub, 'incrby') && rem >= 3) op = FieldOp.INCRBY;
    else if (cword(sub, 'overflow') && rem >= 1) {
      const t = argv[++j];
      if (cword(t, 'wrap')) ow = Overflow.WRAP;
      else if (cword(t, 'sat')) ow = Overflow.SAT;
      else if (cword(t, 'fail')) ow = Overflow.FAIL;
      else fail('ERR Invalid OVERFLOW type specified');
      continue;
    } else fail(Err.syntax);
    const { signed, bits } = fieldTypeArg(argv[j + 1]);
    const offset = bitOffsetArg(c, argv[j + 2], bits);
    const arg = op === FieldOp.GET ? 0n : BigInt(int64Arg(argv[j + 3]));
    ops.push({ op, signed, bits, offset, arg, ow });
    j += op === FieldOp.GET ? 2 : 3;
  }
  return ops;
}

/** The (up to) 9 bytes holding a field: enough for 64 bits at any bit alignment. */
function fieldWindow(s: string | Bytes | undefined, byte: number): Uint8Array {
  const buf = new Uint8Array(9);
  if (s === undefined) return buf;
  for (let i = 0; i < 9 && byte + i < s.length; i++) buf[i] = typeof s === 'string' ? s.charCodeAt(byte + i) : s.byteAt(byte + i);
  return buf;
}

/** Reads a field (bits past the end read as 0). */
function readField(s: string | Bytes | undefined, f: FieldCommand): bigint {
  const byte = Math.floor(f.offset / 8);
  const win = fieldWindow(s, byte);
  const rel = f.offset - byte * 8;
  return f.signed ? getSigned(win, rel, f.bits) : getUnsigned(win, rel, f.bits);
}

/** Applies a SET/INCRBY; returns the reply value or null (FAIL overflow). */
/** Applies one SET/INCRBY: [its reply, whether the field's value changed], or null when OVERFLOW FAIL refused it. */
function writeField(dst: Bytes, f: FieldCommand): [bigint, boolean] | null {
  const byte = Math.floor(f.offset / 8);
  const rel = f.offset - byte * 8;
  const win = fieldWindow(dst, byte);
  const old = f.signed ? getSigned(win, rel, f.bits) : getUnsigned(win, rel, f.bits);
  const add = f.signed ? addSigned : addUnsigned;
  let next: bigint | null;
  if (f.op === FieldOp.INCRBY) next = add(old, f.arg, f.bits, f.ow);
  // SET checks the new value against the type's range like an increment of 0
  // (unsigned: the argument is reinterpreted as uint64).
  else next = add(f.signed ? f.arg : BigInt.asUintN(64, f.arg), 0n, f.bits, f.ow);
  if (next === null) return null;
  setBits(win, rel, f.bits, next);
  for (let i = 0; i < 9 && byte + i < dst.length; i++) if (win[i] !== dst.byteAt(byte + i)) dst.setByte(byte + i, win[i]);
  return [f.op === FieldOp.INCRBY ? next : old, next !== old];
}

/** BITFIELD and BITFIELD_RO. */
function bitfieldGeneric(c: Client, argv: string[], readOnly: boolean): void {
  const key = argv[1];
  const ops = parseFieldOps(c, argv);
  let highest = -1;
  for (const f of ops) if (f.op !== FieldOp.GET && f.offset + f.bits - 1 > highest) highest = f.offset + f.bits - 1;
  if (highest < 0) {
    const v = getString(c, key);
    const src = v !== undefined && v.length >= ROPE_MIN ? (cachedRope(c, key, v) ?? v) : v;
    c.array(ops.length);
    for (const f of ops) c.integer(readField(src, f));
    return;
  }
  if (readOnly) fail('ERR BITFIELD_RO only supports the GET subcommand');
  const existing = peekString(c, key);
  const old = existing ?? '';
  const len = Math.max(old.length, Math.floor(highest / 8) + 1);
  // Why: Redis 7.0 counts a write only if it changed the field's value, or
  // if the string was created or grown (then every write counts).
  const grown = existing === undefined || len > old.length;
  checkLength(len);
  const bytes = writableBytes(c, key, old, len);
  c.array(ops.length);
  let changes = 0;
  for (const f of ops) {
    if (f.op === FieldOp.GET) {
      c.integer(readField(bytes, f));
      continue;
    }
    const r = writeField(bytes, f);
    if (r === null) {
      c.nil();
      continue;
    }
    c.integer(r[0]);
    if (grown || r[1]) changes++;
  }
  // Why: the key is created or grown even when OVERFLOW FAIL refused every
  // write, but then Redis 7.0 signals, notifies and propagates nothing.
  storeRaw(c, key, bytesValue(bytes));
  if (changes === 0) return;
  c.server.keyChanged(c.db, key, '$', 'setbit');
  c.server.propagate(c.db.id, argv, changes);
}

// BITFIELD key [GET encoding offset | [OVERFLOW WRAP | SAT | FAIL] SET encoding offset value | INCRBY encoding offset increment ...]
function bitfield(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, false);
}

// BITFIELD_RO key [GET encoding offset ...]
function bitfieldRo(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, true);
}

export const bitmapCommands: CommandDef[] = [
  { name: 'setbit', handler: setbit },
  { name: 'getbit', handler: getbit },
  { name: 'bitcount', handler: bitcount },
  { name: 'bitpos', handler: bitpos },
  { name: 'bitop', handler: bitopCommand },
  { name: 'bitfield', handler: bitfield },
  { name: 'bitfield_ro', handler: bitfieldRo },
];
