/**
 * HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG. Values are plain
 * strings in Redis's HLL byte format (src/types/hyperloglog.ts), so GET,
 * DUMP and friends see exactly what Redis would store.
 */
import { Err, fail, sanitize } from '../errors.js';
import type { Client } from '../net/client.js';
import {
  HLL_REGISTERS,
  cachedCardinality,
  denseGet,
  denseSet,
  denseStringWouldChange,
  emptyHll,
  estimate,
  histogram,
  hllAdd,
  hllToString,
  invalidateCache,
  isDenseString,
  isHllString,
  isSparse,
  mergeInto,
  openHll,
  rawHistogram,
  selfTest,
  sparseSet,
  toDense,
  withCachedCardinality,
  type Hll,
} from '../types/hyperloglog.js';
import { noteEncoding } from '../types/strings.js';
import type { CommandDef } from './table.js';

const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const CORRUPTED = 'INVALIDOBJ Corrupted HLL object detected';

/** The HLL string at key (read or write lookup), undefined if missing; WRONGTYPE for non-HLL values. */
function lookupHll(c: Client, key: string, write: boolean): string | undefined {
  const v = write ? c.db.peek(key) : c.db.get(key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail(Err.wrongType);
  if (!isHllString(v)) fail(NOT_HLL);
  return v;
}

/** Stores an HLL back in place (TTL kept); Redis keeps HLLs as "raw" strings. */
function storeHll(c: Client, key: string, s: string): void {
  c.db.set(key, s, true);
  noteEncoding(c.db, key, s, 'raw');
}

function sparseMaxBytes(c: Client): number {
  return c.server.config.int('hll-sparse-max-bytes');
}

// PFADD key [element [element ...]]
function pfadd(c: Client, argv: string[]): void {
  const key = argv[1];
  const old = lookupHll(c, key, true);
  if (old !== undefined && isDenseString(old) && !anyDenseChange(old, argv)) {
    noteEncoding(c.db, key, old, 'raw'); // unshared for writing all the same
    return c.integer(0);
  }
  const h = old === undefined ? emptyHll() : openHll(old);
  let updated = old === undefined ? 1 : 0;
  const max = sparseMaxBytes(c);
  for (let i = 2; i < argv.length; i++) {
    const r = hllAdd(h, argv[i], max);
    if (r < 0) {
      // Why: Redis edits the value in place, so elements added before the corruption was found stay.
      if (updated > 0) storeHll(c, key, hllToString(h));
      fail(CORRUPTED);
    }
    updated += r;
  }
  if (updated > 0) {
    invalidateCache(h);
    storeHll(c, key, hllToString(h));
    c.server.keyChanged(c.db, key, '$', 'pfadd');
    // One change per register raised, plus one for a new key.
    c.server.propagate(c.db.id, argv, updated);
  } else noteEncoding(c.db, key, old!, 'raw'); // unshared for writing all the same
  c.integer(updated > 0 ? 1 : 0);
}

/** Whether any element would raise a register of a dense HLL (read-only check). */
function anyDenseChange(s: string, argv: string[]): boolean {
  for (let i = 2; i < argv.length; i++) if (denseStringWouldChange(s, argv[i])) return true;
  return false;
}

// PFCOUNT key [key ...]
function pfcount(c: Client, argv: string[]): void {
  if (argv.length > 2) return pfcountMany(c, argv);
  const key = argv[1];
  const s = lookupHll(c, key, false);
  if (s === undefined) return c.integer(0);
  const cached = cachedCardinality(s);
  if (cached !== null) {
    noteEncoding(c.db, key, s, 'raw'); // Redis unshares the value before reading the cache
    return c.integer(cached);
  }
  const histo = histogram(openHll(s));
  if (histo === null) fail(CORRUPTED);
  const card = estimate(histo);
  // Why: PFCOUNT writes the estimate into the header cache, a change of the
  // value that WATCH sees and that is propagated (PFCOUNT is "may-replicate").
  storeHll(c, key, withCachedCardinality(s, card));
  c.server.keyChanged(c.db, key, '', '');
  c.server.propagate(c.db.id, argv);
  c.integer(card);
}

/** PFCOUNT of several keys: the estimate of their union, nothing cached. */
function pfcountMany(c: Client, argv: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  for (let i = 1; i < argv.length; i++) {
    const s = lookupHll(c, argv[i], false);
    if (s === undefined) continue;
    if (!mergeInto(max, openHll(s))) fail(CORRUPTED);
  }
  c.integer(estimate(rawHistogram(max)));
}

// PFMERGE destkey [sourcekey [sourcekey ...]]
function pfmerge(c: Client, argv: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  // The destination is one of the sources.
  for (let i = 1; i < argv.length; i++) {
    const s = lookupHll(c, argv[i], false);
    if (s === undefined) continue;
    const h = openHll(s);
    if (!isSparse(h)) useDense = true;
    if (!mergeInto(max, h)) fail(CORRUPTED);
  }
  const key = argv[1];
  const old = lookupHll(c, key, true);
  const dest = old === undefined ? emptyHll() : openHll(old);
  // Any dense input makes the destination dense.
  if (useDense && !toDense(dest)) fail(CORRUPTED);
  writeRegisters(dest, max, sparseMaxBytes(c));
  invalidateCache(dest);
  storeHll(c, key, hllToString(dest));
  c.server.keyChanged(c.db, key, '$', 'pfadd');
  c.server.propagate(c.db.id, argv);
  c.ok();
}

/**
 * Raises the destination's registers to `max`, in register order and one at
 * a time like Redis (a sparse destination may turn dense midway, and the
 * order decides the sparse opcodes written).
 */
function writeRegisters(dest: Hll, max: Uint8Array, maxBytes: number): void {
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (max[i] === 0) continue;
    if (dest.dense !== null) denseSet(dest.dense, i, max[i]);
    else if (sparseSet(dest, i, max[i], maxBytes) < 0) fail(CORRUPTED);
  }
}

