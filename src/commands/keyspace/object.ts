/**
 * OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP.
 *
 * IDLETIME and FREQ read the key's 24-bit access field (keyspace/access-clock.ts),
 * kept as Redis keeps it in the object header. OBJECT itself is not an access
 * (Redis's LOOKUP_NOTOUCH) but counts a keyspace hit or miss.
 * Deviation: Redis's shared integer objects (values 0..9999 while no LRU/LFU
 * maxmemory limit applies) share one access field between every key holding
 * them; respite keeps one field per key.
 */
import { fail } from '../../errors.js';
import type { Client } from '../../net/client.js';
import { parseInt64 } from '../../types/int64.js';
import type { Database } from '../../keyspace/db.js';
import { stringEncoding } from '../../types/strings.js';
import type { Value } from '../../types/value.js';
import type { CommandDef } from '../table.js';

/** Redis's OBJ_SHARED_INTEGERS: 0..9999 are shared objects. */
const SHARED_INTEGERS = 10000;
/** OBJ_SHARED_REFCOUNT: what OBJECT REFCOUNT shows for a shared object. */
const SHARED_REFCOUNT = 2147483647;
/** The encoding name of the value at key; aggregate types report their own. */
function encodingOf(db: Database, key: string, v: Value): string {
  if (typeof v === 'string') return stringEncoding(v, db, key);
  const e = (v as { encoding?: string | (() => string) }).encoding;
  if (typeof e === 'function') return e.call(v);
  if (typeof e === 'string') return e;
  return v.type === 'list' ? 'quicklist' : v.type === 'stream' ? 'stream' : 'hashtable';
}

function maxmemoryPolicy(c: Client): string {
  try {
    return c.server.config.get('maxmemory-policy');
  } catch {
    return 'noeviction';
  }
}

function lfuPolicy(c: Client): boolean {
  return c.db.clock.lfu;
}

/**
 * Whether the value at key is one of Redis's shared integer objects. Deviation:
 * a COPY of a shared integer is a private object in Redis (REFCOUNT 1); we
 * report the shared count since values carry no identity.
 */
function isSharedInteger(c: Client, key: string, v: Value): boolean {
  if (typeof v !== 'string' || v.length > 4 || stringEncoding(v, c.db, key) !== 'int') return false;
  const n = parseInt64(v);
  if (n === null || n < 0 || n >= SHARED_INTEGERS) return false;
  // Why: with maxmemory set and an LRU/LFU policy Redis stops sharing integers
  // (each object needs its own access data).
  const policy = maxmemoryPolicy(c);
  let maxmemory = 0;
  try {
    maxmemory = c.server.config.int('maxmemory');
  } catch {
    /* not configurable yet */
  }
  return maxmemory === 0 || !(policy.endsWith('-lru') || policy.endsWith('-lfu'));
}

/** The value at key for OBJECT (counts a hit or miss, not an access), or null reply and undefined. */
function lookup(c: Client, key: string): Value | undefined {
  const v = c.db.getNoTouch(key);
  if (v === undefined) c.nil();
  return v;
}

// OBJECT ENCODING key
function encoding(c: Client, argv: string[]): void {
  const v = lookup(c, argv[2]);
  if (v !== undefined) c.bulk(encodingOf(c.db, argv[2], v));
}

// OBJECT REFCOUNT key
function refcount(c: Client, argv: string[]): void {
  const v = lookup(c, argv[2]);
  if (v !== undefined) c.integer(isSharedInteger(c, argv[2], v) ? SHARED_REFCOUNT : 1);
}

// OBJECT IDLETIME key
function idletime(c: Client, argv: string[]): void {
  const v = lookup(c, argv[2]);
  if (v === undefined) return;
  if (lfuPolicy(c)) {
    fail(
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  c.integer(c.db.clock.idleSeconds(c.db.accessOf(argv[2])));
}

// OBJECT FREQ key
function freq(c: Client, argv: string[]): void {
  const v = lookup(c, argv[2]);
  if (v === undefined) return;
  if (!lfuPolicy(c)) {
    fail(
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  }
  c.integer(c.db.clock.frequency(c.db.accessOf(argv[2])));
}

const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

// OBJECT HELP
function help(c: Client): void {
  c.array(HELP.length);
  for (const line of HELP) c.simple(line);
}

export const objectCommands: CommandDef[] = [
  { name: 'object|encoding', handler: encoding },
  { name: 'object|refcount', handler: refcount },
  { name: 'object|idletime', handler: idletime },
  { name: 'object|freq', handler: freq },
  { name: 'object|help', handler: help },
];
