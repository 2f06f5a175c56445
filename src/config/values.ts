/**
 * Parsing and normalising directive values the way Redis 7.0 does, with its
 * exact reason texts (the part after "CONFIG SET failed ... - " and the last
 * line of a fatal config-file error). Each parser returns the canonical text
 * CONFIG GET shows, or throws ConfigError.
 */
import fs from 'node:fs';
import path from 'node:path';
import { splitArgs } from '../protocol/request-parser.js';
import type { Directive } from './directives.js';

/** A rejected value; the message is Redis's reason text. */
export class ConfigError extends Error {}

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;

const UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n ** 2n,
  mb: 1024n ** 2n,
  g: 1000n ** 3n,
  gb: 1024n ** 3n,
};

/**
 * Parses a memory value like Redis's memtoull: digits then an optional unit
 * (b k kb m mb g gb, any case). Returns null when malformed.
 */
export function parseMemory(s: string): bigint | null {
  // Quirks kept from memtoull: "" and a bare unit are 0, leading zeros are
  // fine, a number past 2^64-1 saturates, and the multiplication wraps.
  const m = /^([0-9]*)(.*)$/.exec(s)!;
  const mult = UNITS[m[2].toLowerCase()];
  if (mult === undefined || m[1].length >= 128) return null;
  let v = m[1] === '' ? 0n : BigInt(m[1]);
  if (v > U64_MAX) v = U64_MAX;
  return (v * mult) & U64_MAX;
}

/** Parses an integer like Redis's string2ll (no '+', no leading zeros, no spaces, int64 range). */
export function parseStrictInt(s: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const v = BigInt(s);
  return v > I64_MAX || v < -I64_MAX - 1n ? null : v;
}

function checkRange(dir: Directive, v: bigint, show: (n: bigint) => string = String): void {
  if ((dir.min !== undefined && v < dir.min) || (dir.max !== undefined && v > dir.max)) {
    throw new ConfigError(`argument must be between ${show(dir.min!)} and ${show(dir.max!)} inclusive`);
  }
}

/** Validates `value` for `dir` and returns the text CONFIG GET shows. `current` is the value in force. */
export function normalizeValue(dir: Directive, value: string, current: string, runtime = false): string {
  const v = parseByType(dir, value, current);
  const after = AFTER_PARSE[dir.name];
  const checked = after === undefined ? v : after(v);
  const apply = runtime ? ON_APPLY[dir.name] : undefined;
  return apply === undefined ? checked : apply(checked);
}

/*
 * Checks and adjustments Redis makes when it applies a parsed value (its
 * "apply" functions and setters), keyed by directive.
 */
const TLS_ERROR = 'Unable to update TLS configuration. Check server logs.';
const AFTER_PARSE: Record<string, (v: string) => string> = {
  // Redis accepts any non-negative hz but clamps what it stores (and shows) to 1..500.
  hz: (v) => String(Math.min(500, Math.max(1, Number(v)))),
  // The replication backlog never gets smaller than 16kb.
  'repl-backlog-size': (v) => (BigInt(v) < 16384n ? '16384' : v),
  // "relative" is another name for "yes"; Redis shows the first name of a value.
  'oom-score-adj': (v) => (v === 'relative' ? 'yes' : v),
  'cluster-announce-hostname': (v) => {
    if (!/^[A-Za-z0-9.-]*$/.test(v)) throw new ConfigError('Hostnames may only contain alphanumeric characters, hyphens or dots');
    return v;
  },
  'proc-title-template': (v) => {
    if (!validTitleTemplate(v)) throw new ConfigError('template format is invalid or contains unknown variables');
    return v;
  },
  appenddirname: (v) => {
    if (v === '') throw new ConfigError("appenddirname can't be empty");
    if (v.includes('/')) throw new ConfigError("appenddirname can't be a path, just a dirname");
    return v;
  },
  appendfilename: (v) => {
    if (v === '') throw new ConfigError("appendfilename can't be empty");
    if (v.includes('/')) throw new ConfigError("appendfilename can't be a path, just a filename");
    return v;
  },
};

/** Checks Redis makes only when CONFIG SET applies a value (not while reading the config file). */
const ON_APPLY: Record<string, (v: string) => string> = {
  // respite has no TLS: turning it on fails as on a Redis whose TLS set-up cannot load.
  'tls-port': (v) => {
    if (v !== '0') throw new ConfigError(TLS_ERROR);
    return v;
  },
  'tls-cluster': (v) => {
    if (v === 'yes') throw new ConfigError(TLS_ERROR);
    return v;
  },
  'tls-replication': (v) => {
    if (v === 'yes') throw new ConfigError(TLS_ERROR);
    return v;
  },
};

const TITLE_VARS = new Set(['title', 'listen-addr', 'server-mode', 'port', 'tls-port', 'unixsocket', 'config-file']);

/**
 * proc-title-template: only known {variables}, and the expansion with an
 * empty title must not be blank (so "{title}" alone is refused, as in Redis).
 */
