/**
 * SORT and SORT_RO over lists, sets and sorted sets: BY (weights from other
 * keys or hash fields, or no sorting when the pattern has no '*'), GET,
 * LIMIT, ASC|DESC, ALPHA and STORE (the result becomes a list), with Redis
 * 7.0's order of checks, tie-breaking and error texts.
 */
import { Err, fail } from '../errors.js';
import type { Client } from '../net/client.js';
import type { HashValue } from '../types/hash.js';
import { ListValue } from '../types/list.js';
import type { SetValue } from '../types/set.js';
import { pqsort } from '../types/pqsort.js';
import type { ZSet } from '../types/zset.js';
import { parseDouble } from './args.js';
import { parseInt64 } from '../types/int64.js';
import type { CommandDef } from './table.js';

interface SortArgs {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  store: string | null;
  by: string | null;
  /** BY without '*': keep the source's own order. */
  dontSort: boolean;
  gets: string[];
}

/** One element being sorted, with its weight (numeric) or comparison string (ALPHA with BY). */
interface Item {
  v: string;
  score: number;
  cmp: string | null;
}

const LONG_MAX = 2 ** 63 - 1;

/** A LIMIT bound: a C long (64 bits). */
function longArg(s: string): number {
  const n = parseInt64(s);
  if (n === null) fail(Err.notInteger);
  // Why: values beyond 2^53 behave the same once clamped to the element count.
  return Number(n);
}

/** Parses SORT's options (errors before the key is looked up, as in Redis). */
function parseSort(argv: string[], readonly: boolean): SortArgs {
  const a: SortArgs = { desc: false, alpha: false, limitStart: 0, limitCount: -1, store: null, by: null, dontSort: false, gets: [] };
  for (let j = 2; j < argv.length; j++) {
    const w = argv[j].toUpperCase();
    const left = argv.length - j - 1;
    if (w === 'ASC') a.desc = false;
    else if (w === 'DESC') a.desc = true;
    else if (w === 'ALPHA') a.alpha = true;
    else if (w === 'LIMIT' && left >= 2) {
      a.limitStart = longArg(argv[j + 1]);
      a.limitCount = longArg(argv[j + 2]);
      j += 2;
    } else if (!readonly && w === 'STORE' && left >= 1) {
      a.store = argv[++j];
    } else if (w === 'BY' && left >= 1) {
      a.by = argv[++j];
      a.dontSort = !cString(a.by).includes('*');
    } else if (w === 'GET' && left >= 1) {
      a.gets.push(argv[++j]);
    } else fail(Err.syntax);
  }
  return a;
}

