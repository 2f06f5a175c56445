/**
 * DEBUG: the testing hooks Redis's own test suites and client libraries
 * rely on (SLEEP, OBJECT, POPULATE, DIGEST, SET-ACTIVE-EXPIRE, HELP).
 * Guarded by the enable-debug-command directive as in Redis 7.
 */
import { Err, fail } from '../errors.js';
import { hashKey } from '../keyspace/dict.js';
import type { Client } from '../net/client.js';
import { datasetDigest, keyValueDigest } from '../persistence/digest.js';
import { lzfCompress } from '../types/lzf.js';
import { stringEncoding } from '../types/strings.js';
import type { Value } from '../types/value.js';
import { intArg } from './args.js';
import { writeHelp } from './command.js';
import type { CommandDef } from './table.js';
import { debugReloadCommand } from './rdb.js';

/** Is DEBUG allowed for this client (enable-debug-command yes, or local and a loopback peer)? */
function debugAllowed(c: Client): boolean {
  if (c.server.config.directive('enable-debug-command') === undefined) return true;
  const mode = c.server.config.get('enable-debug-command');
  if (mode === 'yes') return true;
  if (mode !== 'local') return false;
  const a = c.socket?.remoteAddress ?? '';
  return c.socket === null || a === '' || a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

function subcommandError(sub: string): never {
  fail(`ERR unknown subcommand or wrong number of arguments for '${sub}'. Try DEBUG HELP.`);
}

/** C's atof: the longest numeric prefix, 0 when there is none. */
function atof(s: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(s);
  return m === null ? 0 : Number(m[0]);
}

/** C's atoi. */
function atoi(s: string): number {
  const m = /^\s*[+-]?\d+/.exec(s);
  return m === null ? 0 : Number(m[0]) | 0;
}

// DEBUG SLEEP seconds: blocks the whole server, as in Redis.
function sleep(c: Client, argv: string[]): void {
  const ms = atof(argv[2]) * 1000;
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  c.ok();
}

/** RDB length-prefix size of `len`. */
function rdbLenSize(len: number): number {
  return len < 64 ? 1 : len < 16384 ? 2 : len <= 0xffffffff ? 5 : 9;
}

/** Length of a string once written to an RDB file, as Redis's rdbSaveRawString sizes it. */
function rdbStringLength(s: string): number {
  // Redis stores small integers in 1, 2 or 4 bytes after a one-byte header.
  if (s.length <= 11 && /^(0|-?[1-9][0-9]*)$/.test(s)) {
    const n = Number(s);
    if (n >= -128 && n <= 127) return 2;
    if (n >= -32768 && n <= 32767) return 3;
    if (n >= -2147483648 && n <= 2147483647) return 5;
  }
  const len = s.length;
  // Strings over 20 bytes are LZF-compressed when that saves more than 4 bytes.
  if (len > 20) {
    const z = lzfCompress(Buffer.from(s, 'latin1'), len - 4);
    if (z !== null) return 1 + rdbLenSize(z.length) + rdbLenSize(len) + z.length;
  }
  return rdbLenSize(len) + len;
}

function encodingOf(v: Value, c: Client, key: string): string {
  return typeof v === 'string' ? stringEncoding(v, c.db, key) : v.encoding();
}

// DEBUG OBJECT key
function object(c: Client, argv: string[]): void {
  const key = argv[2];
  // Why no access: Redis reads the dictionary directly here.
  const v = c.db.peekNoTouch(key);
  if (v === undefined) fail(Err.noSuchKey);
  const enc = encodingOf(v, c, key);
  // Redis shares the objects of the integers 0..9999 (refcount INT_MAX).
  const shared = typeof v === 'string' && enc === 'int' && /^(0|[1-9][0-9]{0,3})$/.test(v);
  const refcount = shared ? 2147483647 : 1;
  const addr = '0x7f' + (hashKey(key) >>> 0).toString(16).padStart(8, '0') + '00';
  const serialized = typeof v === 'string' ? rdbStringLength(v) : 0;
  // lru: is the raw 24-bit field (LFU bits under an LFU policy); the idle
  // seconds are computed from it as LRU data whatever the policy, as Redis does.
  const lru = c.db.accessOf(key);
  const idle = c.db.clock.idleSeconds(lru);
  c.simple(`Value at:${addr} refcount:${refcount} encoding:${enc} serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}`);
}

const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';

/** A count in 0..LONG_MAX (Redis's getPositiveLongFromObjectOrReply). */
function positiveLong(s: string): number {
  const n = intArg(s, MUST_BE_POSITIVE);
  if (n < 0) fail(MUST_BE_POSITIVE);
  return n;
}

/** Redis formats POPULATE's key names into a 128-byte buffer: longer names are cut to 127 bytes. */
const POPULATE_KEY_MAX = 127;
/** Room for the decimal digits of any count. */
const MAX_DIGITS = 20;

interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}