// PFDEBUG subcommand key
function pfdebug(c: Client, argv: string[]): void {
  const sub = argv[1];
  const key = argv[2];
  const s = lookupHll(c, key, true);
  if (s === undefined) fail('ERR The specified key does not exist');
  const cmd = sub.toLowerCase();
  const known = cmd === 'getreg' || cmd === 'decode' || cmd === 'encoding' || cmd === 'todense';
  if (!known) fail(sanitize(`ERR Unknown PFDEBUG subcommand '${cstr(sub)}'`));
  if (argv.length !== 3) fail(sanitize(`ERR Wrong number of arguments for the '${cstr(sub)}' subcommand`));
  // Redis unshares the value for writing whatever the subcommand.
  noteEncoding(c.db, key, s, 'raw');
  const h = openHll(s);
  if (cmd === 'encoding') return c.simple(isSparse(h) ? 'sparse' : 'dense');
  if (cmd === 'decode') {
    if (!isSparse(h)) fail('ERR HLL encoding is not sparse');
    return c.bulk(decodeSparse(h.sparse!));
  }
  const converted = isSparse(h);
  if (converted) {
    if (!toDense(h)) fail(CORRUPTED);
    storeHll(c, key, hllToString(h));
    c.server.propagate(c.db.id, argv);
  }
  if (cmd === 'todense') return c.integer(converted ? 1 : 0);
  c.array(HLL_REGISTERS);
  for (let i = 0; i < HLL_REGISTERS; i++) c.integer(denseGet(h.dense!, i));
}

// PFSELFTEST
function pfselftest(c: Client): void {
  const failure = selfTest();
  if (failure !== null) fail(`TESTFAILED ${failure}`);
  c.ok();
}

/** An argument as C's %s prints it: up to the first NUL. */
function cstr(a: string): string {
  const nul = a.indexOf('\0');
  return nul < 0 ? a : a.slice(0, nul);
}

/** PFDEBUG DECODE's text: "z:<len>" "Z:<len>" "v:<value>,<len>" separated by spaces. */
function decodeSparse(b: readonly number[]): string {
  const parts: string[] = [];
  for (let p = 0; p < b.length; p++) {
    const op = b[p];
    if ((op & 0xc0) === 0) parts.push(`z:${(op & 0x3f) + 1}`);
    else if ((op & 0xc0) === 0x40) parts.push(`Z:${(((op & 0x3f) << 8) | (b[++p] ?? 0)) + 1}`);
    else parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
  }
  return parts.join(' ');
}

export const hyperloglogCommands: CommandDef[] = [
  { name: 'pfadd', handler: pfadd },
  { name: 'pfcount', handler: pfcount },
  { name: 'pfmerge', handler: pfmerge },
  { name: 'pfdebug', handler: pfdebug },
  { name: 'pfselftest', handler: pfselftest },
];