function validTitleTemplate(t: string): boolean {
  let expanded = '';
  for (let i = 0; i < t.length; i++) {
    if (t[i] !== '{') {
      if (t[i] === '}') return false;
      expanded += t[i];
      continue;
    }
    const end = t.indexOf('}', i);
    if (end < 0) return false;
    const name = t.slice(i + 1, end);
    if (!TITLE_VARS.has(name)) return false;
    // Variables that may expand to nothing on a standalone server without those settings.
    if (name === 'listen-addr' || name === 'port' || name === 'tls-port') expanded += 'x';
    i = end;
  }
  return expanded.trim() !== '';
}

function parseByType(dir: Directive, value: string, current: string): string {
  switch (dir.type) {
    case 'bool': {
      const v = value.toLowerCase();
      if (v !== 'yes' && v !== 'no') throw new ConfigError("argument must be 'yes' or 'no'");
      return v;
    }
    case 'int': {
      const v = parseStrictInt(value);
      if (v === null) throw new ConfigError("argument couldn't be parsed into an integer");
      checkRange(dir, v);
      return String(v);
    }
    case 'octal': {
      // strtol quirk: an empty value reads as 0.
      if (value === '') return '0';
      if (!/^-?[0-7]+$/.test(value)) throw new ConfigError("argument couldn't be parsed as an octal number");
      const v = BigInt(parseInt(value, 8));
      // Redis prints the range of an octal directive in octal too ("0 and 777").
      checkRange(dir, v, (n) => n.toString(8));
      return v.toString(8);
    }
    case 'memory': {
      const v = parseMemory(value);
      if (v === null) throw new ConfigError('argument must be a memory value');
      checkRange(dir, v);
      return String(v);
    }
    case 'percent':
      return normalizePercent(dir, value);
    case 'enum': {
      const v = value.toLowerCase();
      if (!dir.enumValues!.includes(v)) throw new ConfigError(`argument(s) must be one of the following: ${dir.enumValues!.join(', ')}`);
      return v;
    }
    case 'string':
      return value;
    case 'special': {
      const fn = SPECIAL[dir.name];
      return fn === undefined ? value : fn(value, current);
    }
  }
}

/** maxmemory-clients: a memory value or "N%" of maxmemory (N <= 100). */
function normalizePercent(dir: Directive, value: string): string {
  if (value.endsWith('%')) {
    const n = parseStrictInt(value.slice(0, -1));
    if (n === null || n < 0n) throw new ConfigError('argument must be a memory or percent value');
    if (n > 100n) throw new ConfigError('percentage argument must be less or equal to 100');
    // Redis stores a percentage as a negative number, so "0%" reads back as plain 0.
    return n === 0n ? '0' : `${n}%`;
  }
  const v = parseMemory(value);
  if (v === null) throw new ConfigError('argument must be a memory or percent value');
  if (v > I64_MAX) {
    // Redis keeps the value in a signed 64-bit integer where negative means a
    // percentage: a byte count past 2^63 wraps around and is read as one.
    const pct = (1n << 64n) - v;
    if (pct > 100n) throw new ConfigError('percentage argument must be less or equal to 100');
    return `${pct}%`;
  }
  checkRange(dir, v);
  return String(v);
}

type SpecialParser = (value: string, current: string) => string;

function words(value: string): string[] | null {
  return splitArgs(value);
}

/** save: pairs "<seconds> <changes>" (seconds >= 1, changes >= 0), or "" for none. */
export function normalizeSave(value: string): string {
  // Only the empty string means "no snapshots"; blanks alone are an error.
  if (value === '') return '';
  const w = words(value);
  if (w === null || w.length === 0 || w.length % 2 !== 0) throw new ConfigError('Invalid save parameters');
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) {
    const n = /^-?[0-9]+$/.test(w[i]) ? BigInt(w[i]) : null;
    if (n === null || (i % 2 === 0 ? n < 1n : n < 0n)) throw new ConfigError('Invalid save parameters');
    out.push(String(n));
  }
  return out.join(' ');
}

const OBUF_CLASSES: Record<string, number> = { normal: 0, replica: 1, slave: 1, pubsub: 2 };
const OBUF_NAMES = ['normal', 'slave', 'pubsub'];