/** The prefix as C's "%s" prints it: up to its first NUL byte. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** Writes the decimal digits of `n` at `at` in `buf`. */
function writeDecimal(buf: Buffer, at: number, n: number): void {
  let end = at + 1;
  for (let t = n; t >= 10; t = Math.floor(t / 10)) end++;
  for (let i = end - 1, t = n; i >= at; i--, t = Math.floor(t / 10)) buf[i] = 48 + (t % 10);
}

// DEBUG POPULATE count [prefix] [size]
// Why no propagation and no dirty count: Redis adds the keys with dbAdd and
// never counts them as changes, so replicas and the AOF never see them. It
// does signal each key (WATCH, tracking) and raise the 'new' event.
function populate(c: Client, argv: string[]): void {
  const count = positiveLong(argv[2]);
  const size = argv.length === 5 ? positiveLong(argv[4]) : 0;
  if (count === 0) return c.ok();
  const prefix = (argv.length >= 4 ? cString(argv[3]) : 'key') + ':';
  // A sized value is "value:<n>" cut or followed by zeros (Redis's zero-filled
  // allocation), sliced out of this buffer as one flat string per key.
  const padded = size === 0 ? null : (Buffer.alloc(Math.max(size, 6 + MAX_DIGITS)) as Latin1Buffer);
  padded?.write('value:', 0, 'latin1');
  const db = c.db;
  const server = c.server;
  // The usual benchmark set-up (an empty database, names short enough not to
  // be cut) cannot meet an existing key or a duplicate: skip the lookups.
  const fresh = db.size === 0 && prefix.length + String(count - 1).length <= POPULATE_KEY_MAX;
  // A BGSAVE or AOF rewrite in progress must not see keys added after its
  // point in time; the dispatch gate could not name them (DEBUG has no key specs).
  const snapshotting = server.beforeWrite !== null || server.snapshotBeforeWrite !== null;
  const setCmd = server.commands.get('set')!;
  for (let j = 0; j < count; j++) {
    let key = prefix + j;
    if (!fresh) {
      if (key.length > POPULATE_KEY_MAX) key = key.slice(0, POPULATE_KEY_MAX);
      // A write lookup: a logically expired key is removed first, then replaced.
      if (db.peek(key) !== undefined) continue;
    }
    if (snapshotting) {
      const argv = ['SET', key, ''];
      server.beforeWrite?.(c, setCmd, argv);
      server.snapshotBeforeWrite?.(c, setCmd, argv);
    }
    if (padded === null) db.set(key, 'value:' + j);
    else {
      writeDecimal(padded, 6, j);
      db.set(key, padded.latin1Slice(0, size));
    }
    server.keyChanged(db, key, '', '');
  }
  c.ok();
}

// DEBUG DIGEST
function digest(c: Client): void {
  c.simple(datasetDigest(c.server.dbs).toString('hex'));
}

// DEBUG DIGEST-VALUE [key ...]
function digestValue(c: Client, argv: string[]): void {
  c.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.simple(keyValueDigest(c.db, argv[i]).toString('hex'));
}

// DEBUG SET-ACTIVE-EXPIRE 0|1
function setActiveExpire(c: Client, argv: string[]): void {
  c.server.activeExpireEnabled = atoi(argv[2]) !== 0;
  c.ok();
}