/** The part of `s` a C string function sees (up to the first NUL byte). */
function cString(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/**
 * Resolves a BY/GET pattern for element `v`: "#" is the element itself; the
 * first '*' is replaced by `v`; "key->field" reads a hash field. Undefined
 * when the pattern has no '*', the key is missing, or has the wrong type.
 */
function lookupPattern(c: Client, pattern: string, v: string): string | undefined {
  if (pattern.charCodeAt(0) === 35 && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return v; // '#'
  const cs = cString(pattern);
  const star = cs.indexOf('*');
  if (star < 0) return undefined;
  const arrow = cs.indexOf('->', star + 1);
  // Why: "->" at the very end is not a field reference (the key keeps it).
  const hasField = arrow >= 0 && arrow + 2 < cs.length;
  const field = hasField ? pattern.slice(arrow + 2) : null;
  const keyEnd = hasField ? arrow : pattern.length;
  const key = pattern.slice(0, star) + v + pattern.slice(star + 1, keyEnd);
  const o = c.db.get(key);
  if (o === undefined) return undefined;
  if (field !== null) return typeof o !== 'string' && o.type === 'hash' ? (o as HashValue).get(field) : undefined;
  return typeof o === 'string' ? o : undefined;
}

/**
 * C strtod over a whole string as SORT applies it: leading whitespace
 * allowed, nothing may follow, NaN and ERANGE (overflow, underflow) rejected;
 * an empty string is 0 (strtod consumes nothing and the end is reached).
 */
function sortWeight(s: string): number | null {
  if (s.length === 0) return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (t.length === 0) return null;
  const d = parseDouble(t);
  if (d === null || Number.isNaN(d)) return null;
  if (!Number.isFinite(d) && !/inf/i.test(t)) return null;
  if (d === 0 && /[1-9]/.test(mantissa(t))) return null;
  return d;
}

function mantissa(s: string): string {
  const lower = s.toLowerCase();
  if (lower.includes('x')) {
    const p = lower.indexOf('p');
    return (p < 0 ? lower : lower.slice(0, p)).replace(/^[+-]?0x/, '');
  }
  const e = lower.indexOf('e');
  return e < 0 ? lower : lower.slice(0, e);
}

/** Binary comparison (memcmp, then length), as compareStringObjects. */
function binaryCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Redis's sortCompare for the options in force. */
function comparator(a: SortArgs): (x: Item, y: Item) => number {
  const dir = a.desc ? -1 : 1;
  if (!a.alpha) {
    // Why: equal weights fall back to comparing the elements, so the order is deterministic.
    return (x, y) => dir * (x.score > y.score ? 1 : x.score < y.score ? -1 : binaryCompare(x.v, y.v));
  }
  // `cmp` holds the comparison key, prepared by collationKeys().
  return (x, y) => {
    if (x.cmp === null || y.cmp === null) return dir * (x.cmp === y.cmp ? 0 : x.cmp === null ? -1 : 1);
    return dir * binaryCompare(x.cmp, y.cmp);
  };
}

/**
 * ALPHA comparison keys: the BY value (missing ones stay null) or the
 * element. Why cut at NUL: without STORE Redis compares with strcoll (C
 * locale), which stops at the first NUL byte; with STORE it compares bytes.
 */
function collationKeys(items: Item[], a: SortArgs): void {
  const store = a.store !== null;
  for (const it of items) {
    const k = a.by !== null ? it.cmp : it.v;
    it.cmp = k === null ? null : store ? k : cString(k);
  }
}

/** [start, end] of the output after Redis's LIMIT clamping, for `len` elements. */
function limitRange(a: SortArgs, len: number): [number, number] {
  let start = a.limitStart < 0 ? 0 : a.limitStart;
  let end = a.limitCount < 0 ? len - 1 : Math.min(start + a.limitCount - 1, LONG_MAX);
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  return [start, end];
}

type Source = ListValue | SetValue | ZSet;

/**
 * The elements to output, in order, before GET: the source's own order
 * for BY-without-'*' (lists and zsets honour DESC and LIMIT directly), else
 * sorted. Returns null when a weight is not a number.
 */
function sortedElements(c: Client, src: Source, a: SortArgs): string[] | null {
  const len = src.type === 'list' ? src.length : src.size;
  const [start, end] = limitRange(a, len);
  if (a.dontSort && src.type !== 'set') {
    if (end < start) return [];
    return src.type === 'list' ? listSlice(src, start, end, a.desc) : zsetSlice(src, start, end, a.desc);
  }
  const items: Item[] = [];
  const push = (v: string): void => {
    items.push({ v, score: 0, cmp: null });
  };
  if (src.type === 'list') src.scan(0, false, push);
  else if (src.type === 'set') for (const m of src.members()) push(m);
  else src.forEach(push);
  if (!a.dontSort && !weigh(c, items, a)) return null;
  if (!a.dontSort) {
    if (a.alpha) collationKeys(items, a);
    // Why: Redis uses its partial quicksort when BY is given and LIMIT cuts the output (ties then
    // follow that algorithm), else glibc's qsort, a stable merge sort.
    if (a.by !== null && (start !== 0 || end !== items.length - 1)) pqsort(items, comparator(a), start, end);
    else items.sort(comparator(a));
  }
  const out: string[] = [];
  for (let j = start; j <= end; j++) out.push(items[j].v);
  return out;
}

/** Loads weights; false if one is not a valid number (numeric sort). */
function weigh(c: Client, items: Item[], a: SortArgs): boolean {
  let ok = true;
  for (const it of items) {
    const w = a.by !== null ? lookupPattern(c, a.by, it.v) : it.v;
    if (w === undefined) continue;
    if (a.alpha) {
      if (a.by !== null) it.cmp = w;
      continue;
    }
    const d = sortWeight(w);
    if (d === null) ok = false;
    else it.score = d;
  }
  return ok;
}

function listSlice(l: ListValue, start: number, end: number, desc: boolean): string[] {
  const out: string[] = [];
  const n = end - start + 1;
  l.scan(desc ? l.length - start - 1 : start, desc, (v) => out.push(v) >= n);
  return out;
}

function zsetSlice(z: ZSet, start: number, end: number, desc: boolean): string[] {
  const out: string[] = [];
  const n = end - start + 1;
  z.walk(desc ? z.size - 1 - start : start, n, desc, (m) => {
    out.push(m);
  });
  return out;
}

/** SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination] */
function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  const a = parseSort(argv, readonly);
  const v = c.db.get(argv[1]);
  if (v !== undefined && (typeof v === 'string' || (v.type !== 'list' && v.type !== 'set' && v.type !== 'zset'))) fail(Err.wrongType);
  const src: Source = v === undefined ? new ListValue() : (v as Source);
  // Why: an unsorted set's order is the hash table's; STORE must be deterministic, so Redis sorts it (ALPHA).
  if (a.dontSort && src.type === 'set' && a.store !== null) {
    a.dontSort = false;
    a.alpha = true;
    a.by = null;
  }
  // Why: Redis converts a listpack sorted set to a skiplist for SORT, for good.
  if (src.type === 'zset') src.toSkiplist();
  const elems = sortedElements(c, src, a);
  if (elems === null) fail("ERR One or more scores can't be converted into double");
  if (a.store === null) return replySorted(c, elems, a.gets);
  storeSorted(c, argv, a.store, elems, a.gets);
}

function replySorted(c: Client, elems: string[], gets: string[]): void {
  c.array(gets.length ? gets.length * elems.length : elems.length);
  for (const e of elems) {
    if (gets.length === 0) c.bulk(e);
    for (const g of gets) {
      const x = lookupPattern(c, g, e);
      if (x === undefined) c.nil();
      else c.bulk(x);
    }
  }
}

function storeSorted(c: Client, argv: string[], dst: string, elems: string[], gets: string[]): void {
  const out: string[] = [];
  for (const e of elems) {
    if (gets.length === 0) out.push(e);
    // Why: a missing GET value is stored as an empty string.
    for (const g of gets) out.push(lookupPattern(c, g, e) ?? '');
  }
  const db = c.db;
  if (out.length !== 0) {
    db.set(dst, ListValue.fromArray(out));
    c.server.keyChanged(db, dst, 'l', 'sortstore');
    c.server.blocking.signalReady(db, dst);
    // One change per element stored (a deleted destination is one).
    c.server.propagate(db.id, argv, out.length);
  } else if (db.delete(dst)) {
    c.server.keyChanged(db, dst, 'g', 'del');
    c.server.propagate(db.id, argv);
  }
  c.integer(out.length);
}

export const sortCommands: CommandDef[] = [
  { name: 'sort', handler: (c, argv) => sortGeneric(c, argv, false) },
  { name: 'sort_ro', handler: (c, argv) => sortGeneric(c, argv, true) },
];