/** client-output-buffer-limit: groups "<class> <hard> <soft> <seconds>" merged into the current limits. */
function normalizeObufLimit(value: string, current: string): string {
  const w = words(value);
  if (w === null || w.length % 4 !== 0) throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
  const cur = current.split(' ');
  const limits = [0, 1, 2].map((i) => cur.slice(i * 4 + 1, i * 4 + 4));
  for (let i = 0; i < w.length; i += 4) {
    const cls = OBUF_CLASSES[w[i].toLowerCase()];
    if (cls === undefined) throw new ConfigError('Invalid client class specified in buffer limit configuration.');
    const hard = parseMemory(w[i + 1]);
    const soft = parseMemory(w[i + 2]);
    const secs = /^[0-9]+$/.test(w[i + 3]) ? BigInt(w[i + 3]) : null;
    if (hard === null || soft === null || secs === null) {
      throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    limits[cls] = [String(hard), String(soft), String(secs)];
  }
  return limits.map((l, i) => `${OBUF_NAMES[i]} ${l.join(' ')}`).join(' ');
}

const EVENT_FLAGS = 'g$lshzxetdnKEm';
/** The letters "A" stands for (every event class except n, K, E, m). */
const ALL_EVENTS = 'g$lshzxetd';

/** notify-keyspace-events: flag letters, shown in Redis's canonical order. */
export function normalizeEvents(value: string): string {
  const set = new Set<string>();
  for (const ch of value) {
    if (ch === 'A') for (const a of ALL_EVENTS) set.add(a);
    else if (EVENT_FLAGS.includes(ch)) set.add(ch);
    else throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  let out = '';
  if ([...ALL_EVENTS].every((a) => set.has(a))) {
    out = set.has('n') ? 'An' : 'A';
  } else {
    for (const a of 'g$lshzxetdn') if (set.has(a)) out += a;
  }
  for (const a of 'KEm') if (set.has(a)) out += a;
  return out;
}

/**
 * The text CONFIG GET and CONFIG REWRITE show for a stored value. Only
 * notify-keyspace-events differs: with every class set Redis prints "A" and
 * leaves out "n" although new-key events stay enabled (the stored value
 * keeps the "n" so the notifier still sees it).
 */
export function displayValue(name: string, stored: string): string {
  return name === 'notify-keyspace-events' && stored.startsWith('An') ? 'A' + stored.slice(2) : stored;
}

/** bind: one or more addresses (an optional leading '-' marks an address that may fail). */
function normalizeBind(value: string): string {
  const w = words(value);
  if (w === null) throw new ConfigError('Failed to bind to specified addresses.');
  if (w.length > 16) throw new ConfigError('Too many bind addresses specified.');
  return w.join(' ');
}

/** dir: an existing directory; CONFIG GET shows its absolute path (Redis chdir()s and prints getcwd()). */
function normalizeDir(value: string): string {
  try {
    const st = fs.statSync(value);
    if (!st.isDirectory()) throw new ConfigError('Not a directory');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(strerror((e as NodeJS.ErrnoException).code));
  }
  return path.resolve(value);
}

/** The C library's text for common errno codes (what Redis prints). */
export function strerror(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'EROFS':
      return 'Read-only file system';
    default:
      return code ?? 'Unknown error';
  }
}

/** oom-score-adj-values: three integers in -2000..2000. */
function normalizeOomValues(value: string): string {
  const w = words(value) ?? [];
  if (w.length !== 3) throw new ConfigError('wrong number of arguments');
  for (const x of w) {
    const n = parseStrictInt(x);
    if (n === null || n < -2000n || n > 2000n) {
      throw new ConfigError('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
    }
  }
  return w.map((x) => String(BigInt(x))).join(' ');
}

/** latency-tracking-info-percentiles: numbers in [0, 100]. */
function normalizePercentiles(value: string): string {
  const w = words(value);
  if (w === null) throw new ConfigError('Invalid latency-tracking-info-percentiles parameters');
  const out: string[] = [];
  for (const x of w) {
    const n = x.trim() === '' ? NaN : Number(x);
    if (!Number.isFinite(n)) throw new ConfigError('Invalid latency-tracking-info-percentiles parameters');
    if (n < 0 || n > 100) throw new ConfigError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
    out.push(String(n));
  }
  return out.join(' ');
}

/** replicaof: "<host> <port>" or "no one" (no replication yet: accepted, shown, no effect). */
function normalizeReplicaof(value: string): string {
  const w = words(value) ?? [];
  if (w.length !== 2) throw new ConfigError('wrong number of arguments');
  if (w[0].toLowerCase() === 'no' && w[1].toLowerCase() === 'one') return '';
  const port = parseStrictInt(w[1]);
  if (port === null || port < 0n || port > 65535n) throw new ConfigError('Invalid master port');
  return `${w[0]} ${port}`;
}

const SPECIAL: Record<string, SpecialParser> = {
  save: normalizeSave,
  'client-output-buffer-limit': normalizeObufLimit,
  'notify-keyspace-events': normalizeEvents,
  bind: normalizeBind,
  dir: normalizeDir,
  'oom-score-adj-values': normalizeOomValues,
  'latency-tracking-info-percentiles': normalizePercentiles,
  replicaof: normalizeReplicaof,
};

/** Directives a config-file line may give several arguments to (joined with spaces). */
export const MULTI_ARG = new Set(['save', 'client-output-buffer-limit', 'bind', 'oom-score-adj-values', 'latency-tracking-info-percentiles', 'replicaof']);

/** Formats a byte count the way CONFIG REWRITE writes memory values (1gb, 512mb, 64kb or bytes). */
export function humanMemory(v: string): string {
  const n = BigInt(v);
  for (const [unit, mult] of [['gb', 1024n ** 3n], ['mb', 1024n ** 2n], ['kb', 1024n]] as const) {
    if (n !== 0n && n % mult === 0n) return `${n / mult}${unit}`;
  }
  return v;
}