/** DEBUG PROTOCOL's sample replies, one per RESP type. */
const PROTOCOL_SAMPLES: Record<string, (c: Client) => void> = {
  string: (c) => c.bulk('Hello World'),
  integer: (c) => c.integer(12345),
  double: (c) => c.double(3.141),
  bignum: (c) => c.bigNumber('1234567999999999999999999999999999999'),
  null: (c) => c.nil(),
  array: (c) => {
    c.array(3);
    for (let i = 0; i < 3; i++) c.integer(i);
  },
  set: (c) => {
    c.set(3);
    for (let i = 0; i < 3; i++) c.integer(i);
  },
  map: (c) => {
    c.map(3);
    for (let i = 0; i < 3; i++) {
      c.integer(i);
      c.bool(i === 1);
    }
  },
  attrib: (c) => {
    c.attribute(1);
    if (c.resp === 3) {
      c.bulk('key-popularity');
      c.array(2);
      c.bulk('key:123');
      c.integer(90);
    }
    c.bulk('Some real reply following the attribute');
  },
  push: (c) => {
    if (c.resp === 2) fail('ERR RESP2 is not supported by this command');
    c.push(2);
    c.bulk('server-cpu-usage');
    c.integer(42);
    c.bulk('Some real reply following the push reply');
  },
  verbatim: (c) => c.verbatim('This is a verbatim\nstring'),
  true: (c) => c.bool(true),
  false: (c) => c.bool(false),
};

// DEBUG PROTOCOL type
function protocol(c: Client, argv: string[]): void {
  const sample = PROTOCOL_SAMPLES[argv[2].toLowerCase()];
  if (sample === undefined) {
    fail('ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false');
  }
  sample(c);
}

const HELP = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DIGEST',
  '    Reply with the 40-hex-digit digest of the whole dataset (all zeros when empty).',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Reply with one digest per key, of its value and whether it has a TTL (zeros for a missing key).',
  'ERROR <string>',
    '    Reply with <string> as an error.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>, or <prefix>:<num>, with values value:<num> cut or padded to <size> bytes. Not propagated.',
  'PROTOCOL <type>',
  '    Reply with a sample of a RESP type: string, integer, double, bignum, null, array, set, map, attrib, push, verbatim, true, false.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    0 disables the background expiry of keys (keys still expire when accessed), 1 enables it again.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Options: MERGE, NOFLUSH, NOSAVE.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds> (decimals allowed).',
  'HELP',
  '    Prints this help.',
];

/** Subcommand name → [argument count including DEBUG and the name, handler]. */
const SUBCOMMANDS: Record<string, [number, (c: Client, argv: string[]) => void]> = {
  sleep: [3, sleep],
  object: [3, object],
  digest: [2, digest],
  'set-active-expire': [3, setActiveExpire],
  protocol: [3, protocol],
  // The argument is the whole error line, code included, as Redis sends it.
  error: [3, (c, argv) => c.error(argv[2])],
  log: [3, (c, argv) => {
    c.server.log('warning', `DEBUG LOG: ${argv[2]}`);
    c.ok();
  }],
  help: [2, (c) => writeHelp(c, HELP)],
};

// DEBUG subcommand [argument ...]
function debug(c: Client, argv: string[]): void {
  if (!debugAllowed(c)) {
    fail(
      'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, ' +
        'otherwise you need to set this option in the configuration file, and then restart the server.',
    );
  }
  const name = argv[1].toLowerCase();
  // RELOAD takes a variable list of options (persistence/rdb/manager.ts).
  if (name === 'reload') return debugReloadCommand(c, argv);
  // DIGEST-VALUE takes any number of keys, none included.
  if (name === 'digest-value') return digestValue(c, argv);
  if (name === 'populate') {
    if (argv.length < 3 || argv.length > 5) subcommandError(argv[1]);
    return populate(c, argv);
  }
  const sub = SUBCOMMANDS[name];
  if (sub === undefined || sub[0] !== argv.length) subcommandError(argv[1]);
  sub[1](c, argv);
}

export const debugCommands: CommandDef[] = [{ name: 'debug', handler: debug }];
